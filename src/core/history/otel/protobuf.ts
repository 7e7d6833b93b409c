// OTLP/HTTP protobuf body of an export request, written by hand for the subset our spans use (field
// numbers from opentelemetry-proto v1.11.0: collector/trace/v1/trace_service.proto, trace/v1/trace.proto,
// common/v1/common.proto, resource/v1/resource.proto). Protobuf, not JSON, because Arize Phoenix's
// /v1/traces answers JSON with 415 (github.com/Arize-ai/phoenix/issues/2067 asked for JSON;
// github.com/DEVtheOPS/opencode-plugin-otel/issues/50 shows Phoenix 13.7 refusing it); the Collector and
// Langfuse accept both. Tests decode it with protobufjs and the official .proto files.
import { OtlpAnyValue, OtlpKeyValue, OtlpSpan, OtlpTraceRequest } from './model';

const textEncoder = new TextEncoder();

/** A growable byte buffer with the protobuf wire primitives. */
class Writer {
  private buf = new Uint8Array(4096);
  private len = 0;

  private room(n: number): void {
    if (this.len + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.len + n) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.buf.subarray(0, this.len));
    this.buf = next;
  }

  bytes(b: Uint8Array): void {
    this.room(b.length);
    this.buf.set(b, this.len);
    this.len += b.length;
  }

  /** Unsigned varint of a non-negative safe integer (the common case: no BigInt). */
  uvarint(n: number): void {
    this.room(10);
    while (n >= 0x80) {
      this.buf[this.len++] = (n % 0x80) | 0x80;
      n = Math.floor(n / 0x80);
    }
    this.buf[this.len++] = n;
  }

  /** Unsigned varint of a bigint (int64 two's complement for negatives, as protobuf writes them). */
  varint(v: bigint): void {
    let x = v < 0n ? v + (1n << 64n) : v;
    this.room(10);
    while (x >= 0x80n) {
      this.buf[this.len++] = Number(x & 0x7fn) | 0x80;
      x >>= 7n;
    }
    this.buf[this.len++] = Number(x);
  }

  tag(field: number, wire: number): void {
    this.uvarint((field << 3) | wire);
  }

  fixed64(field: number, v: bigint): void {
    this.tag(field, 1);
    this.room(8);
    new DataView(this.buf.buffer, this.buf.byteOffset + this.len, 8).setBigUint64(0, v, true);
    this.len += 8;
  }

  double(field: number, v: number): void {
    this.tag(field, 1);
    this.room(8);
    new DataView(this.buf.buffer, this.buf.byteOffset + this.len, 8).setFloat64(0, v, true);
    this.len += 8;
  }

  lengthDelimited(field: number, b: Uint8Array): void {
    this.tag(field, 2);
    this.uvarint(b.length);
    this.bytes(b);
  }

  string(field: number, s: string): void {
    if (s) this.lengthDelimited(field, textEncoder.encode(s));
  }

  /** A nested message written in place: one byte is kept for its length, and the body moved if it needs more. */
  message(field: number, write: (w: Writer) => void): void {
    this.tag(field, 2);
    this.room(1);
    const lenAt = this.len++;
    const start = this.len;
    write(this);
    const size = this.len - start;
    let lenBytes = 1;
    for (let n = size; n >= 0x80; n = Math.floor(n / 0x80)) lenBytes++;
    if (lenBytes > 1) {
      this.room(lenBytes - 1);
      this.buf.copyWithin(start + lenBytes - 1, start, this.len);
      this.len += lenBytes - 1;
    }
    let n = size;
    for (let i = 0; i < lenBytes - 1; i++) {
      this.buf[lenAt + i] = (n % 0x80) | 0x80;
      n = Math.floor(n / 0x80);
    }
    this.buf[lenAt + lenBytes - 1] = n;
  }

  finish(): Uint8Array {
    return this.buf.subarray(0, this.len);
  }
}

function hexBytes(hex: string): Uint8Array {
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(hex.slice(i * 2, i * 2 + 2), 16);
  return out;
}

function anyValue(w: Writer, v: OtlpAnyValue): void {
  if ('stringValue' in v) w.lengthDelimited(1, textEncoder.encode(v.stringValue));
  else if ('boolValue' in v) {
    w.tag(2, 0);
    w.uvarint(v.boolValue ? 1 : 0);
  } else if ('intValue' in v) {
    w.tag(3, 0);
    const n = Number(v.intValue);
    if (Number.isSafeInteger(n) && n >= 0) w.uvarint(n);
    else w.varint(BigInt(v.intValue));
  } else if ('doubleValue' in v) w.double(4, v.doubleValue);
  else if ('arrayValue' in v) w.message(5, (a) => (v.arrayValue.values ?? []).forEach((x) => a.message(1, (e) => anyValue(e, x))));
  else if ('kvlistValue' in v) w.message(6, (l) => (v.kvlistValue.values ?? []).forEach((kv) => l.message(1, (e) => keyValue(e, kv))));
  else w.lengthDelimited(7, Uint8Array.from(Buffer.from(v.bytesValue, 'base64')));
}

function keyValue(w: Writer, kv: OtlpKeyValue): void {
  w.string(1, kv.key);
  w.message(2, (v) => anyValue(v, kv.value));
}

function span(w: Writer, s: OtlpSpan): void {
  w.lengthDelimited(1, hexBytes(s.traceId));
  w.lengthDelimited(2, hexBytes(s.spanId));
  if (s.parentSpanId) w.lengthDelimited(4, hexBytes(s.parentSpanId));
  w.string(5, s.name);
  if (s.kind) {
    w.tag(6, 0);
    w.uvarint(s.kind);
  }
  w.fixed64(7, BigInt(s.startTimeUnixNano));
  w.fixed64(8, BigInt(s.endTimeUnixNano));
  for (const kv of s.attributes) w.message(9, (e) => keyValue(e, kv));
  w.message(15, (st) => {
    if (s.status.message) st.string(2, s.status.message);
    if (s.status.code) {
      st.tag(3, 0);
      st.uvarint(s.status.code);
    }
  });
}

/** The ExportTraceServiceRequest as protobuf bytes (Content-Type application/x-protobuf). */
export function encodeTraceRequest(req: OtlpTraceRequest): Uint8Array {
  const w = new Writer();
  for (const rs of req.resourceSpans)
    w.message(1, (r) => {
      r.message(1, (res) => rs.resource.attributes.forEach((kv) => res.message(1, (e) => keyValue(e, kv))));
      for (const ss of rs.scopeSpans)
        r.message(2, (s) => {
          s.message(1, (sc) => {
            sc.string(1, ss.scope.name);
            if (ss.scope.version) sc.string(2, ss.scope.version);
          });
          for (const sp of ss.spans) s.message(2, (e) => span(e, sp));
          if (ss.schemaUrl) s.string(3, ss.schemaUrl);
        });
      if (rs.schemaUrl) r.string(3, rs.schemaUrl);
    });
  return w.finish();
}
