// What every analysis stage shares: the diagnostic sink (capped, de-duplicated) and the file
// flattened into tables and leaf values with absolute key paths.
import type { ReferenceCatalog } from '../../pricing/reference';
import { plainRange } from '../scanner';
import type { KeyPart, KeyValue, Range, ScanResult, TableHeader, ValueNode } from '../scanner';
import type { FlujoDiagnostic } from './types';

export function rangeKey(r: Range): string {
  return `${r.start.line}:${r.start.character}-${r.end.line}:${r.end.character}`;
}

export function joinRange(a: Range, b: Range): Range {
  return { start: a.start, end: b.end };
}

/** How many diagnostics one file reports at most; the rest are counted in one "N more" diagnostic. */
export const MAX_DIAGNOSTICS = 1000;
/** A message quotes values from the file: past this many characters the middle is cut (a 1 MB string stays out of the Problems view). */
const MAX_MESSAGE = 1200;

const SEVERITY_RANK: Record<FlujoDiagnostic['severity'], number> = { error: 0, warning: 1, info: 2 };

/** Errors first (one bad record must not hide the reasons Flujo fails to load), then by position. */
function before(a: FlujoDiagnostic, b: FlujoDiagnostic): number {
  return (
    SEVERITY_RANK[a.severity] - SEVERITY_RANK[b.severity] ||
    a.range.start.line - b.range.start.line ||
    a.range.start.character - b.range.start.character
  );
}

function shorten(message: string): string {
  if (message.length <= MAX_MESSAGE) return message;
  const keep = MAX_MESSAGE / 2 - 40;
  return `${message.slice(0, keep)} … (${(message.length - 2 * keep).toLocaleString('en-US')} characters) … ${message.slice(-keep)}`;
}

/** A diagnostic as it leaves the analysis: plain ranges (the scanner's are lazy) and a bounded message. */
function settled(d: FlujoDiagnostic): FlujoDiagnostic {
  const out: FlujoDiagnostic = { ...d, message: shorten(d.message), range: plainRange(d.range) };
  const data = d.data;
  if (data?.kind === 'add-missing-prices') out.data = { ...data, insertAfter: plainRange(data.insertAfter) };
  else if (data?.kind === 'replace-model' && data.prices)
    out.data = { ...data, prices: data.prices.map((p) => ({ ...p, range: plainRange(p.range), text: p.text })) };
  return out;
}

/**
 * Collects diagnostics, keeping the `max` that come first (errors, then by position) and counting the
 * rest, in memory bounded by `max`; `once` drops a second report of the same code at the same range.
 */
export class DiagnosticSink {
  private kept: FlujoDiagnostic[] = [];
  private readonly reported = new Set<string>();
  private readonly dropped = { error: 0, warning: 0, info: 0 };
  private total = 0;
  private readonly unchecked = new Map<string, number>();

  constructor(private readonly max: number = MAX_DIAGNOSTICS) {}

  /** `max` diagnostics were reported: stages may skip work that only finds more. */
  get full(): boolean {
    return this.total >= this.max;
  }

  /** A stage skipped a check because the sink is full: the summary says how many were not checked. */
  skipped(what: string): void {
    this.unchecked.set(what, (this.unchecked.get(what) ?? 0) + 1);
  }

  push(d: FlujoDiagnostic): void {
    this.total++;
    this.kept.push(settled(d));
    if (this.kept.length >= 2 * Math.max(this.max, 1)) this.trim();
  }

  once(d: FlujoDiagnostic): void {
    const k = `${d.code}@${rangeKey(d.range)}`;
    if (this.reported.has(k)) return;
    this.reported.add(k);
    this.push(d);
  }

  private trim(): void {
    this.kept.sort(before);
    for (const d of this.kept.slice(this.max)) this.dropped[d.severity]++;
    this.kept.length = Math.min(this.kept.length, this.max);
  }

  /** The kept diagnostics by position, then one summary of what was left out (if anything was). */
  get diagnostics(): FlujoDiagnostic[] {
    this.trim();
    const out = [...this.kept].sort((x, y) => x.range.start.line - y.range.start.line || x.range.start.character - y.range.start.character);
    const { error, warning, info } = this.dropped;
    const n = error + warning + info;
    const count = (k: number, what: string) => `${k.toLocaleString('en-US')} ${what}${k === 1 ? '' : 's'}`;
    const max = this.max.toLocaleString('en-US');
    const notShown =
      n > 0
        ? `${count(n, 'more problem')} not shown (${[error && count(error, 'error'), warning && count(warning, 'warning'), info && `${info.toLocaleString('en-US')} info`].filter(Boolean).join(', ')}): only the first ${max} are listed, errors first.`
        : `Only ${max} problems are listed.`;
    const skipped = [...this.unchecked].map(([what, k]) => count(k, what));
    if (n > 0 || skipped.length) {
      out.push({
        severity: error ? 'error' : 'warning',
        code: 'too-many-problems',
        message: `${notShown}${skipped.length ? ` ${skipped.join(' and ')} past the first ${max} problems were not compared with the reference catalog (unknown-model, price-differs, price-magnitude).` : ''}`,
        range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
      });
    }
    return out;
  }
}

