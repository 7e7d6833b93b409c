// What every analysis stage shares: the diagnostic sink (capped, de-duplicated) and the file
// flattened into tables and leaf values with absolute key paths.
import type { ReferenceCatalog } from '../../pricing/reference';
import type { KeyPart, KeyValue, Range, ScanResult, ValueNode } from '../scanner';
import type { FlujoDiagnostic } from './types';

export function rangeKey(r: Range): string {
  return `${r.start.line}:${r.start.character}-${r.end.line}:${r.end.character}`;
}

export function joinRange(a: Range, b: Range): Range {
  return { start: a.start, end: b.end };
}

/** Collects diagnostics up to a cap; `once` drops a second report of the same code at the same range. */
export class DiagnosticSink {
  readonly diagnostics: FlujoDiagnostic[] = [];
  private readonly reported = new Set<string>();

  constructor(private readonly max: number) {}

  get full(): boolean {
    return this.diagnostics.length >= this.max;
  }

  push(d: FlujoDiagnostic): void {
    if (!this.full) this.diagnostics.push(d);
  }

  once(d: FlujoDiagnostic): void {
    if (this.full) return;
    const k = `${d.code}@${rangeKey(d.range)}`;
    if (this.reported.has(k)) return;
    this.reported.add(k);
    this.push(d);
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

export function flatten(scan: ScanResult): Flattened {
  const leaves: Leaf[] = [];
  const tables: TableDef[] = [];
  for (const h of scan.headers) tables.push({ path: h.path, parts: h.keys, ownFrom: 0, range: h.range, inline: false });
  const visit = (kv: KeyValue, baseParts: KeyPart[], depth: number) => {
    const parts = [...baseParts, ...kv.keys];
    const path = parts.map((p) => p.name);
    if (kv.value.kind === 'inline-table' && depth < 16) {
      tables.push({ path, parts, ownFrom: baseParts.length, range: kv.keyRange, inline: true });
      for (const child of kv.value.entries ?? []) visit(child, parts, depth + 1);
    } else {
      leaves.push({ path, parts, ownFrom: baseParts.length, keyRange: kv.keyRange, value: kv.value });
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
