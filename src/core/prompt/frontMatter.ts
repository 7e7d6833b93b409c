// A prompt file's front matter: where each format's runtime finds it (fences, what may come before it),
// and what it says — model, max tokens, tools and output schema — read from its YAML with located diagnostics.
// (Split from document.ts, which finds the sections; both fill one PromptDocument.)
import { parseDocument, type Document as YamlDocument, type Node as YamlNode } from 'yaml';
import { makeModelRef, modelFromDisplayName, providerForConfigType } from './model';
import type { ModelRef, OffsetRange } from './types';
import type { PromptDocument, ToolDefinition } from './document';
import { shownValue } from '../untrustedText';
import { errorText } from '../errors';
import { duplicateKeys, yamlRefusal } from './yamlGuard';
import { formatSpec, type PromptFormat } from './formats';
import { splitModelList } from '../modelSpelling';

/** Whitespace a format allows around fences and sections (a BOM and no-break space included). */
export function isWs(c: number): boolean {
  return c === 32 || c === 9 || c === 10 || c === 13 || c === 12 || c === 11 || c === 0xfeff || c === 0xa0;
}

interface FoundFrontMatter {
  range: OffsetRange;
  contentRange: OffsetRange;
  unclosed?: boolean;
}

/**
 * Front matter where each runtime finds it: at the start of the file; Prompty also after leading
 * whitespace and with `+++` fences (spec §2.2); dotprompt also after blank lines and `#` comment or
 * licence lines (js/src/parse.ts FRONTMATTER_AND_BODY_REGEX).
 */
export function findFrontMatter(text: string, start: number, format: PromptFormat = 'text'): FoundFrontMatter | 'unclosed' | undefined {
  let open = start;
  const { frontMatterAfter, frontMatterFences: fences } = formatSpec(format);
  if (frontMatterAfter === 'whitespace') {
    while (open < text.length && isWs(text.charCodeAt(open))) open++;
  } else if (frontMatterAfter === 'comment-lines') {
    // Lines that are blank or start with `#`, before the `---` line.
    for (;;) {
      const nl = text.indexOf('\n', open);
      if (nl < 0) break;
      const lineText = text.slice(open, nl);
      if (lineText.startsWith('#') || /^[ \t]*\r?$/.test(lineText)) open = nl + 1;
      else break;
    }
  }
  if (!fences.some((f) => text.startsWith(f, open))) return undefined;
  const firstNl = text.indexOf('\n', open);
  const firstLine = text.slice(open, firstNl < 0 ? text.length : firstNl);
  if (!fences.includes(firstLine.trimEnd())) return undefined;
  if (firstNl < 0) return 'unclosed';
  const contentStart = firstNl + 1;
  let pos = contentStart;
  while (pos < text.length) {
    const nl = text.indexOf('\n', pos);
    const lineEnd = nl < 0 ? text.length : nl;
    // Closing fence: `---` (trailing whitespace allowed). Only look at short lines.
    if (lineEnd - pos <= 8 && fences.includes(text.slice(pos, lineEnd).trimEnd())) {
      return { range: { start: open, end: nl < 0 ? text.length : nl + 1 }, contentRange: { start: contentStart, end: pos } };
    }
    pos = nl < 0 ? text.length : nl + 1;
  }
  return { range: { start: open, end: Math.min(text.length, open + 3) }, contentRange: { start: open, end: open }, unclosed: true };
}

function clampRange(r: OffsetRange, min: number, max: number): OffsetRange {
  const s = Math.max(min, Math.min(max, r.start));
  const e = Math.max(s, Math.min(max, r.end));
  return { start: s, end: e };
}