/** A key = value that is not a table, with its absolute path. */
export interface Leaf {
  path: string[];
  /** Absolute key parts (header parts + key parts), aligned with path. */
  parts: KeyPart[];
  /** Index in parts where this entry's own keys begin. */
  ownFrom: number;
  keyRange: Range;
  value: ValueNode;
}

/** A table: a `[header]` or an inline table `key = { … }`. */
export interface TableDef {
  path: string[];
  parts: KeyPart[];
  ownFrom: number;
  range: Range;
  inline: boolean;
}

export interface Flattened {
  leaves: Leaf[];
  tables: TableDef[];
}

/** A leaf of the flattened file; its key range is read from the entry when asked for. */
class FlatLeaf implements Leaf {
  constructor(
    private readonly absolute: string[] | undefined,
    private readonly baseParts: KeyPart[],
    private readonly kv: KeyValue,
  ) {}
  /** Made when read for a top-level entry (most leaves): 100k tables would otherwise keep 200k arrays. */
  get path(): string[] {
    return this.absolute ?? this.kv.path;
  }
  /** Made when read (few stages need them): one array fewer per leaf in memory. */
  get parts(): KeyPart[] {
    return this.baseParts.concat(this.kv.keys);
  }
  get ownFrom(): number {
    return this.baseParts.length;
  }
  get keyRange(): Range {
    return this.kv.keyRange;
  }
  get value(): ValueNode {
    return this.kv.value;
  }
}

/** A table of the flattened file: a header (its range) or an inline table (its key's range). */
class FlatTable implements TableDef {
  constructor(
    readonly path: string[],
    readonly parts: KeyPart[],
    readonly ownFrom: number,
    readonly inline: boolean,
    private readonly source: TableHeader | KeyValue,
  ) {}
  get range(): Range {
    return this.inline ? (this.source as KeyValue).keyRange : (this.source as TableHeader).range;
  }
}

export function flatten(scan: ScanResult): Flattened {
  const leaves: Leaf[] = [];
  const tables: TableDef[] = [];
  for (const h of scan.headers) tables.push(new FlatTable(h.path, h.keys, 0, false, h));
  const visit = (kv: KeyValue, baseParts: KeyPart[], depth: number) => {
    if (kv.value.kind === 'inline-table' && depth < 16) {
      const parts = baseParts.concat(kv.keys);
      tables.push(
        new FlatTable(
          parts.map((p) => p.name),
          parts,
          baseParts.length,
          true,
          kv,
        ),
      );
      for (const child of kv.value.entries ?? []) visit(child, parts, depth + 1);
    } else {
      // A top-level entry's path is absolute (table + keys) and made when read; a nested one is kept.
      leaves.push(new FlatLeaf(depth === 0 ? undefined : baseParts.concat(kv.keys).map((p) => p.name), baseParts, kv));
    }
  };
  for (const kv of scan.entries) visit(kv, kv.tableKeys, 0);
  return { leaves, tables };
}

/** What the file's problems do to Flujo as a whole (the first reason of each is kept for messages). */
export interface Consequences {
  /** ConfigManager.load_config raises ConfigurationError: nothing in flujo.toml applies. */
  loadFails: string[];
  /** CostConfig(**cost) raises: Flujo records $0 for every model and ignores strict mode. */
  costInvalid: string[];
}

export const LOAD_FAILS =
  'Flujo then cannot load flujo.toml at all (ConfigManager.load_config raises ConfigurationError): none of its settings, budgets or prices apply.';
export const COST_FAILS =
  "Flujo's CostConfig then rejects the whole [cost] section: Flujo records $0 for every model, not just this one, and ignores strict mode.";

/** The state the stages after `structure` read. */
export interface AnalysisContext {
  text: string;
  scan: ScanResult;
  reference: ReferenceCatalog;
  sink: DiagnosticSink;
  flat: Flattened;
  /** Model tables split by an unquoted dotted name (see structure.ts). */
  isDotted: (path: string[]) => boolean;
  consequences: Consequences;
}
