// A tolerant position scanner for TOML: table headers, keys (bare / quoted, dotted parts) and values with
// their source ranges. smol-toml tells us whether a file is valid and where the first syntax error is;
// this scanner tells us *where* everything is, keeps going after errors, and gives each value its exact
// source text (so prices are read as decimal text, never through a float). Linear time, no backtracking.
import { lastAtOrBefore } from '../sorted';

export interface Position {
  line: number; // 0-based
  character: number; // 0-based, UTF-16 code units (VS Code's unit)
}

export interface Range {
  start: Position;
  end: Position;
}

export interface KeyPart {
  /** The key as TOML means it (quotes removed, escapes decoded). */
  name: string;
  quoted: boolean;
  range: Range;
}

export type ValueKind = 'string' | 'integer' | 'float' | 'boolean' | 'datetime' | 'array' | 'inline-table' | 'invalid';

export interface ValueNode {
  kind: ValueKind;
  /** Source text of the value. */
  text: string;
  range: Range;
  /** Decoded string for kind 'string'. */
  string?: string;
  /** Entries of an inline table (keys relative to it). */
  entries?: KeyValue[];
  /** Items of an array. */
  items?: ValueNode[];
}

export interface KeyValue {
  /** Absolute key path: enclosing table path + dotted key parts. */
  path: string[];
  /** The dotted key parts as written. */
  keys: KeyPart[];
  keyRange: Range;
  value: ValueNode;
  /** Path of the table the key was written in. */
  table: string[];
  /** Key parts of that table's header (absolute parts = tableKeys + keys). */
  tableKeys: KeyPart[];
}

export interface TableHeader {
  path: string[];
  keys: KeyPart[];
  /** Array of tables `[[x]]`. */
  array: boolean;
  /** The whole `[...]` header. */
  range: Range;
  /** Range of the key inside the brackets. */
  keyRange: Range;
}

export interface ScanResult {
  headers: TableHeader[];
  entries: KeyValue[];
  /** Where the scanner had to give up on a line (the parser's error is the authoritative one). */
  problems: { message: string; range: Range }[];
  lineStarts: number[];
}

/**
 * A range the scanner found, kept as offsets: line/character are worked out when read (a 10 MB file has
 * millions of ranges and almost none is ever shown). Read-only and not a plain object: copy it with
 * `plainRange` before it leaves the process (structured clone and JSON drop getters).
 */
export class SourceRange implements Range {
  constructor(
    private readonly lineStarts: number[],
    readonly from: number,
    readonly to: number,
  ) {}
  get start(): Position {
    return positionAt(this.lineStarts, this.from);
  }
  get end(): Position {
    return positionAt(this.lineStarts, this.to);
  }
}

/** A key part as scanned: its range is made when read. */
class ScannedKey implements KeyPart {
  constructor(
    readonly name: string,
    readonly quoted: boolean,
    private readonly lineStarts: number[],
    readonly from: number,
    readonly to: number,
  ) {}
  get range(): Range {
    return new SourceRange(this.lineStarts, this.from, this.to);
  }
}

/** A value as scanned: its range is made when read (strings, arrays and inline tables add their content). */
class ScannedValue implements ValueNode {
  constructor(
    readonly kind: ValueKind,
    readonly text: string,
    private readonly lineStarts: number[],
    readonly from: number,
    readonly to: number,
  ) {}
  get range(): Range {
    return new SourceRange(this.lineStarts, this.from, this.to);
  }
}

/** A `key = value` as scanned: its key range is made when read. */
class ScannedEntry implements KeyValue {
  constructor(
    readonly keys: KeyPart[],
    readonly value: ValueNode,
    readonly table: string[],
    readonly tableKeys: KeyPart[],
    private readonly lineStarts: number[],
    private readonly keyFrom: number,
    private readonly keyTo: number,
  ) {}
  get keyRange(): Range {
    return new SourceRange(this.lineStarts, this.keyFrom, this.keyTo);
  }
  /** Made when read: kept, one array per entry would be most of a 10 MB file's memory. */
  get path(): string[] {
    const path = this.table.slice();
    for (const k of this.keys) path.push(k.name);
    return path;
  }
}

/** A table header as scanned: its ranges are made when read. */
class ScannedHeader implements TableHeader {
  constructor(
    readonly path: string[],
    readonly keys: KeyPart[],
    readonly array: boolean,
    private readonly lineStarts: number[],
    private readonly from: number,
    private readonly to: number,
    private readonly keyFrom: number,
    private readonly keyTo: number,
  ) {}
  get range(): Range {
    return new SourceRange(this.lineStarts, this.from, this.to);
  }
  get keyRange(): Range {
    return new SourceRange(this.lineStarts, this.keyFrom, this.keyTo);
  }
}

