// The team's spend read back from Langfuse's public API: GET /api/public/v2/observations (cursor-paged,
// field groups), Basic auth with the project's public and secret key. Shapes from Langfuse's published
// OpenAPI spec (langfuse/langfuse web/public/generated/api/openapi.yml: ObservationsV2Response,
// ObservationV2, ObservationsV2Meta). What the usage keys mean comes from its OTel ingestion
// (packages/shared/src/server/otel/OtelIngestionProcessor.ts: `input` excludes cache reads and writes,
// `output` excludes reasoning, `input_cached_tokens`, `input_cache_creation`, `output_reasoning_tokens`).
// Bounded (pages × limit), incremental (fromStartTime), and what comes back goes into the ledger, which
// is the cache. Runs that were exported by us carry `prompt_cost.run.id` in the observation's
// metadata.attributes: they keep their own id, so one's own runs are never counted twice.
import { sendRequest } from '../../providers/request';
import { displayUrl } from '../../providers/urls';
import { RunRecord, validateEntry } from '../record';
import { moneyOfDouble } from './fromSpans';

export interface LangfuseReadOptions {
  /** https://cloud.langfuse.com, https://us.cloud.langfuse.com or a self-hosted URL. */
  baseUrl: string;
  publicKey: string;
  secretKey: string;
  /** Only observations that started at or after this ISO time. */
  fromStartTime?: string;
  /** Observations per page (the API allows up to 1000; default 100). */
  limit?: number;
  /** Pages read at most (default 50): the rest is left for the next import, `truncated` says so. */
  maxPages?: number;
  signal?: AbortSignal;
  fetch?: typeof fetch;
}

export interface LangfuseReadResult {
  records: RunRecord[];
  pages: number;
  observations: number;
  /** More pages were there than maxPages allowed. */
  truncated: boolean;
  problems: string[];
}

export class LangfuseError extends Error {}

const FIELDS = 'core,basic,model,usage,prompt,metrics,metadata';

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const strOf = (v: unknown): string | undefined => (typeof v === 'string' && v ? v : undefined);
const countOf = (v: unknown): number | undefined => (typeof v === 'number' && Number.isSafeInteger(v) && v >= 0 ? v : undefined);

/** metadata.attributes as Langfuse keeps the span's other attributes (strings; JSON for the rest). */
function spanAttributes(o: Obj): Obj {
  const m = o.metadata;
  if (isObj(m) && isObj(m.attributes)) return m.attributes;
  return {};
}

function usageOf(details: unknown, attrs: Obj): RunRecord['usage'] {
  if (!isObj(details)) return undefined;
  const input = countOf(details.input);
  const output = countOf(details.output);
  if (input === undefined || output === undefined) return undefined;
  const reasoning = countOf(details.output_reasoning_tokens);
  const writes = countOf(details.input_cache_creation) ?? 0;
  const write1h = Math.min(Number(strOf(attrs['prompt_cost.usage.cache_write_1h_tokens']) ?? 0) || 0, writes);
  const usage = {
    inputTokens: input,
    cachedInputTokens: countOf(details.input_cached_tokens) ?? 0,
    cacheWrite5mTokens: writes - write1h,
    cacheWrite1hTokens: write1h,
    outputTokens: output + (reasoning ?? 0),
  };
  return reasoning === undefined ? usage : { ...usage, reasoningTokens: reasoning };
}

