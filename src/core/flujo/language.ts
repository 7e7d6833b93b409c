// Completion and hover for flujo.toml, as pure functions of (text, position); a big file is read only
// around the position (the tables there), so a hover in a 10 MB file does not stall the editor.
import { escapeMarkdown, markdownCode } from '../untrustedText';
import { Decimal } from '../pricing/decimal';
import { perMtokToPer1k } from '../pricing/catalog';
import { ReferenceCatalog, ReferenceModel, bundledReferenceCatalog, referenceProviderId } from '../pricing/reference';
import { tomlNumber } from './analyze';
import { KeyPart, KeyValue, Position, Range, ValueNode, lineStartsOf, plainRange, scanToml, tomlKey } from './scanner';
import {
  BUDGET_KEYS,
  BUDGET_TABLES,
  COST_TABLES,
  ESTIMATOR_KEYS,
  HISTORICAL_KEYS,
  KeySpec,
  LEARNABLE_KEYS,
  MODEL_PRICE_KEYS,
  ROOT_KEYS,
  SECTIONS,
  keyDoc,
} from './schema';
import { referencePer1k } from './fixes';

export type CompletionKind = 'section' | 'key' | 'provider' | 'model' | 'value';

export interface CompletionItem {
  label: string;
  kind: CompletionKind;
  insertText: string;
  /** Text replaced by insertText (the word being typed). */
  range: Range;
  detail?: string;
  documentation?: string;
  /** Sort key, so configured/common entries come first. */
  sortText?: string;
}

export interface HoverInfo {
  range: Range;
  markdown: string;
}

export interface LanguageOptions {
  reference?: ReferenceCatalog;
  /** From this many characters on, read only the tables around the position (default 1,000,000). */
  windowFromChars?: number;
}

/** The text of a line, with the scanner's line breaks (\n, \r\n and a lone \r). */
function lineText(text: string, line: number): string {
  const starts = lineStartsOf(text);
  if (line < 0 || line >= starts.length) return '';
  let end = line + 1 < starts.length ? starts[line + 1] : text.length;
  while (end > starts[line] && (text[end - 1] === '\n' || text[end - 1] === '\r')) end--;
  return text.slice(starts[line], end);
}

/** Splits a partial header `cost.providers."gpt` into parts (quotes removed), last one possibly incomplete. */
function splitPartial(s: string): string[] {
  const parts: string[] = [];
  let cur = '';
  let q: string | undefined;
  for (const c of s) {
    if (q) {
      if (c === q) q = undefined;
      else cur += c;
    } else if (c === '"' || c === "'") q = c;
    else if (c === '.') {
      parts.push(cur.trim());
      cur = '';
    } else cur += c;
  }
  parts.push(cur.trimStart());
  return parts;
}

function fmtPer1k(m: ReferenceModel): string {
  const i = m.prices.input ? perMtokToPer1k(m.prices.input.base).toString() : '–';
  const o = m.embedding ? 'n/a' : m.prices.output ? perMtokToPer1k(m.prices.output.base).toString() : '–';
  return `$${i} in / $${o} out per 1K`;
}

function keyItems(
  keys: Readonly<Record<string, KeySpec>>,
  present: Set<string>,
  range: Range,
  values?: Record<string, string | undefined>,
): CompletionItem[] {
  return Object.entries(keys)
    .filter(([k]) => !present.has(k))
    .map(([k, spec], i) => {
      const v = values?.[k];
      return {
        label: k,
        kind: 'key' as const,
        insertText: v !== undefined ? `${k} = ${v.includes('.') ? v : `${v}.0`}` : `${k} = `,
        range,
        detail: spec.type + (v !== undefined ? ` (reference ${v})` : ''),
        documentation: spec.doc,
        sortText: String(i).padStart(3, '0'),
      };
    });
}