/** A plain copy of a range (Position objects with own properties), safe to post, store or compare. */
export function plainRange(r: Range): Range {
  const { line: sl, character: sc } = r.start;
  const { line: el, character: ec } = r.end;
  return { start: { line: sl, character: sc }, end: { line: el, character: ec } };
}

export function lineStartsOf(text: string): number[] {
  const starts = [0];
  if (!text.includes('\r')) {
    // The common case, by indexOf (much faster than a loop over every character).
    for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
    return starts;
  }
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 10) starts.push(i + 1);
    else if (c === 13 && text.charCodeAt(i + 1) !== 10) starts.push(i + 1);
  }
  return starts;
}

export function positionAt(lineStarts: number[], offset: number): Position {
  const line = lastAtOrBefore(lineStarts, offset);
  return { line, character: offset - lineStarts[line] };
}

export function offsetAt(lineStarts: number[], pos: Position): number {
  const line = Math.min(Math.max(pos.line, 0), lineStarts.length - 1);
  return lineStarts[line] + pos.character;
}

function isBare(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === 95 || c === 45;
}

/** Ends a scalar value: whitespace, ',', ']', '}', '#'. */
function endsScalar(c: number): boolean {
  return c === 32 || c === 9 || c === 10 || c === 13 || c === 44 || c === 93 || c === 125 || c === 35 || c === 12 || c === 11;
}
const MAX_DEPTH = 32;
const ESCAPES: Readonly<Record<string, string>> = { n: '\n', t: '\t', r: '\r', b: '\b', f: '\f', '"': '"', '\\': '\\', e: '\x1b' };

class Scanner {
  i = 0;
  readonly headers: TableHeader[] = [];
  readonly entries: KeyValue[] = [];
  readonly problems: { message: string; range: Range }[] = [];
  readonly lineStarts: number[];
  table: string[] = [];
  tableKeys: KeyPart[] = [];

  constructor(
    readonly text: string,
    lineStarts?: number[],
  ) {
    this.lineStarts = lineStarts ?? lineStartsOf(text);
  }

  /** Short key names repeat on every line ([cost.providers.openai…]): one copy of each. */
  private readonly names = new Map<string, string>();
  intern(name: string): string {
    if (name.length > 32) return name;
    const seen = this.names.get(name);
    if (seen !== undefined) return seen;
    if (this.names.size < 10_000) this.names.set(name, name);
    return name;
  }

  range(a: number, b: number): Range {
    return new SourceRange(this.lineStarts, a, b);
  }
  problem(message: string, a: number, b: number) {
    if (this.problems.length < 1000) this.problems.push({ message, range: this.range(a, Math.max(a, b)) });
  }

  skipWs() {
    const t = this.text;
    while (this.i < t.length && (t[this.i] === ' ' || t[this.i] === '\t')) this.i++;
  }
  atEol(): boolean {
    const c = this.text[this.i];
    return c === undefined || c === '\n' || c === '\r' || c === '#';
  }
  skipLine() {
    const t = this.text;
    while (this.i < t.length && t[this.i] !== '\n' && t[this.i] !== '\r') this.i++;
  }
  skipNewline() {
    if (this.text[this.i] === '\r') this.i++;
    if (this.text[this.i] === '\n') this.i++;
  }
  /** Skips whitespace, newlines and comments (inside arrays). */
  skipAll() {
    const t = this.text;
    while (this.i < t.length) {
      const c = t[this.i];
      if (c === ' ' || c === '\t' || c === '\n' || c === '\r') this.i++;
      else if (c === '#') this.skipLine();
      else break;
    }
  }

  run(): ScanResult {
    const t = this.text;
    if (t.charCodeAt(0) === 0xfeff) this.i = 1;
    while (this.i < t.length) {
      const before = this.i;
      this.skipWs();
      const c = t[this.i];
      if (c === undefined) break;
      if (c === '\n' || c === '\r') this.skipNewline();
      else if (c === '#') this.skipLine();
      else if (c === '[') this.header();
      else this.keyValueLine();
      if (this.i === before) this.i++; // always progress
    }
    return { headers: this.headers, entries: this.entries, problems: this.problems, lineStarts: this.lineStarts };
  }

  header() {
    const t = this.text;
    const start = this.i;
    const array = t[this.i + 1] === '[';
    this.i += array ? 2 : 1;
    this.skipWs();
    const keyStart = this.i;
    const keys = this.dottedKey();
    const keyEnd = keys.length ? (keys[keys.length - 1] as ScannedKey).to : this.i;
    this.skipWs();
    if (t[this.i] === ']' && (!array || t[this.i + 1] === ']')) {
      this.i += array ? 2 : 1;
    } else {
      this.problem('unterminated table header', start, this.i);
    }
    const end = this.i;
    this.skipWs();
    if (!this.atEol()) this.problem('unexpected text after table header', this.i, this.i + 1);
    this.skipLine();
    if (keys.length) {
      const path = keys.map((k) => k.name);
      this.headers.push(new ScannedHeader(path, keys, array, this.lineStarts, start, end, keyStart, keyEnd));
      this.table = path;
      this.tableKeys = keys;
    }
  }

