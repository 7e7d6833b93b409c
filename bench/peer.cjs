// One library, one encoding, one file: load, count, print JSON. Run as a fresh process by
// bench/run.mjs so that load time and RSS are measured cold.
//   node bench/peer.cjs <ours|gpt-tokenizer|js-tiktoken|tiktoken> <encoding> <file|-> [repeat]
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const [lib, encoding, file, repeatArg] = process.argv.slice(2);
const root = path.resolve(__dirname, '..');
const t0 = performance.now();
const rss0 = process.memoryUsage().rss;
let count;
if (lib === 'ours') {
  const core = require(path.join(__dirname, '.out', 'core.cjs'));
  core.setEncodingDataDir(path.join(root, 'dist', 'encodings'));
  count = (t) => core.countTokens(t, encoding);
} else if (lib === 'gpt-tokenizer') {
  const m = require(`gpt-tokenizer/cjs/encoding/${encoding}`);
  count = (t) => m.countTokens(t);
} else if (lib === 'js-tiktoken') {
  const { Tiktoken } = require('js-tiktoken/lite');
  const ranks = require(`js-tiktoken/ranks/${encoding === 'o200k_harmony' ? 'o200k_base' : encoding}`);
  const enc = new Tiktoken(ranks);
  count = (t) => enc.encode(t, [], []).length; // no special tokens: ordinary text
} else if (lib === 'tiktoken') {
  const tk = require('tiktoken');
  const enc = tk.get_encoding(encoding === 'o200k_harmony' ? 'o200k_base' : encoding);
  count = (t) => enc.encode_ordinary(t).length;
} else throw new Error(`unknown lib ${lib}`);
count('warm up the lazy loaders');
const loadMs = performance.now() - t0;
const rssLoaded = process.memoryUsage().rss;
const text = file && file !== '-' ? fs.readFileSync(file, 'utf8') : '';
const times = [];
let tokens = 0;
for (let i = 0; i < Number(repeatArg ?? 1); i++) {
  const t1 = performance.now();
  tokens = text ? count(text) : 0;
  times.push(performance.now() - t1);
}
process.stdout.write(
  JSON.stringify({
    lib,
    encoding,
    tokens,
    loadMs,
    countMs: times,
    rssBeforeMB: rss0 / 1048576,
    rssLoadedMB: rssLoaded / 1048576,
    rssEndMB: process.memoryUsage().rss / 1048576,
  }) + '\n',
);
