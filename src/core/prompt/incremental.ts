// Incremental prompt parsing: keeps a prompt file's text and parse, and after an edit re-derives only
// the role section the edit falls in and the placeholders around it; everything else is reused
// (shifted). The result is always exactly `parsePromptDocument(newText)` (differential property tests
// in test/unit/fuzz-incremental.test.ts): whenever an edit could change more than its section — front
// matter, a header or code-fence line, a structured (JSON/YAML) or dotprompt file, Prompty thread
// inputs, a `{% raw %}` block, an implicit section appearing or vanishing — the whole text is parsed.
import {
  assignPlaceholders,
  classifyLine,
  defaultPlaceholderStyles,
  detectPromptFormat,
  keptSections,
  parseWithSections,
  sectionMessage,
  type ParseOptions,
  type PromptDocument,
  type PromptMessage,
  type SectionRules,
} from './document';
import { findPlaceholders, MAX_TAG_LENGTH } from './placeholders';
import type { OffsetRange, Placeholder } from './types';

/** One edit in VS Code's `contentChanges` shape: replace `deleteLength` code units at `offset` by `text`. */
export interface TextEdit {
  offset: number;
  deleteLength: number;
  text: string;
}

/**
 * How far a placeholder decision at offset p can look: the tag's closer within MAX_TAG_LENGTH, a
 * triple-brace check after it, `$` one before. Placeholders ending this far before an edit are reused.
 */
const PLACEHOLDER_REACH = MAX_TAG_LENGTH + 64;

export class IncrementalPromptParser {
  private text = '';
  private doc: PromptDocument;
  /** All sections before empty ones are dropped (undefined: not a line-scanned file; edits re-parse). */
  private sections: PromptMessage[] | undefined;
  private rules: SectionRules | undefined;
  /** An edit since the last parse needs a whole-text parse (done when `document` is read). */
  private stale = false;
  /** How the last update was made, for tests and the benchmark. */
  lastUpdate: 'full' | 'incremental' = 'full';

  constructor(
    readonly fileName: string,
    private readonly options: ParseOptions = {},
  ) {
    this.doc = this.parseFull('');
  }

  /** The parse of the current text (a whole-text parse, if an edit since the last one needed it). */
  get document(): PromptDocument {
    if (this.stale) {
      this.stale = false;
      this.doc = this.parseFull(this.text);
    }
    return this.doc;
  }

  get currentText(): string {
    return this.text;
  }

  setText(text: string): void {
    this.text = text;
    this.stale = true;
  }

  /** Applies edits in order (each offset refers to the text after the previous edit). */
  applyEdits(edits: readonly TextEdit[]): void {
    for (const e of edits) this.applyEdit(e);
  }

  /**
   * Applies one edit. The parse is updated in place when the edit stays in its section; otherwise the
   * whole text is parsed once, when `document` is next read (so a burst of edits parses once).
   */
  applyEdit(edit: TextEdit): void {
    const { offset, deleteLength, text: insert } = edit;
    const old = this.text;
    if (
      !(Number.isInteger(offset) && Number.isInteger(deleteLength)) ||
      offset < 0 ||
      deleteLength < 0 ||
      offset + deleteLength > old.length
    )
      throw new RangeError(`edit ${offset}+${deleteLength} outside a document of length ${old.length}`);
    const text = old.slice(0, offset) + insert + old.slice(offset + deleteLength);
    this.text = text;
    if (this.stale) return;
    const next = this.incremental(old, text, offset, deleteLength, insert.length);
    if (next) this.doc = next;
    else this.stale = true;
  }

  private parseFull(text: string): PromptDocument {
    const r = parseWithSections(text, this.fileName, this.options);
    this.sections = r.sections;
    this.rules = r.rules;
    this.lastUpdate = 'full';
    return r.doc;
  }