/** From this size on, hover and completion read only the tables around the position (a full scan of 10 MB takes ~0.5 s). */
const WINDOW_FROM_CHARS = 1_000_000;
/** How far (in lines) the window looks for the enclosing and the next table header. */
const WINDOW_LINES = 20_000;
/** A table header line: `[a.b]` or `[[a]]`, maybe a comment after it. */
const HEADER_LINE = /^[ \t]*\[\[?[ \t]*[A-Za-z0-9_"'-][^=\n]*\]\]?[ \t]*(#[^\n]*)?\r?\n?$/;

/**
 * The part of a big file hover and completion need: from the header of the table around `line` to the
 * next header. A boundary is taken only where the whole-file scan is at the top level too (`isTableBoundary`;
 * where that cannot be shown cheaply the window grows, up to the whole file), so for a valid file it is exact.
 * A broken one may differ where the analysis already underlines the mistake: an array left open above lines
 * that read cleanly on their own, or a table defined twice (the whole-file scan counts the keys of both).
 */
export function tableWindow(text: string, line: number): { text: string; firstLine: number; endLine: number } {
  const starts = lineStartsOf(text);
  // A multi-line string may hold lines that look like headers; only a full scan knows where it ends.
  if (text.includes('"""') || text.includes("'''")) return { text, firstLine: 0, endLine: starts.length };
  const lineAt = (l: number) => text.slice(starts[l], l + 1 < starts.length ? starts[l + 1] : text.length);
  // The header strictly above: on a header line itself, completion reads the table before it.
  let first = Math.min(Math.max(line - 1, 0), starts.length - 1);
  const back = Math.max(0, first - WINDOW_LINES);
  while (first > back && !isTableBoundary(lineAt, first)) first--;
  // The loop stops early only at a boundary; at its limit the line is still to be asked.
  if (first === back && !isTableBoundary(lineAt, first)) first = 0;
  let end = Math.min(Math.max(line, 0), starts.length - 1) + 1;
  const forward = Math.min(starts.length, end + WINDOW_LINES);
  while (end < forward && !isTableBoundary(lineAt, end)) end++;
  if (end === forward && end < starts.length && !isTableBoundary(lineAt, end)) end = starts.length;
  return { text: text.slice(starts[first], end < starts.length ? starts[end] : text.length), firstLine: first, endLine: end };
}

/** A line that holds nothing or only a comment. */
const BLANK_LINE = /^[ \t]*(#[^\n]*)?\r?\n?$/;

/**
 * Whether line `l` starts a table for the whole-file scan as well: a header line the scanner takes as one
 * (`[cost..x]` is none: the keys under it stay in the table before), after a line the scanner reads cleanly
 * on its own (not the inside of an array left open or the rest of a bad value, which swallow header-like lines).
 */
function isTableBoundary(lineAt: (l: number) => string, l: number): boolean {
  if (l === 0) return true;
  const own = lineAt(l);
  if (!HEADER_LINE.test(own) || scanToml(own).headers.length !== 1) return false;
  let p = l - 1;
  while (p >= 0 && BLANK_LINE.test(lineAt(p))) p--;
  return p < 0 || scanToml(lineAt(p)).problems.length === 0;
}

function shifted(r: Range, lines: number): Range {
  return {
    start: { line: r.start.line + lines, character: r.start.character },
    end: { line: r.end.line + lines, character: r.end.character },
  };
}

/** Completion items at `position` (0-based line/character). */
export function completeFlujoToml(text: string, position: Position, options: LanguageOptions = {}): CompletionItem[] {
  if (text.length < (options.windowFromChars ?? WINDOW_FROM_CHARS)) return completeIn(text, position, options);
  const w = tableWindow(text, position.line);
  return completeIn(w.text, { line: position.line - w.firstLine, character: position.character }, options).map((c) => ({
    ...c,
    range: shifted(c.range, w.firstLine),
  }));
}

function completeIn(text: string, position: Position, options: LanguageOptions): CompletionItem[] {
  const reference = options.reference ?? bundledReferenceCatalog();
  const prefix = lineText(text, position.line).slice(0, position.character);
  const header = /^\s*\[\[?([^\]]*)$/.exec(prefix);
  if (header) {
    const parts = splitPartial(header[1]);
    const partial = parts[parts.length - 1];
    const parent = parts.slice(0, -1);
    const wordStart = position.character - (header[1].length - header[1].lastIndexOf('.') - 1);
    const range: Range = {
      start: { line: position.line, character: Math.max(0, header[1].includes('.') ? wordStart : position.character - header[1].length) },
      end: position,
    };
    const items = (labels: [string, string | undefined][], kind: CompletionKind): CompletionItem[] =>
      labels.map(([label, doc], i) => ({
        label,
        kind,
        insertText: tomlKey(label),
        range,
        documentation: doc,
        sortText: String(i).padStart(5, '0'),
      }));
    if (parent.length === 0)
      return items(
        Object.entries(SECTIONS).map(([k, s]) => [k, s.doc]),
        'section',
      );
    const [a, b, p] = parent;
    if (parent.length === 1 && a === 'cost') return items(Object.entries(COST_TABLES), 'section');
    if (parent.length === 1 && a === 'budgets') return items(Object.entries(BUDGET_TABLES), 'section');
    if (parent.length === 1 && SECTIONS[a]?.tables)
      return items(
        Object.entries(SECTIONS[a].tables!).map(([k, t]) => [k, t.doc]),
        'section',
      );
    if (parent.length === 2 && a === 'cost' && (b === 'providers' || b === 'estimators')) {
      return items(
        reference.providers.map((x) => [x.id, x.name]),
        'provider',
      );
    }
    if (parent.length === 3 && a === 'cost' && (b === 'providers' || b === 'estimators')) {
      const pid = referenceProviderId(p);
      const models = reference.models.filter((m) => m.provider === pid && (!partial || m.id.toLowerCase().includes(partial.toLowerCase())));
      return models.slice(0, 500).map((m, i) => ({
        label: m.id,
        kind: 'model' as const,
        insertText: JSON.stringify(m.id),
        range,
        detail: `${m.name ?? m.id} — ${fmtPer1k(m)}`,
        documentation: `${reference.source} ${reference.dataDate}${m.contextWindow ? `, context ${m.contextWindow.toLocaleString('en-US')} tokens` : ''}${m.deprecated ? ' (deprecated)' : ''}`,
        sortText: `${m.deprecated ? 1 : 0}${String(i).padStart(5, '0')}`,
      }));
    }
    return [];
  }

  const strictValue = /^\s*strict\s*=\s*(\w*)$/.exec(prefix);
  if (strictValue) {
    const range: Range = { start: { line: position.line, character: position.character - strictValue[1].length }, end: position };
    return ['true', 'false'].map((v) => ({
      label: v,
      kind: 'value' as const,
      insertText: v,
      range,
      documentation: SECTIONS.cost.keys.strict.doc,
    }));
  }

  const key = /^\s*([A-Za-z0-9_-]*)$/.exec(prefix);
  if (!key) return [];
  const range: Range = { start: { line: position.line, character: position.character - key[1].length }, end: position };
  const scan = scanToml(text);
  const h = [...scan.headers].reverse().find((x) => x.range.start.line < position.line);
  const path = h?.path ?? [];
  const present = new Set(
    scan.entries
      .filter((e) => e.table.join('\0') === path.join('\0') && e.keyRange.start.line !== position.line)
      .map((e) => e.keys[0].name),
  );
  if (path.length === 0) {
    return keyItems(ROOT_KEYS, present, range);
  }
  const [a, b] = path;
  if (a === 'cost' && path.length === 1) return keyItems(SECTIONS.cost.keys, present, range);
  if (a === 'cost' && b === 'providers' && path.length === 4) {
    const ref = referencePer1k(reference, path[2], path[3]);
    return keyItems(MODEL_PRICE_KEYS, present, range, { prompt_tokens_per_1k: ref.prompt, completion_tokens_per_1k: ref.completion });
  }
  if (a === 'cost' && b === 'estimators' && path.length === 4) return keyItems(ESTIMATOR_KEYS, present, range);
  if (a === 'cost' && b === 'historical' && path.length === 4) return keyItems(HISTORICAL_KEYS, present, range);
  if (a === 'cost' && b === 'learnable' && path.length === 2) return keyItems(LEARNABLE_KEYS, present, range);
  const sub = SECTIONS[a]?.tables?.[b];
  if (sub && path.length === 2) return keyItems(sub.keys, present, range);
  if (a === 'budgets' && ((b === 'default' && path.length === 2) || (b === 'pipeline' && path.length === 3)))
    return keyItems(BUDGET_KEYS, present, range);
  const spec = SECTIONS[a];
  if (spec && path.length === 1) return keyItems(spec.keys, present, range);
  return [];
}

function contains(r: Range, p: Position): boolean {
  const after = p.line > r.start.line || (p.line === r.start.line && p.character >= r.start.character);
  const before = p.line < r.end.line || (p.line === r.end.line && p.character <= r.end.character);
  return after && before;
}

function modelHover(reference: ReferenceCatalog, provider: string, model: string): string {
  const m = reference.find(provider, model);
  if (!m)
    return `**${escapeMarkdown(`${provider}:${model}`)}**\n\nNot in the reference catalog (${reference.source} ${reference.dataDate}). Flujo matches model names exactly and case-sensitively.`;
  const lines = [`**${escapeMarkdown(`${provider}:${model}`)}**${m.name ? ` — ${escapeMarkdown(m.name)}` : ''}`, ''];
  const row = (label: string, r: { base: Decimal } | undefined) =>
    r && lines.push(`- ${label}: $${perMtokToPer1k(r.base)} per 1K ($${r.base} per 1M)`);
  row('input', m.prices.input);
  if (!m.embedding) row('output', m.prices.output);
  row('cached input', m.prices.cacheRead);
  row('cache write', m.prices.cacheWrite);
  row('cache write (1 h)', m.prices.cacheWrite1h);
  const tiers = m.prices.input?.tiers ?? [];
  if (tiers.length)
    lines.push(
      `- long context: above ${tiers.map((t) => `${t.start.toLocaleString('en-US')} input tokens $${perMtokToPer1k(t.price)} per 1K`).join(', ')}`,
    );
  if (m.contextWindow) lines.push(`- context window: ${m.contextWindow.toLocaleString('en-US')} tokens`);
  lines.push('', `Reference: ${reference.source} ${reference.dataDate}${m.id !== model ? ` (catalog id ${markdownCode(m.id)})` : ''}.`);
  return lines.join('\n');
}

/** Hover documentation at `position`: keys, sections, model tables (reference prices) and price values. */
export function hoverFlujoToml(text: string, position: Position, options: LanguageOptions = {}): HoverInfo | undefined {
  if (text.length < (options.windowFromChars ?? WINDOW_FROM_CHARS)) return hoverIn(text, position, options);
  const w = tableWindow(text, position.line);
  const info = hoverIn(w.text, { line: position.line - w.firstLine, character: position.character }, options);
  return info && { ...info, range: shifted(info.range, w.firstLine) };
}

function hoverIn(text: string, position: Position, options: LanguageOptions): HoverInfo | undefined {
  const reference = options.reference ?? bundledReferenceCatalog();
  const scan = scanToml(text);
  const describe = (parts: KeyPart[], index: number): HoverInfo | undefined => {
    const path = parts.slice(0, index + 1).map((p) => p.name);
    const range = plainRange(parts[index].range);
    if (path[0] === 'cost' && (path[1] === 'providers' || path[1] === 'estimators') && path.length === 4) {
      // An unquoted dotted model name (`gpt-3.5-turbo`) is split into more key parts: describe the
      // model the user meant, and say why Flujo will not see it.
      if (parts.length > 4 && parts.slice(3).every((p) => !p.quoted)) {
        const meant = parts
          .slice(3)
          .map((p) => p.name)
          .join('.');
        const split = parts
          .slice(3)
          .map((p) => `'${escapeMarkdown(p.name)}'`)
          .join(' → ');
        return {
          range,
          markdown: `⚠ Unquoted, this is the nested tables ${split}: Flujo finds no model '${escapeMarkdown(meant)}'${path[1] === 'providers' ? `, rejects the whole [cost] section and records $0 for every model` : ''}. Write ${markdownCode(`"${meant}"`)}.\n\n${modelHover(reference, path[2], meant)}`,
        };
      }
      return { range, markdown: modelHover(reference, path[2], path[3]) };
    }
    const doc = keyDoc(path);
    if (doc) return { range, markdown: `**${doc.title}**${doc.type ? ` (${doc.type})` : ''}\n\n${doc.doc}` };
    return undefined;
  };
  for (const h of scan.headers) {
    if (h.range.start.line !== position.line) continue;
    const i = h.keys.findIndex((k) => contains(k.range, position));
    if (i >= 0) return describe(h.keys, i);
  }
  const visit = (kv: KeyValue, base: KeyPart[]): HoverInfo | undefined => {
    const parts = [...base, ...kv.keys];
    const i = kv.keys.findIndex((k) => contains(k.range, position));
    if (i >= 0) return describe(parts, base.length + i);
    if (contains(kv.value.range, position)) {
      if (kv.value.kind === 'inline-table') {
        for (const c of kv.value.entries ?? []) {
          const r = visit(c, parts);
          if (r) return r;
        }
        return undefined;
      }
      return valueHover(
        reference,
        parts.map((p) => p.name),
        kv.value,
      );
    }
    return undefined;
  };
  for (const e of scan.entries) {
    if (e.keyRange.start.line > position.line || e.value.range.end.line < position.line) continue;
    const r = visit(e, e.tableKeys);
    if (r) return r;
  }
  return undefined;
}

function valueHover(reference: ReferenceCatalog, path: string[], v: ValueNode): HoverInfo | undefined {
  const key = path[path.length - 1];
  if (!(path[0] === 'cost' && path[1] === 'providers' && path.length === 5)) return undefined;
  if (key !== 'prompt_tokens_per_1k' && key !== 'completion_tokens_per_1k') return undefined;
  const d = tomlNumber(v);
  if (!d) return undefined;
  const ref = referencePer1k(reference, path[2], path[3]);
  const refValue = key === 'prompt_tokens_per_1k' ? ref.prompt : ref.completion;
  const lines = [`**${key}** = $${d} per 1K tokens = $${d.times(1000)} per 1M = $${d.shiftLeft(3)} per token`];
  if (refValue)
    lines.push(
      '',
      `Reference: $${refValue} per 1K (${reference.source} ${reference.dataDate})${Decimal.parse(refValue).compare(d) === 0 ? ' — same' : ''}`,
    );
  return { range: plainRange(v.range), markdown: lines.join('\n') };
}
