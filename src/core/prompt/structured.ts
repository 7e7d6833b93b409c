// Prompts written as data rather than as text with role lines:
// - JSON chat prompts: an array of `{role, content}` (promptfoo's JSON prompts, OpenAI's `messages`),
//   a request body with `messages` (+ Anthropic `system`), Gemini `contents` (+ `systemInstruction`), or
//   an OpenAI Responses API body (`instructions`, `input`; responses.ts; also in YAML);
//   template tags outside strings (`{{ x | dump }}`) are read as null so the JSON still parses.
// - Semantic Kernel prompts: YAML with `template:` (+ `execution_settings`), or `skprompt.txt` with a
//   `config.json` beside it; `<message role="…">…</message>` tags are the chat messages
//   (dotnet/src/SemanticKernel.Abstractions/AI/ChatCompletion/ChatPromptParser.cs), else the whole
//   rendered prompt is one user message.
// - promptfoo text files holding several prompts separated by `---` (promptfoo src/prompts:
//   `content.split(PROMPT_DELIMITER).map(p => p.trim())`, delimiter `---`).
import { parse as parseYaml } from 'yaml';
import { yamlRefusal } from './yamlGuard';
import type { PromptDocument, PromptFormat, PromptMessage, ParseOptions, ToolDefinition } from './document';
import { makeModelRef } from './model';
import { findPlaceholders } from './placeholders';
import { readResponsesBody } from './responses';
import type { OffsetRange, PromptRole } from './types';

function isMap(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

const ROLE_ALIASES: Readonly<Record<string, PromptRole>> = {
  system: 'system',
  developer: 'developer',
  user: 'user',
  human: 'user',
  assistant: 'assistant',
  model: 'assistant',
  ai: 'assistant',
  tool: 'tool',
  function: 'function',
};

/** Text of OpenAI / Anthropic / Gemini content: a string, or parts with `text`. Non-text parts are counted in `media`. */
function contentText(content: unknown, media: { n: number }): string | undefined {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return undefined;
  const texts: string[] = [];
  for (const part of content) {
    if (typeof part === 'string') texts.push(part);
    else if (isMap(part) && typeof part.text === 'string') texts.push(part.text);
    else if (isMap(part) && part.modality === 'text' && typeof part.value === 'string') texts.push(part.value);
    else if (isMap(part) && (part.type === 'text' || part.modality === 'text'))
      texts.push(''); // a template value
    else if (isMap(part)) media.n++;
  }
  return texts.join('');
}

interface RawMessage {
  role: PromptRole;
  content: string;
  name?: string;
}

function messagesFrom(list: unknown, media: { n: number }): RawMessage[] | undefined {
  if (!Array.isArray(list) || list.length === 0) return undefined;
  const out: RawMessage[] = [];
  for (const m of list) {
    if (!isMap(m) || typeof m.role !== 'string') return undefined;
    const role = ROLE_ALIASES[m.role.toLowerCase()];
    if (!role) return undefined;
    const content = contentText(m.content ?? m.parts, media) ?? (m.content === null || m.content === undefined ? '' : undefined);
    if (content === undefined) return undefined;
    out.push(typeof m.name === 'string' && m.name ? { role, content, name: m.name } : { role, content });
  }
  return out;
}

/** JSON text with template tags outside strings replaced by `null`, so `[{"role": "user", "content": {{ x | dump }}}]` parses. */
function neutraliseTemplateTags(text: string): string {
  let out = '';
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      out += c;
      if (c === '\\') out += text[++i] ?? '';
      else if (c === '"') inString = false;
    } else if (c === '"') {
      inString = true;
      out += c;
    } else if (c === '{' && text[i + 1] === '{') {
      const close = text.indexOf('}}', i + 2);
      if (close < 0) return text;
      out += 'null';
      i = close + 1;
    } else out += c;
  }
  return out;
}

/**
 * Jinja/Nunjucks loops over run-time data (`{% for m in history %}…{% endfor %}`) rendered with no
 * data: zero iterations. Other statement tags are dropped, then trailing commas.
 */
function withoutLoops(text: string): string {
  // One pass over the statement tags; a stack pairs `for` with `endfor`, outermost loops are cut.
  const cuts: [number, number][] = [];
  const open: number[] = [];
  const tag = /\{%-?\s*(for|endfor)\b[^%]*%\}/g;
  let m: RegExpExecArray | null;
  while ((m = tag.exec(text))) {
    if (m[1] === 'for') open.push(m.index);
    else {
      const start = open.pop();
      if (start !== undefined && open.length === 0) cuts.push([start, m.index + m[0].length]);
    }
  }
  let out = '';
  let pos = 0;
  for (const [s0, e] of cuts) {
    out += text.slice(pos, s0);
    pos = e;
  }
  out += text.slice(pos);
  return out.replace(/\{%[^%]*%\}/g, '').replace(/,(\s*[\]}])/g, '$1');
}

