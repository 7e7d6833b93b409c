// The one model-id reader (src/core/modelSpelling.ts) on real ids, each with where it was seen, and what
// tokenizer and price lookup make of it. Sources:
//   GP(p)  — pydantic/genai-prices data, provider p (bundled as src/core/pricing/reference-data.json);
//            the test checks the id string really occurs in that provider's data (ids and `match` rules).
//   PF_OLLAMA — promptfoo/promptfoo site/docs/providers/ollama.md (provider ids `ollama:chat:llama3.2:1b` …)
//   OLLAMA_LIB — the tags the Ollama library lists (ollama.com/library/<model>), as issue 30 quotes them.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseModelSpelling, splitModelList } from '../../src/core/modelSpelling';
import { tokenizerForModel } from '../../src/core/tokenize/models';
import { parseModelId } from '../../src/core/pricing/model-id';
import { PriceCatalog } from '../../src/core/pricing/catalog';

const ROOT = path.resolve(__dirname, '../../..');
const data = JSON.parse(fs.readFileSync(path.join(ROOT, 'src/core/pricing/reference-data.json'), 'utf8')) as {
  providers: { id: string }[];
};
const providerText = new Map(data.providers.map((p) => [p.id, JSON.stringify(p)]));

type Source = { gp: string } | { doc: string };
const GP = (provider: string): Source => ({ gp: provider });
const PF_OLLAMA: Source = { doc: 'promptfoo/promptfoo site/docs/providers/ollama.md' };
const OLLAMA_LIB: Source = { doc: 'ollama.com/library (tags quoted in issue 30)' };
const PF_PROVIDERS: Source = {
  doc: 'promptfoo/promptfoo site/docs/providers/anthropic.md (model table), openai.md (provider:api:model ids)',
};
const AWS_PROFILES: Source = { doc: 'https://docs.aws.amazon.com/bedrock/latest/userguide/inference-profiles-support.html' };
const COPILOT: Source = { doc: 'github/awesome-copilot agents/*.agent.md `model:` lines (issue 23 corpus)' };

/** id as seen → expected host, vendor, name, tag, region (undefined = absent), tokenizer, source. */
interface Row {
  id: string;
  host?: string;
  vendor?: string;
  name: string;
  tag?: string;
  region?: string;
  /** Encoding or family that counts it; `~` prefix = approximate. */
  tok: string;
  src: Source;
}

