// Llama 2 / CodeLlama are counted as cl100k_base × factor, shown with a ±band (src/core/tokenize/models.ts).
// Both numbers are checked here against Llama 2's own tokenizer (tokenize/llama2Oracle.ts: the vocabulary and
// merges Meta's checkpoints ship, run by Hugging Face `tokenizers` and by llama-tokenizer-js's encoder):
//   - fit: the factor is Σ Llama 2 ÷ Σ cl100k over the repository's real prompt files (examples/, test/fixtures/prompt/);
//   - held out: text the fit never saw — the READMEs of the packages pinned in scripts/oracle.mjs (English technical
//     prose with code, written by others, fixed by their versions) and dotprompt's fixture — every file's error with
//     the shipped factor must lie inside the shown band, and the band may not be wider than that measurement + 1 point;
//   - leave-one-out over the prompt files (factor fitted on the 12 others) must lie inside it too, and so must the
//     editor's estimate of each prompt file as a chat (OpenAI's framing × factor) against Meta's own Llama 2 chat
//     format counted with Llama 2's tokenizer (BOS/EOS included).
// docs/dev/benchmarks.md quotes the figures this test prints (node --test reports them as diagnostics).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ROOT } from './tokenize/oracle';
import { PROSE } from './tokenize/corpus';
import { NO_LLAMA2, llama2Oracle } from './tokenize/llama2Oracle';
import { Sample, oracleReadmes, promptFiles, walk } from './tokenize/bandCorpus';
import { applyFactor, countTokens, tokenizerForModel } from '../../src/core/tokenize';
import { promptFileTokens } from '../../src/core/estimate';
import { parsePromptDocument } from '../../src/core/prompt/document';

const LLAMA2_IDS = [
  'meta-llama/Llama-2-70b-chat-hf',
  'llama2:7b',
  'codellama/CodeLlama-34b-Instruct-hf',
  'together:codellama/CodeLlama-70b-Instruct-hf',
];

// Token ids published by the tokenizers' own tests (with `<s>` = 1 first):
const PUBLISHED: [string, number[], string][] = [
  // huggingface/transformers tests/models/llama/test_tokenization_llama.py, test_load_tokenizer_with_model_file_only
  // (huggyllama/llama-7b tokenizer.model, fast and slow tokenizer)
  ['This is a test', [1, 910, 338, 263, 1243], 'transformers test_tokenization_llama.py'],
  // the same file, test_tokenizer_integration (hf-internal-testing/llama-tokenizer), 2nd and 3rd sequences
  [
    'BERT is designed to pre-train deep bidirectional representations from unlabeled text by jointly conditioning on both left and right context in all layers.',
    [
      1, 350, 20161, 338, 8688, 304, 758, 29899, 14968, 6483, 21000, 8684, 284, 22540, 515, 443, 29880, 24025, 1426, 491, 14002, 368, 4195,
      292, 373, 1716, 2175, 322, 1492, 3030, 297, 599, 15359, 29889,
    ],
    'transformers test_tokenization_llama.py',
  ],
  [
    'The quick brown fox jumps over the lazy dog.',
    [1, 450, 4996, 17354, 1701, 29916, 432, 17204, 975, 278, 17366, 11203, 29889],
    'transformers',
  ],
  // huggingface/transformers tests/models/code_llama/test_tokenization_code_llama.py, test_simple_encode_decode
  // (byte fallback, inner spaces; CodeLlama's tokenizer gives Llama's ids on ordinary text)
  ['生活的真谛是', [1, 29871, 30486, 31704, 30210, 30848, 235, 179, 158, 30392], 'transformers test_tokenization_code_llama.py'],
  ['Hi  Hello', [1, 6324, 29871, 15043], 'transformers test_tokenization_code_llama.py'],
  ['Hi   Hello', [1, 6324, 259, 15043], 'transformers test_tokenization_code_llama.py'],
  [' Hello', [1, 29871, 15043], 'transformers test_tokenization_code_llama.py'],
  // elixir-nx/bumblebee test/bumblebee/text/llama_tokenizer_test.exs (hf-internal-testing/llama-tokenizer)
  ['Hello everyobdy, how are you?', [1, 15043, 1432, 711, 4518, 29892, 920, 526, 366, 29973], 'bumblebee llama_tokenizer_test.exs'],
];

