// Prompt files → structure with offsets: front matter (model, max_tokens), role sections
// (messages) and template placeholders. Pure text processing, linear time, never throws.

import { parseDocument, type Document as YamlDocument, type Node as YamlNode } from 'yaml';
import { findPlaceholders, type PlaceholderStyles } from './placeholders';
import { makeModelRef, modelFromDisplayName, providerForConfigType } from './model';
import { readDotprompt } from './dotpromptDocument';
import { nonPromptReason, skippedDocument } from './nonPrompt';
import { promptFileRules } from './runtimeRoles';
import { isSkillFile, skillParts, type SkillParts } from './skill';
import { splitModelList } from '../modelSpelling';

/** Prompty `apiType: image` (spec §2.4): an image generation request, billed per image. */
const IMAGE_API_NOTE = 'An image generation prompt (apiType: image): billed per image, not per token — not priced here.';
import { parseStructuredPrompt } from './structured';
import type { ModelRef, OffsetRange, Placeholder, PromptDiagnostic, PromptRole } from './types';
import { lastAtOrBefore } from '../sorted';
import { shownValue } from '../untrustedText';
import { errorText } from '../errors';
import { duplicateKeys, yamlRefusal } from './yamlGuard';
import { defaultPlaceholderStyles, detectPromptFormat, formatSpec, type PromptFormat } from './formats';

export { defaultPlaceholderStyles, detectPromptFormat } from './formats';

export type { PromptFormat } from './formats';

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
  /**
   * Prompty `model.api` / `model.apiType` (`chat` | `completion` | `embedding` | `responses`); completion
   * and embedding prompts get no chat framing, nor does `fragment` (a string found in code).
   */
  api?: string;
  /** What the count leaves out or assumes: history inserted at run time, media parts, partials, tools. */
  notes?: string[];
  /** Set when the file is not priced, saying why: not a prompt (an OpenAPI description), or billed per image. */
  notPriced?: string;
  /** A `SKILL.md`: what the agent loads on every request (name + description); the messages are the body, read on use. */
  skill?: SkillParts;
  /** Function/tool definitions and output schemas sent with the request, as the provider receives them. */
  tools?: ToolDefinition[];
  /** Offsets of the body (after front matter). */
  body: OffsetRange;
  /** 0-based line where the body starts. */
  bodyStartLine: number;
  messages: PromptMessage[];
  /** All placeholders of the body, in order. */
  placeholders: Placeholder[];
  diagnostics: PromptDiagnostic[];
}

/** A function definition sent with the request (OpenAI `{type:'function', function:{name, description, parameters}}`). */
export interface ToolDefinition {
  name: string;
  description?: string;
  /** JSON Schema of the arguments (or of the structured output). */
  parameters?: unknown;
  /** `tool` for a function; `output` for a structured-output schema. */
  kind: 'tool' | 'output';
}

export interface ParseOptions {
  /** Reads a file next to this one (Semantic Kernel's `config.json` beside `skprompt.txt`). */
  readSibling?: (name: string) => string | undefined;
  /** Split the body at role lines/headings (default true; a promptfoo list entry is one message). */
  roles?: boolean;
  /** Which placeholder syntaxes to look for; default depends on the format (see `defaultPlaceholderStyles`). */
  placeholderStyles?: PlaceholderStyles;
  /** Treat markdown headings named after roles (`## User`) as sections. Default: every format except `.prompty`. */
  roleHeadings?: boolean;
  /** Front matter longer than this is not parsed as YAML (diagnostic instead). Default 256 KiB. */
  maxFrontMatterLength?: number;
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
  return parseWithSections(text, fileName, options).doc;
}

/** How the body is split into role sections (the line scan of `splitSections`). */
export interface SectionRules {
  format: PromptFormat;
  /** `role:` lines (Prompty's own rule for `.prompty`). */
  roleLines: boolean;
  /** Markdown headings named after roles. */
  roleHeadings: boolean;
}

export function sectionRules(format: PromptFormat, options: ParseOptions = {}): SectionRules {
  const spec = formatSpec(format);
  const splitRoles = options.roles ?? true;
  const roleHeadings = splitRoles && (options.roleHeadings ?? spec.roleHeadings);
  // A `.prompt` file that is not dotprompt is split at `role:` lines like text, always.
  const roleLines = format === 'prompt' || (splitRoles && spec.roleLines);
  return { format: format === 'prompt' ? 'text' : format, roleLines, roleHeadings };
}

