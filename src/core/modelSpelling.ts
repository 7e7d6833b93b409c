// One reader for every way a model id is written, shared by tokenizer choice (tokenize/models.ts)
// and pricing (pricing/model-id.ts, pricing/standIn.ts). It says who serves the model (host), who made
// it (vendor) and the model's own name, whatever the spelling:
//   Flujo / pydantic-ai `provider:model`; promptfoo `provider:chat:model` (promptfoo provider docs);
//   LiteLLM `provider/model` (`bedrock/…`, `vertex_ai/…`, `openrouter/openai/gpt-4o`);
//   Bedrock bare and cross-region ids (`anthropic.claude-…-v2:0`, `us.meta.llama3-3-70b-instruct-v1:0`);
//   Ollama tags (`llama3.1:8b`, `ollama:gemma2:9b`); Hugging Face / Together / Groq / OpenRouter
//   `org/Model` (`:free` variants); Fireworks `accounts/fireworks/models/llama-v3p1-70b-instruct`;
//   Cloudflare `@cf/meta/llama-3.1-8b-instruct`; Vertex `claude-3-5-sonnet-v2@20241022`;
//   Copilot display names (`Claude Sonnet 4.5 (copilot)`).
// Nothing here decides a price or a tokenizer: callers match `name` (and `vendor`) against their tables.

export interface ModelSpelling {
  readonly raw: string;
  /** Who serves the model, as the id says (lower case, LiteLLM's `together_ai` → `together`). */
  readonly host?: string;
  /** The maker, as the id says (`meta-llama`, `qwen`, Bedrock's `meta`), lower case. */
  readonly vendor?: string;
  /** The model's own name as written (case kept): no host, vendor, region, version suffix or tag. */
  readonly model: string;
  /** `model` in lower case with hosts' version spellings normalised (`llama-v3p1` → `llama-v3.1`, Bedrock `llama3-1` → `llama3.1`). */
  readonly name: string;
  /** Ollama tag (`8b`), OpenRouter variant (`free`), Bedrock version (`v2:0`), Vertex date (`20241022`). */
  readonly tag?: string;
  /** Bedrock cross-region inference profile prefix (`us`, `eu`, `apac`, `global`, …). */
  readonly region?: string;
  /** The API kind promptfoo writes between provider and model (`chat`, `messages`, `responses`). */
  readonly api?: string;
}

/** Host prefixes written `host:model` (Flujo, pydantic-ai, promptfoo) → the host's one name. */
const COLON_HOSTS: Readonly<Record<string, string>> = {
  openai: 'openai',
  anthropic: 'anthropic',
  google: 'google',
  'google-gla': 'google',
  'google-vertex': 'vertex',
  gemini: 'google',
  vertex: 'vertex',
  vertexai: 'vertex',
  vertex_ai: 'vertex',
  azure: 'azure',
  azureopenai: 'azure',
  azure_openai: 'azure',
  'azure-openai': 'azure',
  bedrock: 'bedrock',
  'amazon-bedrock': 'bedrock',
  aws: 'bedrock',
  groq: 'groq',
  mistral: 'mistral',
  cohere: 'cohere',
  deepseek: 'deepseek',
  xai: 'xai',
  grok: 'xai',
  ollama: 'ollama',
  openrouter: 'openrouter',
  together: 'together',
  together_ai: 'together',
  fireworks: 'fireworks',
  fireworks_ai: 'fireworks',
  huggingface: 'huggingface',
  hf: 'huggingface',
  cloudflare: 'cloudflare',
  'cloudflare-ai': 'cloudflare',
  cerebras: 'cerebras',
  perplexity: 'perplexity',
  github: 'github',
  'github-copilot': 'github-copilot',
  litellm: 'litellm',
  moonshotai: 'moonshotai',
  vllm: 'vllm',
  localai: 'localai',
  llamacpp: 'llamacpp',
  'llama.cpp': 'llamacpp',
  lmstudio: 'lmstudio',
  heroku: 'heroku',
  meta: 'meta',
};