/** One ObservationV2 as a run record; undefined for an observation without a model (a plain span). */
export function observationToRecord(o: Obj, origin: string): RunRecord | undefined {
  const id = strOf(o.id);
  const start = strOf(o.startTime);
  const model = strOf(o.providedModelName);
  if (!id || !start || !model || !Number.isFinite(Date.parse(start))) return undefined;
  const attrs = spanAttributes(o);
  const rec: RunRecord = {
    v: 1,
    type: 'run',
    id: strOf(attrs['prompt_cost.run.id']) ?? `langfuse:${id}`,
    time: new Date(Date.parse(start)).toISOString(),
    source: strOf(attrs['prompt_cost.run.source']) ?? 'langfuse',
    status: o.level === 'ERROR' ? 'error' : 'ok',
    model,
    origin,
  };
  const provider = strOf(attrs['llm.provider']) ?? strOf(attrs['gen_ai.provider.name']);
  if (provider) rec.provider = provider;
  const member = strOf(o.userId);
  if (member) rec.member = member;
  const file = strOf(attrs['prompt_cost.prompt.file']);
  const key = strOf(o.promptName) ?? strOf(attrs['gen_ai.prompt.name']);
  if (file) {
    rec.promptFile = file;
    const name = strOf(attrs['prompt_cost.prompt.name']);
    if (name) rec.promptName = name;
  } else if (key) {
    const at = key.indexOf('#');
    rec.promptFile = at < 0 ? key : key.slice(0, at);
    if (at >= 0) rec.promptName = key.slice(at + 1);
  }
  const usage = usageOf(o.usageDetails, attrs);
  if (usage) rec.usage = usage;
  const cost = strOf(attrs['prompt_cost.cost_usd']) ?? moneyOfDouble(typeof o.totalCost === 'number' ? o.totalCost : undefined);
  if (cost !== undefined) rec.costUsd = cost;
  if (typeof o.latency === 'number' && Number.isFinite(o.latency) && o.latency >= 0) rec.latencyMs = Math.round(o.latency * 1000);
  if (rec.status === 'error') rec.error = { kind: 'langfuse', message: strOf(o.statusMessage) ?? '' };
  return rec;
}

async function getPage(o: LangfuseReadOptions, cursor: string | undefined): Promise<Obj> {
  const url = new URL('/api/public/v2/observations', o.baseUrl.replace(/\/+$/, '') + '/');
  url.searchParams.set('type', 'GENERATION');
  url.searchParams.set('fields', FIELDS);
  url.searchParams.set('limit', String(o.limit ?? 100));
  if (o.fromStartTime) url.searchParams.set('fromStartTime', o.fromStartTime);
  if (cursor) url.searchParams.set('cursor', cursor);
  const res = await sendRequest({
    url: url.toString(),
    method: 'GET',
    headers: { authorization: `Basic ${Buffer.from(`${o.publicKey}:${o.secretKey}`).toString('base64')}`, accept: 'application/json' },
    signal: o.signal ?? AbortSignal.timeout(30_000),
    ...(o.fetch ? { fetch: o.fetch } : {}),
  });
  const text = await res.text();
  if (!res.ok)
    throw new LangfuseError(
      `${displayUrl(url)} answered HTTP ${res.status}${res.status === 401 ? ' (check the public and secret key)' : ''}`,
    );
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw new LangfuseError(`${displayUrl(url)} did not answer JSON`);
  }
  if (!isObj(body) || !Array.isArray(body.data)) throw new LangfuseError(`${displayUrl(url)}: not an observations list (no data array)`);
  return body;
}

/**
 * Where an incremental import from `baseUrl` starts: an hour before the newest run already imported from that
 * host (observations arrive late), else from the beginning (undefined). The CLI and the editor share it.
 */
export function langfuseResumeFrom(runs: readonly RunRecord[], baseUrl: string): string | undefined {
  const origin = `langfuse:${new URL(baseUrl).host}`;
  let newest = 0;
  for (const r of runs) if (r.origin === origin) newest = Math.max(newest, Date.parse(r.time) || 0);
  return newest ? new Date(newest - 3_600_000).toISOString() : undefined;
}

/** Reads GENERATION observations page by page (at most maxPages) into run records. */
export async function readLangfuseRuns(o: LangfuseReadOptions): Promise<LangfuseReadResult> {
  const origin = `langfuse:${new URL(o.baseUrl).host}`;
  const out: LangfuseReadResult = { records: [], pages: 0, observations: 0, truncated: false, problems: [] };
  const seen = new Set<string>();
  let cursor: string | undefined;
  const maxPages = o.maxPages ?? 50;
  do {
    if (out.pages >= maxPages) {
      out.truncated = true;
      break;
    }
    const page = await getPage(o, cursor);
    out.pages++;
    for (const item of page.data as unknown[]) {
      out.observations++;
      if (!isObj(item)) continue;
      const rec = observationToRecord(item, origin);
      if (!rec || seen.has(rec.id)) continue;
      const reason = validateEntry(rec);
      if (reason) {
        if (out.problems.length < 20) out.problems.push(`observation ${JSON.stringify(String(item.id).slice(0, 80))}: ${reason}`);
        continue;
      }
      seen.add(rec.id);
      out.records.push(rec);
    }
    const meta = page.meta;
    cursor = isObj(meta) ? strOf(meta.cursor) : undefined;
  } while (cursor);
  return out;
}