/**
 * The parse, plus — when the body was split by the line scan (not a structured or dotprompt file, no
 * Prompty thread inputs) — every section before empty ones were dropped, for the incremental parser
 * (incremental.ts), which re-derives only the section an edit falls in.
 */
export function parseWithSections(
  text: string,
  fileName: string,
  options: ParseOptions = {},
): { doc: PromptDocument; sections?: PromptMessage[]; rules?: SectionRules } {
  const format = detectPromptFormat(fileName);
  const notPrompt = nonPromptReason(text, format);
  if (notPrompt) return { doc: skippedDocument(text, fileName, format, notPrompt) };
  const structured = parseStructuredPrompt(text, fileName, format, options);
  if (structured) return { doc: structured };
  const styles = options.placeholderStyles ?? defaultPlaceholderStyles(format);
  let rules = sectionRules(format, options);
  let sections: PromptMessage[] | undefined;
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
  const notes: string[] = [];

  // ---- front matter ----
  const fm = findFrontMatter(text, bom ? 1 : 0, format);
  if (fm && fm !== 'unclosed' && fm.unclosed) {
    diagnostics.push({
      severity: 'warning',
      code: 'front-matter-unclosed',
      message: 'Front matter starts with "---" but has no closing "---" line; the file is read as prompt text.',
      range: fm.range,
    });
  } else if (fm && fm !== 'unclosed') {
    doc.frontMatter = { range: fm.range, contentRange: fm.contentRange, data: undefined };
    doc.frontMatterRange = fm.range;
    doc.body = { start: fm.range.end, end: len };
    doc.bodyStartLine = countNewlines(text, 0, fm.range.end);
    readFrontMatter(text, doc, options.maxFrontMatterLength ?? 256 * 1024);
  }

  // ---- who sends it (runtimeRoles.ts, skill.ts) ----
  const frontMatterData = doc.frontMatter?.data;
  rules = promptFileRules(rules, format, frontMatterData, options.roleHeadings !== undefined);
  if (isSkillFile(fileName)) doc.skill = skillParts(frontMatterData);
  if (doc.api === 'image') doc.notPriced = IMAGE_API_NOTE;

  // ---- placeholders ----
  findPlaceholders(text, styles, doc.body.start, len, doc.placeholders);

  if (format === 'prompt' && isDotprompt(text, doc)) {
    readDotprompt(text, doc, notes);
  } else {
    sections = splitSections(text, doc, rules, notes);
  }
  assignPlaceholders(doc);
  if (doc.api === 'embedding') notes.push('Embedding prompt: the input text is counted without chat framing, and there is no output.');
  if (doc.notPriced) notes.push(doc.notPriced);
  if (notes.length || doc.notes) doc.notes = [...notes, ...(doc.notes ?? [])];
  return sections ? { doc, sections, rules } : { doc };
}

/**
 * A `.prompt` file is read as dotprompt when it has front matter or uses a dotprompt helper; an
 * older-style `.prompt` without either but with `system:`/`user:` lines is split at those lines.
 */
function isDotprompt(text: string, doc: PromptDocument): boolean {
  if (doc.frontMatter || doc.placeholders.some((p) => /^(role|history|media|section)\b/.test(p.name))) return true;
  const body = text.slice(doc.body.start, Math.min(text.length, doc.body.start + 200_000));
  return !body.split('\n').some((l) => parseRoleLine(l.replace(/\r$/, '')) !== undefined);
}

/** Prompty's trim: only leading/trailing line breaks go, indentation stays (spec §6.6, vectors/parse content_trimmed). */
function trimLineBreaks(text: string, start: number, end: number): OffsetRange {
  let s = start;
  let e = end;
  while (s < e && (text.charCodeAt(s) === 10 || text.charCodeAt(s) === 13)) s++;
  while (e > s && (text.charCodeAt(e - 1) === 10 || text.charCodeAt(e - 1) === 13)) e--;
  return { start: s, end: e };
}

/** The line `[pos, contentEnd)` (line break excluded) as a fence marker (not in Prompty), a role header, or neither. */
export function classifyLine(
  text: string,
  pos: number,
  contentEnd: number,
  rules: SectionRules,
): { marker: string } | { header: { role: PromptRole; name?: string } } | undefined {
  if (contentEnd - pos > MAX_HEADER_LINE) return undefined;
  const prompty = rules.format === 'prompty';
  const marker = prompty ? undefined : fenceMarker(text, pos, contentEnd);
  if (marker) return { marker };
  const lineText = text.slice(pos, contentEnd);
  const r = rules.roleLines ? (prompty ? parsePromptyRoleLine(lineText) : parseRoleLine(lineText)) : undefined;
  if (r) return { header: r };
  if (rules.roleHeadings) {
    const h = parseRoleHeading(lineText);
    if (h) return { header: { role: h } };
  }
  return undefined;
}

