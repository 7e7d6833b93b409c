// Learned averages written into flujo.toml where Flujo's learnable estimator looks them up.
//
// Flujo 0.6.11 `LearnableUsageEstimator` (flujo/application/core/runtime/estimation.py) reads
// `cost.historical[str(agent._provider) or "default"][agent._model_name]` → `avg_cost_usd`, `avg_tokens`.
// `_provider` is never set on Flujo's agent wrapper, so the provider key is always `default`, and the model
// key is the whole string given to `make_agent_async` (`openai:gpt-4o`). Flujo uses the figure only to
// reserve budget before a step runs (reconciled with the real usage after); the recorded cost stays the
// actual one. Nothing in Flujo fills the table: we do, from the runs in the ledger.
import type { RunRecord } from '../history/record';
import { Decimal } from '../pricing/decimal';
import { errorText } from '../errors';
import { parse as parseToml } from 'smol-toml';
import { TextEdit, appendAtEnd, applyEdits, eolOf } from './fixes';
import { ScanResult, scanToml, tomlKey } from './scanner';

/** Fewer runs than this say too little about a model's typical call (the learned estimates' rule). */
export const MIN_HISTORICAL_RUNS = 3;

export interface HistoricalAverage {
  /** The model string a Flujo agent is made with (`openai:gpt-4o`): the table's key. */
  flujoModel: string;
  /** Mean tokens per call (input + output, as Flujo's step `token_counts`), rounded. */
  avgTokens: number;
  /** Mean cost per call in USD (6 significant digits), when the runs were priced. */
  avgCostUsd?: string;
  runs: number;
  /** Runs of them that carried a cost. */
  pricedRuns: number;
}

/** pydantic-ai's provider prefixes, which Flujo's model strings use, for the providers our runs record. */
const FLUJO_PREFIX: Record<string, string> = { gemini: 'google-gla', google: 'google-gla' };

/** The Flujo model string of a ledger run (`openai:gpt-4o`), undefined when the run names no model. */
export function flujoModelString(run: Pick<RunRecord, 'provider' | 'model'>): string | undefined {
  if (!run.model) return undefined;
  if (run.model.includes(':') || !run.provider) return run.model;
  const provider = run.provider.toLowerCase();
  return `${FLUJO_PREFIX[provider] ?? provider}:${run.model}`;
}

/** Per Flujo model string: the mean tokens and cost of the successful runs (≥ MIN_HISTORICAL_RUNS each). */
export function historicalAverages(runs: Iterable<RunRecord>, minRuns = MIN_HISTORICAL_RUNS): HistoricalAverage[] {
  const by = new Map<string, { runs: number; tokens: number; priced: number; cost: Decimal }>();
  for (const r of runs) {
    // Failed runs stopped early, and a run without usage says nothing about the size of a call.
    if (r.status !== 'ok' || !r.usage) continue;
    const model = flujoModelString(r);
    if (!model) continue;
    const u = r.usage;
    const tokens = r.totalTokens ?? u.inputTokens + u.cachedInputTokens + u.cacheWrite5mTokens + u.cacheWrite1hTokens + u.outputTokens;
    if (!Number.isFinite(tokens) || tokens < 0) continue;
    const acc = by.get(model) ?? { runs: 0, tokens: 0, priced: 0, cost: Decimal.ZERO };
    acc.runs++;
    acc.tokens += tokens;
    const cost = r.costUsd ? Decimal.tryParse(r.costUsd) : undefined;
    if (cost) {
      acc.priced++;
      acc.cost = acc.cost.plus(cost);
    }
    by.set(model, acc);
  }
  const out: HistoricalAverage[] = [];
  for (const [flujoModel, a] of by) {
    if (a.runs < minRuns) continue;
    const avg: HistoricalAverage = { flujoModel, avgTokens: Math.round(a.tokens / a.runs), runs: a.runs, pricedRuns: a.priced };
    // Only when every run was priced: a mean over some of them would understate the reservation.
    if (a.priced === a.runs) avg.avgCostUsd = meanUsd(a.cost, a.runs);
    out.push(avg);
  }
  return out.sort((x, y) => x.flujoModel.localeCompare(y.flujoModel));
}

