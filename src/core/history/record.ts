// What one line of the run ledger holds, and building a record from a finished (or failed) run.
import { createHash, randomBytes } from 'node:crypto';
import { Decimal } from '../pricing/decimal';
import { ProviderError, RunPromptResult, UsageBuckets } from '../providers/types';
import { BucketPrices, costOfUsage } from '../providers/usage';
import { redact } from '../providers/http';

export const LEDGER_VERSION = 1;
/** Default ledger location, relative to the workspace folder. */
export const DEFAULT_LEDGER_PATH = '.prompt-cost/runs.jsonl';

/** ok = answered; error = failed; cancelled = stopped by the user; running = not finished (Flujo). */
export type RunStatus = 'ok' | 'error' | 'cancelled' | 'running';

/** The estimate shown when the run was sent. */
export interface RunEstimate {
  inputTokens: number;
  outputTokens?: number;
  /** Exact decimal USD string. */
  costUsd?: string;
  approximate?: boolean;
  priceSource?: string;
}

export interface RunStep {
  name: string;
  success?: boolean;
  latencyMs?: number;
  tokens?: number;
  /** Exact decimal USD string. */
  costUsd?: string;
}

export interface RunRecord {
  v: 1;
  type: 'run';
  /** Unique; a later `run` line with the same id supersedes the earlier one (used by re-imports). */
  id: string;
  /** ISO 8601 UTC: when the run was sent / created. */
  time: string;
  /** Who recorded it: `vscode`, `cli`, `flujo`. */
  source: string;
  status: RunStatus;
  /** Provider-specific status text (Flujo: `completed`, `failed`, `paused` …). */
  statusDetail?: string;
  provider?: string;
  model?: string;
  /** Workspace-relative (forward slashes) prompt file. */
  promptFile?: string;
  /** `sha256:<hex>` of the prompt file content sent. */
  promptHash?: string;
  /** Flujo pipeline name. */
  pipeline?: string;
  estimate?: RunEstimate;
  usage?: UsageBuckets;
  /** Total tokens when only a total is known (Flujo `token_counts`); otherwise derived from usage. */
  totalTokens?: number;
  /** Exact actual cost, decimal USD string. */
  costUsd?: string;
  latencyMs?: number;
  error?: { kind: string; message: string; status?: number };
  /** What the server sent that could not be used (e.g. a usage count as a string: tokens and cost left unknown). */
  warnings?: string[];
  /** Only when `promptCost.history.storeText` is on. */
  promptText?: string;
  answerText?: string;
  steps?: RunStep[];
  /** Flujo origin. */
  flujo?: { runId: string; pipelineId?: string; pipelineVersion?: string };
}

/** Hides a run (append-only delete). */
export interface DeleteEntry {
  v: 1;
  type: 'delete';
  id: string;
  time: string;
  target: string;
}

/** Undoes a delete. */
export interface RestoreEntry {
  v: 1;
  type: 'restore';
  id: string;
  time: string;
  target: string;
}

export type LedgerEntry = RunRecord | DeleteEntry | RestoreEntry;

/** Time-sortable, collision-resistant id: `<ms base36>-<10 hex>`. */
export function newRunId(now = Date.now()): string {
  return `${now.toString(36)}-${randomBytes(5).toString('hex')}`;
}

export function hashPromptContent(content: string | Uint8Array): string {
  return `sha256:${createHash('sha256').update(content).digest('hex')}`;
}

const STATUSES = new Set(['ok', 'error', 'cancelled', 'running']);

/** Checks the shape of a parsed line; returns a reason when it is not a ledger entry. */
export function validateEntry(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return 'not a JSON object';
  const e = value as Record<string, unknown>;
  if (typeof e.id !== 'string' || !e.id) return 'missing id';
  if (typeof e.time !== 'string') return 'missing time';
  if (e.type === 'run') {
    if (typeof e.status !== 'string' || !STATUSES.has(e.status)) return `bad status ${JSON.stringify(e.status)}`;
    if (e.costUsd !== undefined) {
      try {
        Decimal.parse(String(e.costUsd));
      } catch {
        return `bad costUsd ${JSON.stringify(e.costUsd)}`;
      }
    }
    return undefined;
  }
  if (e.type === 'delete' || e.type === 'restore') return typeof e.target === 'string' ? undefined : 'missing target';
  return `unknown type ${JSON.stringify(e.type)}`;
}

export interface BuildRunRecordInput {
  id?: string;
  /** Send time. Default: now. */
  time?: Date;
  source: string;
  provider: string;
  model: string;
  promptFile?: string;
  /** The prompt file content (hashed; stored only with storeText). */
  promptContent?: string;
  estimate?: RunEstimate;
  result?: RunPromptResult;
  /** What runPrompt threw. */
  error?: unknown;
  /** Prices for the actual cost; without them costUsd is left out. */
  prices?: BucketPrices;
  /** `promptCost.history.storeText`. */
  storeText: boolean;
  /** Secrets to scrub from non-provider error messages (the API key). */
  secrets?: string[];
}

/** Builds the ledger record of a run from what runPrompt returned or threw. */
export function buildRunRecord(input: BuildRunRecordInput): RunRecord {
  const time = input.time ?? new Date();
  const rec: RunRecord = {
    v: 1,
    type: 'run',
    id: input.id ?? newRunId(time.getTime()),
    time: time.toISOString(),
    source: input.source,
    status: 'ok',
    provider: input.provider,
    model: input.model,
  };
  if (input.promptFile) rec.promptFile = input.promptFile;
  if (input.promptContent !== undefined) rec.promptHash = hashPromptContent(input.promptContent);
  if (input.estimate) rec.estimate = input.estimate;
  let usage: UsageBuckets | undefined;
  let answer: string | undefined;
  let warnings: string[] | undefined;
  if (input.result) {
    usage = input.result.usage;
    warnings = input.result.warnings;
    answer = input.result.text;
    rec.latencyMs = input.result.latencyMs;
    if (input.result.responseModel && input.result.responseModel !== input.model)
      rec.statusDetail = `answered by ${input.result.responseModel}`;
  } else {
    const err = input.error;
    if (err instanceof ProviderError) {
      rec.status = err.kind === 'cancelled' ? 'cancelled' : 'error';
      rec.error = { kind: err.kind, message: err.message, ...(err.status !== undefined ? { status: err.status } : {}) };
      usage = err.details.partialUsage;
      answer = err.details.partialText;
      warnings = err.details.warnings;
    } else {
      rec.status = 'error';
      const message = err instanceof Error ? err.message : String(err ?? 'unknown error');
      rec.error = { kind: 'internal', message: redact(message, input.secrets ?? []) };
    }
    rec.latencyMs = Date.now() - time.getTime();
  }
  if (usage) {
    rec.usage = usage;
    if (input.prices) {
      try {
        rec.costUsd = costOfUsage(usage, input.prices).totalUsd.toString();
      } catch (err) {
        // Counts reach here checked (providers/usage.ts); should one still not price, the run is recorded without a cost.
        (warnings = [...(warnings ?? [])]).push(`cost not computed: ${(err as Error).message}`);
      }
    }
  }
  if (warnings?.length) rec.warnings = warnings;
  if (input.storeText) {
    if (input.promptContent !== undefined) rec.promptText = input.promptContent;
    if (answer !== undefined) rec.answerText = answer;
  }
  return rec;
}
