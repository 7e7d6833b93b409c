// Prompt files → structure with offsets: front matter (model, max_tokens), role sections
// (messages) and template placeholders. Pure text processing, linear time, never throws.

import { parseDocument, type Document as YamlDocument, type Node as YamlNode } from 'yaml';
import { findPlaceholders, type PlaceholderStyles } from './placeholders';
import { makeModelRef, providerForConfigType } from './model';
import type { ModelRef, OffsetRange, Placeholder, PromptDiagnostic, PromptRole } from './types';
import { lastAtOrBefore } from '../sorted';

export type PromptFormat = 'prompty' | 'prompt-md' | 'prompt' | 'jinja' | 'markdown' | 'text';

export interface PromptMessage {
  role: PromptRole;
  /** Prompty `user[name="Jane"]:` → `Jane` (adds chat overhead). */
  name?: string;
  /**
   * What is sent: the section text with surrounding whitespace trimmed (as Prompty does) and
   * line endings normalised to `\n` (as Python runtimes read files). Placeholders stay as written.
   */
  content: string;
  /** Offsets of the trimmed content in the document (empty range at the section start if empty). */
  range: OffsetRange;
  /** From the start of the header line (or of the body, for an implicit message) to the next header. */
  sectionRange: OffsetRange;
  /** Offsets of the header line without its line break; absent for implicit messages. */
  headerRange?: OffsetRange;
  /** 0-based line of the header (for an implicit message: the first content line). Put the CodeLens here. */
  headerLine: number;
  /** 0-based line where `content` starts. */
  startLine: number;
  /** True when no header introduced it (whole body without sections, or text before the first header). */
  implicit: boolean;
  /** Placeholders inside this section. */
  placeholders: Placeholder[];
}

export interface FrontMatter {
  /** From the opening `---` to the end of the closing `---` line, line break included. */
  range: OffsetRange;
  /** The YAML text between the fences. */
  contentRange: OffsetRange;
  /** Parsed YAML (plain JS), undefined when it could not be parsed. */
  data: unknown;
}

export interface PromptDocument {
  fileName: string;
  format: PromptFormat;
  /** The document starts with U+FEFF (offsets still count it). */
  bom: boolean;
  frontMatter?: FrontMatter;
  /** Same as `frontMatter?.range`, for convenience. */
  frontMatterRange?: OffsetRange;
  /** `provider:model` when derivable, else the model as written. */
  model?: string;
  modelRef?: ModelRef;
  /** Expected output: `parameters.max_tokens` (or `max_completion_tokens`, `max_output_tokens`, `options.maxOutputTokens`, `config.maxOutputTokens`). */
  maxTokens?: number;
  /** Prompty `model.api` (`chat` | `completion`); completion prompts get no chat overhead. */
  api?: string;
  /** Offsets of the body (after front matter). */
  body: OffsetRange;
  /** 0-based line where the body starts. */
  bodyStartLine: number;
  messages: PromptMessage[];
  /** All placeholders of the body, in order. */
  placeholders: Placeholder[];
  diagnostics: PromptDiagnostic[];
}

export interface ParseOptions {
  /** Which placeholder syntaxes to look for; default depends on the format (see `defaultPlaceholderStyles`). */
  placeholderStyles?: PlaceholderStyles;
  /** Treat markdown headings named after roles (`## User`) as sections. Default: every format except `.prompty`. */
  roleHeadings?: boolean;
  /** Front matter longer than this is not parsed as YAML (diagnostic instead). Default 256 KiB. */
  maxFrontMatterLength?: number;
}

export function detectPromptFormat(fileName: string): PromptFormat {
  const f = fileName.toLowerCase();
  if (f.endsWith('.prompty')) return 'prompty';
  if (f.endsWith('.prompt.md')) return 'prompt-md';
  if (f.endsWith('.prompt')) return 'prompt';
  if (f.endsWith('.jinja') || f.endsWith('.jinja2') || f.endsWith('.j2')) return 'jinja';
  if (f.endsWith('.md') || f.endsWith('.markdown') || f.endsWith('.mdx')) return 'markdown';
  return 'text';
}

/**
 * Prompty and Jinja templates only substitute `{{ }}`; `.prompt.md` (VS Code prompt files) uses
 * `${var}`; plain text/markdown/`.prompt` prompts are often Python format strings too.
 */