/** sum / n as a plain decimal with 6 significant digits (never exponent notation: TOML floats need digits). */
function meanUsd(sum: Decimal, n: number): string {
  const mean = sum.toNumber() / n;
  if (mean === 0) return '0.0';
  const digits = Math.max(0, 6 - Math.floor(Math.log10(Math.abs(mean))) - 1);
  const text = mean.toFixed(Math.min(digits, 20)).replace(/0+$/, '').replace(/\.$/, '.0');
  return text.includes('.') ? text : `${text}.0`;
}

export interface HistoricalWrite {
  edits: TextEdit[];
  /** Models written (new table or updated values). */
  written: string[];
  /** Models left alone, with why. */
  skipped: { flujoModel: string; reason: string }[];
  /** The strategy line was added or changed to "learnable". */
  enabledLearnable: boolean;
}

const HISTORICAL = ['cost', 'historical', 'default'];

/**
 * Edits that write the averages into `[cost.historical.default."<model>"]` tables (values replaced in place,
 * new tables appended), and with `enableLearnable` set `cost.estimation_strategy = "learnable"`. The result
 * is parsed again and must read back the written values; otherwise nothing is written (an error is thrown).
 */
export function historicalEdits(text: string, averages: readonly HistoricalAverage[], enableLearnable: boolean): HistoricalWrite {
  const scan = scanToml(text);
  const eol = eolOf(text);
  const result: HistoricalWrite = { edits: [], written: [], skipped: [], enabledLearnable: false };
  const appended: string[] = [];
  // Lines that go right after the file's last line, before the appended tables (one edit, in this order).
  const afterLast: string[] = [];
  const insertAfter = (line: number, lines: string) => {
    const at = insertAfterLine(scan.lineStarts, line, eol, lines);
    if (at) result.edits.push(at);
    else afterLast.push(lines);
  };
  // A table written inline (`default = { … }`) cannot get a [header] of its own: TOML forbids redefining it.
  const inlineTables = scan.entries.filter(
    (e) => e.value.kind === 'inline-table' && e.path.length <= 4 && startsWith(e.path, ['cost', 'historical']),
  );
  for (const avg of averages) {
    const path = [...HISTORICAL, avg.flujoModel];
    const inline = inlineTables.find((e) => startsWith(path, e.path));
    if (inline) {
      result.skipped.push({
        flujoModel: avg.flujoModel,
        reason: `written inline at line ${inline.keyRange.start.line + 1}; edit it by hand`,
      });
      continue;
    }
    const values: [string, string | undefined][] = [
      ['avg_tokens', String(avg.avgTokens)],
      ['avg_cost_usd', avg.avgCostUsd],
    ];
    const header = scan.headers.find((h) => !h.array && sameTomlPath(h.path, path));
    // A model table made by dotted keys (`default."openai:gpt-4o".avg_tokens = 3`): add siblings the same way.
    const sibling = header ? undefined : scan.entries.find((e) => e.path.length === path.length + 1 && startsWith(e.path, path));
    const missing: string[] = [];
    for (const [key, value] of values) {
      if (value === undefined) continue;
      const entry = scan.entries.find((e) => sameTomlPath(e.path, [...path, key]));
      if (entry) result.edits.push({ range: entry.value.range, newText: value });
      else if (sibling) missing.push(`${[...sibling.keys.slice(0, -1).map((k) => tomlKey(k.name)), key].join('.')} = ${value}`);
      else missing.push(`${key} = ${value}`);
    }
    if (missing.length && header) insertAfter(header.range.end.line, missing.join(eol));
    else if (missing.length && sibling) insertAfter(sibling.value.range.end.line, missing.join(eol));
    else if (missing.length) {
      appended.push(
        [
          `[cost.historical.default.${tomlKey(avg.flujoModel)}]`,
          `# mean of ${avg.runs} runs in the Prompt Cost Lens ledger`,
          ...missing,
        ].join(eol),
      );
    }
    result.written.push(avg.flujoModel);
  }
  if (enableLearnable) addLearnableStrategy(scan, eol, result, appended, insertAfter);
  if (afterLast.length || appended.length) result.edits.push(appendAtEnd(text, eol, afterLast, appended, scan.lineStarts));
  verify(text, result, averages);
  return result;
}

