// Team runs from OTLP JSON Lines files (or a store) into the ledger, where the Runs view and the learned
// output statistics read them. A run already in the ledger from this machine (no `origin`) is never
// overwritten by its exported copy; a team run is appended once and again only if it changed.
import * as fs from 'node:fs';
import { AppendOptions, LedgerFold, appendEntries, readLedger } from '../ledger';
import { RunRecord } from '../record';
import { OtlpFileProblem, parseOtlpJsonLines, spansToRecords } from './jsonl';
import { SpanContext } from './fromSpans';

export interface TeamImportResult {
  added: number;
  updated: number;
  unchanged: number;
  skippedDeleted: number;
  duplicateSpans: number;
  otherSpans: number;
  problems: OtlpFileProblem[];
  records: RunRecord[];
}

/** A file is read whole; beyond this it is refused with a message (a Collector rotates its file well below). */
export const MAX_OTLP_FILE_BYTES = 256 * 1024 * 1024;

/** Reads OTLP JSON Lines files; an unreadable or oversized file is a problem naming it. */
export function readOtlpFiles(files: readonly string[], problems: OtlpFileProblem[]): SpanContext[] {
  const spans: SpanContext[] = [];
  for (const file of files) {
    let text: string;
    try {
      const st = fs.statSync(file);
      if (!st.isFile()) throw new Error('not a regular file');
      if (st.size > MAX_OTLP_FILE_BYTES)
        throw new Error(`${st.size.toLocaleString('en-US')} bytes, more than the ${MAX_OTLP_FILE_BYTES / 1024 / 1024} MB read at once`);
      text = fs.readFileSync(file, 'utf8');
    } catch (err) {
      problems.push({ where: file, message: `cannot read: ${err instanceof Error ? err.message : String(err)}` });
      continue;
    }
    for (const s of parseOtlpJsonLines(text, file, problems)) spans.push(s);
  }
  return spans;
}

function withoutOrigin(r: RunRecord): string {
  const { origin: _origin, ...rest } = r;
  return JSON.stringify(rest);
}

/** Appends the new and changed team runs to the ledger (one batched append); see the file comment. */
export async function importTeamRecords(
  ledgerFile: string,
  incoming: readonly RunRecord[],
  options: AppendOptions & { dryRun?: boolean } = {},
) {
  const current = await readLedger(ledgerFile);
  const fold = new LedgerFold();
  fold.apply(current.runs);
  const deleted = new Set(current.deleted.map((r) => r.id));
  const out = { added: 0, updated: 0, unchanged: 0, skippedDeleted: 0, records: [] as RunRecord[] };
  for (const rec of incoming) {
    if (deleted.has(rec.id)) {
      out.skippedDeleted++;
      continue;
    }
    const prev = fold.get(rec.id);
    if (prev && (prev.origin === undefined || withoutOrigin(prev) === withoutOrigin(rec))) {
      out.unchanged++;
      continue;
    }
    out.records.push(rec);
    if (prev) out.updated++;
    else out.added++;
  }
  if (!options.dryRun) await appendEntries(ledgerFile, out.records, options);
  return out;
}

/** Files → ledger: read, deduplicate by span id, append what is new. */
export async function importOtlpFiles(
  ledgerFile: string,
  files: readonly string[],
  options: AppendOptions & { dryRun?: boolean } = {},
): Promise<TeamImportResult> {
  const problems: OtlpFileProblem[] = [];
  const spans = readOtlpFiles(files, problems);
  const origin = files.length === 1 ? `otlp-file:${files[0]}` : `otlp-files:${files.length}`;
  const parsed = spansToRecords(spans, origin, problems);
  const done = await importTeamRecords(ledgerFile, parsed.records, options);
  return { ...done, duplicateSpans: parsed.duplicateSpans, otherSpans: parsed.otherSpans, problems };
}