  /** The new parse when the edit stays inside one section, else undefined (the caller parses the whole text). */
  private incremental(old: string, text: string, offset: number, deleteLength: number, insertLength: number): PromptDocument | undefined {
    const { doc, sections, rules } = this;
    if (!sections || !rules || sections.length === 0) return undefined;
    if (doc.diagnostics.some((d) => d.code === 'front-matter-unclosed')) return undefined;
    // The front matter and the first line (a JSON lead, a Prompty fence) stay as they were.
    if (offset < this.firstFixedOffset(old)) return undefined;
    // JSON/YAML chat files are parsed whole, and so is a text or Jinja file that may become one; a
    // `.prompt` file may turn dotprompt (a helper placeholder) or back.
    const format = detectPromptFormat(this.fileName);
    if (format === 'json' || format === 'semantic-kernel' || format === 'prompt') return undefined;
    if ((format === 'jinja' || format === 'text') && /^[[{]/.test((doc.bom ? old.slice(1) : old).trimStart())) return undefined;
    // The lines the edit touches, before and after: no fence marker or role header may be among them.
    const lineStart = old.lastIndexOf('\n', offset - 1) + 1;
    const oldLinesEnd = lineEndAfter(old, offset + deleteLength);
    const newLinesEnd = lineEndAfter(text, offset + insertLength);
    if (hasStructureLine(old, lineStart, oldLinesEnd, rules) || hasStructureLine(text, lineStart, newLinesEnd, rules)) return undefined;
    // The section the edit falls in (sections tile the body from the first non-empty one on).
    const k = sectionAt(sections, offset, deleteLength);
    if (k < 0) return undefined;
    const delta = insertLength - deleteLength;
    const lineDelta = countNewlines(text, offset, offset + insertLength) - countNewlines(old, offset, offset + deleteLength);
    const edited = sections[k];
    const header = edited.headerRange
      ? { name: edited.name, line: edited.headerLine, start: edited.headerRange.start, lineEnd: edited.headerRange.end }
      : undefined;
    const headerBreak = header ? text.indexOf('\n', header.lineEnd) : -1;
    const contentStart = !header ? edited.sectionRange.start : headerBreak < 0 ? text.length : headerBreak + 1;
    const rebuilt = sectionMessage(
      text,
      rules,
      edited.role,
      edited.sectionRange.start,
      contentStart,
      edited.sectionRange.end + delta,
      header ? header.line + 1 : doc.bodyStartLine,
      header,
    );
    // An implicit section exists only while it has text: one that empties goes (a full parse decides).
    if (!header && isBlank(text, rebuilt.sectionRange.start, rebuilt.sectionRange.end)) return undefined;
    const placeholders = this.placeholdersAfter(text, offset, deleteLength, insertLength);
    if (!placeholders) return undefined;

    const nextSections = sections.map((m, i) =>
      i < k ? { ...m, placeholders: [] } : i === k ? rebuilt : shiftMessage(m, delta, lineDelta),
    );
    const next: PromptDocument = {
      ...doc,
      body: { start: doc.body.start, end: text.length },
      messages: keptSections(nextSections, rules),
      placeholders,
    };
    assignPlaceholders(next);
    this.sections = nextSections;
    this.lastUpdate = 'incremental';
    return next;
  }

  /** Edits before this offset re-parse: the end of the front matter, else of the first line with text. */
  private firstFixedOffset(old: string): number {
    const fm = this.doc.frontMatter;
    // a closing fence at the very end of the file (no line break) is still being typed
    if (fm) return old.charCodeAt(fm.range.end - 1) === 10 ? fm.range.end : Infinity;
    let p = this.doc.bom ? 1 : 0;
    while (p < old.length && isWs(old.charCodeAt(p))) p++;
    const nl = old.indexOf('\n', p);
    return nl < 0 ? Infinity : nl + 1;
  }

  /**
   * The placeholders of the new text: those ending well before the edit are kept, the text from there
   * is scanned until the scan ends a placeholder where the old scan ended one (the same position in the
   * unchanged text after the edit); the old ones after that are shifted. Undefined for raw blocks.
   */
  private placeholdersAfter(text: string, offset: number, deleteLength: number, insertLength: number): Placeholder[] | undefined {
    const old = this.doc.placeholders;
    const styles = this.options.placeholderStyles ?? defaultPlaceholderStyles(detectPromptFormat(this.fileName));
    // keep placeholders ending before `offset - reach` (the scan state there is "after that placeholder")
    let keep = 0;
    let openRaw = false;
    while (keep < old.length && old[keep].range.end + PLACEHOLDER_REACH <= offset) {
      if (isRaw(old[keep])) openRaw = old[keep].name.trim() === 'raw';
      keep++;
    }
    // a `{% raw %}` whose `{% endraw %}` is not among them: the edit may open or close it
    if (openRaw) return undefined;
    const from = keep > 0 ? old[keep - 1].range.end : this.doc.body.start;
    const delta = insertLength - deleteLength;
    const editEnd = offset + insertLength;
    // old placeholders by end offset, for the resynchronisation
    let j = keep;
    let resumeAt = -1;
    const out = old.slice(0, keep);
    findPlaceholders(text, styles, from, text.length, out, (end) => {
      if (end < editEnd + PLACEHOLDER_REACH) return false;
      const oldEnd = end - delta;
      while (j < old.length && old[j].range.end < oldEnd) j++;
      if (j < old.length && old[j].range.end === oldEnd) {
        resumeAt = j + 1;
        return true;
      }
      return false;
    });
    if (out.some(isRaw)) return undefined;
    if (resumeAt >= 0) for (let i = resumeAt; i < old.length; i++) out.push(shiftPlaceholder(old[i], delta));
    return out;
  }
}

function isRaw(p: Placeholder): boolean {
  return p.kind === 'block' && /^\s*(end)?raw\s*$/.test(p.name);
}

function isWs(c: number): boolean {
  return c === 32 || c === 9 || c === 10 || c === 13 || c === 12 || c === 11 || c === 0xfeff || c === 0xa0;
}

function isBlank(text: string, from: number, to: number): boolean {
  for (let i = from; i < to; i++) if (!isWs(text.charCodeAt(i))) return false;
  return true;
}

/** End of the line containing `p`, after its line break (or the text's end). */
function lineEndAfter(text: string, p: number): number {
  const nl = text.indexOf('\n', p);
  return nl < 0 ? text.length : nl + 1;
}

function countNewlines(text: string, from: number, to: number): number {
  let n = 0;
  for (let i = text.indexOf('\n', from); i >= 0 && i < to; i = text.indexOf('\n', i + 1)) n++;
  return n;
}

/** A line in [from, to) that is a code-fence marker or a role header (whatever the fence state). */
function hasStructureLine(text: string, from: number, to: number, rules: SectionRules): boolean {
  if (!rules.roleLines && !rules.roleHeadings) return false;
  let pos = from;
  while (pos < to) {
    const nl = text.indexOf('\n', pos);
    const lineEnd = nl < 0 || nl > to ? Math.min(to, text.length) : nl;
    const contentEnd = lineEnd > pos && text.charCodeAt(lineEnd - 1) === 13 ? lineEnd - 1 : lineEnd;
    if (classifyLine(text, pos, contentEnd, rules)) return true;
    if (nl < 0 || nl >= to) break;
    pos = nl + 1;
  }
  return false;
}

/** Index of the section whose range holds the whole edit, or -1. */
function sectionAt(sections: readonly PromptMessage[], offset: number, deleteLength: number): number {
  let lo = 0;
  let hi = sections.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (sections[mid].sectionRange.start <= offset) lo = mid;
    else hi = mid - 1;
  }
  const s = sections[lo].sectionRange;
  return s.start <= offset && offset + deleteLength <= s.end ? lo : -1;
}

function shiftRange(r: OffsetRange, delta: number): OffsetRange {
  return { start: r.start + delta, end: r.end + delta };
}

function shiftMessage(m: PromptMessage, delta: number, lineDelta: number): PromptMessage {
  const out: PromptMessage = {
    ...m,
    range: shiftRange(m.range, delta),
    sectionRange: shiftRange(m.sectionRange, delta),
    headerLine: m.headerLine + lineDelta,
    startLine: m.startLine + lineDelta,
    placeholders: [],
  };
  if (m.headerRange) out.headerRange = shiftRange(m.headerRange, delta);
  return out;
}

function shiftPlaceholder(p: Placeholder, delta: number): Placeholder {
  return { ...p, range: shiftRange(p.range, delta) };
}