/** `cost.estimation_strategy` entry of a scanned flujo.toml, if any. */
function strategyEntry(scan: ScanResult) {
  return scan.entries.find((e) => sameTomlPath(e.path, ['cost', 'estimation_strategy']));
}

/** `cost.estimation_strategy` is "learnable" (Flujo compares it lower-cased). */
export function learnableStrategySet(text: string): boolean {
  return strategyEntry(scanToml(text))?.value.string?.toLowerCase() === 'learnable';
}

function addLearnableStrategy(
  scan: ScanResult,
  eol: string,
  result: HistoricalWrite,
  appended: string[],
  insertAfter: (line: number, lines: string) => void,
): void {
  const strategy = strategyEntry(scan);
  if (strategy) {
    if (strategy.value.string?.toLowerCase() === 'learnable') return;
    result.edits.push({ range: strategy.value.range, newText: '"learnable"' });
  } else {
    const cost = scan.headers.find((h) => !h.array && sameTomlPath(h.path, ['cost']));
    if (cost) insertAfter(cost.range.end.line, 'estimation_strategy = "learnable"');
    else appended.unshift(`[cost]${eol}estimation_strategy = "learnable"`);
  }
  result.enabledLearnable = true;
}

/** Lines inserted right after line `line`; undefined when that is the file's last line (appendAtEnd does it). */
function insertAfterLine(lineStarts: readonly number[], line: number, eol: string, lines: string): TextEdit | undefined {
  if (line + 1 >= lineStarts.length) return undefined;
  const at = { line: line + 1, character: 0 };
  return { range: { start: at, end: at }, newText: lines + eol };
}

/** The edited file must still be TOML and read back every value written; otherwise refuse. */
function verify(text: string, write: HistoricalWrite, averages: readonly HistoricalAverage[]): void {
  if (!write.edits.length) return;
  const after = applyEdits(text, write.edits);
  let doc: Record<string, unknown>;
  try {
    doc = parseToml(after.charCodeAt(0) === 0xfeff ? after.slice(1) : after, { integersAsBigInt: 'asNeeded' }) as Record<string, unknown>;
  } catch (err) {
    throw new Error(`writing the averages would make flujo.toml invalid TOML (${errorText(err).split('\n')[0]}); nothing was written`, {
      cause: err,
    });
  }
  const table = dig(doc, HISTORICAL) as Record<string, Record<string, unknown>> | undefined;
  for (const avg of averages) {
    if (!write.written.includes(avg.flujoModel)) continue;
    const got = table?.[avg.flujoModel];
    if (
      !got ||
      Number(got.avg_tokens) !== avg.avgTokens ||
      (avg.avgCostUsd !== undefined && Number(got.avg_cost_usd) !== Number(avg.avgCostUsd))
    )
      throw new Error(`flujo.toml would not read back the averages of ${avg.flujoModel}; nothing was written`);
  }
}

function dig(doc: Record<string, unknown>, path: readonly string[]): unknown {
  let at: unknown = doc;
  for (const p of path) at = at && typeof at === 'object' ? (at as Record<string, unknown>)[p] : undefined;
  return at;
}

function startsWith(path: readonly string[], prefix: readonly string[]): boolean {
  return prefix.length <= path.length && prefix.every((p, i) => path[i] === p);
}

/** Flujo reads the `cost` tables as plain Python dicts: keys compare exactly. */
function sameTomlPath(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && startsWith(a, b);
}