const ROWS: Row[] = [
  // Bedrock: bare and cross-region (genai-prices aws)
  {
    id: 'meta.llama3-1-70b-instruct-v1:0',
    host: 'bedrock',
    vendor: 'meta',
    name: 'llama3.1-70b-instruct',
    tag: 'v1:0',
    tok: 'llama3',
    src: GP('aws'),
  },
  {
    id: 'meta.llama3-3-70b-instruct-v1:0',
    host: 'bedrock',
    vendor: 'meta',
    name: 'llama3.3-70b-instruct',
    tag: 'v1:0',
    tok: 'llama3',
    src: GP('aws'),
  },
  {
    id: 'meta.llama3-8b-instruct-v1:0',
    host: 'bedrock',
    vendor: 'meta',
    name: 'llama3-8b-instruct',
    tag: 'v1:0',
    tok: 'llama3',
    src: GP('aws'),
  },
  {
    id: 'meta.llama3-2-1b-instruct-v1:0',
    host: 'bedrock',
    vendor: 'meta',
    name: 'llama3.2-1b-instruct',
    tag: 'v1:0',
    tok: 'llama3',
    src: GP('aws'),
  },
  {
    id: 'openai.gpt-oss-120b-1:0',
    host: 'bedrock',
    vendor: 'openai',
    name: 'gpt-oss-120b',
    tag: '1:0',
    tok: 'o200k_harmony',
    src: GP('aws'),
  },
  {
    id: 'openai.gpt-oss-20b-1:0',
    host: 'bedrock',
    vendor: 'openai',
    name: 'gpt-oss-20b',
    tag: '1:0',
    tok: 'o200k_harmony',
    src: GP('aws'),
  },
  { id: 'qwen.qwen3-32b-v1:0', host: 'bedrock', vendor: 'qwen', name: 'qwen3-32b', tag: 'v1:0', tok: 'qwen3', src: GP('aws') },
  {
    id: 'qwen.qwen3-coder-30b-a3b-v1:0',
    host: 'bedrock',
    vendor: 'qwen',
    name: 'qwen3-coder-30b-a3b',
    tag: 'v1:0',
    tok: 'qwen3',
    src: GP('aws'),
  },
  { id: 'deepseek.r1-v1:0', host: 'bedrock', vendor: 'deepseek', name: 'r1', tag: 'v1:0', tok: '~o200k_base', src: GP('aws') },
  { id: 'google.gemma-3-12b-it', host: 'bedrock', vendor: 'google', name: 'gemma-3-12b-it', tok: 'gemma3', src: GP('aws') },
  {
    id: 'mistral.mixtral-8x7b-instruct-v0:1',
    host: 'bedrock',
    vendor: 'mistral',
    name: 'mixtral-8x7b-instruct',
    tag: 'v0:1',
    tok: '~o200k_base',
    src: GP('aws'),
  },
  { id: 'amazon.nova-pro-v1:0', host: 'bedrock', vendor: 'amazon', name: 'nova-pro', tag: 'v1:0', tok: '~o200k_base', src: GP('aws') },
  {
    id: 'global.anthropic.claude-sonnet-4-5-20250929-v1:0',
    host: 'bedrock',
    vendor: 'anthropic',
    region: 'global',
    name: 'claude-sonnet-4-5-20250929',
    tag: 'v1:0',
    tok: '~claude',
    src: GP('aws'),
  },
  {
    id: 'global.anthropic.claude-haiku-4-5-20251001-v1:0',
    host: 'bedrock',
    vendor: 'anthropic',
    region: 'global',
    name: 'claude-haiku-4-5-20251001',
    tag: 'v1:0',
    tok: '~claude',
    src: GP('aws'),
  },
  {
    id: 'global.amazon.nova-2-lite-v1:0',
    host: 'bedrock',
    vendor: 'amazon',
    region: 'global',
    name: 'nova-2-lite',
    tag: 'v1:0',
    tok: '~o200k_base',
    src: GP('aws'),
  },
  {
    id: 'us.anthropic.claude-3-haiku-20240307-v1:0',
    host: 'bedrock',
    vendor: 'anthropic',
    region: 'us',
    name: 'claude-3-haiku-20240307',
    tag: 'v1:0',
    tok: '~claude',
    src: AWS_PROFILES,
  },
  {
    id: 'us.anthropic.claude-3-7-sonnet-20250219-v1:0',
    host: 'bedrock',
    vendor: 'anthropic',
    region: 'us',
    name: 'claude-3-7-sonnet-20250219',
    tag: 'v1:0',
    tok: '~claude',
    src: { doc: 'https://zenn.dev/ncdc/articles/f879246337551b' },
  },
  {
    id: 'apac.anthropic.claude-3-7-sonnet-20250219-v1:0',
    host: 'bedrock',
    vendor: 'anthropic',
    region: 'apac',
    name: 'claude-3-7-sonnet-20250219',
    tag: 'v1:0',
    tok: '~claude',
    src: { doc: 'https://qiita.com/k5ki/items/7c4f4567043482bb4521' },
  },
  {
    id: 'bedrock:us.meta.llama3-3-70b-instruct-v1:0',
    host: 'bedrock',
    vendor: 'meta',
    region: 'us',
    name: 'llama3.3-70b-instruct',
    tag: 'v1:0',
    tok: 'llama3',
    src: AWS_PROFILES,
  },
  // Cloudflare Workers AI (genai-prices cloudflare)
  {
    id: '@cf/meta/llama-3.1-8b-instruct',
    host: 'cloudflare',
    vendor: 'meta',
    name: 'llama-3.1-8b-instruct',
    tok: 'llama3',
    src: GP('cloudflare'),
  },
  {
    id: '@cf/meta/llama-3.3-70b-instruct-fp8-fast',
    host: 'cloudflare',
    vendor: 'meta',
    name: 'llama-3.3-70b-instruct-fp8-fast',
    tok: 'llama3',
    src: GP('cloudflare'),
  },
  {
    id: '@cf/meta/llama-3-8b-instruct-awq',
    host: 'cloudflare',
    vendor: 'meta',
    name: 'llama-3-8b-instruct-awq',
    tok: 'llama3',
    src: GP('cloudflare'),
  },
  {
    id: '@cf/meta/llama-2-7b-chat-fp16',
    host: 'cloudflare',
    vendor: 'meta',
    name: 'llama-2-7b-chat-fp16',
    tok: '~cl100k_base',
    src: GP('cloudflare'),
  },
  {
    id: '@cf/deepseek-ai/deepseek-r1-distill-qwen-32b',
    host: 'cloudflare',
    vendor: 'deepseek-ai',
    name: 'deepseek-r1-distill-qwen-32b',
    tok: '~qwen3',
    src: GP('cloudflare'),
  },
  {
    id: '@cf/openai/gpt-oss-120b',
    host: 'cloudflare',
    vendor: 'openai',
    name: 'gpt-oss-120b',
    tok: 'o200k_harmony',
    src: GP('cloudflare'),
  },
  { id: '@cf/google/gemma-3-12b-it', host: 'cloudflare', vendor: 'google', name: 'gemma-3-12b-it', tok: 'gemma3', src: GP('cloudflare') },
  { id: '@cf/qwen/qwq-32b', host: 'cloudflare', vendor: 'qwen', name: 'qwq-32b', tok: 'qwen3', src: GP('cloudflare') },
  {
    id: '@cf/qwen/qwen2.5-coder-32b-instruct',
    host: 'cloudflare',
    vendor: 'qwen',
    name: 'qwen2.5-coder-32b-instruct',
    tok: 'qwen2_5',
    src: GP('cloudflare'),
  },
  // Groq (genai-prices groq)
  { id: 'llama-3.3-70b-versatile', name: 'llama-3.3-70b-versatile', tok: 'llama3', src: GP('groq') },
  { id: 'llama-3.1-8b-instant', name: 'llama-3.1-8b-instant', tok: 'llama3', src: GP('groq') },
  { id: 'llama3-70b-8192', name: 'llama3-70b-8192', tok: 'llama3', src: GP('groq') },
  { id: 'llama3-groq-8b-8192-tool-use-preview', name: 'llama3-groq-8b-8192-tool-use-preview', tok: 'llama3', src: GP('groq') },
  { id: 'deepseek-r1-distill-llama-70b', name: 'deepseek-r1-distill-llama-70b', tok: '~llama3', src: GP('groq') },
  { id: 'gemma2-9b-it', name: 'gemma2-9b-it', tok: '~o200k_base', src: GP('groq') },
  { id: 'mixtral-8x7b-32768', name: 'mixtral-8x7b-32768', tok: '~o200k_base', src: GP('groq') },
  { id: 'openai/gpt-oss-120b', vendor: 'openai', name: 'gpt-oss-120b', tok: 'o200k_harmony', src: GP('groq') },
  { id: 'qwen/qwen3-32b', vendor: 'qwen', name: 'qwen3-32b', tok: 'qwen3', src: GP('groq') },
  // Cerebras (genai-prices cerebras, incl. its match rules `cerebras/…`, `cerebras:…`)
  { id: 'llama3.1-8b', name: 'llama3.1-8b', tok: 'llama3', src: GP('cerebras') },
  { id: 'qwen-3-32b', name: 'qwen-3-32b', tok: 'qwen3', src: GP('cerebras') },
  { id: 'cerebras:gpt-oss-120b', host: 'cerebras', name: 'gpt-oss-120b', tok: 'o200k_harmony', src: GP('cerebras') },
  { id: 'cerebras/gpt-oss-120b', host: 'cerebras', name: 'gpt-oss-120b', tok: 'o200k_harmony', src: GP('cerebras') },
  // Fireworks (genai-prices fireworks: ids and `accounts/fireworks/models/…` match rules)
  {
    id: 'accounts/fireworks/models/gpt-oss-120b',
    host: 'fireworks',
    vendor: 'fireworks',
    name: 'gpt-oss-120b',
    tok: 'o200k_harmony',
    src: GP('fireworks'),
  },
  { id: 'qwen2p5-vl-72b-instruct', name: 'qwen2p5-vl-72b-instruct', tok: 'qwen2_5', src: GP('fireworks') },
  { id: 'deepseek-v3-0324', name: 'deepseek-v3-0324', tok: 'deepseek_v3', src: GP('fireworks') },
  { id: 'deepseek-r1-0528', name: 'deepseek-r1-0528', tok: 'deepseek_v3', src: GP('fireworks') },
  { id: 'gemma-3-27b-it', name: 'gemma-3-27b-it', tok: 'gemma3', src: GP('fireworks') },
  // Hugging Face ids (genai-prices huggingface_* providers)
  {
    id: 'meta-llama/Llama-3.1-8B-Instruct',
    vendor: 'meta-llama',
    name: 'llama-3.1-8b-instruct',
    tok: 'llama3',
    src: GP('huggingface_cerebras'),
  },
  {
    id: 'meta-llama/Llama-3.3-70B-Instruct',
    vendor: 'meta-llama',
    name: 'llama-3.3-70b-instruct',
    tok: 'llama3',
    src: GP('huggingface_groq'),
  },
  { id: 'Qwen/Qwen3-32B', vendor: 'qwen', name: 'qwen3-32b', tok: 'qwen3', src: GP('huggingface_groq') },
  { id: 'Qwen/Qwen2.5-7B-Instruct', vendor: 'qwen', name: 'qwen2.5-7b-instruct', tok: 'qwen2_5', src: GP('huggingface_together') },
  {
    id: 'Qwen/Qwen2.5-VL-72B-Instruct',
    vendor: 'qwen',
    name: 'qwen2.5-vl-72b-instruct',
    tok: 'qwen2_5',
    src: GP('huggingface_hyperbolic'),
  },
  { id: 'deepseek-ai/DeepSeek-R1', vendor: 'deepseek-ai', name: 'deepseek-r1', tok: 'deepseek_v3', src: GP('huggingface_hyperbolic') },
  {
    id: 'deepseek-ai/DeepSeek-V3-0324',
    vendor: 'deepseek-ai',
    name: 'deepseek-v3-0324',
    tok: 'deepseek_v3',
    src: GP('huggingface_hyperbolic'),
  },
  { id: 'openai/gpt-oss-20b', vendor: 'openai', name: 'gpt-oss-20b', tok: 'o200k_harmony', src: GP('huggingface_fireworks-ai') },
  { id: 'google/gemma-3n-E4B-it', vendor: 'google', name: 'gemma-3n-e4b-it', tok: 'gemma3', src: GP('huggingface_together') },
  {
    id: 'meta-llama/Llama-4-Maverick-17B-128E-Instruct-FP8',
    vendor: 'meta-llama',
    name: 'llama-4-maverick-17b-128e-instruct-fp8',
    tok: '~cl100k_base',
    src: GP('huggingface_together'),
  },
  // Together (genai-prices together)
  {
    id: 'meta-llama/Llama-3.3-70B-Instruct-Turbo',
    vendor: 'meta-llama',
    name: 'llama-3.3-70b-instruct-turbo',
    tok: 'llama3',
    src: GP('together'),
  },
  {
    id: 'meta-llama/Meta-Llama-3-70B-Instruct-Lite',
    vendor: 'meta-llama',
    name: 'meta-llama-3-70b-instruct-lite',
    tok: 'llama3',
    src: GP('together'),
  },
  { id: 'meta-llama/Llama-3-8b-chat-hf', vendor: 'meta-llama', name: 'llama-3-8b-chat-hf', tok: 'llama3', src: GP('together') },
  { id: 'meta-llama/Llama-2-70b-chat-hf', vendor: 'meta-llama', name: 'llama-2-70b-chat-hf', tok: '~cl100k_base', src: GP('together') },
  {
    id: 'codellama/CodeLlama-34b-Instruct-hf',
    vendor: 'codellama',
    name: 'codellama-34b-instruct-hf',
    tok: '~cl100k_base',
    src: GP('together'),
  },
  { id: 'Qwen/Qwen1.5-72B', vendor: 'qwen', name: 'qwen1.5-72b', tok: '~qwen3', src: GP('together') },
  { id: 'google/gemma-7b', vendor: 'google', name: 'gemma-7b', tok: '~o200k_base', src: GP('together') },
  // Novita / OpenRouter (genai-prices), incl. OpenRouter `:free` variants and bare `name:variant`
  {
    id: 'deepseek/deepseek-r1-distill-qwen-14b',
    vendor: 'deepseek',
    name: 'deepseek-r1-distill-qwen-14b',
    tok: '~qwen3',
    src: GP('novita'),
  },
  {
    id: 'deepseek/deepseek-r1-distill-llama-8b',
    vendor: 'deepseek',
    name: 'deepseek-r1-distill-llama-8b',
    tok: '~llama3',
    src: GP('novita'),
  },
  { id: 'meta-llama/llama-3.1-70b-instruct', vendor: 'meta-llama', name: 'llama-3.1-70b-instruct', tok: 'llama3', src: GP('novita') },
  { id: 'qwen/qwen-2.5-72b-instruct', vendor: 'qwen', name: 'qwen-2.5-72b-instruct', tok: 'qwen2_5', src: GP('novita') },
  { id: 'mistralai/mistral-nemo', vendor: 'mistralai', name: 'mistral-nemo', tok: 'tekken', src: GP('novita') },
  { id: 'deepseek-r1-distill-qwen-14b:free', name: 'deepseek-r1-distill-qwen-14b', tag: 'free', tok: '~qwen3', src: GP('openrouter') },
  { id: 'deepseek-r1-0528-qwen3-8b', name: 'deepseek-r1-0528-qwen3-8b', tok: '~qwen3', src: GP('openrouter') },
  { id: 'deepseek-chat:free', name: 'deepseek-chat', tag: 'free', tok: 'deepseek_v3', src: GP('openrouter') },
  { id: 'anthropic/claude-sonnet-4.5', vendor: 'anthropic', name: 'claude-sonnet-4.5', tok: '~claude', src: GP('openrouter') },
  { id: 'mistral-nemo:free', name: 'mistral-nemo', tag: 'free', tok: 'tekken', src: GP('mistral') },
  {
    id: 'mistral-small-24b-instruct-2501:free',
    name: 'mistral-small-24b-instruct-2501',
    tag: 'free',
    tok: '~o200k_base',
    src: GP('mistral'),
  },
  { id: 'Meta-Llama-3.1-8B-Instruct', name: 'meta-llama-3.1-8b-instruct', tok: 'llama3', src: GP('avian') },
  { id: 'Qwen/Qwen3-14B-FP8', vendor: 'qwen', name: 'qwen3-14b-fp8', tok: 'qwen3', src: GP('doubleword') },
  { id: 'deepseek-chat', name: 'deepseek-chat', tok: 'deepseek_v3', src: GP('deepseek') },
  { id: 'deepseek-reasoner', name: 'deepseek-reasoner', tok: 'deepseek_v3', src: GP('deepseek') },
  { id: 'mai-ds-r1:free', name: 'mai-ds-r1', tag: 'free', tok: '~o200k_base', src: GP('azure') },
  { id: 'gpt-4.1', name: 'gpt-4.1', tok: 'o200k_base', src: GP('github-copilot') },
  // promptfoo provider ids (site/docs/providers/ollama.md)
  { id: 'ollama:chat:llama3.2:1b', host: 'ollama', name: 'llama3.2', tag: '1b', tok: 'llama3', src: PF_OLLAMA },
  { id: 'ollama:chat:qwen3:0.6b', host: 'ollama', name: 'qwen3', tag: '0.6b', tok: 'qwen3', src: PF_OLLAMA },
  { id: 'ollama:chat:gemma3:27b', host: 'ollama', name: 'gemma3', tag: '27b', tok: 'gemma3', src: PF_OLLAMA },
  { id: 'ollama:chat:qwen3:8b', host: 'ollama', name: 'qwen3', tag: '8b', tok: 'qwen3', src: PF_OLLAMA },
  { id: 'ollama:completion:phi4', host: 'ollama', name: 'phi4', tok: '~o200k_base', src: PF_OLLAMA },
  { id: 'ollama:completion:codellama', host: 'ollama', name: 'codellama', tok: '~cl100k_base', src: PF_OLLAMA },
  { id: 'ollama:chat:deepseek-r1', host: 'ollama', name: 'deepseek-r1', tok: 'deepseek_v3', src: PF_OLLAMA },
  { id: 'ollama:chat:mistral', host: 'ollama', name: 'mistral', tok: '~o200k_base', src: PF_OLLAMA },
  { id: 'ollama:llama3.2', host: 'ollama', name: 'llama3.2', tok: 'llama3', src: PF_OLLAMA },
  { id: 'ollama:embeddings:nomic-embed-text', host: 'ollama', name: 'nomic-embed-text', tok: '~o200k_base', src: PF_OLLAMA },
  // Ollama library tags without a provider (issue 30 list; ollama.com/library)
  { id: 'llama3.1:8b', name: 'llama3.1', tag: '8b', tok: 'llama3', src: OLLAMA_LIB },
  { id: 'qwen2.5:7b', name: 'qwen2.5', tag: '7b', tok: 'qwen2_5', src: OLLAMA_LIB },
  { id: 'gemma3:12b', name: 'gemma3', tag: '12b', tok: 'gemma3', src: OLLAMA_LIB },
  { id: 'mistral-nemo:12b', name: 'mistral-nemo', tag: '12b', tok: 'tekken', src: OLLAMA_LIB },
  { id: 'deepseek-r1:7b', name: 'deepseek-r1', tag: '7b', tok: '~qwen3', src: OLLAMA_LIB },
  { id: 'deepseek-r1:70b', name: 'deepseek-r1', tag: '70b', tok: '~llama3', src: OLLAMA_LIB },
  { id: 'ollama:gemma2:9b', host: 'ollama', name: 'gemma2', tag: '9b', tok: '~o200k_base', src: OLLAMA_LIB },
  { id: 'ollama:gpt-oss:20b', host: 'ollama', name: 'gpt-oss', tag: '20b', tok: 'o200k_harmony', src: OLLAMA_LIB },
  { id: 'ollama:phi4', host: 'ollama', name: 'phi4', tok: '~o200k_base', src: OLLAMA_LIB },
  // promptfoo provider:api:model (site/docs/providers/index.md table)
  { id: 'openai:chat:gpt-4o-mini', host: 'openai', name: 'gpt-4o-mini', tok: 'o200k_base', src: PF_PROVIDERS },
  {
    id: 'anthropic:messages:claude-3-5-sonnet-20241022',
    host: 'anthropic',
    name: 'claude-3-5-sonnet-20241022',
    tok: '~claude',
    src: PF_PROVIDERS,
  },
  {
    id: 'groq:openai/gpt-oss-120b',
    host: 'groq',
    vendor: 'openai',
    name: 'gpt-oss-120b',
    tok: 'o200k_harmony',
    src: { doc: 'pydantic-ai `groq:` prefix on the genai-prices groq id openai/gpt-oss-120b (issue 30)' },
  },
  // Copilot model picker names
  { id: 'Claude Sonnet 4.5 (copilot)', name: 'claude-sonnet-4.5', tok: '~claude', src: COPILOT },
  { id: 'GPT-4.1', name: 'gpt-4.1', tok: 'o200k_base', src: COPILOT },
];

