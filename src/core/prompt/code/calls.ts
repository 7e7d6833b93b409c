// Which calls send a prompt, as data: one row per SDK call shape (the callee's last segments), what
// its arguments mean, and which client classes decide how its model id is spelled. Sources: the
// SDKs' own signatures — openai-python `resources/chat/completions.py`, `resources/responses`,
// anthropic-sdk-python `resources/messages.py`, google-genai `models.generate_content`, LiteLLM
// `completion()`, the Vercel AI SDK `generateText`, pydantic-ai `Agent`, LangChain messages.
import type { CodeLanguage } from '../lexer';
import type { PromptRole } from '../types';

export interface CallSpec {
  /** Provider implied by the SDK (`chat.completions.create` → openai) when the model is bare. */
  provider?: string;
  /** Positional index of the model / system prompt / user prompt. */
  modelArg?: number;
  systemArg?: number;
  userArg?: number;
  /** Role of `content` / the positional prompt for message classes. */
  role?: PromptRole;
  /** JS: which positional argument is the options object (default 0). */
  optionsArg?: number;
  /** The SDK's chat endpoint: the messages are framed as a conversation (else counted as written). */
  chat: boolean;
  /** Segments of the API path after the client object (`client` in `client.chat.completions.create`; `beta.` skipped). */
  apiDepth?: number;
}

interface CallRow {
  /** Last callee segments, `|` for alternatives; `*` matches any one segment. */
  tail: string[];
  /** Only for this language. */
  lang?: CodeLanguage;
  /** The callee has exactly this many segments (a bare function name). */
  segments?: number[];
  /** The first segment must be one of these (`litellm.completion`). */
  head?: string[];
  spec: CallSpec;
}

const CALL_ROWS: readonly CallRow[] = [
  { tail: ['chat', 'completions', 'create|parse|stream'], spec: { provider: 'openai', chat: true, apiDepth: 3 } },
  // Legacy completions: the prompt is sent as written.
  { tail: ['completions', 'create'], spec: { provider: 'openai', chat: false, apiDepth: 2 } },
  { tail: ['responses', 'create|parse|stream'], spec: { provider: 'openai', chat: true, apiDepth: 2 } },
  { tail: ['messages', 'create|stream|count_tokens|countTokens'], spec: { provider: 'anthropic', chat: true, apiDepth: 2 } },
  {
    tail: ['models', 'generate_content|generate_content_stream|generateContent|generateContentStream|count_tokens|countTokens'],
    spec: { provider: 'google', chat: true, apiDepth: 2 },
  },
  { tail: ['completion|acompletion'], segments: [1], spec: { chat: true } },
  { tail: ['completion|acompletion'], segments: [2], head: ['litellm'], spec: { chat: true } },
  { tail: ['generateText|streamText|generateObject|streamObject'], segments: [1], lang: 'js', spec: { chat: true } },
  { tail: ['Agent|FastroAgent'], lang: 'python', spec: { modelArg: 0, chat: true } },
  { tail: ['make_agent_async|make_agent'], lang: 'python', spec: { modelArg: 0, systemArg: 1, chat: true } },
  { tail: ['*', 'run_sync|run_stream'], lang: 'python', spec: { userArg: 0, chat: true } },
  { tail: ['Agent|FastroAgent'], lang: 'js', spec: { chat: true } },
  // Claude Agent SDK options (Python ClaudeAgentOptions / older ClaudeCodeOptions): system_prompt, model.
  { tail: ['ClaudeAgentOptions|ClaudeCodeOptions'], spec: { provider: 'anthropic', chat: true } },
];

/** LangChain message classes: one message each, found inside a list that is the prompt. */
export const MESSAGE_CLASSES: Readonly<Record<string, PromptRole>> = {
  SystemMessage: 'system',
  HumanMessage: 'user',
  AIMessage: 'assistant',
  ChatMessage: 'user',
  ToolMessage: 'tool',
};

/** The rows with each tail segment as a set (`undefined`: any segment); matched for every call in a file. */
const COMPILED = CALL_ROWS.map((row) => ({ ...row, sets: row.tail.map((t) => (t === '*' ? undefined : new Set(t.split('|')))) }));
/** Last segments that can end a recognised call: anything else is skipped at once. */
const LAST = new Set(CALL_ROWS.flatMap((r) => r.tail[r.tail.length - 1].split('|')));

