// The OTLP JSON Lines file: the OpenTelemetry file-exporter format (opentelemetry.io/docs/specs/otel/protocol/file-exporter/:
// one ExportTraceServiceRequest as OTLP/JSON per line), which the Collector's `otlpjsonfile` receiver
// reads and its `file` exporter writes. Export writes it; import reads one or many such files into
// run records, deduplicated by span id (the ids are stable per run: toSpans.ts).
import { RunRecord, RunStep, validateEntry } from '../record';
import { OtlpKeyValue, OtlpTraceRequest, SCOPE_NAME, SEMCONV_SCHEMA_URL, keyValue, unixNanoToMs } from './model';
import { SpanContext, attributeMap, isRunSpan, spanToRecord, spanToStep } from './fromSpans';
import { SpanOptions, runToSpans } from './toSpans';

export interface ExportOptions extends SpanOptions {
  /** Our version, as `service.version` and the scope version. */
  serviceVersion?: string;
  /** Who ran these runs (`user.id` on every span): the team member's name. */
  member?: string;
}

/** Spans per request (per line of the file): the OTel SDK's BatchSpanProcessor default maxExportBatchSize is 512. */
export const SPANS_PER_REQUEST = 512;

function resourceAttributes(o: ExportOptions): OtlpKeyValue[] {
  const a = [keyValue('service.name', 'prompt-cost-lens')];
  if (o.serviceVersion) a.push(keyValue('service.version', o.serviceVersion));
  return a;
}

/** Runs as one OTLP export request (all spans of each run kept together). */
export function runsToTraceRequest(records: readonly RunRecord[], o: ExportOptions = {}): OtlpTraceRequest {
  const spans = records.flatMap((r) => runToSpans(o.member && !r.member ? { ...r, member: o.member } : r, o));
  return {
    resourceSpans: [
      {
        resource: { attributes: resourceAttributes(o) },
        scopeSpans: [
          { scope: { name: SCOPE_NAME, ...(o.serviceVersion ? { version: o.serviceVersion } : {}) }, spans, schemaUrl: SEMCONV_SCHEMA_URL },
        ],
      },
    ],
  };
}

/** Runs in batches of whole runs of at most ~SPANS_PER_REQUEST spans (a run with more steps is one batch). */
export function batchRuns(records: readonly RunRecord[], spansPerBatch = SPANS_PER_REQUEST): RunRecord[][] {
  const out: RunRecord[][] = [];
  let cur: RunRecord[] = [];
  let n = 0;
  for (const r of records) {
    const spans = 1 + (r.steps?.length ?? 0);
    if (cur.length && n + spans > spansPerBatch) {
      out.push(cur);
      cur = [];
      n = 0;
    }
    cur.push(r);
    n += spans;
  }
  if (cur.length) out.push(cur);
  return out;
}

/** The file's text: one request per line, each line ending with a newline. */
export function runsToJsonLines(records: readonly RunRecord[], o: ExportOptions = {}): string {
  return batchRuns(records)
    .map((b) => `${JSON.stringify(runsToTraceRequest(b, o))}\n`)
    .join('');
}

