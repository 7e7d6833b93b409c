// Offline Claude estimates quote ai-tokenizer's published accuracy (97.6–99.9 % of Anthropic's counts), so they
// must be ai-tokenizer's own count, not a look-alike: differential test against ai-tokenizer 1.0.6 itself (the
// oracle step): its `count` (dist/sdk.cjs; coder/ai-tokenizer src/sdk.ts) with its Claude model rows
// (src/models.json) and its Claude encoding, on the same messages our prompt parser reads from a JSON chat prompt.
// Known difference, excluded from the generated texts: ai-tokenizer's JavaScript port splits U+FEFF as `\s`
// where tiktoken (whose counts ours equal, tokenize-claude.test.ts) does not; and its `encode` refuses text
// holding its special-token strings (<EOT>, <META>…), which ours counts as text; and it counts a piece named like an
// Object.prototype member (`valueOf`) as one token (a plain-object lookup), where tiktoken and we split it.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import fc from 'fast-check';
import { ROOT } from './tokenize/oracle';
import { PROSE, CODE } from './tokenize/corpus';
import { parsePromptDocument } from '../../src/core/prompt/document';
import { estimatePrompt, promptFileTokens } from '../../src/core/estimate';
import { countForModel, countTokens, tokenizerForModel } from '../../src/core/tokenize';
import { CLAUDE_BASE_OVERHEAD, CLAUDE_CONTENT_MULTIPLIER, CLAUDE_PER_MESSAGE } from '../../src/core/tokenize/claudeCount';
import { PriceCatalog } from '../../src/core/pricing/catalog';

const AI_DIR = path.join(ROOT, '.oracle', 'node_modules', 'ai-tokenizer');
const NO_AI_TOKENIZER = fs.existsSync(path.join(AI_DIR, 'dist', 'sdk.cjs'))
  ? undefined
  : 'ai-tokenizer not installed (.oracle/node_modules/ai-tokenizer): run `node scripts/oracle.mjs`';
const RUNS = Number(process.env.TOKENIZE_FC_RUNS ?? 150);

interface AiModel {
  encoding: string;
  tokens: { baseOverhead: number; perMessage: number; contentMultiplier: number };
}
interface AiCount {
  total: number;
  messages: { total: number }[];
}
interface Ai {
  tokenizer: { encode(text: string): number[] };
  models: Record<string, AiModel>;
  count(o: { tokenizer: unknown; model: AiModel; messages: { role: string; content: string }[] }): AiCount;
}

function loadAi(): Ai {
  /* eslint-disable @typescript-eslint/no-require-imports */
  const lib = require(AI_DIR) as { Tokenizer: new (enc: unknown) => Ai['tokenizer']; models: Ai['models'] };
  const { count } = require(path.join(AI_DIR, 'dist', 'sdk.cjs')) as { count: Ai['count'] };
  const claude = require(path.join(AI_DIR, 'dist', 'encoding', 'claude.cjs')) as unknown;
  /* eslint-enable @typescript-eslint/no-require-imports */
  return { tokenizer: new lib.Tokenizer(claude), models: lib.models, count };
}

const claudeRows = (ai: Ai) => Object.entries(ai.models).filter(([id, m]) => id.startsWith('anthropic/') && m.encoding === 'claude');

/** A JSON chat prompt (promptfoo's shape) of these messages, as a user would write it. */
const jsonPrompt = (messages: { role: string; content: string }[]) => JSON.stringify(messages, null, 2);

const ROLES = ['system', 'user', 'assistant'] as const;
// ai-tokenizer looks pieces up in a plain object, so a piece named like an Object.prototype member ("valueOf",
// "hasOwnProperty") is one token there (fc found it: `(valueOf)` is 3 for it, 4 for tiktoken and us)
const PROTOTYPE_NAMES = Object.getOwnPropertyNames(Object.prototype);
const safeText = fc
  .string({ unit: 'grapheme', maxLength: 120 })
  .filter((t) => !t.includes('\uFEFF') && !/<(?:EOT|META|META_START|META_END|SOS)>/.test(t) && !PROTOTYPE_NAMES.some((n) => t.includes(n)));
const conversation = fc.array(
  fc.record({ role: fc.constantFrom(...ROLES), content: fc.oneof(safeText, fc.constantFrom(...PROSE, ...CODE, '')) }),
  {
    minLength: 1,
    maxLength: 8,
  },
);