/** LiteLLM route prefixes written `route/model` (LiteLLM provider docs) that are hosts, never makers' orgs. */
const SLASH_HOSTS: Readonly<Record<string, string>> = {
  bedrock: 'bedrock',
  bedrock_converse: 'bedrock',
  vertex_ai: 'vertex',
  vertex_ai_beta: 'vertex',
  azure: 'azure',
  azure_ai: 'azure',
  openrouter: 'openrouter',
  groq: 'groq',
  together_ai: 'together',
  ollama: 'ollama',
  ollama_chat: 'ollama',
  huggingface: 'huggingface',
  fireworks_ai: 'fireworks',
  cloudflare: 'cloudflare',
  hosted_vllm: 'vllm',
  cerebras: 'cerebras',
  deepinfra: 'deepinfra',
  perplexity: 'perplexity',
  gemini: 'google',
  sagemaker: 'sagemaker',
  nvidia_nim: 'nvidia',
  lm_studio: 'lmstudio',
  github: 'github',
  xai: 'xai',
};

/** promptfoo's API kinds between provider and model (`openai:chat:gpt-4o`, `huggingface:text-generation:gpt2`). */
const API_KINDS = new Set([
  'chat',
  'completion',
  'messages',
  'responses',
  'embedding',
  'embeddings',
  'assistant',
  'realtime',
  'converse',
  'invoke',
  'text-generation',
  'feature-extraction',
  'text-classification',
  'sentence-similarity',
]);

/** Bedrock makers' prefixes (AWS "Supported foundation models" ids) and cross-region profile prefixes. */
const BEDROCK =
  /^(?:(us|eu|apac|us-gov|global|jp|au|ca)\.)?(anthropic|meta|mistral|amazon|cohere|ai21|deepseek|qwen|openai|writer|stability|twelvelabs|luma|moonshot|minimax|nvidia|google)\.([A-Za-z0-9][\w.-]*?)(?:-(v\d+(?::\d+)?(?::\d+k)?)|-(\d+:\d+))?$/;

/**
 * An Ollama-style tag (`8b`, `latest`, `70b-instruct-q4_K_M`, `8x7b`, `4b-it-qat`, `fp16`), or an
 * OpenRouter variant (`free`, `nitro`, …): what follows `name:` when it is not a provider prefix.
 */
const TAG =
  /^(?:latest|free|nitro|beta|extended|thinking|online|floor|\d+(?:\.\d+)?[bmk](?:[-_.][\w.-]*)?|\d+x\d+b(?:[-_.][\w.-]*)?|(?:instruct|text|chat|code|fp16|fp8|bf16|q\d[\w]*|e\d+b|it|v?\d+(?:\.\d+)*)(?:[-_.][\w.-]*)?)$/i;

function lower(s: string): string {
  return s.trim().toLowerCase();
}

/** A Copilot model picker name (`GPT-4.1`, `Claude Sonnet 4.5 (copilot)`) as a model id. */
function copilotName(text: string): string {
  return text
    .replace(/\s*\((?:copilot|preview)\)\s*$/i, '')
    .trim()
    .replace(/\s+/g, '-');
}

/** Peels `host:`, `host:api:` or LiteLLM `route/` off the front. */
function peelHost(s: string): { host?: string; api?: string; rest: string } {
  const colon = /^([A-Za-z][\w.-]*):(.+)$/.exec(s);
  if (colon && COLON_HOSTS[colon[1].toLowerCase()]) {
    let rest = colon[2];
    let api: string | undefined;
    const kind = /^([a-z-]+):(.+)$/.exec(rest);
    if (kind && API_KINDS.has(kind[1])) [api, rest] = [kind[1], kind[2]];
    return { host: COLON_HOSTS[colon[1].toLowerCase()], api, rest };
  }
  const slash = /^([A-Za-z][\w.-]*)\/(.+)$/.exec(s);
  if (slash) {
    const route = slash[1].toLowerCase();
    // `openai/…`, `deepseek/…` stay a maker's org (vendor): LiteLLM's own-API routes and HF orgs read alike
    if (SLASH_HOSTS[route]) return { host: SLASH_HOSTS[route], rest: slash[2] };
  }
  return { rest: s };
}