export function matchCall(segs: string[], lang: CodeLanguage): CallSpec | undefined {
  if (!LAST.has(segs[segs.length - 1])) return undefined;
  for (const row of COMPILED) {
    if (row.lang && row.lang !== lang) continue;
    if (row.segments && !row.segments.includes(segs.length)) continue;
    if (row.head && !row.head.includes(segs[0])) continue;
    if (segs.length < row.sets.length) continue;
    const off = segs.length - row.sets.length;
    if (row.sets.every((want, i) => !want || want.has(segs[off + i]))) return row.spec;
  }
  return undefined;
}

/** Keys read in those calls (Python keyword arguments, properties of the JS options object). */
export const SYSTEM_KEYS: ReadonlySet<string> = new Set([
  'system',
  'system_prompt',
  'systemPrompt',
  'instructions',
  'system_instruction',
  'systemInstruction',
]);
export const USER_KEYS: ReadonlySet<string> = new Set(['prompt', 'input', 'user_prompt', 'userPrompt', 'contents']);
/** The call's output limit: Chat Completions / Messages `max_tokens`, Chat Completions `max_completion_tokens`,
 * Responses `max_output_tokens`, Gemini `max_output_tokens` / `maxOutputTokens`, AI SDK `maxTokens` / `maxOutputTokens`. */
export const MAX_TOKENS_KEYS: ReadonlySet<string> = new Set([
  'max_tokens',
  'max_completion_tokens',
  'max_output_tokens',
  'maxTokens',
  'maxOutputTokens',
  'maxCompletionTokens',
]);
export const CONFIG_KEYS: ReadonlySet<string> = new Set(['config', 'generationConfig', 'generation_config']);
export const PROMPT_NAME = /prompt|instructions?$|^instructions?|system_?message|system_?msg/i;

export const ROLE_NAMES: Readonly<Record<string, PromptRole>> = {
  system: 'system',
  user: 'user',
  assistant: 'assistant',
  developer: 'developer',
  tool: 'tool',
  function: 'function',
  human: 'user',
  ai: 'assistant',
  model: 'assistant',
};

/** Model constructors / provider factories → provider. */
export const MODEL_CTORS: Readonly<Record<string, string>> = {
  openai: 'openai',
  createOpenAI: 'openai',
  azure: 'azure',
  anthropic: 'anthropic',
  google: 'google',
  mistral: 'mistral',
  groq: 'groq',
  bedrock: 'bedrock',
  vertex: 'google-vertex',
  OpenAIModel: 'openai',
  OpenAIChatModel: 'openai',
  OpenAIResponsesModel: 'openai',
  AnthropicModel: 'anthropic',
  GeminiModel: 'google',
  GoogleModel: 'google',
  GroqModel: 'groq',
  MistralModel: 'mistral',
  BedrockConverseModel: 'bedrock',
};

/**
 * Client classes whose calls spell the model their own way: Azure OpenAI passes a deployment name
 * (openai-python `lib/azure.py`: `model` is the deployment), Anthropic's Bedrock and Vertex clients pass
 * those platforms' ids (anthropic-sdk-python `lib/bedrock`, `lib/vertex`). Provider ids as the price
 * catalog names them.
 */
export const CLIENT_PROVIDERS: Readonly<Record<string, string>> = {
  OpenAI: 'openai',
  AsyncOpenAI: 'openai',
  AzureOpenAI: 'azure',
  AsyncAzureOpenAI: 'azure',
  Anthropic: 'anthropic',
  AsyncAnthropic: 'anthropic',
  AnthropicBedrock: 'bedrock',
  AsyncAnthropicBedrock: 'bedrock',
  AnthropicVertex: 'google-vertex',
  AsyncAnthropicVertex: 'google-vertex',
};

/** The SDK a client class belongs to (whose call rows it answers): Azure's is OpenAI's, Bedrock's and Vertex's Anthropic's. */
export const CLIENT_SDK: Readonly<Record<string, string>> = {
  OpenAI: 'openai',
  AsyncOpenAI: 'openai',
  AzureOpenAI: 'openai',
  AsyncAzureOpenAI: 'openai',
  Anthropic: 'anthropic',
  AsyncAnthropic: 'anthropic',
  AnthropicBedrock: 'anthropic',
  AsyncAnthropicBedrock: 'anthropic',
  AnthropicVertex: 'anthropic',
  AsyncAnthropicVertex: 'anthropic',
};