/** English text the factor was not fitted on: the pinned oracle packages' READMEs, and dotprompt's fixture. */
async function heldOut(): Promise<Sample[]> {
  return [...(await oracleReadmes()), ...walk(path.join(ROOT, 'test', 'fixtures', 'dotprompt'), () => true)];
}

interface Measured extends Sample {
  cl100k: number;
  llama2: number;
}

async function measure(samples: Sample[]): Promise<Measured[]> {
  const oracle = await llama2Oracle();
  const out: Measured[] = [];
  for (const s of samples) {
    const llama2 = (await oracle.hfIds(s.text)).length;
    const js = oracle.jsIds(s.text).length;
    assert.equal(js, llama2, `${s.name}: llama-tokenizer-js ${js} ≠ HF tokenizers ${llama2} on the same vocabulary`);
    out.push({ ...s, cl100k: countTokens(s.text, 'cl100k_base'), llama2 });
  }
  return out;
}

/**
 * A conversation as Meta's Llama 2 chat code sends it (meta-llama/llama llama/generation.py, chat_completion): a system
 * message is folded into the first user turn between `<<SYS>>\n` and `\n<</SYS>>\n\n`; each user/assistant pair is
 * `[INST] {user} [/INST] {assistant} ` encoded with BOS and EOS, the last user turn `[INST] {user} [/INST]` with BOS;
 * contents stripped. Undefined for a conversation it refuses (roles not system?, user, assistant, … user).
 */
async function metaChatTokens(messages: { role: string; content: string }[]): Promise<number | undefined> {
  const oracle = await llama2Oracle();
  let d = messages;
  if (d[0]?.role === 'system' && d[1])
    d = [{ role: d[1].role, content: `<<SYS>>\n${d[0].content}\n<</SYS>>\n\n${d[1].content}` }, ...d.slice(2)];
  if (!d.length || d.at(-1)!.role !== 'user' || d.some((m, i) => m.role !== (i % 2 ? 'assistant' : 'user'))) return undefined;
  let n = 0;
  for (let i = 0; i + 1 < d.length; i += 2)
    n += (await oracle.hfIds(`[INST] ${d[i].content.trim()} [/INST] ${d[i + 1].content.trim()} `)).length + 2;
  return n + (await oracle.hfIds(`[INST] ${d.at(-1)!.content.trim()} [/INST]`)).length + 1;
}

const fit = (rows: readonly Measured[]) => rows.reduce((a, r) => a + r.llama2, 0) / rows.reduce((a, r) => a + r.cl100k, 0);
/** Relative error of the shown estimate, ceil(cl100k × factor), against Llama 2's count. */
const error = (r: Measured, factor: number) => Math.ceil(r.cl100k * factor) / r.llama2 - 1;
const pct = (x: number) => `${x >= 0 ? '+' : '−'}${Math.abs(100 * x).toFixed(1)} %`;

describe('the Llama 2 reference is Meta’s Llama vocabulary', { skip: NO_LLAMA2 }, () => {
  it('32,000 pieces; the ids transformers’ and bumblebee’s tests publish, from both encoders', async () => {
    const oracle = await llama2Oracle();
    assert.equal(oracle.vocabSize, 32000);
    for (const [text, ids, source] of PUBLISHED) {
      assert.deepEqual(await oracle.hfIds(text, true), ids, `HF tokenizers, ${JSON.stringify(text)} (${source})`);
      assert.deepEqual(oracle.jsIds(text, true), ids, `llama-tokenizer-js, ${JSON.stringify(text)} (${source})`);
    }
  });
});

