import { describe, it, after } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ROOT } from './tokenize/oracle';
import { isCancellationError } from '../../src/core/cancellation';
import { WorkerTokenCounter, countTokens } from '../../src/core/tokenize';
import { PROSE } from './tokenize/corpus';

// The bundled worker when the build ran, else the tsc output of worker.ts.
const bundled = path.join(ROOT, 'dist', 'tokenize-worker.js');
const script = fs.existsSync(bundled) ? bundled : path.join(ROOT, 'out', 'src', 'core', 'tokenize', 'worker.js');

describe('WorkerTokenCounter', () => {
  const counter = new WorkerTokenCounter(script, { dataDir: path.join(ROOT, 'dist', 'encodings') });
  after(() => counter.dispose());
  const big = PROSE.join('\n').repeat(400); // ~300 kB

  it('counts exactly in a worker thread', async () => {
    assert.equal(await counter.count(big, 'o200k_base'), countTokens(big, 'o200k_base'));
    assert.equal(await counter.count('hello world', 'cl100k_base'), 2);
  });
  it('a newer request supersedes an older one: the older promise rejects with a CancellationError', async () => {
    const first = counter.count(big + 'x', 'o200k_base');
    const second = counter.count(big + 'y', 'o200k_base');
    await assert.rejects(first, (err) => isCancellationError(err));
    assert.equal(await second, countTokens(big + 'y', 'o200k_base'));
  });
  it('reports an unknown encoding as an error, then keeps working', async () => {
    await assert.rejects(counter.count('x', 'nope' as never), /unknown encoding/);
    assert.equal(await counter.count('x', 'r50k_base'), 1);
  });
  it('dispose() rejects pending counts and refuses new ones', async () => {
    const c = new WorkerTokenCounter(script);
    const p = c.count(big, 'o200k_base');
    c.dispose();
    await assert.rejects(p, (err) => isCancellationError(err));
    await assert.rejects(c.count('x', 'o200k_base'), (err) => isCancellationError(err));
  });
});