export function defaultPlaceholderStyles(format: PromptFormat): PlaceholderStyles {
  switch (format) {
    case 'prompty':
    case 'jinja':
      return { mustache: true, format: false, dollar: false };
    case 'prompt-md':
      return { mustache: true, format: false, dollar: true };
    default:
      return { mustache: true, format: true, dollar: false };
  }
}

const ROLE_LINE = /^#?\s*(system|user|assistant|developer|tool|function)\s*(\[[^\]]*\])?\s*:$/i;
const HEADING = /^ {0,3}#{1,6}[ \t]+(.*?)[ \t#]*$/;
const HEADING_ROLE = /^(system|user|assistant|developer|human)(?:\s+(?:prompt|message|instructions?))?\s*:?$/i;
const MAX_HEADER_LINE = 200;

/** `user:` / `# system:` / `user[name="Jane"]:` (Prompty syntax). */
export function parseRoleLine(line: string): { role: PromptRole; name?: string } | undefined {
  const t = line.trim();
  if (t.length === 0 || t.length > MAX_HEADER_LINE || t.charCodeAt(t.length - 1) !== 58 /* : */) return undefined;
  const m = ROLE_LINE.exec(t);
  if (!m) return undefined;
  const role = m[1].toLowerCase() as PromptRole;
  let name: string | undefined;
  if (m[2]) {
    const n = /name\s*=\s*(?:"([^"]*)"|'([^']*)'|([^,\]\s]+))/.exec(m[2]);
    if (n) name = n[1] ?? n[2] ?? n[3];
  }
  return name ? { role, name } : { role };
}

/** `# System`, `## User message`, `### Assistant:` → role. */
export function parseRoleHeading(line: string): PromptRole | undefined {
  if (line.length > MAX_HEADER_LINE) return undefined;
  const m = HEADING.exec(line);
  if (!m) return undefined;
  const h = HEADING_ROLE.exec(m[1].replace(/\s+/g, ' '));
  if (!h) return undefined;
  const r = h[1].toLowerCase();
  return (r === 'human' ? 'user' : r) as PromptRole;
}

interface Header {
  role: PromptRole;
  name: string | undefined;
  line: number;
  start: number;
  lineEnd: number;
  next: number;
}

function isWs(c: number): boolean {
  return c === 32 || c === 9 || c === 10 || c === 13 || c === 12 || c === 11 || c === 0xfeff || c === 0xa0;
}

function trimRange(text: string, start: number, end: number): OffsetRange {
  let s = start;
  let e = end;
  while (s < e && isWs(text.charCodeAt(s))) s++;
  while (e > s && isWs(text.charCodeAt(e - 1))) e--;
  return { start: s, end: e };
}

function countNewlines(text: string, from: number, to: number): number {
  let n = 0;
  for (let i = text.indexOf('\n', from); i >= 0 && i < to; i = text.indexOf('\n', i + 1)) n++;
  return n;
}

/** Fence opener/closer: up to 3 spaces then ``` or ~~~ (3+). Returns the fence marker or undefined. */
function fenceMarker(text: string, start: number, end: number): string | undefined {
  let i = start;
  while (i < end && i - start < 3 && text.charCodeAt(i) === 32) i++;
  const c = text[i];
  if (c !== '`' && c !== '~') return undefined;
  let k = i;
  while (k < end && text[k] === c) k++;
  return k - i >= 3 ? text.slice(i, k) : undefined;
}