function parseJsonLoose(text: string): { data: unknown; loops: boolean } | undefined {
  const attempts: [string, boolean][] = [
    [text, false],
    [neutraliseTemplateTags(text), false],
  ];
  if (text.includes('{%')) attempts.push([neutraliseTemplateTags(withoutLoops(text)), true]);
  for (const [t, loops] of attempts) {
    try {
      return { data: JSON.parse(t), loops };
    } catch {
      // next attempt
    }
  }
  return undefined;
}

interface ChatRequest {
  messages: RawMessage[];
  model?: string;
  maxTokens?: number;
  tools: ToolDefinition[];
  media: number;
}

function positiveInt(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isSafeInteger(v) && v > 0 ? v : undefined;
}

/** Function declarations of OpenAI (`tools[].function`, `functions`), Anthropic (`tools[].input_schema`) and Gemini (`tools[].functionDeclarations`). */
export function toolDefinitions(tools: unknown): ToolDefinition[] {
  const out: ToolDefinition[] = [];
  const add = (t: Record<string, unknown>, params: unknown) => {
    if (typeof t.name !== 'string') return;
    out.push({
      kind: 'tool',
      name: t.name,
      ...(typeof t.description === 'string' ? { description: t.description } : {}),
      parameters: params,
    });
  };
  if (!Array.isArray(tools)) return out;
  for (const t of tools) {
    if (!isMap(t)) continue;
    if (isMap(t.function)) add(t.function, t.function.parameters);
    else if (Array.isArray(t.functionDeclarations) || Array.isArray(t.function_declarations)) {
      for (const f of (t.functionDeclarations ?? t.function_declarations) as unknown[]) if (isMap(f)) add(f, f.parameters);
    } else if ('input_schema' in t) add(t, t.input_schema);
    else if ('parameters' in t) add(t, t.parameters);
  }
  return out;
}

/** A JSON chat prompt in any of the shapes above, or undefined. */
export function readChatJson(data: unknown): ChatRequest | undefined {
  const media = { n: 0 };
  let messages: RawMessage[] | undefined;
  let req: Record<string, unknown> = {};
  if (Array.isArray(data)) messages = messagesFrom(data, media);
  else if (isMap(data)) {
    req = data;
    if (Array.isArray(data.messages)) messages = messagesFrom(data.messages, media);
    else if (Array.isArray(data.contents)) messages = messagesFrom(data.contents, media);
    if (messages) {
      const system = data.system ?? data.systemInstruction ?? data.system_instruction;
      const sys = isMap(system) ? contentText(system.parts, media) : contentText(system, media);
      if (sys) messages.unshift({ role: 'system', content: sys });
    }
  }
  if (!messages) return undefined;
  const gen = isMap(req.generationConfig) ? req.generationConfig : isMap(req.generation_config) ? req.generation_config : {};
  const tools = [
    ...toolDefinitions(req.tools),
    ...toolDefinitions((req.functions as unknown[] | undefined)?.map((f) => ({ function: f }))),
  ];
  return {
    messages,
    model: typeof req.model === 'string' ? req.model : undefined,
    maxTokens:
      positiveInt(req.max_completion_tokens) ??
      positiveInt(req.max_tokens) ??
      positiveInt(req.max_output_tokens) ??
      positiveInt(gen.maxOutputTokens ?? gen.max_output_tokens),
    tools,
    media: media.n,
  };
}

/** An OpenAI Responses API body (responses.ts) as a chat request: `instructions` then the input messages. */
function responsesRequest(data: unknown): ChatRequest | undefined {
  const body = readResponsesBody(data);
  if (!body) return undefined;
  return {
    messages: body.messages,
    model: body.model,
    maxTokens: body.maxTokens,
    tools: isMap(data) ? toolDefinitions(data.tools) : [],
    media: body.other,
  };
}

/** Offsets of the `n` `"role"`/`"parts"` keys, in order: where each message starts in the JSON text. */
function messageOffsets(text: string, count: number, hasSystemFirst: boolean): number[] {
  const out: number[] = [];
  const re = /"role"\s*:/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(text)) && out.length < count) out.push(m.index);
  if (hasSystemFirst) {
    const s = /"(?:system|systemInstruction|system_instruction)"\s*:/.exec(text);
    out.unshift(s ? s.index : 0);
  }
  return out;
}

