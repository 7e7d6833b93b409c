// The official OTLP protobuf definitions loaded with protobufjs: decode what we send, and check our OTLP/JSON
// against the message types field by field. The .proto files are not in the repository: they come with the
// test oracles (scripts/oracle.mjs → .oracle/), from npm `@elastic/mockotlpserver` 0.10.0, which ships
// opentelemetry-proto tag v1.4.0 unchanged under opentelemetry/proto/ (its collector/README.md names the tag).
// v1.4.0 → v1.11.0 changed nothing in trace.proto or trace_service.proto; common.proto and resource.proto only
// gained the profiling dictionary indices (`string_value_strindex`, `key_strindex`) and `EntityRef`, none of
// which a trace exporter writes.
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as protobuf from 'protobufjs';

const ROOT_DIR = path.resolve(__dirname, '../../../.oracle/node_modules/@elastic/mockotlpserver');
const SERVICE_PROTO = 'opentelemetry/proto/collector/trace/v1/trace_service.proto';

/** Why the tests that decode OTLP protobuf skip (false: the .proto files are installed). */
export const NO_OTLP_PROTO: false | string = fs.existsSync(path.join(ROOT_DIR, SERVICE_PROTO))
  ? false
  : 'the OTLP .proto files are not installed (they come with the test oracles): run node scripts/oracle.mjs';

let cached: protobuf.Root | undefined;

export function otlpRoot(): protobuf.Root {
  if (cached) return cached;
  if (NO_OTLP_PROTO) throw new Error(NO_OTLP_PROTO);
  const root = new protobuf.Root();
  root.resolvePath = (_origin, target) => path.join(ROOT_DIR, target);
  root.loadSync(SERVICE_PROTO, { keepCase: false });
  root.resolveAll();
  cached = root;
  return root;
}

export function exportRequestType(): protobuf.Type {
  return otlpRoot().lookupType('opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest');
}

/** Decodes a binary OTLP/HTTP protobuf body into plain JSON-like data (ids as hex, 64-bit ints as strings). */
export function decodeProtobufRequest(body: Uint8Array): Record<string, unknown> {
  const t = exportRequestType();
  const msg = t.decode(body);
  return hexIds(t.toObject(msg, { longs: String, enums: Number, bytes: String, defaults: false })) as Record<string, unknown>;
}

/** bytes fields come out base64 from toObject; OTLP/JSON writes trace and span ids as hex. */
function hexIds(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(hexIds);
  if (typeof v !== 'object' || v === null) return v;
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(v)) {
    if ((k === 'traceId' || k === 'spanId' || k === 'parentSpanId') && typeof x === 'string')
      out[k] = Buffer.from(x, 'base64').toString('hex');
    else out[k] = hexIds(x);
  }
  return out;
}

/**
 * Walks an OTLP/JSON value against a protobuf message type: every key must be a field of that message
 * (by its JSON name), every value must have the field's shape (repeated → list, message → object,
 * 64-bit integers → decimal string or safe integer, bytes ids → hex, enums → integers). Returns the
 * problems found (`resourceSpans[0].scopeSpans[0].spans[2].kind: …`); empty when the JSON conforms.
 */
export function conformanceProblems(value: unknown, type: protobuf.Type = exportRequestType(), at = ''): string[] {
  const problems: string[] = [];
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return [`${at || '(root)'}: not an object`];
  for (const [key, v] of Object.entries(value)) {
    const field = type.fields[key] ?? Object.values(type.fields).find((f) => f.options?.json_name === key);
    const where = at ? `${at}.${key}` : key;
    if (!field) {
      problems.push(`${where}: not a field of ${type.fullName}`);
      continue;
    }
    field.resolve();
    const values = field.repeated ? (Array.isArray(v) ? v : null) : [v];
    if (values === null) {
      problems.push(`${where}: must be a list`);
      continue;
    }
    values.forEach((x, i) => {
      const w = field.repeated ? `${where}[${i}]` : where;
      if (field.resolvedType instanceof protobuf.Type) problems.push(...conformanceProblems(x, field.resolvedType, w));
      else if (field.resolvedType instanceof protobuf.Enum) {
        if (typeof x !== 'number' || !Object.values(field.resolvedType.values).includes(x))
          problems.push(`${w}: not a value of ${field.resolvedType.name}`);
      } else problems.push(...scalarProblem(field.type, x, w));
    });
  }
  return problems;
}

function scalarProblem(type: string, x: unknown, w: string): string[] {
  switch (type) {
    case 'string':
      return typeof x === 'string' ? [] : [`${w}: must be a string`];
    case 'bool':
      return typeof x === 'boolean' ? [] : [`${w}: must be a boolean`];
    case 'double':
    case 'float':
      return typeof x === 'number' ? [] : [`${w}: must be a number`];
    case 'int64':
    case 'fixed64':
    case 'uint64':
    case 'sfixed64':
      return (typeof x === 'string' && /^-?\d+$/.test(x)) || (typeof x === 'number' && Number.isSafeInteger(x))
        ? []
        : [`${w}: must be a 64-bit integer`];
    case 'int32':
    case 'uint32':
    case 'fixed32':
      return typeof x === 'number' && Number.isInteger(x) ? [] : [`${w}: must be an integer`];
    case 'bytes':
      return typeof x === 'string' && /^[0-9a-fA-F]*$/.test(x) && x.length % 2 === 0 ? [] : [`${w}: must be hex bytes`];
    default:
      return [`${w}: unexpected field type ${type}`];
  }
}

/** OTLP/JSON → protobuf binary with the official types (hex ids to bytes), as an OTLP/HTTP protobuf body. */
export function encodeJsonAsProtobuf(json: unknown): Uint8Array {
  const t = exportRequestType();
  const withBytes = JSON.parse(JSON.stringify(json), (k, v) =>
    (k === 'traceId' || k === 'spanId' || k === 'parentSpanId') && typeof v === 'string' ? Buffer.from(v, 'hex').toString('base64') : v,
  );
  return t.encode(t.fromObject(withBytes)).finish();
}