export function parsePromptDocument(text: string, fileName: string, options: ParseOptions = {}): PromptDocument {
  const format = detectPromptFormat(fileName);
  const styles = options.placeholderStyles ?? defaultPlaceholderStyles(format);
  const roleHeadings = options.roleHeadings ?? format !== 'prompty';
  const diagnostics: PromptDiagnostic[] = [];
  const len = text.length;
  const bom = len > 0 && text.charCodeAt(0) === 0xfeff;
  const doc: PromptDocument = {
    fileName,
    format,
    bom,
    body: { start: bom ? 1 : 0, end: len },
    bodyStartLine: 0,
    messages: [],
    placeholders: [],
    diagnostics,
  };

  // ---- front matter ----
  const fm = findFrontMatter(text, bom ? 1 : 0);
  if (fm === 'unclosed') {
    diagnostics.push({
      severity: 'warning',
      code: 'front-matter-unclosed',
      message: 'Front matter starts with "---" but has no closing "---" line; the file is read as prompt text.',
      range: { start: bom ? 1 : 0, end: Math.min(len, (bom ? 1 : 0) + 3) },
    });
  } else if (fm) {
    doc.frontMatter = { range: fm.range, contentRange: fm.contentRange, data: undefined };
    doc.frontMatterRange = fm.range;
    doc.body = { start: fm.range.end, end: len };
    doc.bodyStartLine = countNewlines(text, 0, fm.range.end);
    readFrontMatter(text, doc, options.maxFrontMatterLength ?? 256 * 1024);
  }

  // ---- sections ----
  const headers: Header[] = [];
  let pos = doc.body.start;
  let line = doc.bodyStartLine;
  let fence: string | undefined;
  while (pos < len) {
    const nl = text.indexOf('\n', pos);
    const lineEnd = nl < 0 ? len : nl;
    const next = nl < 0 ? len : nl + 1;
    const contentEnd = lineEnd > pos && text.charCodeAt(lineEnd - 1) === 13 ? lineEnd - 1 : lineEnd;
    const short = contentEnd - pos <= MAX_HEADER_LINE;
    const marker = short ? fenceMarker(text, pos, contentEnd) : undefined;
    const fenceAware = format !== 'prompty'; // Prompty splits on role lines even inside code fences
    if (marker && fenceAware) {
      if (!fence) fence = marker;
      else if (marker[0] === fence[0] && marker.length >= fence.length && text.slice(pos, contentEnd).trim() === marker) fence = undefined;
    } else if (short && (!fence || !fenceAware)) {
      const lineText = text.slice(pos, contentEnd);
      const r = parseRoleLine(lineText);
      if (r) headers.push({ role: r.role, name: r.name, line, start: pos, lineEnd: contentEnd, next });
      else if (roleHeadings && !fence) {
        const h = parseRoleHeading(lineText);
        if (h) headers.push({ role: h, name: undefined, line, start: pos, lineEnd: contentEnd, next });
      }
    }
    pos = next;
    line++;
  }

  // ---- placeholders ----
  findPlaceholders(text, styles, doc.body.start, len, doc.placeholders);

  // ---- messages ----
  const mk = (
    role: PromptRole,
    secStart: number,
    contentStart: number,
    secEnd: number,
    headerLine: number,
    contentStartLine: number,
    header?: Header,
  ): PromptMessage => {
    const r = trimRange(text, contentStart, secEnd);
    const startLine = contentStartLine + countNewlines(text, contentStart, r.start);
    const m: PromptMessage = {
      role,
      content: text.slice(r.start, r.end).replace(/\r\n?/g, '\n'),
      range: r.start < r.end ? r : { start: contentStart, end: contentStart },
      sectionRange: { start: secStart, end: secEnd },
      headerLine: header ? headerLine : startLine,
      startLine,
      implicit: !header,
      placeholders: [],
    };
    if (header) {
      m.headerRange = { start: header.start, end: header.lineEnd };
      if (header.name) m.name = header.name;
    }
    return m;
  };
  const bodyStart = doc.body.start;
  if (headers.length === 0) {
    const r = trimRange(text, bodyStart, len);
    if (r.start < r.end) doc.messages.push(mk(format === 'prompty' ? 'system' : 'user', bodyStart, bodyStart, len, 0, doc.bodyStartLine));
  } else {
    const pre = trimRange(text, bodyStart, headers[0].start);
    if (pre.start < pre.end) doc.messages.push(mk('system', bodyStart, bodyStart, headers[0].start, 0, doc.bodyStartLine));
    for (let k = 0; k < headers.length; k++) {
      const h = headers[k];
      const secEnd = k + 1 < headers.length ? headers[k + 1].start : len;
      doc.messages.push(mk(h.role, h.start, h.next, secEnd, h.line, h.line + 1, h));
    }
  }
  // Assign placeholders to sections (both lists are sorted by offset).
  let mi = 0;
  for (const p of doc.placeholders) {
    while (mi < doc.messages.length && doc.messages[mi].sectionRange.end <= p.range.start) mi++;
    if (mi >= doc.messages.length) break;
    if (doc.messages[mi].sectionRange.start <= p.range.start) doc.messages[mi].placeholders.push(p);
  }
  return doc;
}

interface FoundFrontMatter {
  range: OffsetRange;
  contentRange: OffsetRange;
}