  keyValueLine() {
    const kv = this.keyValue(this.table, this.tableKeys, 0);
    this.skipWs();
    if (kv && !this.atEol()) this.problem('expected a newline after the value', this.i, this.i + 1);
    this.skipLine();
  }

  /** key = value, starting at a key; returns undefined (and records a problem) when it is not one. */
  keyValue(table: string[], tableKeys: KeyPart[], depth: number): KeyValue | undefined {
    const t = this.text;
    const keyStart = this.i;
    const keys = this.dottedKey();
    if (!keys.length) {
      this.problem('expected a key', keyStart, keyStart + 1);
      return undefined;
    }
    const keyEnd = (keys[keys.length - 1] as ScannedKey).to;
    this.skipWs();
    if (t[this.i] !== '=') {
      this.problem("expected '=' after the key", this.i, this.i + 1);
      return undefined;
    }
    this.i++;
    this.skipWs();
    const value = this.value(depth);
    const kv = new ScannedEntry(keys, value, table, tableKeys, this.lineStarts, keyStart, keyEnd);
    if (depth === 0) this.entries.push(kv);
    return kv;
  }

  dottedKey(): KeyPart[] {
    const t = this.text;
    const parts: KeyPart[] = [];
    for (;;) {
      this.skipWs();
      const s = this.i;
      const c = t[this.i];
      let name: string | undefined;
      let quoted = false;
      if (c === '"' || c === "'") {
        const str = this.singleLineString(c);
        if (str === undefined) break;
        name = str;
        quoted = true;
      } else {
        while (this.i < t.length && isBare(t.charCodeAt(this.i))) this.i++;
        if (this.i === s) break;
        name = this.intern(t.slice(s, this.i));
      }
      parts.push(new ScannedKey(name, quoted, this.lineStarts, s, this.i));
      this.skipWs();
      if (t[this.i] === '.') this.i++;
      else break;
    }
    return parts.slice(); // exact size: a pushed-to array keeps room for 16 more, and there is one per key
  }

  /** A one-line basic or literal string starting at the quote; undefined (with a problem) when unterminated. */
  singleLineString(q: string): string | undefined {
    const t = this.text;
    const s = this.i;
    this.i++;
    // Plain runs are sliced whole: adding one character at a time builds a rope of one node per character.
    let out = '';
    let run = this.i;
    while (this.i < t.length) {
      const c = t[this.i];
      if (c === '\n' || c === '\r') break;
      if (c === q) {
        out += t.slice(run, this.i);
        this.i++;
        return out;
      }
      if (c === '\\' && q === '"') {
        out += t.slice(run, this.i);
        const e = t[this.i + 1];
        const escaped = e === undefined ? undefined : ESCAPES[e];
        if (escaped !== undefined) {
          out += escaped;
          this.i += 2;
          run = this.i;
          continue;
        }
        if (e === 'u' || e === 'U') {
          const n = e === 'u' ? 4 : 8;
          const hex = t.slice(this.i + 2, this.i + 2 + n);
          const cp = /^[0-9a-fA-F]+$/.test(hex) && hex.length === n ? parseInt(hex, 16) : NaN;
          if (Number.isFinite(cp) && cp <= 0x10ffff && !(cp >= 0xd800 && cp <= 0xdfff)) out += String.fromCodePoint(cp);
          else this.problem('invalid unicode escape', this.i, this.i + 2 + n);
          this.i += 2 + n;
          run = this.i;
          continue;
        }
        this.problem('invalid escape', this.i, this.i + 2);
        this.i += 2;
        run = this.i;
        continue;
      }
      this.i++;
    }
    this.problem('unterminated string', s, this.i);
    return undefined;
  }