export function readFrontMatter(text: string, doc: PromptDocument, maxLen: number): void {
  const fm = doc.frontMatter!;
  const base = fm.contentRange.start;
  const src = text.slice(fm.contentRange.start, fm.contentRange.end);
  // Size and nesting are checked before the YAML library sees the text (yamlGuard.ts: its cost is not linear).
  const refusal = yamlRefusal(src, maxLen);
  if (refusal) {
    doc.diagnostics.push({
      severity: 'info',
      code: src.length > maxLen ? 'front-matter-too-large' : 'front-matter-too-deep',
      message: `Front matter ${refusal} and was not read.`,
      range: { start: fm.range.start, end: fm.range.start + 3 },
    });
    return;
  }
  if (src.trim() === '') {
    fm.data = {};
    return;
  }
  const toDoc = (pos: [number, number] | undefined): OffsetRange => {
    const [s, e] = pos ?? [0, 0];
    return clampRange({ start: base + s, end: base + Math.max(e, s + 1) }, base, fm.contentRange.end);
  };
  let ydoc: YamlDocument.Parsed;
  try {
    // duplicate keys are found by duplicateKeys() in one pass: the library's own check is quadratic
    ydoc = parseDocument(src, { uniqueKeys: false, prettyErrors: false });
  } catch (e) {
    doc.diagnostics.push({
      severity: 'error',
      code: 'front-matter-yaml',
      message: `Front matter: ${errorText(e)}`,
      range: toDoc(undefined),
    });
    return;
  }
  const duplicates = duplicateKeys(ydoc).map((d) => ({
    message: 'Map keys must be unique',
    pos: [d.offset, d.offset + 1] as [number, number],
  }));
  for (const [problems, severity] of [
    [[...ydoc.errors, ...duplicates], 'error'],
    [ydoc.warnings, 'warning'],
  ] as const) {
    for (const p of problems) {
      doc.diagnostics.push({
        severity,
        code: 'front-matter-yaml',
        message: `Front matter YAML: ${firstLine(p.message)}`,
        range: toDoc(p.pos),
      });
    }
  }
  let data: unknown;
  try {
    data = ydoc.toJS({ maxAliasCount: 50 });
  } catch (e) {
    doc.diagnostics.push({
      severity: 'error',
      code: 'front-matter-yaml',
      message: `Front matter YAML: ${firstLine(errorText(e))}`,
      range: toDoc(undefined),
    });
    return;
  }
  fm.data = data;
  if (!isMap(data)) {
    if (data !== null && data !== undefined && ydoc.errors.length === 0) {
      doc.diagnostics.push({
        severity: 'warning',
        code: 'front-matter-type',
        message: 'Front matter should be a YAML mapping (key: value).',
        range: toDoc(undefined),
      });
    }
    return;
  }
  const nodeRange = (path: (string | number)[]): OffsetRange | undefined => {
    try {
      const n = ydoc.getIn(path, true) as YamlNode | undefined;
      const r = n && typeof n === 'object' && 'range' in n ? n.range : undefined;
      return r ? clampRange({ start: base + r[0], end: base + r[1] }, base, fm.contentRange.end) : undefined;
    } catch {
      return undefined;
    }
  };
  // Copilot files may list several models (the first available is used).
  const listed = Array.isArray(data.model) && typeof data.model[0] === 'string';
  // …or write them as one string, `GPT-4.1 | 'gpt-5' | 'Claude Sonnet 4.5'` (awesome-copilot agents).
  const inline = typeof data.model === 'string' && data.model.includes('|') ? splitModelList(data.model)[0] : undefined;
  const ref = modelRefOf(listed ? (data.model as unknown[])[0] : (inline ?? data.model), listed, doc, nodeRange);
  if (ref) {
    doc.modelRef = ref;
    doc.model = ref.id;
  }
  readTools(data, doc);
  readMaxTokens(data, doc, (path) => nodeRange(path) ?? toDoc(undefined));
}

