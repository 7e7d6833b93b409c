// The global `Buffer` for the browser bundle (injected by scripts/build.mjs): the small part of Node's
// Buffer the core uses (from/alloc/concat/compare/byteLength, toString in utf8, hex, base64) on top of
// Uint8Array, with Node's semantics (nodejs/node lib/buffer.js) for those calls.
type Encoding = 'utf8' | 'utf-8' | 'hex' | 'base64' | 'latin1' | 'binary';

function hexOf(bytes: Uint8Array): string {
  let s = '';
  for (const b of bytes) s += b.toString(16).padStart(2, '0');
  return s;
}

function base64Of(bytes: Uint8Array): string {
  // One code point per byte, the binary string btoa wants. Not TextDecoder('latin1'): browsers decode that
  // label as windows-1252 (0x80 → €). Not a spread into String.fromCharCode (the security suite bans them).
  let bin = '';
  for (let i = 0; i < bytes.length; i++) bin += String.fromCharCode(bytes[i]);
  return btoa(bin);
}

function bytesOf(text: string, encoding: Encoding = 'utf8'): Uint8Array {
  if (encoding === 'hex') {
    const out = new Uint8Array(text.length >> 1);
    for (let i = 0; i < out.length; i++) out[i] = parseInt(text.slice(2 * i, 2 * i + 2), 16);
    return out;
  }
  if (encoding === 'base64') return Uint8Array.from(atob(text), (c) => c.charCodeAt(0));
  if (encoding === 'latin1' || encoding === 'binary') return Uint8Array.from(text, (c) => c.charCodeAt(0) & 0xff);
  return new TextEncoder().encode(text);
}

/** The instance side: a Uint8Array that prints itself as Node's Buffer does. */
class BufferBytes extends Uint8Array {
  override toString(encoding: Encoding = 'utf8', start = 0, end = this.length): string {
    const view = this.subarray(start, end);
    if (encoding === 'hex') return hexOf(view);
    if (encoding === 'base64') return base64Of(view);
    if (encoding === 'latin1' || encoding === 'binary') return Array.from(view, (b) => String.fromCharCode(b)).join('');
    return new TextDecoder().decode(view);
  }

  equals(other: Uint8Array): boolean {
    return compare(this, other) === 0;
  }
}

function from(value: string | ArrayLike<number> | ArrayBuffer, encoding?: Encoding): BufferBytes {
  if (typeof value === 'string') {
    const bytes = bytesOf(value, encoding);
    return new BufferBytes(bytes.buffer as ArrayBuffer, bytes.byteOffset, bytes.byteLength);
  }
  if (value instanceof ArrayBuffer) return new BufferBytes(value);
  const out = new BufferBytes(value.length);
  out.set(value);
  return out;
}

function concat(list: readonly Uint8Array[], totalLength?: number): BufferBytes {
  const total = totalLength ?? list.reduce((n, b) => n + b.length, 0);
  const out = new BufferBytes(total);
  let at = 0;
  for (const b of list) {
    if (at >= total) break;
    const part = b.subarray(0, total - at);
    out.set(part, at);
    at += part.length;
  }
  return out;
}

function compare(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return a[i] < b[i] ? -1 : 1;
  return a.length === b.length ? 0 : a.length < b.length ? -1 : 1;
}

const statics = {
  from,
  concat,
  compare,
  alloc: (size: number) => new BufferBytes(size),
  allocUnsafe: (size: number) => new BufferBytes(size),
  isBuffer: (value: unknown): value is BufferBytes => value instanceof BufferBytes,
  byteLength: (text: string | Uint8Array, encoding?: Encoding) =>
    typeof text === 'string' ? bytesOf(text, encoding).length : text.byteLength,
};
/** Node's Buffer as far as the shared code uses it: `new Buffer(n)` and the statics above (Node's `from`, not Uint8Array's). */
export const Buffer = Object.assign(BufferBytes, statics) as unknown as typeof statics & (new (size: number) => BufferBytes);
export type Buffer = BufferBytes;
