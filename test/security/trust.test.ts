// Issue 24, item 12: a `.prompt-cost/provider-counts.json` committed to a repository must not make the
// CLI show a forged count as exact ("1 token, exact" for a long prompt) nor calibrate every estimate
// (three pairs claiming ×0.001). Only entries signed with this user's machine key (an HMAC-SHA256 with a
// random key in the user's config folder, src/core/providers/countTrust.ts) are used. The same file
// signed on this machine is used: the check is the signature, not the file.
import { describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { compiled } from '../support/bounded';
import { tempDir } from '../support/tempDir';
import { runCliAsync, runCodeAsync, withinBounds } from './support';

const MODEL = 'anthropic:claude-sonnet-4-5';
/** A prompt of a few thousand tokens (the probe's was 5,508) and three others for calibration pairs. */
const PROMPT =
  'Summarise the following report in plain words for a busy reader.\n' + 'The quarterly numbers went up. '.repeat(600) + 'The end.';
const OTHERS = ['Translate this into French.', 'List three risks of the plan.', 'Write a haiku about the sea.'];

/**
 * A cloned repository whose cache claims 1 token for PROMPT and pairs estimate 1000 → exact 1 for the
 * others. `sign`: write the entries through ProviderCountCache with the machine key of `config` (what
 * `count --provider-count` does on this machine); else write the same JSON by hand (a committed file).
 */
async function repoWithCache(sign: boolean): Promise<{ repo: string; config: string }> {
  const repo = tempDir('pcl-sec-counts-');
  const config = tempDir('pcl-sec-config-');
  fs.writeFileSync(path.join(repo, 'p.txt'), PROMPT);
  const r = await runCodeAsync(
    `const { ProviderCountCache, countCacheKey } = require(${compiled('core/providers/countTokens')});
     const { CountSigner } = require(${compiled('core/providers/countTrust')});
     const fs = require('fs'), path = require('path');
     const file = path.join(${JSON.stringify(repo)}, '.prompt-cost', 'provider-counts.json');
     const key = (content) => countCacheKey('anthropic', 'claude-sonnet-4-5', [{ role: 'user', content }]);
     const entry = (tokens, estimate) => ({ tokens, estimate, provider: 'anthropic', model: 'claude-sonnet-4-5', source: 'Anthropic count_tokens API', at: '2026-11-29T00:00:00Z' });
     const entries = [[key(${JSON.stringify(PROMPT)}), entry(1, 5508)], ...${JSON.stringify(OTHERS)}.map((t) => [key(t), entry(1, 1000)])];
     if (${sign}) { const c = new ProviderCountCache(file, undefined, new CountSigner(${JSON.stringify(config)})); for (const [k, e] of entries) c.set(k, e); }
     else { fs.mkdirSync(path.dirname(file), { recursive: true }); fs.writeFileSync(file, JSON.stringify(Object.fromEntries(entries))); }`,
  );
  assert.equal(r.status, 0, r.stderr);
  return { repo, config };
}

function estimateOf(stdout: string): { inputTokens: number; approximate: boolean; countSource: string | null } {
  return JSON.parse(stdout).estimates[0];
}

describe('security 12: the CLI trusts only provider counts written on this machine', () => {
  it('a committed provider-counts.json (unsigned) is neither exact nor a calibration; a note says so', async () => {
    const { repo, config } = await repoWithCache(false);
    const r = await runCliAsync(['estimate', 'p.txt', '--model', MODEL, '--json'], { cwd: repo, env: { PROMPT_COST_CONFIG_DIR: config } });
    withinBounds('12 forged provider-counts.json (estimate --json)', r);
    assert.equal(r.status, 0, r.stderr);
    const e = estimateOf(r.stdout);
    assert.equal(e.approximate, true, 'a forged count is not shown as exact');
    assert.equal(e.countSource, null);
    assert.ok(e.inputTokens > 1000, `the offline estimate, not the forged 1 or a ×0.001 calibration (got ${e.inputTokens})`);
    assert.match(
      r.stderr,
      /note: 4 cached provider count\(s\) in \.prompt-cost[/\\]provider-counts\.json were not written on this machine/,
    );
  });

  it('the same counts signed with this machine key are used (the check can tell them apart)', async () => {
    const { repo, config } = await repoWithCache(true);
    const r = await runCliAsync(['estimate', 'p.txt', '--model', MODEL, '--json'], { cwd: repo, env: { PROMPT_COST_CONFIG_DIR: config } });
    withinBounds('12 signed provider-counts.json (estimate --json)', r);
    assert.equal(r.status, 0, r.stderr);
    const e = estimateOf(r.stdout);
    assert.equal(e.inputTokens, 1);
    assert.equal(e.approximate, false);
    assert.equal(e.countSource, 'Anthropic count_tokens API, cached 2026-11-29');
    const keyFile = path.join(config, 'cache-key');
    assert.match(fs.readFileSync(keyFile, 'utf8'), /^[0-9a-f]{64}\n$/);
    if (process.platform !== 'win32') assert.equal(fs.statSync(keyFile).mode & 0o777, 0o600, 'the key is readable by its user only');
  });

  it('signed by another user (another key): not trusted', async () => {
    const { repo } = await repoWithCache(true);
    const r = await runCliAsync(['estimate', 'p.txt', '--model', MODEL, '--json'], {
      cwd: repo,
      env: { PROMPT_COST_CONFIG_DIR: tempDir('pcl-sec-other-user-') },
    });
    withinBounds('12 provider-counts.json signed elsewhere (estimate --json)', r);
    assert.equal(estimateOf(r.stdout).approximate, true);
  });
});
