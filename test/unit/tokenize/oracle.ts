// The oracle: OpenAI's tiktoken (Rust core compiled to WASM, npm `tiktoken`).
// o200k_harmony is not in the package's registry; tiktoken defines it as o200k_base's
// mergeable ranks and pattern plus extra special tokens, so it is built from o200k_base's
// rank file with the harmony special tokens (which encode_ordinary never uses).
import * as path from 'node:path';
import * as fs from 'node:fs';
import { OpenAiEncodingName as EncodingName } from '../../../src/core/tokenize';
import { setEncodingDataDir } from '../../../src/core/tokenize';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const tiktoken = require('tiktoken') as typeof import('tiktoken');

export const ROOT = findRoot(__dirname);
setEncodingDataDir(path.join(ROOT, 'dist', 'encodings'));

function findRoot(dir: string): string {
  for (let d = dir; ; d = path.dirname(d)) {
    if (fs.existsSync(path.join(d, 'package.json')) && fs.existsSync(path.join(d, 'src', 'core'))) return d;
    if (path.dirname(d) === d) throw new Error('repository root not found');
  }
}

const HARMONY_SPECIALS: Record<string, number> = {
  '<|startoftext|>': 199998,
  '<|endoftext|>': 199999,
  '<|return|>': 200002,
  '<|constrain|>': 200003,
  '<|channel|>': 200005,
  '<|start|>': 200006,
  '<|end|>': 200007,
  '<|message|>': 200008,
  '<|call|>': 200012,
  '<|endofprompt|>': 200018,
};

type Tk = import('tiktoken').Tiktoken;
const oracles = new Map<EncodingName, Tk>();

export function oracle(encoding: EncodingName): Tk {
  let o = oracles.get(encoding);
  if (!o) {
    if (encoding === 'o200k_harmony') {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const base = require('tiktoken/encoders/o200k_base.json') as { bpe_ranks: string; pat_str: string };
      o = new tiktoken.Tiktoken(base.bpe_ranks, HARMONY_SPECIALS, base.pat_str);
    } else {
      o = tiktoken.get_encoding(encoding);
    }
    oracles.set(encoding, o);
  }
  return o;
}

export function oracleCount(text: string, encoding: EncodingName): number {
  return oracle(encoding).encode_ordinary(text).length;
}