export interface OtlpFileProblem {
  /** `file:line` */
  where: string;
  message: string;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function hexId(v: unknown, chars: number): string | undefined {
  return typeof v === 'string' && v.length === chars && /^[0-9a-fA-F]+$/.test(v) && !/^0+$/.test(v) ? v.toLowerCase() : undefined;
}

/** The spans of one parsed request; a span without valid ids is a located problem, not a crash. */
export function spansOfRequest(request: unknown, where: string, problems: OtlpFileProblem[]): SpanContext[] {
  const out: SpanContext[] = [];
  if (!isObject(request) || !Array.isArray(request.resourceSpans)) {
    problems.push({ where, message: 'not an OTLP trace request (no resourceSpans list)' });
    return out;
  }
  for (const rs of request.resourceSpans as unknown[]) {
    if (!isObject(rs)) continue;
    const resource = attributeMap(isObject(rs.resource) ? rs.resource.attributes : undefined);
    for (const ss of Array.isArray(rs.scopeSpans) ? (rs.scopeSpans as unknown[]) : []) {
      if (!isObject(ss) || !Array.isArray(ss.spans)) continue;
      for (const sp of ss.spans as unknown[]) {
        if (!isObject(sp)) continue;
        const traceId = hexId(sp.traceId, 32);
        const spanId = hexId(sp.spanId, 16);
        if (!traceId || !spanId) {
          problems.push({
            where,
            message: `a span without a valid traceId/spanId (${JSON.stringify(String(sp.name ?? '')).slice(0, 80)}) was skipped`,
          });
          continue;
        }
        const status = isObject(sp.status) ? sp.status : {};
        out.push({
          traceId,
          spanId,
          ...(hexId(sp.parentSpanId, 16) ? { parentSpanId: hexId(sp.parentSpanId, 16) } : {}),
          name: typeof sp.name === 'string' ? sp.name : '',
          startMs: unixNanoToMs(sp.startTimeUnixNano),
          endMs: unixNanoToMs(sp.endTimeUnixNano),
          statusCode: typeof status.code === 'number' ? status.code : 0,
          ...(typeof status.message === 'string' ? { statusMessage: status.message } : {}),
          attrs: attributeMap(sp.attributes),
          resource,
        });
      }
    }
  }
  return out;
}

/** Parses an OTLP JSON Lines text; blank lines are skipped, a bad line is a located problem. */
export function parseOtlpJsonLines(text: string, file: string, problems: OtlpFileProblem[]): SpanContext[] {
  const spans: SpanContext[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i].trim();
    if (!line) continue;
    const where = `${file}:${i + 1}`;
    let parsed: unknown;
    try {
      parsed = JSON.parse(line);
    } catch (err) {
      problems.push({ where, message: `not JSON (${err instanceof Error ? err.message : String(err)})` });
      continue;
    }
    for (const s of spansOfRequest(parsed, where, problems)) spans.push(s);
  }
  return spans;
}

export interface SpansToRecordsResult {
  records: RunRecord[];
  /** Spans seen again (same span id): skipped. */
  duplicateSpans: number;
  /** Spans that are neither a run nor a step of one (other instrumentation's HTTP or DB spans). */
  otherSpans: number;
  problems: OtlpFileProblem[];
}

/** Spans (from any number of files) → run records: each span id once, steps attached to their run. */
export function spansToRecords(spans: readonly SpanContext[], origin: string, problems: OtlpFileProblem[] = []): SpansToRecordsResult {
  const seen = new Set<string>();
  const byId = new Map<string, RunRecord>();
  const steps = new Map<string, { index: number; step: RunStep }[]>();
  let duplicateSpans = 0;
  let otherSpans = 0;
  for (const s of spans) {
    const key = `${s.traceId}/${s.spanId}`;
    if (seen.has(key)) {
      duplicateSpans++;
      continue;
    }
    seen.add(key);
    const step = spanToStep(s);
    const runId = s.attrs.get('prompt_cost.run.id');
    if (step && typeof runId === 'string') {
      const list = steps.get(runId) ?? [];
      list.push(step);
      steps.set(runId, list);
    } else if (isRunSpan(s)) {
      const { record } = spanToRecord(s, origin);
      if (!byId.has(record.id)) byId.set(record.id, record);
      else duplicateSpans++;
    } else otherSpans++;
  }
  const records: RunRecord[] = [];
  for (const rec of byId.values()) {
    const own = steps.get(rec.id);
    if (own?.length) rec.steps = own.sort((a, b) => a.index - b.index).map((s) => s.step);
    const reason = validateEntry(rec);
    if (reason) problems.push({ where: origin, message: `run ${JSON.stringify(rec.id.slice(0, 80))} not imported: ${reason}` });
    else records.push(rec);
  }
  return { records, duplicateSpans, otherSpans, problems };
}
