// The browser replacements of Node built-ins (src/core/browser/node/, used only by dist/web/extension.js)
// answer as Node itself does for the calls the shared code makes: Node is the oracle here, run on the same
// inputs (nodejs/node lib/path.js posix, lib/buffer.js, crypto createHash('sha256') = FIPS 180-4).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as nodeCrypto from 'node:crypto';
import * as nodePath from 'node:path';
import fc from 'fast-check';
import * as path from '../../src/core/browser/node/path';
import { Buffer as ShimBuffer } from '../../src/core/browser/node/buffer';
import { createHash, createHmac, randomBytes, sha256, timingSafeEqual } from '../../src/core/browser/node/crypto';
import * as fs from '../../src/core/browser/node/fs';
import { execFile } from '../../src/core/browser/node/child_process';
import { Worker } from '../../src/core/browser/node/worker_threads';

const segment = fc.constantFrom('a', 'b.txt', '.', '..', '', 'dist', 'x y', '.hidden', 'c..d');
const posixPath = fc
  .tuple(fc.boolean(), fc.array(segment, { maxLength: 6 }), fc.boolean())
  .map(([abs, segs, trailing]) => (abs ? '/' : '') + segs.join('/') + (trailing && segs.length ? '/' : ''));

describe('browser shim: node:path (POSIX)', () => {
  it('join, normalize, dirname, basename, extname, isAbsolute answer as path.posix', () => {
    fc.assert(
      fc.property(posixPath, posixPath, (a, b) => {
        assert.equal(path.join(a, b), nodePath.posix.join(a, b), `join(${a}, ${b})`);
        assert.equal(path.normalize(a), nodePath.posix.normalize(a), `normalize(${a})`);
        assert.equal(path.dirname(a), nodePath.posix.dirname(a), `dirname(${a})`);
        assert.equal(path.basename(a), nodePath.posix.basename(a), `basename(${a})`);
        assert.equal(path.extname(a), nodePath.posix.extname(a), `extname(${a})`);
        assert.equal(path.isAbsolute(a), nodePath.posix.isAbsolute(a));
      }),
      { numRuns: 2000 },
    );
  });

  it('resolve and relative answer as path.posix with the working directory at /', () => {
    fc.assert(
      fc.property(posixPath, posixPath, (a, b) => {
        const abs = (p: string) => nodePath.posix.resolve('/', p);
        assert.equal(path.resolve(a, b), nodePath.posix.resolve('/', a, b), `resolve(${a}, ${b})`);
        assert.equal(path.relative(a, b), nodePath.posix.relative(abs(a), abs(b)), `relative(${a}, ${b})`);
      }),
      { numRuns: 2000 },
    );
    assert.equal(path.basename('/a/b.prompt.md', '.md'), 'b.prompt');
  });
});

describe('browser shim: Buffer and crypto', () => {
  it('Buffer encodes and decodes utf8, hex, base64 as Node does', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 40 }), fc.uint8Array({ maxLength: 64 }), (text, bytes) => {
        assert.deepEqual([...ShimBuffer.from(text)], [...Buffer.from(text)]);
        assert.equal(ShimBuffer.byteLength(text), Buffer.byteLength(text));
        assert.equal(ShimBuffer.from(bytes).toString('hex'), Buffer.from(bytes).toString('hex'));
        assert.equal(ShimBuffer.from(bytes).toString('base64'), Buffer.from(bytes).toString('base64'));
        const hex = Buffer.from(bytes).toString('hex');
        assert.deepEqual([...ShimBuffer.from(hex, 'hex')], [...bytes]);
        assert.equal(
          ShimBuffer.compare(ShimBuffer.from(bytes), ShimBuffer.from(text)),
          Buffer.compare(Buffer.from(bytes), Buffer.from(text)),
        );
      }),
      { numRuns: 500 },
    );
    assert.deepEqual([...ShimBuffer.concat([ShimBuffer.from('ab'), ShimBuffer.from('cd')], 3)], [...Buffer.from('abc')]);
  });

  it('sha256 equals Node’s createHash on every length around the 64-byte block and padding edges', () => {
    const data = nodeCrypto.randomBytes(300);
    for (let n = 0; n <= 300; n++) {
      const slice = data.subarray(0, n);
      assert.equal(Buffer.from(sha256(slice)).toString('hex'), nodeCrypto.createHash('sha256').update(slice).digest('hex'), `length ${n}`);
    }
    // FIPS 180-4 / NIST example "abc".
    assert.equal(createHash('sha256').update('abc').digest('hex'), 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    assert.equal(createHash('sha256').update('a').update('bc').digest('hex'), nodeCrypto.createHash('sha256').update('abc').digest('hex'));
    assert.throws(() => createHash('md5'), /not available in the browser/);
    assert.equal(randomBytes(5).toString('hex').length, 10);
  });

  it('HMAC-SHA-256 equals Node’s createHmac for keys shorter than, equal to and longer than a block', () => {
    // RFC 4231 test case 2: key "Jefe", data "what do ya want for nothing?".
    assert.equal(
      createHmac('sha256', 'Jefe').update('what do ya want for nothing?').digest('hex'),
      '5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843',
    );
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 150 }), fc.string({ maxLength: 100 }), (key, data) => {
        assert.equal(createHmac('sha256', key).update(data).digest('hex'), nodeCrypto.createHmac('sha256', key).update(data).digest('hex'));
      }),
      { numRuns: 300 },
    );
    assert.equal(timingSafeEqual(new Uint8Array([1, 2]), new Uint8Array([1, 2])), true);
    assert.equal(timingSafeEqual(new Uint8Array([1, 2]), new Uint8Array([1, 3])), false);
    assert.throws(() => timingSafeEqual(new Uint8Array([1]), new Uint8Array([1, 2])), RangeError);
  });
});

describe('browser shim: files, processes, workers', () => {
  it('reads only files the adapter provided; a shipped file not fetched yet says so, others are "not available"', () => {
    fs.addLazyRoot('/ext/dist/encodings');
    assert.equal(fs.existsSync('/ext/dist/encodings/o200k_base.bin'), true);
    assert.throws(
      () => fs.readFileSync('/ext/dist/encodings/o200k_base.bin'),
      (e: unknown) => e instanceof fs.FileNotLoadedError,
    );
    fs.provideFile('/ext/dist/encodings/o200k_base.bin', new Uint8Array([1, 2, 3]));
    assert.deepEqual([...(fs.readFileSync('/ext/dist/encodings/o200k_base.bin') as Uint8Array)], [1, 2, 3]);
    fs.provideFile('/ext/dist/encodings/x.json', new TextEncoder().encode('{"a":1}'));
    assert.equal(fs.readFileSync('/ext/dist/encodings/x.json', 'utf8'), '{"a":1}');
    assert.equal(fs.existsSync('/home/me/ledger.jsonl'), false);
    assert.throws(() => fs.readFileSync('/home/me/ledger.jsonl'), /not available in the browser/);
    assert.throws(
      () => fs.statSync('/x'),
      (e: unknown) => (e as { code?: string }).code === 'ENOTSUP',
    );
  });

  it('git and other programs fail as a missing executable; worker threads name why', async () => {
    const err = await new Promise<Error>((resolve) => execFile('git', ['rev-parse'], {}, (e: Error) => resolve(e)));
    assert.equal((err as Error & { code?: string }).code, 'ENOENT');
    assert.match(err.message, /not available in the browser/);
    assert.throws(() => new Worker('dist/tokenize-worker.js'), /worker threads are not available in the browser/);
  });
});