describe('offline Claude = ai-tokenizer’s own count', { skip: NO_AI_TOKENIZER }, () => {
  const ai = NO_AI_TOKENIZER ? undefined : loadAi();

  it('its Claude rows use the constants we use (6 per request, 2 per message, × 1.1)', () => {
    const rows = claudeRows(ai!);
    assert.ok(rows.length >= 10, `ai-tokenizer lists ${rows.length} Claude models`);
    for (const [id, m] of rows)
      assert.deepEqual(
        [m.tokens.baseOverhead, m.tokens.perMessage, m.tokens.contentMultiplier],
        [CLAUDE_BASE_OVERHEAD, CLAUDE_PER_MESSAGE, CLAUDE_CONTENT_MULTIPLIER],
        id,
      );
  });

  it('a text: round(tokens × 1.1), its per-part figure', () => {
    for (const text of [...PROSE, ...CODE, 'a', 'one two three four five six seven eight nine ten']) {
      const theirs = ai!.count({
        tokenizer: ai!.tokenizer,
        model: ai!.models['anthropic/claude-sonnet-4.5'],
        messages: [{ role: 'user', content: text }],
      });
      const ours = countForModel(text, 'claude-sonnet-4-5').tokens;
      // their message total = 6 + 2 + role + the part's figure
      assert.equal(
        ours,
        theirs.total - CLAUDE_BASE_OVERHEAD - CLAUDE_PER_MESSAGE - ai!.tokenizer.encode('user').length,
        JSON.stringify(text.slice(0, 40)),
      );
    }
  });

  it('conversations from a JSON chat prompt: total and each message, for every Claude model id spelling', () => {
    const model = ai!.models['anthropic/claude-3.5-haiku'];
    const ids = ['claude-3-5-haiku-latest', 'anthropic:claude-sonnet-4-5', 'bedrock:anthropic.claude-3-5-sonnet-20241022-v2:0'];
    fc.assert(
      fc.property(conversation, fc.constantFrom(...ids), (generated, id) => {
        const messages = generated.map((m) => ({ role: m.role, content: m.content }));
        const text = jsonPrompt(messages);
        const doc = parsePromptDocument(text, 'chat.json');
        const parsed = doc.messages.map((m) => ({ role: m.role, content: m.content }));
        assert.deepEqual(parsed, messages, 'the parser reads the messages as written');
        const theirs = ai!.count({ tokenizer: ai!.tokenizer, model, messages: parsed });
        assert.equal(promptFileTokens(text, 'chat.json').tokens(id).tokens, theirs.total, `${id} total`);
        const est = estimatePrompt(doc, (enc) => (t) => countTokens(t, enc), {
          models: [id],
          catalog: new PriceCatalog(),
          outputTokens: 0,
          requestsPerDay: 1,
        });
        const perMessage = est.models[0].messageTokens;
        const expected = theirs.messages.map((m, i) => m.total + (i === 0 ? CLAUDE_BASE_OVERHEAD : 0));
        assert.deepEqual(perMessage, expected, `${id} per message`);
      }),
      { numRuns: RUNS },
    );
  });

  it('the ±3 % shown is ai-tokenizer’s published accuracy for this count (its README table, worst Claude row)', () => {
    const readme = fs.readFileSync(path.join(AI_DIR, 'README.md'), 'utf8');
    const table = readme.slice(readme.indexOf('<!-- ACCURACY_TABLE_START -->'), readme.indexOf('<!-- ACCURACY_TABLE_END -->'));
    const accuracies = table
      .split('\n')
      .filter((l) => l.startsWith('| anthropic/'))
      .flatMap((l) => [...l.matchAll(/(\d+\.\d+)%/g)].map((m) => Number(m[1])));
    assert.ok(accuracies.length >= 20, `Claude accuracy cells found: ${accuracies.length}`);
    const worst = (100 - Math.min(...accuracies)) / 100;
    const band = tokenizerForModel('claude-sonnet-4-5').errorBand!;
    assert.ok(
      band >= worst && band <= Math.ceil(worst * 100) / 100 + 0.005,
      `band ±${band * 100} % vs their worst ${(worst * 100).toFixed(2)} %`,
    );
    assert.match(tokenizerForModel('claude-sonnet-4-5').method, /97\.6–99\.9 %/);
    assert.ok(Math.min(...accuracies) >= 97.6 && Math.max(...accuracies) <= 100, 'the quoted range is theirs');
  });
});
