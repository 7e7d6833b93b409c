// Issue 24, items 6 and 7: what the editor reads on every change. A ledger of junk must not hide the good
// runs in it (no `push(...array)` past the argument limit) nor stall the host (a size cap before
// reading), and dotprompt files with tens of thousands of blocks or comments are read in linear time.
import { describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { compiled } from '../support/bounded';
import { tempDir } from '../support/tempDir';
import { runCodeAsync, withinBounds } from './support';

const GOOD_RUN = JSON.stringify({
  v: 1,
  type: 'run',
  id: 'good',
  time: '2025-01-01T00:00:00.000Z',
  source: 'vscode',
  status: 'ok',
  provider: 'openai',
  model: 'gpt-4o',
});

describe('security 6: one junk ledger file hides nothing and stalls nothing', () => {
  it('200k junk lines + one good run: the follower shows the run and reports the junk', async () => {
    const dir = tempDir('pcl-sec-junk-');
    const ledger = path.join(dir, 'runs.jsonl');
    fs.writeFileSync(ledger, 'junk\n'.repeat(200_000) + GOOD_RUN + '\n'); // ~1 MB
    const r = await runCodeAsync(
      `const { LedgerFollower } = require(${compiled('core/history/ledger')});
       const f = new LedgerFollower(${JSON.stringify(ledger)});
       await f.poll();
       console.log(JSON.stringify({ runs: f.state().runs.map((x) => x.id), corrupt: f.corrupt.length }));`,
    );
    withinBounds('6 200k junk lines + 1 run (LedgerFollower.poll)', r);
    assert.equal(r.status, 0, r.stderr);
    assert.deepEqual(JSON.parse(r.stdout), { runs: ['good'], corrupt: 200_000 });
  });

  it('a 300 MB ledger is refused by its size before a byte is read', async () => {
    const dir = tempDir('pcl-sec-huge-');
    const ledger = path.join(dir, 'runs.jsonl');
    fs.writeFileSync(ledger, '');
    fs.truncateSync(ledger, 300 * 1024 * 1024); // sparse: no disk used
    const r = await runCodeAsync(
      `const { LedgerFollower } = require(${compiled('core/history/ledger')});
       try { await new LedgerFollower(${JSON.stringify(ledger)}).poll(); console.log(JSON.stringify('read')); }
       catch (e) { console.log(JSON.stringify(e.message)); }`,
    );
    withinBounds('6 300 MB ledger (LedgerFollower.poll)', r, { wallMs: 10_000 });
    assert.match(JSON.parse(r.stdout), /300 MB of new data, more than the 256 MB a ledger read takes; not read/);
  });

  it('no spread of a possibly unbounded array into push / Math.max / Math.min / String.fromCharCode / apply in src/', () => {
    const root = path.resolve(__dirname, '..', '..', '..', 'src');
    const offenders: string[] = [];
    for (const f of fs.readdirSync(root, { recursive: true }).map(String)) {
      if (!f.endsWith('.ts')) continue;
      fs.readFileSync(path.join(root, f), 'utf8')
        .split('\n')
        .forEach((line, i) => {
          if (/\.push\(\.\.\.|Math\.(max|min)\(\.\.\.|fromCharCode\(\.\.\.|\.apply\(\s*(null|undefined|this|Math|String)\b/.test(line))
            offenders.push(`${f}:${i + 1}: ${line.trim()}`);
        });
    }
    assert.deepEqual(offenders, [], 'use pushAll / maxOf from src/core/arrays.ts');
  });
});

describe('security 7: dotprompt reading is linear', () => {
  for (const [name, body] of [
    ['40k {{#if}}…{{/if}} blocks (720 KB)', '{{#if x}}hello {{name}}{{/if}}\n'.repeat(24_000)],
    ['150k {{! }} comments (1.35 MB → capped to 1 MB)', '{{! c }}\n'.repeat(110_000)],
  ] as const) {
    it(name, async () => {
      const dir = tempDir('pcl-sec-dotprompt-');
      const file = path.join(dir, 'big.prompt');
      fs.writeFileSync(file, `---\nmodel: openai/gpt-4o\n---\n{{role "system"}}\n${body}{{role "user"}}\nhi\n`);
      assert.ok(fs.statSync(file).size <= 1024 * 1024);
      const r = await runCodeAsync(
        `const { parsePromptDocument } = require(${compiled('core/prompt/document')});
         const text = require('fs').readFileSync(${JSON.stringify(file)}, 'utf8');
         const doc = parsePromptDocument(text, 'big.prompt');
         console.log(JSON.stringify({ messages: (doc.messages ?? []).length }));`,
      );
      withinBounds(`7 dotprompt ${name}`, r);
      assert.equal(r.status, 0, r.stderr);
    });
  }
});
