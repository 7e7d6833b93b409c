/* eslint-disable no-control-regex -- matching control characters is what these escapers are for */
// Text that came from a file or a server (model, prompt, pipeline and step names, run ids, file paths,
// server error messages) on its way out to a renderer that would otherwise interpret it: Markdown
// (hovers, tooltips, PR comments), spreadsheets (CSV export) and terminals (the CLI). One function per
// renderer; every writer of that format calls it, so no caller has to remember which characters matter.

// ---- Markdown -------------------------------------------------------------------------------------

/**
 * `text` as literal Markdown inline content, readable in the raw Markdown too (`gpt-4o-mini`,
 * `openai:gpt-4o` stay as written). Backslash-escaped (CommonMark 0.31 §2.4): `\` `` ` `` `*` `~` `[`
 * `]` `<` `>` `|` `&` `@` everywhere (no link, image, reference, HTML tag, entity, emphasis, table
 * pipe or e-mail autolink can form), `_` unless inside a word (where it cannot emphasise), `:` before
 * `/` and `.` after `www` (GFM's extended URL autolinks need `https://` or `www.` written together),
 * and a block marker at the very start (`#`, `-`, `+`, `=`, `>`, `1.`; leading spaces that would indent
 * a code block become no-break spaces). Line breaks and control
 * characters become spaces, so the text cannot start a new block. Safe in a paragraph, at the start
 * of a line and in a GFM table cell. (VS Code's `MarkdownString.appendText` leaves `:`, `.`, `@`, `<`
 * and `|` alone, so a bare URL in a name still renders as a link.)
 */
export function escapeMarkdown(text: string): string {
  return text
    .replace(MD_CONTROL, ' ')
    .replace(MD_INLINE, (c, i: number, s: string) => (c === '_' && isWordChar(s[i - 1]) && isWordChar(s[i + 1]) ? c : `\\${c}`))
    .replace(MD_BLOCK_START, '$1\\$2')
    .replace(MD_ORDERED_START, '$1\\$2')
    .replace(/^ {4,}/, (spaces) => '\u00a0'.repeat(spaces.length)); // 4 leading spaces would start a code block
}