function lineOf(text: string, offset: number): number {
  let n = 0;
  for (let i = text.indexOf('\n'); i >= 0 && i < offset; i = text.indexOf('\n', i + 1)) n++;
  return n;
}

function documentFrom(
  text: string,
  fileName: string,
  format: PromptFormat,
  messages: RawMessage[],
  starts: number[],
  extra: Partial<PromptDocument>,
): PromptDocument {
  const doc: PromptDocument = {
    fileName,
    format,
    bom: text.charCodeAt(0) === 0xfeff,
    body: { start: 0, end: text.length },
    bodyStartLine: 0,
    messages: [],
    placeholders: [],
    diagnostics: [],
    ...extra,
  };
  findPlaceholders(text, { mustache: true, format: false, dollar: false }, 0, text.length, doc.placeholders);
  messages.forEach((m, i) => {
    const start = Math.min(starts[i] ?? 0, text.length);
    const end = i + 1 < messages.length ? Math.max(start, Math.min(starts[i + 1] ?? text.length, text.length)) : text.length;
    const range: OffsetRange = { start, end };
    const line = lineOf(text, start);
    const msg: PromptMessage = {
      role: m.role,
      content: m.content,
      range,
      sectionRange: range,
      headerLine: line,
      startLine: line,
      implicit: false,
      placeholders: doc.placeholders.filter((p) => p.range.start >= start && p.range.start < end),
    };
    if (m.name) msg.name = m.name;
    doc.messages.push(msg);
  });
  return doc;
}

function chatDocument(text: string, fileName: string, format: PromptFormat, req: ChatRequest): PromptDocument {
  const firstIsSystem =
    req.messages.length > 0 && /"(?:system|systemInstruction|system_instruction)"\s*:/.test(text) && !/^\s*\[/.test(text);
  const starts = messageOffsets(text, req.messages.length - (firstIsSystem ? 1 : 0), firstIsSystem);
  const notes: string[] = [];
  if (req.media) notes.push(`${req.media} non-text content part(s) (images, audio, files) are not counted.`);
  const extra: Partial<PromptDocument> = { notes };
  if (req.maxTokens) extra.maxTokens = req.maxTokens;
  if (req.tools.length) extra.tools = req.tools;
  const ref = req.model ? makeModelRef(req.model) : undefined;
  if (ref) {
    extra.model = ref.id;
    extra.modelRef = ref;
  }
  return documentFrom(text, fileName, format, req.messages, starts, extra);
}

// ---- Semantic Kernel ----

const XML_ENTITIES: Readonly<Record<string, string>> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

function decodeXml(s: string): string {
  return s.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (all, e: string) => {
    if (e[0] === '#') {
      const code = e[1] === 'x' || e[1] === 'X' ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10);
      return Number.isFinite(code) && code <= 0x10ffff ? String.fromCodePoint(code) : all;
    }
    return XML_ENTITIES[e.toLowerCase()] ?? all;
  });
}

/** `<message role="x">…</message>` tags of a Semantic Kernel prompt, with their offsets in `text` (from `base`). */
function skMessages(template: string): { messages: RawMessage[]; starts: number[] } | undefined {
  const re = /<message\s+role\s*=\s*["']([^"']+)["']\s*>([\s\S]*?)<\/message\s*>/gi;
  const messages: RawMessage[] = [];
  const starts: number[] = [];
  let m: RegExpExecArray | null;
  while ((m = re.exec(template))) {
    const role = ROLE_ALIASES[m[1].toLowerCase()] ?? 'user';
    const inner = m[2];
    const text = /^\s*<text>([\s\S]*)<\/text>\s*$/i.exec(inner);
    messages.push({ role, content: decodeXml((text ? text[1] : inner).trim()) });
    starts.push(m.index);
  }
  return messages.length ? { messages, starts } : undefined;
}

/** `execution_settings` (YAML) / `execution_settings` or `completion` (config.json): max tokens and model id. */
function skSettings(settings: unknown): { maxTokens?: number; model?: string } {
  const out: { maxTokens?: number; model?: string } = {};
  const visit = (s: unknown) => {
    if (!isMap(s)) return;
    out.maxTokens ??= positiveInt(s.max_tokens) ?? positiveInt(s.max_completion_tokens) ?? positiveInt(s.maxTokens);
    const id = s.model_id ?? s.ai_model_id ?? s.modelId;
    if (typeof id === 'string' && id.trim()) out.model ??= id.trim();
  };
  if (isMap(settings)) {
    visit(settings);
    if (isMap(settings.default)) visit(settings.default);
    for (const v of Object.values(settings)) visit(v);
  } else if (Array.isArray(settings)) for (const v of settings) visit(v);
  return out;
}