function normaliseName(model: string, host: string | undefined, vendor: string | undefined): string {
  let n = lower(model);
  // Fireworks writes versions with `p`: llama-v3p1-70b-instruct, qwen2p5-72b-instruct, deepseek-v3p2
  if (host === 'fireworks') n = n.replace(/(\d)p(\d)/g, '$1.$2');
  // Bedrock writes Meta's versions with `-`: llama3-1-70b-instruct, llama3-3-70b-instruct
  if (host === 'bedrock' && vendor === 'meta') n = n.replace(/^llama(\d)-(\d)(?=-)/, 'llama$1.$2');
  return n;
}

/** Reads a model id written any of the ways above. Never throws; an empty string gives an empty name. */
export function parseModelSpelling(raw: string): ModelSpelling {
  let s = raw.trim().replace(/^['"`]|['"`]$/g, '');
  if (/\s/.test(s) && !/[:/]/.test(s)) {
    const model = copilotName(s);
    return { raw, model, name: lower(model) };
  }
  if (/^ft:/i.test(s)) {
    const model = s.slice(3).split(':')[0]; // ft:gpt-4o-mini-2024-07-18:org::id (OpenAI fine-tunes)
    return { raw, host: 'openai', model, name: lower(model) };
  }
  const peeled = peelHost(s);
  let { host } = peeled;
  const { api } = peeled;
  s = peeled.rest;
  let vendor: string | undefined;
  let tag: string | undefined;
  let region: string | undefined;
  const path = /^(?:projects\/[^/]+\/locations\/[^/]+\/)?(?:publishers\/([^/]+)\/models|accounts\/([^/]+)\/models)\/(.+)$/.exec(s);
  if (path) {
    if (path[2] !== undefined) host ??= 'fireworks';
    else host ??= 'vertex';
    vendor = lower(path[1] ?? path[2]);
    s = path[3];
  }
  const cf = /^@(cf|hf)\/([^/]+)\/(.+)$/.exec(s);
  if (cf) {
    host ??= 'cloudflare';
    [vendor, s] = [lower(cf[2]), cf[3]];
  }
  const bedrock = BEDROCK.exec(s);
  if (bedrock) {
    host ??= 'bedrock';
    region = bedrock[1];
    vendor = bedrock[2];
    tag = bedrock[4] ?? bedrock[5];
    s = bedrock[3];
  } else {
    const slash = s.lastIndexOf('/');
    if (slash > 0) {
      vendor ??= lower(s.slice(0, slash));
      s = s.slice(slash + 1);
    }
    const colon = s.indexOf(':');
    if (colon > 0) {
      const after = s.slice(colon + 1);
      if (host === 'ollama' || TAG.test(after)) [s, tag] = [s.slice(0, colon), after];
      else if (!host) [host, s] = [lower(s.slice(0, colon)), after]; // an unknown provider prefix
    }
    const at = s.indexOf('@');
    if (at > 0) [s, tag] = [s.slice(0, at), s.slice(at + 1)];
  }
  return {
    raw,
    ...(host ? { host } : {}),
    ...(vendor ? { vendor } : {}),
    model: s,
    name: normaliseName(s, host, vendor),
    ...(tag ? { tag } : {}),
    ...(region ? { region } : {}),
    ...(api ? { api } : {}),
  };
}

/** The model ids of a Copilot `model:` list (`GPT-4.1 | 'gpt-5' | 'Claude Sonnet 4.5'`, or a YAML list), in order. */
export function splitModelList(text: string | readonly string[]): string[] {
  const items = typeof text === 'string' ? text.replace(/^\s*\[|\]\s*$/g, '').split(/[|,]/) : [...text];
  return items
    .map((t) =>
      t
        .trim()
        .replace(/^['"`]|['"`]$/g, '')
        .trim(),
    )
    .filter((t) => t.length > 0);
}
