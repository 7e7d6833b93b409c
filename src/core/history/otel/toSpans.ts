// A run record as OTLP spans: one span per run (GenAI semantic conventions v1.41.0, the aliases Langfuse
// and OpenInference read, and our own `prompt_cost.*` attributes); a Flujo run's steps as child spans.
// Sources: semantic-conventions v1.41.0 model/gen-ai/registry.yaml and docs/gen-ai/gen-ai-spans.md (span
// name "{operation} {model}", kind CLIENT); Langfuse packages/shared/src/server/otel/OtelIngestionProcessor.ts
// (extractCostDetails reads gen_ai.usage.cost then llm.cost.total; promptName from
// langfuse.observation.prompt.name); OpenInference spec/semantic_conventions.md (llm.* attributes).
import { promptKey } from '../learned/promptKey';
import { RunRecord } from '../record';
import {
  AttrValue,
  OtlpSpan,
  SPAN_KIND_CLIENT,
  SPAN_KIND_INTERNAL,
  STATUS_ERROR,
  STATUS_OK,
  STATUS_UNSET,
  keyValue,
  msToUnixNano,
  spanIdOf,
  stepSpanIdOf,
  traceIdOf,
} from './model';

/** Our provider ids → the registry's `gen_ai.provider.name` members; others are sent as written (the enum is open). */
const PROVIDER_NAMES: Record<string, string> = {
  openai: 'openai',
  anthropic: 'anthropic',
  azure: 'azure.ai.openai',
  bedrock: 'aws.bedrock',
  'google-vertex': 'gcp.vertex_ai',
  vertex: 'gcp.vertex_ai',
  gemini: 'gcp.gemini',
  google: 'gcp.gen_ai',
  mistral: 'mistral_ai',
  xai: 'x_ai',
  'x-ai': 'x_ai',
  deepseek: 'deepseek',
  groq: 'groq',
  cohere: 'cohere',
  perplexity: 'perplexity',
};

export function genAiProviderName(provider: string): string {
  return PROVIDER_NAMES[provider.toLowerCase()] ?? provider;
}

export interface SpanOptions {
  /** Send the prompt and answer text (only when the user opted in, and only if the ledger holds it). */
  includeText?: boolean;
}

type Attrs = [string, AttrValue][];

const int = (n: number): AttrValue => ({ int: n });

/** The model that answered: buildRunRecord writes `answered by X` only when it differs from the one asked. */
function responseModel(r: RunRecord): string | undefined {
  const m = /^answered by (.+)$/.exec(r.statusDetail ?? '');
  if (m) return m[1];
  return r.status === 'ok' && r.usage ? r.model : undefined;
}

function usageAttrs(r: RunRecord, a: Attrs): void {
  const u = r.usage;
  if (!u) {
    if (r.totalTokens !== undefined)
      a.push(['prompt_cost.total_tokens', int(r.totalTokens)], ['llm.token_count.total', int(r.totalTokens)]);
    return;
  }
  // The conventions count cached reads and cache writes inside input_tokens; our buckets keep them apart.
  const cacheWrite = u.cacheWrite5mTokens + u.cacheWrite1hTokens;
  const input = u.inputTokens + u.cachedInputTokens + cacheWrite;
  a.push(
    ['gen_ai.usage.input_tokens', int(input)],
    ['gen_ai.usage.output_tokens', int(u.outputTokens)],
    ['gen_ai.usage.cache_read.input_tokens', int(u.cachedInputTokens)],
    ['gen_ai.usage.cache_creation.input_tokens', int(cacheWrite)],
    ['prompt_cost.usage.cache_write_1h_tokens', int(u.cacheWrite1hTokens)],
    ['llm.token_count.prompt', int(input)],
    ['llm.token_count.completion', int(u.outputTokens)],
    ['llm.token_count.total', int(input + u.outputTokens)],
    ['llm.token_count.prompt_details.cache_read', int(u.cachedInputTokens)],
    ['llm.token_count.prompt_details.cache_write', int(cacheWrite)],
  );
  if (u.reasoningTokens !== undefined)
    a.push(
      ['gen_ai.usage.reasoning.output_tokens', int(u.reasoningTokens)],
      ['llm.token_count.completion_details.reasoning', int(u.reasoningTokens)],
    );
}

function costAttrs(costUsd: string | undefined, a: Attrs): void {
  if (costUsd === undefined) return;
  // Exact decimal for us; a double for the stores that sum costs (Langfuse, Phoenix).
  a.push(
    ['prompt_cost.cost_usd', costUsd],
    ['gen_ai.usage.cost', { double: Number(costUsd) }],
    ['llm.cost.total', { double: Number(costUsd) }],
  );
}

function estimateAttrs(r: RunRecord, a: Attrs): void {
  const e = r.estimate;
  if (!e) return;
  a.push(['prompt_cost.estimate.input_tokens', int(e.inputTokens)]);
  if (e.outputTokens !== undefined) a.push(['prompt_cost.estimate.output_tokens', int(e.outputTokens)]);
  if (e.outputTokensSource !== undefined) a.push(['prompt_cost.estimate.output_tokens_source', e.outputTokensSource]);
  if (e.costUsd !== undefined) a.push(['prompt_cost.estimate.cost_usd', e.costUsd]);
  if (e.approximate !== undefined) a.push(['prompt_cost.estimate.approximate', e.approximate]);
  if (e.priceSource !== undefined) a.push(['prompt_cost.estimate.price_source', e.priceSource]);
}

