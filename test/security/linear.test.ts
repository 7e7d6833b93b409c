// Issue 24, item 7: dotprompt reading must be linear. The probe reported 40k `{{#if}}…{{/if}}` blocks
// (720 KB) at 22.6 s and 150k `{{! }}` comments (1.35 MB) at > 60 s; that did not reproduce on the base
// commit (see docs/user/security.md), so this proves the property instead of one timing: the same
// document at n and 4n blocks, parsed in one child (best of 3 each, CPU time), must cost less than 8× —
// linear is 4×, quadratic 16×. Block shapes follow dotprompt's spec (google/dotprompt spec/helpers/
// role.yaml for {{role}}, Handlebars block helpers and comments as in js/src/parse.ts).
import { describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import { compiled } from '../support/bounded';
import { runCodeAsync, withinBounds } from './support';

/** CPU ms of parsePromptDocument on `block` × n and × 4n, best of 3 each, in one bounded child. */
async function scaling(block: string, n: number, label: string): Promise<{ small: number; large: number; messages: number }> {
  const r = await runCodeAsync(
    `const { parsePromptDocument } = require(${compiled('core/prompt/document')});
     const doc = (k) => '---\\nmodel: openai/gpt-4o\\n---\\n{{role "system"}}\\n' + ${JSON.stringify(block)}.repeat(k) + '{{role "user"}}\\nhi\\n';
     const cpu = (text) => { let best = Infinity, messages = 0;
       for (let i = 0; i < 3; i++) { const t = process.cpuUsage(); messages = parsePromptDocument(text, 'big.prompt').messages.length;
         const u = process.cpuUsage(t); best = Math.min(best, (u.user + u.system) / 1000); }
       return { best, messages }; };
     cpu(doc(${n})); // warm up the JIT, so the small run is not charged for compiling
     const small = cpu(doc(${n})), large = cpu(doc(${4 * n}));
     console.log(JSON.stringify({ small: small.best, large: large.best, messages: large.messages }));`,
    { heapMb: 512 },
  );
  withinBounds(`7 ${label}`, r, { ms: 20_000, rssMb: 600 });
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout);
}

describe('security 7: dotprompt reading is linear (n vs 4n)', () => {
  for (const [label, block, n] of [
    ['{{#if}}…{{/if}} blocks: 40k (1 MB) vs 160k', '{{#if x}}hi {{n}}{{/if}}\n', 40_000],
    ['{{! }} comments: 37.5k vs 150k (1.35 MB)', '{{! c }}x\n', 37_500],
  ] as const) {
    it(label, async () => {
      const { small, large, messages } = await scaling(block, n, label);
      console.log(`[linear] ${label}: ${small.toFixed(1)} ms → ${large.toFixed(1)} ms (×${(large / small).toFixed(2)})`);
      assert.equal(messages, 2, 'system and user, every block read');
      assert.ok(large < 8 * Math.max(small, 5), `×${(large / small).toFixed(2)} for 4× the input: not linear`);
    });
  }
});