  value(depth: number): ValueNode {
    const t = this.text;
    const s = this.i;
    const c = t[s];
    const node = (kind: ValueKind, extra?: Pick<ValueNode, 'string' | 'entries' | 'items'>): ValueNode => {
      const v = new ScannedValue(kind, t.slice(s, this.i), this.lineStarts, s, this.i);
      if (extra) Object.assign(v, extra);
      return v;
    };
    if (c === undefined || c === '\n' || c === '\r' || c === '#') {
      this.problem('expected a value', s, s + 1);
      return node('invalid');
    }
    if ((c === '"' || c === "'") && t.startsWith(c.repeat(3), s)) {
      const close = t.indexOf(c.repeat(3), s + 3);
      if (close < 0) {
        this.problem('unterminated multi-line string', s, t.length);
        this.i = t.length;
        return node('invalid');
      }
      this.i = close + 3;
      while (t[this.i] === c && this.i - close < 5) this.i++; // up to two quotes may end the content
      let str = t.slice(s + 3, this.i - 3);
      str = str.replace(/^\r?\n/, '');
      return node('string', { string: str });
    }
    if (c === '"' || c === "'") {
      const str = this.singleLineString(c);
      return str === undefined ? node('invalid') : node('string', { string: str });
    }
    if (c === '[') {
      this.i++;
      const items: ValueNode[] = [];
      if (depth >= MAX_DEPTH) {
        this.problem('nesting too deep', s, this.i);
        this.skipBalanced();
        return node('invalid');
      }
      for (;;) {
        this.skipAll();
        if (this.i >= t.length) {
          this.problem('unterminated array', s, this.i);
          return node('invalid');
        }
        if (t[this.i] === ']') {
          this.i++;
          return node('array', { items });
        }
        const before = this.i;
        const v = this.value(depth + 1);
        if (v.kind === 'invalid' && this.i === before) this.i++;
        else items.push(v);
        this.skipAll();
        if (t[this.i] === ',') this.i++;
        else if (t[this.i] !== ']') {
          this.problem("expected ',' or ']' in array", this.i, this.i + 1);
          // Stop at the end of this line to keep going with the file.
          if (t[this.i] === '[' || /[A-Za-z_]/.test(t[this.i] ?? '')) return node('invalid');
        }
      }
    }
    if (c === '{') {
      this.i++;
      const entries: KeyValue[] = [];
      if (depth >= MAX_DEPTH) {
        this.problem('nesting too deep', s, this.i);
        this.skipBalanced();
        return node('invalid');
      }
      for (;;) {
        this.skipWs();
        if (t[this.i] === '}') {
          this.i++;
          return node('inline-table', { entries });
        }
        if (this.atEol()) {
          this.problem('unterminated inline table', s, this.i);
          return node('invalid', { entries });
        }
        const before = this.i;
        const kv = this.keyValue([], [], depth + 1);
        if (kv) entries.push(kv);
        else if (this.i === before) this.i++;
        this.skipWs();
        if (t[this.i] === ',') this.i++;
        else if (t[this.i] !== '}') {
          this.problem("expected ',' or '}' in inline table", this.i, this.i + 1);
          if (this.atEol()) return node('invalid', { entries });
          this.i++;
        }
      }
    }
    // Scalar: up to a delimiter.
    while (this.i < t.length && !endsScalar(t.charCodeAt(this.i))) this.i++;
    // Date-times may contain one space between date and time.
    if (t[this.i] === ' ' && /^\d{4}-\d{2}-\d{2}$/.test(t.slice(s, this.i)) && /\d/.test(t[this.i + 1] ?? '')) {
      this.i++;
      while (this.i < t.length && !endsScalar(t.charCodeAt(this.i))) this.i++;
    }
    const text = t.slice(s, this.i);
    return node(scalarKind(text));
  }

  skipBalanced() {
    const t = this.text;
    let d = 0;
    while (this.i < t.length) {
      const c = t[this.i++];
      if (c === '[' || c === '{') d++;
      else if ((c === ']' || c === '}') && --d <= 0) return;
    }
  }
}

export function scalarKind(text: string): ValueKind {
  if (text === 'true' || text === 'false') return 'boolean';
  if (/^[+-]?(0|[1-9](_?\d)*)$/.test(text) || /^0x[0-9A-Fa-f](_?[0-9A-Fa-f])*$|^0o[0-7](_?[0-7])*$|^0b[01](_?[01])*$/.test(text))
    return 'integer';
  if (/^[+-]?(0|[1-9](_?\d)*)(\.\d(_?\d)*)?([eE][+-]?\d(_?\d)*)?$/.test(text) || /^[+-]?(inf|nan)$/.test(text)) return 'float';
  if (/^\d{4}-\d{2}-\d{2}([Tt ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?([Zz]|[+-]\d{2}:\d{2})?)?$|^\d{2}:\d{2}(:\d{2}(\.\d+)?)?$/.test(text))
    return 'datetime';
  return 'invalid';
}

/** Scans TOML text for positions. Never throws; always terminates in time linear in the text length. */
export function scanToml(text: string, lineStarts?: number[]): ScanResult {
  return new Scanner(text, lineStarts).run();
}

/** Formats a key part for TOML: bare when possible, else a basic string. */
export function tomlKey(name: string): string {
  return /^[A-Za-z0-9_-]+$/.test(name) ? name : JSON.stringify(name);
}