/**
 * One section's message: its content is `[contentStart, secEnd)` trimmed (Prompty: line breaks only) with
 * line endings normalised; `contentStartLine` is the line of `contentStart`.
 */
export function sectionMessage(
  text: string,
  rules: SectionRules,
  role: PromptRole,
  secStart: number,
  contentStart: number,
  secEnd: number,
  contentStartLine: number,
  header?: { name?: string; line: number; start: number; lineEnd: number },
): PromptMessage {
  const r = (rules.format === 'prompty' ? trimLineBreaks : trimRange)(text, contentStart, secEnd);
  // A header on the last line with no line break after it: the (empty) content is on the header's line.
  const headerEndsText = header !== undefined && contentStart > 0 && text.charCodeAt(contentStart - 1) !== 10;
  const startLine = headerEndsText ? header.line : contentStartLine + countNewlines(text, contentStart, r.start);
  const raw = text.slice(r.start, r.end);
  const m: PromptMessage = {
    role,
    content: raw.indexOf('\r') < 0 ? raw : raw.replace(/\r\n?/g, '\n'),
    range: r.start < r.end ? r : { start: contentStart, end: contentStart },
    sectionRange: { start: secStart, end: secEnd },
    headerLine: header ? header.line : startLine,
    startLine,
    implicit: !header,
    placeholders: [],
  };
  if (header) {
    m.headerRange = { start: header.start, end: header.lineEnd };
    if (header.name) m.name = header.name;
  }
  return m;
}

/**
 * Role sections of Prompty, Markdown, text, Jinja and Copilot bodies. Returns every section (empty
 * ones too), or undefined when Prompty thread inputs re-cut the messages.
 */
function splitSections(text: string, doc: PromptDocument, rules: SectionRules, notes: string[]): PromptMessage[] | undefined {
  const { format, roleLines, roleHeadings } = rules;
  const len = text.length;
  const prompty = format === 'prompty';
  const headers: Header[] = [];
  let pos = doc.body.start;
  let line = doc.bodyStartLine;
  let fence: string | undefined;
  while (pos < len && (roleLines || roleHeadings)) {
    const nl = text.indexOf('\n', pos);
    const lineEnd = nl < 0 ? len : nl;
    const next = nl < 0 ? len : nl + 1;
    const contentEnd = lineEnd > pos && text.charCodeAt(lineEnd - 1) === 13 ? lineEnd - 1 : lineEnd;
    const kind = classifyLine(text, pos, contentEnd, rules);
    if (kind && 'marker' in kind) {
      // Prompty splits on role lines even inside code fences (spec §6.4 looks at every line).
      const marker = kind.marker;
      if (!fence) fence = marker;
      else if (marker[0] === fence[0] && marker.length >= fence.length && text.slice(pos, contentEnd).trim() === marker) fence = undefined;
    } else if (kind && !fence) {
      headers.push({ role: kind.header.role, name: kind.header.name, line, start: pos, lineEnd: contentEnd, next });
    }
    pos = next;
    line++;
  }

  const mk = (
    role: PromptRole,
    secStart: number,
    contentStart: number,
    secEnd: number,
    contentStartLine: number,
    header?: Header,
  ): PromptMessage => sectionMessage(text, rules, role, secStart, contentStart, secEnd, contentStartLine, header);
  const bodyStart = doc.body.start;
  // Text before any role line: `system` in Prompty (spec §2.10 "Default role"); Copilot instruction
  // files are instructions; a prompt file without sections is the user's message.
  const implicitRole: PromptRole = formatSpec(format).implicitRole;
  if (headers.length === 0) {
    const r = trimRange(text, bodyStart, len);
    if (r.start < r.end) doc.messages.push(mk(implicitRole, bodyStart, bodyStart, len, doc.bodyStartLine));
  } else {
    const pre = trimRange(text, bodyStart, headers[0].start);
    if (pre.start < pre.end) doc.messages.push(mk('system', bodyStart, bodyStart, headers[0].start, doc.bodyStartLine));
    for (let k = 0; k < headers.length; k++) {
      const h = headers[k];
      const secEnd = k + 1 < headers.length ? headers[k + 1].start : len;
      doc.messages.push(mk(h.role, h.start, h.next, secEnd, h.line + 1, h));
    }
  }
  const sections = doc.messages;
  if (prompty && expandPromptyThreads(doc, notes)) return undefined;
  // Prompty sends empty messages (spec §6.6: "MUST NOT be silently discarded"); elsewhere an empty
  // section is nothing to send.
  doc.messages = keptSections(sections, rules);
  return sections;
}