function identityAttrs(r: RunRecord, a: Attrs): void {
  a.push(['prompt_cost.run.id', r.id], ['prompt_cost.run.source', r.source], ['prompt_cost.run.status', r.status]);
  if (r.member) a.push(['user.id', r.member]);
  if (r.statusDetail) a.push(['prompt_cost.run.status_detail', r.statusDetail]);
  if (r.promptFile) {
    const key = promptKey(r.promptFile, r.promptName);
    a.push(['prompt_cost.prompt.file', r.promptFile], ['gen_ai.prompt.name', key], ['langfuse.observation.prompt.name', key]);
  }
  if (r.promptName) a.push(['prompt_cost.prompt.name', r.promptName]);
  if (r.promptHash) a.push(['prompt_cost.prompt.hash', r.promptHash]);
  if (r.pipeline) a.push(['prompt_cost.pipeline', r.pipeline]);
  if (r.flujo) {
    a.push(['prompt_cost.flujo.run_id', r.flujo.runId]);
    if (r.flujo.pipelineId) a.push(['prompt_cost.flujo.pipeline_id', r.flujo.pipelineId]);
    if (r.flujo.pipelineVersion) a.push(['prompt_cost.flujo.pipeline_version', r.flujo.pipelineVersion]);
  }
  if (r.error) {
    a.push(['error.type', r.error.kind]);
    if (r.error.status !== undefined) a.push(['prompt_cost.error.status', int(r.error.status)]);
  }
}

function startMs(r: RunRecord): number {
  const t = Date.parse(r.time);
  return Number.isFinite(t) && t >= 0 ? t : 0;
}

function statusOf(r: RunRecord): OtlpSpan['status'] {
  if (r.status === 'ok') return { code: STATUS_OK };
  if (r.status === 'error') return { code: STATUS_ERROR, ...(r.error ? { message: r.error.message.slice(0, 1000) } : {}) };
  return { code: STATUS_UNSET };
}

/** A run as spans: the run's own span first, then one child span per step (Flujo). */
export function runToSpans(r: RunRecord, options: SpanOptions = {}): OtlpSpan[] {
  const isWorkflow = r.source === 'flujo' || r.steps !== undefined;
  const operation = isWorkflow ? 'invoke_workflow' : 'chat';
  const a: Attrs = [['gen_ai.operation.name', operation]];
  if (isWorkflow) a.push(['openinference.span.kind', 'CHAIN']);
  else a.push(['openinference.span.kind', 'LLM']);
  if (r.provider) a.push(['gen_ai.provider.name', genAiProviderName(r.provider)], ['llm.provider', r.provider]);
  if (r.model) a.push(['gen_ai.request.model', r.model], ['llm.model_name', r.model]);
  const answered = responseModel(r);
  if (answered) a.push(['gen_ai.response.model', answered]);
  if (isWorkflow && r.pipeline) a.push(['gen_ai.workflow.name', r.pipeline]);
  usageAttrs(r, a);
  costAttrs(r.costUsd, a);
  estimateAttrs(r, a);
  identityAttrs(r, a);
  if (r.latencyMs !== undefined) a.push(['prompt_cost.latency_ms', { double: r.latencyMs }]);
  if (options.includeText) {
    if (r.promptText !== undefined) a.push(['input.value', r.promptText]);
    if (r.answerText !== undefined) a.push(['output.value', r.answerText]);
  }
  const start = startMs(r);
  const traceId = traceIdOf(r.id);
  const spanId = spanIdOf(r.id);
  const label = isWorkflow ? (r.pipeline ?? r.flujo?.runId ?? r.id) : (r.model ?? r.id);
  const root: OtlpSpan = {
    traceId,
    spanId,
    name: `${operation} ${label}`,
    kind: isWorkflow ? SPAN_KIND_INTERNAL : SPAN_KIND_CLIENT,
    startTimeUnixNano: msToUnixNano(start),
    endTimeUnixNano: msToUnixNano(start + (r.latencyMs ?? 0)),
    attributes: a.map(([k, v]) => keyValue(k, v)),
    status: statusOf(r),
  };
  return [root, ...stepSpans(r, traceId, spanId, start)];
}

/** Steps run one after another from the run's start (Flujo records each step's latency, not its start). */
function stepSpans(r: RunRecord, traceId: string, parentSpanId: string, start: number): OtlpSpan[] {
  let at = start;
  return (r.steps ?? []).map((s, index) => {
    const a: Attrs = [
      ['gen_ai.operation.name', 'invoke_agent'],
      ['gen_ai.agent.name', s.name],
      ['openinference.span.kind', 'AGENT'],
      ['prompt_cost.run.id', r.id],
      ['prompt_cost.step.index', int(index)],
    ];
    if (s.tokens !== undefined) a.push(['prompt_cost.total_tokens', int(s.tokens)], ['llm.token_count.total', int(s.tokens)]);
    costAttrs(s.costUsd, a);
    if (s.success !== undefined) a.push(['prompt_cost.step.success', s.success]);
    if (s.latencyMs !== undefined) a.push(['prompt_cost.latency_ms', { double: s.latencyMs }]);
    const begin = at;
    at += s.latencyMs ?? 0;
    return {
      traceId,
      spanId: stepSpanIdOf(r.id, index),
      parentSpanId,
      name: `invoke_agent ${s.name}`,
      kind: SPAN_KIND_INTERNAL,
      startTimeUnixNano: msToUnixNano(begin),
      endTimeUnixNano: msToUnixNano(at),
      attributes: a.map(([k, v]) => keyValue(k, v)),
      status: { code: s.success === undefined ? STATUS_UNSET : s.success ? STATUS_OK : STATUS_ERROR },
    };
  });
}