function expectedSeen(row: Row): void {
  if ('gp' in row.src) {
    const text = providerText.get(row.src.gp);
    assert.ok(text, `genai-prices has provider ${row.src.gp}`);
    assert.ok(text.includes(JSON.stringify(row.id).slice(1, -1)), `${row.id} occurs in genai-prices ${row.src.gp}`);
  }
}

describe('parseModelSpelling: one reader for every id spelling (real ids, source per row)', () => {
  it('has 80+ real ids', () => assert.ok(ROWS.length >= 80, `${ROWS.length} rows`));
  for (const row of ROWS) {
    it(`${row.id} → ${row.host ?? '-'} / ${row.vendor ?? '-'} / ${row.name}${row.tag ? ` :${row.tag}` : ''} → ${row.tok}`, () => {
      expectedSeen(row);
      const s = parseModelSpelling(row.id);
      assert.equal(s.host, row.host, 'host');
      assert.equal(s.vendor, row.vendor, 'vendor');
      assert.equal(s.name, row.name, 'name');
      assert.equal(s.tag, row.tag, 'tag');
      assert.equal(s.region, row.region, 'region');
      const t = tokenizerForModel(row.id);
      const approximate = row.tok.startsWith('~');
      assert.equal(t.encoding, row.tok.replace(/^~/, ''), 'tokenizer');
      assert.equal(t.approximate, approximate, 'approximate');
    });
  }
});