/** The model a front matter names: a string, Prompty v2 `{ id, provider }` or v1 `{ configuration: … }`; sets `doc.api`. */
function modelRefOf(
  m: unknown,
  listed: boolean,
  doc: PromptDocument,
  nodeRange: (path: (string | number)[]) => OffsetRange | undefined,
): ModelRef | undefined {
  let ref: ModelRef | undefined;
  if (typeof m === 'string') {
    ref = modelFromString(m, undefined, nodeRange(listed ? ['model', 0] : ['model']));
  } else if (isMap(m)) {
    if (typeof m.api === 'string') doc.api = m.api;
    if (typeof m.apiType === 'string') doc.api = m.apiType;
    // Prompty v2: { id, provider }
    const provider = typeof m.provider === 'string' ? m.provider : undefined;
    const providerHint = providerForConfigType(provider) ?? provider?.trim().toLowerCase();
    if (typeof m.id === 'string') ref = modelFromString(m.id, providerHint, nodeRange(['model', 'id']));
    // Prompty v1: { configuration: { type, name | azure_deployment | model } } (older: `connection`)
    for (const key of ['configuration', 'connection']) {
      const c = m[key];
      if (ref || !isMap(c)) continue;
      const hint = providerForConfigType(typeof c.type === 'string' ? c.type : undefined) ?? providerHint;
      for (const field of ['model', 'name', 'azure_deployment', 'deployment', 'deployment_name']) {
        if (typeof c[field] === 'string') {
          ref = modelFromString(c[field] as string, hint, nodeRange(['model', key, field]));
          if (ref) break;
        }
      }
    }
    for (const field of ['name', 'model']) {
      if (!ref && typeof m[field] === 'string') ref = modelFromString(m[field] as string, providerHint, nodeRange(['model', field]));
    }
  }
  return ref;
}

/** Expected output tokens: the first `max_tokens`-like field present, which must be a positive integer. */
function readMaxTokens(data: Record<string, unknown>, doc: PromptDocument, rangeOf: (path: (string | number)[]) => OffsetRange): void {
  const candidates: (string | number)[][] = [
    ['model', 'parameters', 'max_tokens'],
    ['model', 'parameters', 'max_completion_tokens'],
    ['model', 'parameters', 'max_output_tokens'],
    ['model', 'options', 'maxOutputTokens'],
    ['model', 'options', 'max_output_tokens'],
    ['model', 'options', 'max_tokens'],
    ['parameters', 'max_tokens'],
    ['config', 'maxOutputTokens'],
    ['max_tokens'],
  ];
  for (const path of candidates) {
    const v = getPath(data, path);
    if (v === undefined || v === null) continue;
    if (typeof v === 'number' && Number.isSafeInteger(v) && v > 0) {
      doc.maxTokens = v;
    } else {
      doc.diagnostics.push({
        severity: 'warning',
        code: 'front-matter-type',
        message:
          typeof v === 'number' && !Number.isFinite(v)
            ? `${path.join('.')} is an absurd value: beyond a float's range, so the YAML reader made it ${v}; the estimate uses the default output tokens.`
            : `${path.join('.')} should be a positive integer (got ${shownValue(v)}).`,
        range: rangeOf(path),
      });
    }
    break;
  }
}

const PROPERTY_KIND_TYPE: Readonly<Record<string, string>> = {
  string: 'string',
  integer: 'integer',
  float: 'number',
  number: 'number',
  boolean: 'boolean',
  array: 'array',
  object: 'object',
};

/** Prompty `list[Property]` (or `{properties: [...]}`, or a name → Property map) → JSON Schema (spec §7.1.4). */
function propertiesToSchema(params: unknown): unknown {
  const list = Array.isArray(params)
    ? params
    : isMap(params) && Array.isArray(params.properties)
      ? params.properties
      : isMap(params) && !('type' in params) && !('properties' in params)
        ? Object.entries(params).map(([name, v]) => (isMap(v) ? { name, ...v } : { name, kind: typeof v }))
        : undefined;
  if (!list) return params; // already JSON Schema
  const properties: Record<string, unknown> = {};
  const required: string[] = [];
  for (const p of list) {
    if (!isMap(p) || typeof p.name !== 'string') continue;
    const prop: Record<string, unknown> = { type: PROPERTY_KIND_TYPE[String(p.kind ?? p.type)] ?? 'string' };
    if (typeof p.description === 'string') prop.description = p.description;
    const e = p.enumValues ?? p.enum;
    if (Array.isArray(e)) prop.enum = e;
    properties[p.name] = prop;
    if (p.required === true) required.push(p.name);
  }
  return { type: 'object', properties, required };
}

