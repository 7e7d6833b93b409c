// The one-copy helpers issue 28 merged: errorText (every `catch` reads an error through it), formatBytes
// (the size in every limit message), requestsPerDayFor (the editor's and the CLI's precedence).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { errorText } from '../../src/core/errors';
import { formatBytes, formatCount } from '../../src/core/format';
import { parseBudgetConfig, requestsPerDayFor } from '../../src/core/promptBudgets';

describe('errorText: the text of anything thrown, never throwing itself', () => {
  it('reads an Error, an errno error, a worker-posted object, a string and nothing', () => {
    const enoent = Object.assign(new Error("ENOENT: no such file or directory, open 'x'"), { code: 'ENOENT' });
    assert.equal(errorText(new TypeError('bad')), 'bad');
    assert.equal(errorText(enoent), "ENOENT: no such file or directory, open 'x'");
    assert.equal(errorText(enoent, 'code'), 'no such file or folder'); // words, not the raw code (issue 29)
    assert.equal(errorText(new Error('no code'), 'code'), 'no code');
    assert.match(errorText(new Error('with stack'), 'stack'), /^Error: with stack\n\s+at /);
    assert.equal(errorText({ message: 'from a worker' }), 'from a worker');
    assert.equal(errorText('plain'), 'plain');
    assert.equal(errorText(42), '42');
    assert.equal(errorText(undefined), 'unknown error');
    assert.equal(errorText(null), 'unknown error');
  });
  it('an object whose toString is not a function or throws gives its type', () => {
    assert.equal(errorText({ toString: 1 }), 'object');
    assert.equal(errorText(Object.create(null)), 'object');
    assert.equal(
      errorText({
        toString() {
          throw new Error('no');
        },
      }),
      'object',
    );
  });
});

describe('formatBytes and formatCount', () => {
  it('whole units without a decimal, others with one', () => {
    assert.equal(formatBytes(100), '100 bytes');
    assert.equal(formatBytes(1023), '1023 bytes');
    assert.equal(formatBytes(512 * 1024), '512 KB');
    assert.equal(formatBytes(1536), '1.5 KB');
    assert.equal(formatBytes(16 * 1024 * 1024), '16 MB');
    assert.equal(formatBytes(5.7 * 1024 * 1024), '5.7 MB');
    assert.equal(formatBytes(1100 * 1024 * 1024), '1.1 GB');
    assert.equal(formatBytes(1024 ** 3), '1 GB');
    assert.equal(formatCount(1234567), '1,234,567');
  });
});

describe('requestsPerDayFor: one precedence for the editor and the CLI', () => {
  const { config } = parseBudgetConfig(
    JSON.stringify({
      requests_per_day: 250,
      budgets: [
        { files: 'prompts/**', requests_per_day: 10 },
        { files: 'prompts/hot/*', requests_per_day: 5000 },
      ],
    }),
    '/repo/prompt-cost.json',
  );
  it('front matter, then the last matching rule, then the flag, the file, the fallback', () => {
    assert.equal(requestsPerDayFor(config, 'prompts/hot/a.prompt', 7, 1000, 3), 7);
    assert.equal(requestsPerDayFor(config, 'prompts/hot/a.prompt', undefined, 1000, 3), 5000);
    assert.equal(requestsPerDayFor(config, 'prompts/a.prompt', undefined, 1000, 3), 10);
    assert.equal(requestsPerDayFor(config, 'other/a.prompt', undefined, 1000, 3), 3);
    assert.equal(requestsPerDayFor(config, 'other/a.prompt', undefined, 1000), 250);
    const { config: empty } = parseBudgetConfig('{}', '/repo/prompt-cost.json');
    assert.equal(requestsPerDayFor(empty, 'other/a.prompt', undefined, 1000), 1000);
  });
});