/** Characters that form inline Markdown (see escapeMarkdown). */
const MD_INLINE = /[\\`*~[\]<>|&@_]|:(?=\/)|(?<=www)\./gi;
/** A block marker at the start, after up to 3 spaces of indentation (CommonMark 0.31 §4.2, §5.2): ATX
 * heading, bullet, thematic break, setext underline; and an ordered-list number's `.`/`)`. CommonMark
 * wants a space or tab after it, but marked 14 (VS Code's renderer) opens a heading on any JavaScript
 * `\s` (`heading: /^ {0,3}(#{1,6})(?=\s|$)/` in marked's rules): `#` + U+2000 is a heading there, so any
 * whitespace after the marker counts. */
const MD_BLOCK_START = /^( {0,3})([#+\-=]+)(?=\s|$)/;
const MD_ORDERED_START = /^( {0,3}\d{1,9})([.)])(?=\s|$)/;
const isWordChar = (c: string | undefined) => c !== undefined && /[\p{L}\p{N}]/u.test(c);
/** C0 controls, DEL, C1 controls and the Unicode line/paragraph separators. */
const MD_CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g;

/**
 * `text` as a Markdown code span (rendered in a monospace font, literally): the fence is one backtick
 * longer than the longest backtick run inside, padded with spaces when the text starts or ends with
 * a backtick or space (CommonMark §6.1 strips exactly one such space on each side). Line breaks and
 * controls become spaces. Empty text gives an empty string.
 */
export function markdownCode(text: string): string {
  const flat = text.replace(MD_CONTROL, ' ');
  if (!flat) return '';
  let longest = 0;
  for (const run of flat.match(/`+/g) ?? []) longest = Math.max(longest, run.length);
  const fence = '`'.repeat(longest + 1);
  const pad = /[^ ]/.test(flat) && (/^[` ]/.test(flat) || /[` ]$/.test(flat)) ? ' ' : '';
  return `${fence}${pad}${flat}${pad}${fence}`;
}

// ---- Labels with icons (CodeLens titles, status bar text) ------------------------------------------

/**
 * `text` with every `$(name)` escaped as `\$(name)`: VS Code renders `$(name)` in a CodeLens title or
 * status bar text as an icon, and a model name from a file must read as written (VS Code's own
 * `escapeIcons` in vs/base/common/iconLabels.ts does the same).
 */
export function escapeIcons(text: string): string {
  return text.replace(/(\\)?\$\(/g, (m, escaped: string | undefined) => (escaped ? m : '\\$('));
}

// ---- CSV --------------------------------------------------------------------------------------------

/**
 * One CSV cell: neutralised against formula injection, then quoted as RFC 4180 §2.6–2.7 requires.
 * OWASP "CSV Injection" (owasp.org/www-community/attacks/CSV_Injection): a cell starting with
 * `=` `+` `-` `@`, tab (0x09) or carriage return (0x0D) is run as a formula by Excel, LibreOffice and
 * Google Sheets; prefixing a single quote (and quoting the cell) makes it text. We also treat a leading line feed, NUL
 * (OWASP ASVS 5.0 V1.2.10) and the full-width forms `＝＋－＠` (which some locales' spreadsheets
 * accept as operators) the same way. A plain number (`-12.5`, `1e-3`) is left alone: it cannot call
 * anything, and a quote would turn it into text. Every CSV writer calls this for every cell.
 */
export function csvCell(value: string | number | boolean | null | undefined): string {
  if (value === undefined || value === null) return '';
  const s = String(value);
  // neutralised cells are also quoted, as OWASP recommends (some importers drop a bare leading quote)
  if (FORMULA_START.test(s) && !PLAIN_NUMBER.test(s)) return `"'${s.replace(/"/g, '""')}"`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

const FORMULA_START = /^[=+\-@\t\r\n\u0000\uff1d\uff0b\uff0d\uff20]/;
const PLAIN_NUMBER = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;

/** One CSV record (no line end). */
export function csvRow(values: readonly (string | number | boolean | null | undefined)[]): string {
  return values.map(csvCell).join(',');
}

// ---- Terminal ---------------------------------------------------------------------------------------

/**
 * Characters a terminal acts on instead of showing: C0 controls except tab and line feed (ESC starts
 * ANSI CSI/OSC sequences: colours, cursor moves, window titles, OSC 8 hyperlinks, OSC 52 clipboard
 * writes), DEL, C1 controls (U+0080–U+009F: 8-bit CSI/OSC/DCS), and the Unicode bidirectional
 * controls that reorder what is displayed (the "Trojan Source" set, CVE-2021-42574: U+202A–U+202E,
 * U+2066–U+2069, plus U+200E/U+200F/U+061C marks). A carriage return is kept only before a line feed.
 */
const TERMINAL_UNSAFE_SOURCE =
  '[\\u0000-\\u0008\\u000b\\u000c\\u000e-\\u001f\\u007f-\\u009f\\u061c\\u200e\\u200f\\u202a-\\u202e\\u2066-\\u2069]|\\r(?!\\n)';
const TERMINAL_UNSAFE_ANY = new RegExp(TERMINAL_UNSAFE_SOURCE);
const TERMINAL_UNSAFE = new RegExp(TERMINAL_UNSAFE_SOURCE, 'g');

/**
 * `text` safe to write to a terminal: every character in TERMINAL_UNSAFE is shown as a visible escape
 * (`\x1b`, `\u202e`) instead of being sent raw. The CLI passes everything it writes (human output,
 * Markdown, CSV) through this at one place, its output boundary (cli/main.ts).
 */
export function sanitizeTerminal(text: string): string {
  if (!TERMINAL_UNSAFE_ANY.test(text)) return text;
  return text.replace(TERMINAL_UNSAFE, visibleEscape);
}

/**
 * A name from the file system (a path) for one line of human output: every control character (line
 * feed, tab, carriage return included) as a visible escape, so `path:line:` problem matchers and the
 * columns stay intact. JSON output keeps the name as it is.
 */
export function oneLineName(text: string): string {
  return text.replace(/[\u0000-\u001f\u007f-\u009f]/g, visibleEscape);
}

/** Inline code for a GFM table cell: a `|` inside a code span must be escaped too, or it ends the cell. */
export function markdownCodeCell(text: string): string {
  return markdownCode(text).replace(/\|/g, '\\|');
}

function visibleEscape(c: string): string {
  const code = c.charCodeAt(0);
  return code < 0x100 ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
}

/** Characters JSON.stringify leaves raw that a terminal (or a JavaScript parser) would act on. */
const JSON_RAW_UNSAFE = /[\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029]/g;

/**
 * `JSON.stringify(value, null, 2)` with the characters it leaves raw (DEL, C1, bidi controls,
 * U+2028/U+2029) written as `\uXXXX` escapes: the same JSON value when parsed, nothing a terminal acts
 * on when shown. (JSON.stringify already escapes C0 controls, ESC included.)
 */
export function terminalSafeJson(value: unknown): string {
  return exactJson(value).replace(JSON_RAW_UNSAFE, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/**
 * JSON.stringify(value, null, 2), except that a bigint (a flujo.toml integer past 2^53) is written as a JSON
 * number with all its digits, where JSON.stringify throws. JSON numbers have no precision limit (RFC 8259 §6;
 * Python's json reads them exactly). Through a marker with a per-call random part, so no string can pose as one.
 */
export function exactJson(value: unknown): string {
  try {
    return JSON.stringify(value, null, 2);
  } catch (err) {
    if (!(err instanceof TypeError) || !/BigInt/i.test(err.message)) throw err;
  }
  const marker = `\u0000bigint-${Math.random().toString(36).slice(2)}${Date.now().toString(36)}:`;
  const json = JSON.stringify(value, (_k, v: unknown) => (typeof v === 'bigint' ? `${marker}${v.toString()}` : v), 2);
  const escaped = JSON.stringify(marker).slice(1, -1);
  return json.replace(new RegExp(`"${escaped.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(-?\\d+)"`, 'g'), '$1');
}

/**
 * A value from a file or server as a message shows it: short (`max` characters, then …), and never
 * throwing — a value nested a million deep overflows both JSON.stringify and String.
 */
export function shownValue(v: unknown, max = 40): string {
  if (typeof v === 'number') return String(v);
  if (typeof v === 'bigint') return v.toString().length > max ? `${v.toString().slice(0, max)}…` : v.toString();
  if (v === undefined) return 'nothing';
  let text: string;
  try {
    text = JSON.stringify(v) ?? String(v);
  } catch {
    text = Array.isArray(v) ? 'a list' : typeof v === 'object' ? 'an object' : typeof v;
  }
  return text.length > max ? `${text.slice(0, max)}…` : text;
}
