// OTLP spans (JSON encoding, untrusted) back into run records: our own spans restore the record
// exactly (the `prompt_cost.*` attributes); any other GenAI span (an app instrumented with an OpenTelemetry
// GenAI library) becomes a run from the semantic-convention attributes alone. Deduplicated by span id.
import { Decimal } from '../../pricing/decimal';
import { RunRecord, RunStatus, RunStep } from '../record';

type Scalar = string | number | boolean;

/** An attribute list as key → scalar; arrays and maps are not used by the mapping and are skipped. */
export function attributeMap(list: unknown): Map<string, Scalar> {
  const out = new Map<string, Scalar>();
  if (!Array.isArray(list)) return out;
  for (const kv of list as unknown[]) {
    if (typeof kv !== 'object' || kv === null) continue;
    const { key, value } = kv as { key?: unknown; value?: Record<string, unknown> };
    if (typeof key !== 'string' || typeof value !== 'object' || value === null) continue;
    if (typeof value.stringValue === 'string') out.set(key, value.stringValue);
    else if (typeof value.boolValue === 'boolean') out.set(key, value.boolValue);
    else if (typeof value.intValue === 'string' && /^-?\d{1,19}$/.test(value.intValue)) out.set(key, Number(value.intValue));
    else if (typeof value.intValue === 'number' && Number.isSafeInteger(value.intValue)) out.set(key, value.intValue);
    else if (typeof value.doubleValue === 'number') out.set(key, value.doubleValue);
  }
  return out;
}

const str = (m: Map<string, Scalar>, k: string): string | undefined => {
  const v = m.get(k);
  return typeof v === 'string' && v ? v : undefined;
};
const count = (m: Map<string, Scalar>, k: string): number | undefined => {
  const v = m.get(k);
  return typeof v === 'number' && Number.isSafeInteger(v) && v >= 0 ? v : undefined;
};

/** A cost double from another store as an exact decimal string (its shortest round-trip form, never 1e-7 notation). */
export function moneyOfDouble(v: Scalar | undefined): string | undefined {
  if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) return undefined;
  const text = String(v);
  if (!/e/i.test(text)) return text;
  return Decimal.parse(v.toFixed(20)).toString();
}

function money(m: Map<string, Scalar>, exactKey: string): string | undefined {
  return str(m, exactKey) ?? moneyOfDouble(m.get('gen_ai.usage.cost')) ?? moneyOfDouble(m.get('llm.cost.total'));
}

const STATUSES: readonly RunStatus[] = ['ok', 'error', 'cancelled', 'running', 'paused'];

/** The usage buckets back from the convention's totals (input_tokens includes cache reads and writes). */
function usageOf(m: Map<string, Scalar>, warnings: string[]): RunRecord['usage'] {
  const input = count(m, 'gen_ai.usage.input_tokens') ?? count(m, 'llm.token_count.prompt');
  const output = count(m, 'gen_ai.usage.output_tokens') ?? count(m, 'llm.token_count.completion');
  if (input === undefined || output === undefined) return undefined;
  const cached = count(m, 'gen_ai.usage.cache_read.input_tokens') ?? count(m, 'llm.token_count.prompt_details.cache_read') ?? 0;
  const writes = count(m, 'gen_ai.usage.cache_creation.input_tokens') ?? count(m, 'llm.token_count.prompt_details.cache_write') ?? 0;
  const write1h = Math.min(count(m, 'prompt_cost.usage.cache_write_1h_tokens') ?? 0, writes);
  let uncached = input - cached - writes;
  if (uncached < 0) {
    // Some instrumentations send Anthropic's input_tokens, which excludes the cache buckets.
    warnings.push(`gen_ai.usage.input_tokens (${input}) is less than its cache buckets (${cached + writes}): read as excluding them`);
    uncached = input;
  }
  const usage = {
    inputTokens: uncached,
    cachedInputTokens: cached,
    cacheWrite5mTokens: writes - write1h,
    cacheWrite1hTokens: write1h,
    outputTokens: output,
  };
  const reasoning = count(m, 'gen_ai.usage.reasoning.output_tokens') ?? count(m, 'llm.token_count.completion_details.reasoning');
  return reasoning === undefined ? usage : { ...usage, reasoningTokens: reasoning };
}

export interface SpanContext {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  startMs?: number;
  endMs?: number;
  statusCode: number;
  statusMessage?: string;
  attrs: Map<string, Scalar>;
  resource: Map<string, Scalar>;
}

function splitPromptKey(key: string): { file: string; name?: string } {
  const at = key.indexOf('#');
  return at < 0 ? { file: key } : { file: key.slice(0, at), name: key.slice(at + 1) };
}

function statusOfSpan(s: SpanContext): RunStatus {
  const ours = str(s.attrs, 'prompt_cost.run.status');
  if (ours && (STATUSES as readonly string[]).includes(ours)) return ours as RunStatus;
  return s.statusCode === 2 ? 'error' : 'ok';
}