describe('Llama 2 / CodeLlama band: measured against Llama 2’s tokenizer', { skip: NO_LLAMA2 }, () => {
  it('every Llama 2 / CodeLlama id shares one row: cl100k_base, approximate, with a factor and a band', () => {
    for (const id of LLAMA2_IDS) {
      const t = tokenizerForModel(id);
      assert.equal(t.encoding, 'cl100k_base', id);
      assert.equal(t.approximate, true, id);
      assert.equal(t.factor, tokenizerForModel(LLAMA2_IDS[0]).factor, id);
      assert.equal(t.errorBand, tokenizerForModel(LLAMA2_IDS[0]).errorBand, id);
    }
  });

  it('the factor is the fit on the prompt files; the band covers held-out text, leave-one-out and chat framing, and is no wider', async (t) => {
    const tokenizer = tokenizerForModel(LLAMA2_IDS[0]);
    const factor = tokenizer.factor!;
    const band = tokenizer.errorBand!;
    const prompts = await measure(promptFiles());
    const held = await measure(await heldOut());
    assert.ok(prompts.length >= 10 && held.length >= 10, `corpus too small: ${prompts.length} prompt files, ${held.length} held out`);
    const fitted = fit(prompts);
    t.diagnostic(`fit on ${prompts.length} prompt files: Σ Llama 2 / Σ cl100k = ${fitted.toFixed(4)} (shipped × ${factor})`);
    assert.ok(Math.abs(fitted - factor) <= 0.01, `shipped factor ${factor} is not the fit ${fitted.toFixed(4)} (±0.01)`);

    const heldErrors = held.map((r) => ({ name: r.name, e: error(r, factor) })).sort((a, b) => a.e - b.e);
    const looErrors = prompts
      .map((r, i) => ({ name: r.name, e: error(r, fit(prompts.filter((_, j) => j !== i))) }))
      .sort((a, b) => a.e - b.e);
    const ratios = held.map((r) => r.llama2 / r.cl100k).sort((a, b) => a - b);
    t.diagnostic(
      `held out (${held.length} files, ratio ${ratios[0].toFixed(3)}–${ratios.at(-1)!.toFixed(3)}): ${pct(heldErrors[0].e)} (${heldErrors[0].name}) … ${pct(heldErrors.at(-1)!.e)} (${heldErrors.at(-1)!.name}); total ${pct(Math.ceil(held.reduce((a, r) => a + r.cl100k, 0) * factor) / held.reduce((a, r) => a + r.llama2, 0) - 1)}`,
    );
    t.diagnostic(`leave-one-out over the prompt files: ${pct(looErrors[0].e)} … ${pct(looErrors.at(-1)!.e)}`);
    // The estimate of a chat prompt (OpenAI's framing × factor, what the editor shows) against Meta's chat format
    const chatErrors: { name: string; e: number }[] = [];
    for (const p of prompts) {
      const base = path.basename(p.name);
      const messages = parsePromptDocument(p.text, base).messages.map((m) => ({ role: m.role, content: m.content }));
      const real = await metaChatTokens(messages);
      if (real !== undefined)
        chatErrors.push({ name: `${p.name} (chat)`, e: promptFileTokens(p.text, base).tokens(LLAMA2_IDS[0]).tokens / real - 1 });
    }
    chatErrors.sort((a, b) => a.e - b.e);
    assert.ok(chatErrors.length >= 10, `${chatErrors.length} prompt files framed as Meta's chat format`);
    t.diagnostic(
      `chat prompts vs Meta's [INST] format (${chatErrors.length}): ${pct(chatErrors[0].e)} (${chatErrors[0].name}) … ${pct(chatErrors.at(-1)!.e)} (${chatErrors.at(-1)!.name})`,
    );
    const all = [...heldErrors, ...looErrors, ...chatErrors];
    const worst = Math.max(...all.map((x) => Math.abs(x.e)));
    for (const x of all) assert.ok(Math.abs(x.e) <= band, `${x.name}: ${pct(x.e)} is outside the shown ±${Math.round(band * 100)} %`);
    assert.ok(band <= Math.ceil(worst * 100) / 100 + 0.01, `±${Math.round(band * 100)} % is wider than measured (worst ${pct(worst)})`);

    // What the band does not cover, measured for the docs: prose in other scripts
    const other = await measure(PROSE.map((text, i) => ({ name: `PROSE[${i}]`, text })));
    t.diagnostic(`other languages (corpus.ts PROSE): ${other.map((r) => `${r.text.slice(0, 12)}… ${pct(error(r, factor))}`).join('; ')}`);
  });

  it('the docs show the band the code shows', () => {
    const band = `±${Math.round(tokenizerForModel(LLAMA2_IDS[0]).errorBand! * 100)} %`;
    const docs = fs.readFileSync(path.join(ROOT, 'docs', 'user', 'tokens.md'), 'utf8');
    const rows = docs.split('\n').filter((l) => l.startsWith('| Llama 2, CodeLlama |'));
    assert.ok(rows.length >= 2, 'docs/user/tokens.md: the Llama 2 rows of the families and approximate-models tables');
    for (const row of rows) assert.ok(row.includes(band), `docs/user/tokens.md row does not show ${band}: ${row}`);
    assert.equal(applyFactor(100, tokenizerForModel(LLAMA2_IDS[0])), Math.ceil(100 * tokenizerForModel(LLAMA2_IDS[0]).factor!));
  });
});
