// What one line of the run ledger holds, and building a record from a finished (or failed) run.
import { createHash, randomBytes } from 'node:crypto';
import { AbsurdNumberError, Decimal, previewNumber } from '../pricing/decimal';
import { ProviderError, RunPromptResult, UsageBuckets } from '../providers/types';
import { BucketPrices, costOfUsage } from '../providers/usage';
import { redact } from '../providers/http';
import { errorText } from '../errors';

export const LEDGER_VERSION = 1;
/** Default ledger location, relative to the workspace folder. */
export const DEFAULT_LEDGER_PATH = '.prompt-cost/runs.jsonl';

/** ok = answered; error = failed; cancelled = stopped by the user; running = not finished (Flujo). */
/** `paused`: a Flujo run waiting for a human (flujo/state/models.py:23 WorkflowState.status), neither running nor done. */
export type RunStatus = 'ok' | 'error' | 'cancelled' | 'running' | 'paused';

/** The estimate shown when the run was sent. */
export interface RunEstimate {
  inputTokens: number;
  outputTokens?: number;
  /** Where outputTokens came from (`history`, `file`, `setting`, `option`…): a learned one is no baseline for `history accuracy`. */
  outputTokensSource?: string;
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
  /** One prompt of a file that holds several (a promptfoo list entry, a prompt in code): its name as the estimate shows it. */
  promptName?: string;
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
  /** Who ran it, for team history (OpenTelemetry `user.id`): set on runs imported from a team store. */
  member?: string;
  /** Where an imported team run came from (an OTLP file, a Langfuse project). */
  origin?: string;
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

const STATUSES = new Set(['ok', 'error', 'cancelled', 'running', 'paused']);

/** Why a parsed line is not an entry this version can read: the field (dotted path) and the reason. */
export interface EntryProblem {
  /** Dotted path of the offending field (`usage.inputTokens`, `steps[2].costUsd`); undefined for the line as a whole. */
  field?: string;
  reason: string;
  /** The line is a `v` > LEDGER_VERSION entry: written by a newer Prompt Cost Lens, not read as v1. */
  newerVersion?: number;
}

type Obj = Record<string, unknown>;

function isObject(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function shown(v: unknown): string {
  if (typeof v === 'string') return JSON.stringify(previewNumber(v));
  if (typeof v === 'number') return `the JSON number ${v}`;
  if (v === null) return 'null';
  return Array.isArray(v) ? 'an array' : typeof v === 'object' ? 'an object' : String(v);
}

/**
 * Checks one field of an entry; returns a problem or undefined. `kind`:
 * money = exact decimal string within DECIMAL_LIMITS; count = non-negative safe integer;
 * ms = finite non-negative number; plus string / boolean / nonempty.
 */
function checkField(
  o: Obj,
  key: string,
  kind: 'string' | 'nonempty' | 'boolean' | 'count' | 'ms' | 'money',
  path: string,
  required = false,
): EntryProblem | undefined {
  const v = o[key];
  const field = path ? `${path}.${key}` : key;
  if (v === undefined) return required ? { field, reason: 'missing' } : undefined;
  switch (kind) {
    case 'string':
      return typeof v === 'string' ? undefined : { field, reason: `must be a string, not ${shown(v)}` };
    case 'nonempty':
      return typeof v === 'string' && v ? undefined : { field, reason: `must be a non-empty string, not ${shown(v)}` };
    case 'boolean':
      return typeof v === 'boolean' ? undefined : { field, reason: `must be true or false, not ${shown(v)}` };
    case 'count':
      return typeof v === 'number' && Number.isSafeInteger(v) && v >= 0
        ? undefined
        : { field, reason: `must be a whole number ≥ 0, not ${shown(v)}` };
    case 'ms':
      return typeof v === 'number' && Number.isFinite(v) && v >= 0 ? undefined : { field, reason: `must be a number ≥ 0, not ${shown(v)}` };
    case 'money': {
      if (typeof v !== 'string') return { field, reason: `must be a decimal string such as "0.0123", not ${shown(v)}` };
      try {
        Decimal.parse(v);
        return undefined;
      } catch (err) {
        return {
          field,
          reason: err instanceof AbsurdNumberError ? err.message : `must be a decimal string such as "0.0123", not ${shown(v)}`,
        };
      }
    }
  }
}

function firstProblem(checks: (EntryProblem | undefined)[]): EntryProblem | undefined {
  return checks.find((c) => c !== undefined);
}

const USAGE_FIELDS = ['inputTokens', 'cachedInputTokens', 'cacheWrite5mTokens', 'cacheWrite1hTokens', 'outputTokens'] as const;

function checkRun(e: Obj): EntryProblem | undefined {
  const top = firstProblem([
    checkField(e, 'time', 'string', '', true),
    checkField(e, 'source', 'string', ''),
    typeof e.status === 'string' && STATUSES.has(e.status)
      ? undefined
      : { field: 'status', reason: `must be one of ok, error, cancelled, running, not ${shown(e.status)}` },
    ...(
      [
        'statusDetail',
        'provider',
        'model',
        'promptFile',
        'promptName',
        'promptHash',
        'pipeline',
        'promptText',
        'answerText',
        'member',
        'origin',
      ] as const
    ).map((k) => checkField(e, k, 'string', '')),
    checkField(e, 'costUsd', 'money', ''),
    checkField(e, 'totalTokens', 'count', ''),
    checkField(e, 'latencyMs', 'ms', ''),
  ]);
  if (top) return top;
  if (e.estimate !== undefined) {
    if (!isObject(e.estimate)) return { field: 'estimate', reason: `must be an object, not ${shown(e.estimate)}` };
    const p = firstProblem([
      checkField(e.estimate, 'inputTokens', 'count', 'estimate', true),
      checkField(e.estimate, 'outputTokens', 'count', 'estimate'),
      checkField(e.estimate, 'costUsd', 'money', 'estimate'),
      checkField(e.estimate, 'approximate', 'boolean', 'estimate'),
      checkField(e.estimate, 'priceSource', 'string', 'estimate'),
      checkField(e.estimate, 'outputTokensSource', 'string', 'estimate'),
    ]);
    if (p) return p;
  }
  if (e.usage !== undefined) {
    if (!isObject(e.usage)) return { field: 'usage', reason: `must be an object, not ${shown(e.usage)}` };
    const u = e.usage;
    const p = firstProblem([
      ...USAGE_FIELDS.map((k) => checkField(u, k, 'count', 'usage', true)),
      checkField(u, 'reasoningTokens', 'count', 'usage'),
    ]);
    if (p) return p;
  }
  if (e.error !== undefined) {
    if (!isObject(e.error)) return { field: 'error', reason: `must be an object, not ${shown(e.error)}` };
    const p = firstProblem([
      checkField(e.error, 'kind', 'string', 'error', true),
      checkField(e.error, 'message', 'string', 'error', true),
      checkField(e.error, 'status', 'count', 'error'),
    ]);
    if (p) return p;
  }
  if (e.warnings !== undefined && (!Array.isArray(e.warnings) || e.warnings.some((w) => typeof w !== 'string')))
    return { field: 'warnings', reason: `must be a list of strings, not ${shown(e.warnings)}` };
  if (e.steps !== undefined) {
    if (!Array.isArray(e.steps)) return { field: 'steps', reason: `must be a list, not ${shown(e.steps)}` };
    for (let i = 0; i < e.steps.length; i++) {
      const s: unknown = e.steps[i];
      const at = `steps[${i}]`;
      if (!isObject(s)) return { field: at, reason: `must be an object, not ${shown(s)}` };
      const p = firstProblem([
        checkField(s, 'name', 'string', at, true),
        checkField(s, 'success', 'boolean', at),
        checkField(s, 'latencyMs', 'ms', at),
        checkField(s, 'tokens', 'count', at),
        checkField(s, 'costUsd', 'money', at),
      ]);
      if (p) return p;
    }
  }
  if (e.flujo !== undefined) {
    if (!isObject(e.flujo)) return { field: 'flujo', reason: `must be an object, not ${shown(e.flujo)}` };
    const p = firstProblem([
      checkField(e.flujo, 'runId', 'string', 'flujo', true),
      checkField(e.flujo, 'pipelineId', 'string', 'flujo'),
      checkField(e.flujo, 'pipelineVersion', 'string', 'flujo'),
    ]);
    if (p) return p;
  }
  return undefined;
}

/**
 * Checks a parsed line against the ledger schema (v1): every field the readers use has the type
 * they assume, money is an exact decimal string within DECIMAL_LIMITS. Unknown fields are allowed
 * (a later v1 may add some); an entry of a newer version is refused, not read as v1.
 */
export function checkEntry(value: unknown): EntryProblem | undefined {
  if (!isObject(value)) return { reason: 'not a JSON object' };
  const e = value;
  if (e.v !== undefined && e.v !== LEDGER_VERSION) {
    if (typeof e.v === 'number' && Number.isInteger(e.v) && e.v > LEDGER_VERSION)
      return {
        field: 'v',
        reason: `ledger v${e.v} (this Prompt Cost Lens reads v${LEDGER_VERSION}); update the extension and the CLI to read it`,
        newerVersion: e.v,
      };
    return { field: 'v', reason: `unknown ledger version ${shown(e.v)}` };
  }
  if (typeof e.id !== 'string' || !e.id) return { field: 'id', reason: 'missing id' };
  if (e.type === 'run') return checkRun(e);
  if (e.type === 'delete' || e.type === 'restore')
    return firstProblem([checkField(e, 'time', 'string', '', true), checkField(e, 'target', 'nonempty', '', true)]);
  return { field: 'type', reason: `unknown type ${shown(e.type)}` };
}

/** checkEntry as one line of text (`costUsd: must be a decimal string …`); undefined when valid. */
export function validateEntry(value: unknown): string | undefined {
  const p = checkEntry(value);
  return p && problemMessage(p);
}

/** A problem as one line: the field first when one field is at fault (`costUsd: must be …`). */
export function problemMessage(p: EntryProblem): string {
  return p.field && !p.newerVersion && p.reason !== 'missing id' ? `${p.field}: ${p.reason}` : p.reason;
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
      rec.error = {
        kind: err.kind,
        message: redact(err.message, input.secrets ?? []),
        ...(err.status !== undefined ? { status: err.status } : {}),
      };
      usage = err.details.partialUsage;
      answer = err.details.partialText;
      warnings = err.details.warnings;
    } else {
      rec.status = 'error';
      const message = errorText(err);
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
        (warnings = [...(warnings ?? [])]).push(`cost not computed: ${errorText(err)}`);
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