/** One run span as a record; `origin` names the file or store it came from. */
export function spanToRecord(s: SpanContext, origin: string): { record: RunRecord; warnings: string[] } {
  const m = s.attrs;
  const warnings: string[] = [];
  const ownId = str(m, 'prompt_cost.run.id');
  const rec: RunRecord = {
    v: 1,
    type: 'run',
    id: ownId ?? `otel:${s.traceId}:${s.spanId}`,
    time: new Date(s.startMs ?? 0).toISOString(),
    source: str(m, 'prompt_cost.run.source') ?? 'otel',
    status: statusOfSpan(s),
    origin,
  };
  const member = str(m, 'user.id') ?? str(s.resource, 'user.id');
  if (member) rec.member = member;
  const detail = str(m, 'prompt_cost.run.status_detail');
  if (detail) rec.statusDetail = detail;
  const provider = str(m, 'llm.provider') ?? str(m, 'gen_ai.provider.name');
  if (provider) rec.provider = provider;
  const model = str(m, 'gen_ai.request.model') ?? str(m, 'llm.model_name') ?? str(m, 'gen_ai.response.model');
  if (model) rec.model = model;
  const promptFile = str(m, 'prompt_cost.prompt.file');
  const key = str(m, 'gen_ai.prompt.name') ?? str(m, 'langfuse.observation.prompt.name');
  if (promptFile) {
    rec.promptFile = promptFile;
    const name = str(m, 'prompt_cost.prompt.name');
    if (name) rec.promptName = name;
  } else if (key) {
    const k = splitPromptKey(key);
    rec.promptFile = k.file;
    if (k.name) rec.promptName = k.name;
  }
  const hash = str(m, 'prompt_cost.prompt.hash');
  if (hash) rec.promptHash = hash;
  const pipeline = str(m, 'prompt_cost.pipeline') ?? str(m, 'gen_ai.workflow.name');
  if (pipeline) rec.pipeline = pipeline;
  const usage = usageOf(m, warnings);
  if (usage) rec.usage = usage;
  else {
    const total = count(m, 'prompt_cost.total_tokens') ?? count(m, 'llm.token_count.total');
    if (total !== undefined) rec.totalTokens = total;
  }
  const cost = money(m, 'prompt_cost.cost_usd');
  if (cost !== undefined) rec.costUsd = cost;
  const latency = m.get('prompt_cost.latency_ms');
  if (typeof latency === 'number' && Number.isFinite(latency) && latency >= 0) rec.latencyMs = latency;
  else if (s.startMs !== undefined && s.endMs !== undefined && s.endMs >= s.startMs) rec.latencyMs = s.endMs - s.startMs;
  estimateOf(m, rec);
  flujoOf(m, rec);
  const errorType = str(m, 'error.type');
  if (rec.status === 'error' || errorType) {
    rec.error = { kind: errorType ?? 'error', message: s.statusMessage ?? '' };
    const status = count(m, 'prompt_cost.error.status');
    if (status !== undefined) rec.error.status = status;
  }
  const promptText = str(m, 'input.value');
  if (promptText !== undefined) rec.promptText = promptText;
  const answerText = str(m, 'output.value');
  if (answerText !== undefined) rec.answerText = answerText;
  if (warnings.length) rec.warnings = warnings;
  return { record: rec, warnings };
}

function estimateOf(m: Map<string, Scalar>, rec: RunRecord): void {
  const input = count(m, 'prompt_cost.estimate.input_tokens');
  if (input === undefined) return;
  const e: NonNullable<RunRecord['estimate']> = { inputTokens: input };
  const out = count(m, 'prompt_cost.estimate.output_tokens');
  if (out !== undefined) e.outputTokens = out;
  const source = str(m, 'prompt_cost.estimate.output_tokens_source');
  if (source) e.outputTokensSource = source;
  const cost = str(m, 'prompt_cost.estimate.cost_usd');
  if (cost) e.costUsd = cost;
  const approximate = m.get('prompt_cost.estimate.approximate');
  if (typeof approximate === 'boolean') e.approximate = approximate;
  const priceSource = str(m, 'prompt_cost.estimate.price_source');
  if (priceSource) e.priceSource = priceSource;
  rec.estimate = e;
}

function flujoOf(m: Map<string, Scalar>, rec: RunRecord): void {
  const runId = str(m, 'prompt_cost.flujo.run_id');
  if (!runId) return;
  rec.flujo = { runId };
  const id = str(m, 'prompt_cost.flujo.pipeline_id');
  if (id) rec.flujo.pipelineId = id;
  const version = str(m, 'prompt_cost.flujo.pipeline_version');
  if (version) rec.flujo.pipelineVersion = version;
}

/** A step child span (ours: `prompt_cost.step.index`) as a RunStep. */
export function spanToStep(s: SpanContext): { index: number; step: RunStep } | undefined {
  const index = count(s.attrs, 'prompt_cost.step.index');
  const name = str(s.attrs, 'gen_ai.agent.name');
  if (index === undefined || name === undefined) return undefined;
  const step: RunStep = { name };
  const tokens = count(s.attrs, 'prompt_cost.total_tokens');
  if (tokens !== undefined) step.tokens = tokens;
  const cost = str(s.attrs, 'prompt_cost.cost_usd');
  if (cost !== undefined) step.costUsd = cost;
  const success = s.attrs.get('prompt_cost.step.success');
  if (typeof success === 'boolean') step.success = success;
  const latency = s.attrs.get('prompt_cost.latency_ms');
  if (typeof latency === 'number' && Number.isFinite(latency) && latency >= 0) step.latencyMs = latency;
  return { index, step };
}

/** Whether a span describes a run we can show: ours, or a GenAI span with a model or token usage. */
export function isRunSpan(s: SpanContext): boolean {
  if (s.attrs.has('prompt_cost.step.index')) return false;
  return s.attrs.has('prompt_cost.run.id') || s.attrs.has('gen_ai.request.model') || s.attrs.has('gen_ai.usage.input_tokens');
}