/** The sections that are sent: all in Prompty, the non-empty ones elsewhere. */
export function keptSections(sections: PromptMessage[], rules: SectionRules): PromptMessage[] {
  return formatSpec(rules.format).keepsEmptySections ? sections.slice() : sections.filter((m) => m.content.length > 0);
}

/**
 * Prompty role boundary (spec §6.2): optional leading whitespace and `#`, optional `[attrs]`. The roles are
 * the runtimes' ROLES: `system|user|assistant|developer` (runtime/python/prompty/prompty/core/types.py,
 * runtime/typescript/packages/core/src/core/types.ts); `developer` is sent as `developer`.
 */
const PROMPTY_ROLE_LINE = /^\s*#?\s*(system|user|assistant|developer)(\[(?:\w+\s*=\s*"?[^"]*"?\s*,?\s*)+\])?\s*:\s*$/i;

export function parsePromptyRoleLine(line: string): { role: PromptRole; name?: string } | undefined {
  if (line.length > MAX_HEADER_LINE) return undefined;
  const m = PROMPTY_ROLE_LINE.exec(line);
  if (!m) return undefined;
  const role = m[1].toLowerCase() as PromptRole;
  const n = m[2] ? /name\s*=\s*"?([^",\]]*)"?/.exec(m[2]) : null;
  return n && n[1].trim() ? { role, name: n[1].trim() } : { role };
}

/**
 * Prompty `kind: thread` inputs are conversation history the runtime splices in where the template
 * names them (spec §5.2, §6.7): the text around it stays its own message (trimmed), the history is
 * not counted here.
 */
function expandPromptyThreads(doc: PromptDocument, notes: string[]): boolean {
  const inputs = isMap(doc.frontMatter?.data) ? (doc.frontMatter!.data as Record<string, unknown>).inputs : undefined;
  const threads = new Set<string>();
  if (isMap(inputs)) {
    for (const [k, v] of Object.entries(inputs)) if (isMap(v) && v.kind === 'thread') threads.add(k);
  } else if (Array.isArray(inputs)) {
    for (const v of inputs) if (isMap(v) && v.kind === 'thread' && typeof v.name === 'string') threads.add(v.name);
  }
  if (!threads.size) return false;
  const out: PromptMessage[] = [];
  for (const m of doc.messages) {
    const re = /\{\{-?\s*([A-Za-z_][\w]*)\s*-?\}\}/g;
    let hit: RegExpExecArray | null;
    let cut: { at: number; end: number; name: string } | undefined;
    while ((hit = re.exec(m.content))) {
      if (threads.has(hit[1])) {
        cut = { at: hit.index, end: hit.index + hit[0].length, name: hit[1] };
        break;
      }
    }
    if (!cut) {
      out.push(m);
      continue;
    }
    notes.push(`Thread input '${cut.name}' is conversation history supplied at run time: not counted.`);
    const before = m.content.slice(0, cut.at).trim();
    const after = m.content.slice(cut.end).trim();
    const base = m.range.start;
    if (before) out.push({ ...m, content: before, range: { start: base, end: base + cut.at } });
    if (after)
      out.push({ ...m, content: after, range: { start: base + cut.end, end: m.range.end }, headerRange: undefined, implicit: true });
  }
  doc.messages = out;
  return true;
}

/** Assigns placeholders to the sections containing them (both lists are sorted by offset). */
export function assignPlaceholders(doc: PromptDocument): void {
  let mi = 0;
  for (const p of doc.placeholders) {
    while (mi < doc.messages.length && doc.messages[mi].sectionRange.end <= p.range.start) mi++;
    if (mi >= doc.messages.length) break;
    if (doc.messages[mi].sectionRange.start <= p.range.start) doc.messages[mi].placeholders.push(p);
  }
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
function findFrontMatter(text: string, start: number, format: PromptFormat = 'text'): FoundFrontMatter | 'unclosed' | undefined {
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

function readFrontMatter(text: string, doc: PromptDocument, maxLen: number): void {
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
