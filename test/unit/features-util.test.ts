// The shared helpers of src/features/util (no VS Code needed: they only use its Disposable shape) and core/sorted.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { lastAtOrBefore } from '../../src/core/sorted';
import { Debouncer } from '../../src/features/util/debounce';
import { Disposable, disposeAll } from '../../src/features/util/dispose';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('disposeAll and the Disposable base', () => {
  it('disposes every item even when some throw, then rethrows them together', () => {
    const log: string[] = [];
    const boom = (name: string) => ({
      dispose() {
        log.push(name);
        throw new Error(name);
      },
    });
    assert.throws(
      () => disposeAll([boom('a'), { dispose: () => void log.push('b') }, boom('c')]),
      (err: unknown) => err instanceof AggregateError && err.errors.map((e: Error) => e.message).join() === 'a,c',
    );
    assert.deepEqual(log, ['a', 'b', 'c']);
    assert.throws(() => disposeAll([boom('single')]), /single/);
  });

  it('_register owns values until dispose; dispose runs once; registering after dispose disposes at once', () => {
    let count = 0;
    class Owner extends Disposable {
      add() {
        return this._register({ dispose: () => void count++ });
      }
      get gone() {
        return this.isDisposed;
      }
    }
    const o = new Owner();
    o.add();
    o.add();
    assert.equal(count, 0);
    o.dispose();
    o.dispose();
    assert.equal(count, 2);
    assert.ok(o.gone);
    o.add();
    assert.equal(count, 3);
  });
});

describe('Debouncer', () => {
  it('runs once after calls pause; keys are independent; cancel and dispose drop pending calls', async () => {
    const d = new Debouncer(20);
    const runs: string[] = [];
    for (let i = 0; i < 5; i++) d.schedule(() => runs.push(`default ${i}`));
    d.schedule(() => runs.push('a'), { key: 'a' });
    d.schedule(() => runs.push('b'), { key: 'b' });
    d.cancel('b');
    await sleep(60);
    assert.deepEqual(runs.sort(), ['a', 'default 4']);
    d.schedule(() => runs.push('late'));
    d.dispose();
    await sleep(40);
    assert.ok(!runs.includes('late'));
  });

  it('a delay given with the call overrides the default', async () => {
    const d = new Debouncer(10_000);
    let ran = false;
    d.schedule(() => (ran = true), { delayMs: 0 });
    await sleep(20);
    assert.ok(ran);
    d.dispose();
  });
});

describe('lastAtOrBefore (core/sorted.ts)', () => {
  it('equals a linear scan for the last element ≤ value', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 1000 }), { minLength: 1 }), fc.integer({ min: -10, max: 1010 }), (xs, v) => {
        const sorted = [...new Set(xs)].sort((a, b) => a - b);
        let expected = 0;
        sorted.forEach((x, i) => {
          if (x <= v) expected = i;
        });
        assert.equal(lastAtOrBefore(sorted, v), expected);
      }),
    );
  });
});
