// `node:crypto` for the browser bundle (scripts/build.mjs aliases it here): random bytes from Web Crypto
// (`crypto.getRandomValues`, a CSPRNG in every browser) and a synchronous SHA-256 (Web Crypto's digest is
// asynchronous, the core's callers are not), written from FIPS 180-4 §6.2 and checked against Node's
// createHash in test/unit/browser-shims.test.ts.
import { Buffer } from './buffer';

export function randomBytes(size: number): Buffer {
  const out = Buffer.alloc(size);
  globalThis.crypto.getRandomValues(out);
  return out;
}

export function randomUUID(): string {
  return globalThis.crypto.randomUUID();
}

const K = new Uint32Array([
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5, 0xd807aa98, 0x12835b01, 0x243185be,
  0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa,
  0x5cb0a9dc, 0x76f988da, 0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967, 0x27b70a85,
  0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3,
  0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070, 0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f,
  0x682e6ff3, 0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
]);

const rotr = (x: number, n: number) => (x >>> n) | (x << (32 - n));

function compress(h: Uint32Array, w: Uint32Array): void {
  for (let t = 16; t < 64; t++) {
    const s0 = rotr(w[t - 15], 7) ^ rotr(w[t - 15], 18) ^ (w[t - 15] >>> 3);
    const s1 = rotr(w[t - 2], 17) ^ rotr(w[t - 2], 19) ^ (w[t - 2] >>> 10);
    w[t] = (w[t - 16] + s0 + w[t - 7] + s1) | 0;
  }
  let [a, b, c, d, e, f, g, hh] = h;
  for (let t = 0; t < 64; t++) {
    const t1 = (hh + (rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25)) + ((e & f) ^ (~e & g)) + K[t] + w[t]) | 0;
    const t2 = ((rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22)) + ((a & b) ^ (a & c) ^ (b & c))) | 0;
    hh = g;
    g = f;
    f = e;
    e = (d + t1) | 0;
    d = c;
    c = b;
    b = a;
    a = (t1 + t2) | 0;
  }
  h[0] += a;
  h[1] += b;
  h[2] += c;
  h[3] += d;
  h[4] += e;
  h[5] += f;
  h[6] += g;
  h[7] += hh;
}

/** SHA-256 of `data` (FIPS 180-4): pad to 512-bit blocks with the bit length, compress each block. */
export function sha256(data: Uint8Array): Uint8Array {
  const h = new Uint32Array([0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19]);
  const blocks = Math.ceil((data.length + 9) / 64);
  const padded = new Uint8Array(blocks * 64);
  padded.set(data);
  padded[data.length] = 0x80;
  const view = new DataView(padded.buffer);
  view.setUint32(padded.length - 8, Math.floor(data.length / 0x20000000));
  view.setUint32(padded.length - 4, (data.length * 8) >>> 0);
  const w = new Uint32Array(64);
  for (let i = 0; i < blocks; i++) {
    for (let t = 0; t < 16; t++) w[t] = view.getUint32(i * 64 + t * 4);
    compress(h, w);
  }
  const out = new Uint8Array(32);
  const outView = new DataView(out.buffer);
  for (let i = 0; i < 8; i++) outView.setUint32(i * 4, h[i]);
  return out;
}

class Sha256Hash {
  private readonly parts: Uint8Array[] = [];
  update(data: string | Uint8Array): this {
    this.parts.push(typeof data === 'string' ? new TextEncoder().encode(data) : data);
    return this;
  }
  digest(encoding?: 'hex' | 'base64'): Buffer | string {
    const digest = Buffer.alloc(32);
    digest.set(sha256(Buffer.concat(this.parts)));
    return encoding ? digest.toString(encoding) : digest;
  }
}

function onlySha256(algorithm: string): void {
  if (algorithm.toLowerCase() !== 'sha256') throw new Error(`hash ${algorithm} is not available in the browser (only sha256)`);
}

export function createHash(algorithm: string): Sha256Hash {
  onlySha256(algorithm);
  return new Sha256Hash();
}

const BLOCK = 64;
const toBytes = (data: string | Uint8Array) => (typeof data === 'string' ? new TextEncoder().encode(data) : data);

/** HMAC-SHA-256 (RFC 2104): H((K ⊕ opad) ‖ H((K ⊕ ipad) ‖ m)), a key longer than a block hashed first. */
class Sha256Hmac {
  private readonly inner = new Sha256Hash();
  private readonly outerKey: Uint8Array;
  constructor(key: string | Uint8Array) {
    let k = toBytes(key);
    if (k.length > BLOCK) k = sha256(k);
    const ipad = new Uint8Array(BLOCK);
    this.outerKey = new Uint8Array(BLOCK);
    for (let i = 0; i < BLOCK; i++) {
      ipad[i] = (k[i] ?? 0) ^ 0x36;
      this.outerKey[i] = (k[i] ?? 0) ^ 0x5c;
    }
    this.inner.update(ipad);
  }
  update(data: string | Uint8Array): this {
    this.inner.update(data);
    return this;
  }
  digest(encoding?: 'hex' | 'base64'): Buffer | string {
    const innerDigest = this.inner.digest() as Buffer;
    return new Sha256Hash().update(this.outerKey).update(innerDigest).digest(encoding);
  }
}

export function createHmac(algorithm: string, key: string | Uint8Array): Sha256Hmac {
  onlySha256(algorithm);
  return new Sha256Hmac(key);
}

/** Compares in time that depends only on the length, as Node's (which throws on a length mismatch). */
export function timingSafeEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) throw new RangeError('Input buffers must have the same byte length');
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a[i] ^ b[i];
  return diff === 0;
}