describe('the id parser fixes issue 30 / 23 reported', () => {
  it('"ollama" no longer matches the Llama pattern; gpt-oss anywhere is o200k_harmony', () => {
    assert.doesNotMatch(tokenizerForModel('ollama:phi4').method, /Llama/);
    assert.doesNotMatch(tokenizerForModel('ollama:gemma2:9b').method, /Llama/);
    assert.equal(tokenizerForModel('groq:openai/gpt-oss-120b').approximate, false);
  });
  it('a cross-region Bedrock id is one Bedrock model for pricing, not provider "us.anthropic…" (issue 23)', () => {
    const ref = parseModelId('us.anthropic.claude-3-5-sonnet-20241022-v2:0');
    assert.equal(ref.provider, 'bedrock');
    assert.equal(ref.model, 'us.anthropic.claude-3-5-sonnet-20241022-v2:0');
    const bare = parseModelId('anthropic.claude-3-5-sonnet-20241022-v2:0');
    assert.equal(bare.provider, 'bedrock');
    // Flujo's own provider:model ids are untouched
    assert.deepEqual(parseModelId('openai:gpt-4o'), { provider: 'openai', model: 'gpt-4o', id: 'openai:gpt-4o' });
  });
  it('the price of a bare cross-region Bedrock Claude id is found (genai-prices aws)', () => {
    const r = new PriceCatalog().resolve('us.anthropic.claude-3-5-sonnet-20241022-v2:0');
    assert.equal(r.ok, true, r.ok ? '' : r.message);
  });
  it('LiteLLM routes as issue 23 lists them are priced under their host', () => {
    const catalog = new PriceCatalog();
    for (const [id, provider, model] of [
      ['openrouter/openai/gpt-4o', 'openrouter', 'openai/gpt-4o'],
      ['azure/gpt-4o-mini', 'azure', 'gpt-4o-mini'],
      ['vertex_ai/claude-3-5-sonnet-v2@20241022', 'vertex', 'claude-3-5-sonnet-v2@20241022'],
      ['bedrock/us.anthropic.claude-3-5-sonnet-20241022-v2:0', 'bedrock', 'us.anthropic.claude-3-5-sonnet-20241022-v2:0'],
      ['groq/llama-3.3-70b-versatile', 'groq', 'llama-3.3-70b-versatile'],
    ]) {
      const ref = parseModelId(id);
      assert.deepEqual([ref.provider, ref.model], [provider, model], id);
      const r = catalog.resolve(id);
      assert.equal(r.ok, true, r.ok ? id : r.message);
    }
    // a Hugging Face org is no route: no provider is invented
    assert.equal(parseModelId('meta-llama/Llama-3.3-70B-Instruct').provider, undefined);
  });
  it('a Copilot list is split into ids in order', () => {
    assert.deepEqual(splitModelList("GPT-4.1 | 'gpt-5' | 'Claude Sonnet 4.5'"), ['GPT-4.1', 'gpt-5', 'Claude Sonnet 4.5']);
    assert.deepEqual(splitModelList("['gpt-4o', 'Claude Sonnet 4']"), ['gpt-4o', 'Claude Sonnet 4']);
  });
  it('never throws on odd input', () => {
    for (const s of ['', ':', '/', '@', 'a:b:c:d', '@cf/', 'accounts//models/', '  ', 'ft:', 'x'.repeat(10000)])
      assert.equal(typeof parseModelSpelling(s).name, 'string');
  });
});