/**
 * Tool definitions in front matter: Prompty `tools` (kind `function`, spec §2.9, sent as OpenAI
 * function definitions §7.1.3, bound parameters stripped §2.9.1); dotprompt and Copilot `tools`
 * are names of tools defined elsewhere — said, not counted.
 */
function readTools(data: Record<string, unknown>, doc: PromptDocument): void {
  if ((isMap(data.output) && data.output.schema !== undefined) || data.outputs !== undefined)
    (doc.notes ??= []).push('The output schema is sent as a structured-output setting and is not counted.');
  const tools = data.tools;
  if (!Array.isArray(tools) || tools.length === 0) return;
  const out: ToolDefinition[] = [];
  const named: string[] = [];
  let other = 0;
  for (const t of tools) {
    if (typeof t === 'string') named.push(t);
    else if (isMap(t) && typeof t.name === 'string' && (t.kind === undefined || t.kind === 'function' || t.type === 'function')) {
      const fn = isMap(t.function) ? t.function : t;
      const schema = propertiesToSchema(fn.parameters);
      if (isMap(t.bindings) && isMap(schema) && isMap(schema.properties)) {
        const props = { ...schema.properties };
        for (const b of Object.keys(t.bindings)) delete props[b];
        const required = Array.isArray(schema.required) ? schema.required.filter((r) => !(r in (t.bindings as object))) : schema.required;
        out.push({
          kind: 'tool',
          name: t.name,
          description: typeof fn.description === 'string' ? fn.description : undefined,
          parameters: { ...schema, properties: props, required },
        });
      } else
        out.push({
          kind: 'tool',
          name: t.name,
          description: typeof fn.description === 'string' ? fn.description : undefined,
          parameters: schema,
        });
    } else other++;
  }
  const notes = (doc.notes ??= []);
  if (out.length) {
    doc.tools = out;
    notes.push(`${out.length} tool definition(s) counted as OpenAI function definitions (OpenAI cookbook rule, approximate).`);
  }
  if (named.length)
    notes.push(
      `Tools named here are defined elsewhere and not counted: ${named.slice(0, 10).join(', ')}${named.length > 10 ? ', …' : ''}.`,
    );
  if (other) notes.push(`${other} MCP/OpenAPI/custom tool(s) are resolved at run time and not counted.`);
}

/** Dotprompt writes `googleai/gemini-1.5-pro`; map its plugin prefixes to providers. */
const SLASH_PROVIDERS: Record<string, string> = { googleai: 'google', vertexai: 'google', openai: 'openai', anthropic: 'anthropic' };

function modelFromString(value: string, providerHint: string | undefined, range: OffsetRange | undefined): ModelRef | undefined {
  const v = value.trim();
  // A display name (`Claude Sonnet 4.5`, `GPT-5 mini (copilot)`) or a bare family name (`claude-sonnet-4.5`).
  if (!providerHint && (/[\s()]/.test(v) || /^(claude|gemini|grok)-/i.test(v) || /^GPT-/.test(v))) {
    const id = modelFromDisplayName(v);
    if (id) return { ...makeModelRef(id, undefined, range)!, name: v };
  }
  const slash = /^([a-z]+)\/([A-Za-z0-9][\w.\-:@]*)$/.exec(v);
  if (slash && SLASH_PROVIDERS[slash[1]]) return makeModelRef(`${SLASH_PROVIDERS[slash[1]]}:${slash[2]}`, undefined, range);
  return makeModelRef(v, providerHint, range);
}

export function isMap(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Map);
}

function getPath(data: unknown, path: (string | number)[]): unknown {
  let cur = data;
  for (const k of path) {
    if (!isMap(cur)) return undefined;
    cur = cur[k as string];
  }
  return cur;
}

function firstLine(s: string): string {
  const i = s.indexOf('\n');
  return i < 0 ? s : s.slice(0, i);
}