function skDocument(
  text: string,
  fileName: string,
  template: string,
  templateStart: number,
  settings: { maxTokens?: number; model?: string },
  notes: string[],
): PromptDocument {
  const parsed = skMessages(template);
  const extra: Partial<PromptDocument> = { notes };
  if (settings.maxTokens) extra.maxTokens = settings.maxTokens;
  const ref = settings.model ? makeModelRef(settings.model) : undefined;
  if (ref) {
    extra.model = ref.id;
    extra.modelRef = ref;
  }
  if (parsed)
    return documentFrom(
      text,
      fileName,
      'semantic-kernel',
      parsed.messages,
      parsed.starts.map((s) => s + templateStart),
      extra,
    );
  const content = template.trim();
  return documentFrom(text, fileName, 'semantic-kernel', content ? [{ role: 'user', content }] : [], [templateStart], extra);
}

/**
 * JSON chat prompts and Semantic Kernel prompts; undefined when the file is not one of them (the
 * caller then reads it as a text prompt).
 */
export function parseStructuredPrompt(
  text: string,
  fileName: string,
  format: PromptFormat,
  options: ParseOptions,
): PromptDocument | undefined {
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const lead = body.trimStart()[0];
  if (
    (format === 'json' || format === 'jinja' || format === 'text') &&
    (lead === '[' || lead === '{') &&
    /"(?:role|contents|messages|input)"/.test(body)
  ) {
    const parsed = parseJsonLoose(body);
    const req = parsed && (readChatJson(parsed.data) ?? responsesRequest(parsed.data));
    if (!req) return undefined;
    const doc = chatDocument(text, fileName, format === 'json' ? 'json' : format, req);
    if (parsed.loops) (doc.notes ??= []).push('Template loops ({% for %}) add messages from run-time data: counted with none.');
    return doc;
  }
  if (format !== 'semantic-kernel') return undefined;
  if (/(^|[\\/])skprompt\.txt$/i.test(fileName)) {
    let settings: { maxTokens?: number; model?: string } = {};
    const notes: string[] = [];
    const config = options.readSibling?.('config.json');
    if (config !== undefined) {
      const data = parseJsonLoose(config)?.data;
      if (isMap(data)) settings = skSettings(data.execution_settings ?? data.completion);
      else notes.push('config.json beside skprompt.txt is not valid JSON: its settings were not read.');
    }
    return skDocument(text, fileName, body, text.length - body.length, settings, notes);
  }
  let data: unknown;
  if (yamlRefusal(body)) return undefined; // bounded before the YAML library (yamlGuard.ts): read as text then
  try {
    data = parseYaml(body, { maxAliasCount: 50, uniqueKeys: false });
  } catch {
    return undefined;
  }
  const responses = responsesRequest(data);
  if (responses) return chatDocument(text, fileName, format, responses);
  if (!isMap(data) || typeof data.template !== 'string') return undefined;
  const template = data.template;
  // Where the template text starts in the file (for CodeLens lines): the `template:` key.
  const at = /^template\s*:/m.exec(body);
  return skDocument(text, fileName, template, at ? at.index + text.length - body.length : 0, skSettings(data.execution_settings), []);
}

/** A promptfoo prompt list: `---` separated prompts in a `.txt` file, or undefined when the file is one prompt. */
export function splitPromptList(text: string, fileName: string): { text: string; line: number }[] | undefined {
  if (!/\.txt$/i.test(fileName) || /(^|[\\/])skprompt\.txt$/i.test(fileName)) return undefined;
  // Only files with a `---` line; promptfoo then splits at every `---` (a plain substring split).
  if (!/(^|\n)---[ \t]*\r?(\n|$)/.test(text)) return undefined;
  const parts: { text: string; line: number }[] = [];
  let from = 0;
  for (;;) {
    const at = text.indexOf('---', from);
    const end = at < 0 ? text.length : at;
    const raw = text.slice(from, end);
    const lead = raw.length - raw.trimStart().length;
    const trimmed = raw.trim();
    parts.push({ text: trimmed, line: lineOf(text, from + lead) });
    if (at < 0) break;
    from = at + 3;
  }
  // Empty entries (a leading or doubled `---`) hold nothing to price.
  const kept = parts.filter((p) => p.text.length > 0);
  return kept.length ? kept : undefined;
}