function findFrontMatter(text: string, start: number): FoundFrontMatter | 'unclosed' | undefined {
  if (!text.startsWith('---', start)) return undefined;
  const firstNl = text.indexOf('\n', start);
  const firstLine = text.slice(start, firstNl < 0 ? text.length : firstNl);
  if (firstLine.trimEnd() !== '---') return undefined;
  if (firstNl < 0) return 'unclosed';
  const contentStart = firstNl + 1;
  let pos = contentStart;
  while (pos < text.length) {
    const nl = text.indexOf('\n', pos);
    const lineEnd = nl < 0 ? text.length : nl;
    // Closing fence: `---` (trailing whitespace allowed). Only look at short lines.
    if (lineEnd - pos <= 8 && text.startsWith('---', pos) && text.slice(pos, lineEnd).trimEnd() === '---') {
      return { range: { start, end: nl < 0 ? text.length : nl + 1 }, contentRange: { start: contentStart, end: pos } };
    }
    pos = nl < 0 ? text.length : nl + 1;
  }
  return 'unclosed';
}

function clampRange(r: OffsetRange, min: number, max: number): OffsetRange {
  const s = Math.max(min, Math.min(max, r.start));
  const e = Math.max(s, Math.min(max, r.end));
  return { start: s, end: e };
}

function readFrontMatter(text: string, doc: PromptDocument, maxLen: number): void {
  const fm = doc.frontMatter!;
  const base = fm.contentRange.start;
  const src = text.slice(fm.contentRange.start, fm.contentRange.end);
  if (src.length > maxLen) {
    doc.diagnostics.push({
      severity: 'info',
      code: 'front-matter-too-large',
      message: `Front matter is larger than ${maxLen} characters and was not read.`,
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
    ydoc = parseDocument(src, { uniqueKeys: true, prettyErrors: false });
  } catch (e) {
    doc.diagnostics.push({
      severity: 'error',
      code: 'front-matter-yaml',
      message: `Front matter: ${(e as Error).message}`,
      range: toDoc(undefined),
    });
    return;
  }
  for (const [problems, severity] of [
    [ydoc.errors, 'error'],
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
      message: `Front matter YAML: ${firstLine((e as Error).message)}`,
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
  const ref = modelRefOf(data.model, doc, nodeRange);
  if (ref) {
    doc.modelRef = ref;
    doc.model = ref.id;
  }
  readMaxTokens(data, doc, (path) => nodeRange(path) ?? toDoc(undefined));
}

/** The model a front matter names: a string, Prompty v2 `{ id, provider }` or v1 `{ configuration: … }`; sets `doc.api`. */
function modelRefOf(
  m: unknown,
  doc: PromptDocument,
  nodeRange: (path: (string | number)[]) => OffsetRange | undefined,
): ModelRef | undefined {
  let ref: ModelRef | undefined;
  if (typeof m === 'string') {
    ref = modelFromString(m, undefined, nodeRange(['model']));
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
        message: `${path.join('.')} should be a positive integer (got ${JSON.stringify(v)}).`,
        range: rangeOf(path),
      });
    }
    break;
  }
}

/** Dotprompt writes `googleai/gemini-1.5-pro`; map its plugin prefixes to providers. */
const SLASH_PROVIDERS: Record<string, string> = { googleai: 'google', vertexai: 'google', openai: 'openai', anthropic: 'anthropic' };

function modelFromString(value: string, providerHint: string | undefined, range: OffsetRange | undefined): ModelRef | undefined {
  const v = value.trim();
  const slash = /^([a-z]+)\/([A-Za-z0-9][\w.\-:@]*)$/.exec(v);
  if (slash && SLASH_PROVIDERS[slash[1]]) return makeModelRef(`${SLASH_PROVIDERS[slash[1]]}:${slash[2]}`, undefined, range);
  return makeModelRef(v, providerHint, range);
}

function isMap(v: unknown): v is Record<string, unknown> {
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

/** Maps offsets to 0-based lines/characters (for the CLI and tests; the extension has `document.positionAt`). */
export class LineIndex {
  private readonly starts: number[] = [0];
  constructor(text: string) {
    for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) this.starts.push(i + 1);
  }
  get lineCount(): number {
    return this.starts.length;
  }
  positionAt(offset: number): { line: number; character: number } {
    const line = lastAtOrBefore(this.starts, offset);
    return { line, character: offset - this.starts[line] };
  }
  offsetAt(line: number, character: number): number {
    const l = Math.max(0, Math.min(line, this.starts.length - 1));
    return this.starts[l] + character;
  }
}

/** The message whose section contains `offset` (for hover on a section). */
export function messageAt(doc: PromptDocument, offset: number): PromptMessage | undefined {
  return doc.messages.find((m) => m.sectionRange.start <= offset && offset < Math.max(m.sectionRange.end, m.sectionRange.start + 1));
}
