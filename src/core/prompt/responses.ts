// OpenAI Responses API request bodies written as prompt files (JSON or YAML): `model`, `instructions`
// (a system/developer message inserted ahead of the input), `input` (a string: one user message; or a
// list of input items: messages `{role, content}` whose content is a string or `input_text` /
// `output_text` parts) and `max_output_tokens` (openai/openai-openapi openapi.yaml
// `CreateResponse`; openai-python src/openai/types/responses/response_create_params.py).
import type { PromptRole } from './types';

export interface ResponsesMessage {
  role: PromptRole;
  content: string;
}

export interface ResponsesBody {
  messages: ResponsesMessage[];
  model?: string;
  maxTokens?: number;
  /** Input items that are not messages with text (images, files, function call outputs): not counted. */
  other: number;
}

const ROLES: Readonly<Record<string, PromptRole>> = { system: 'system', developer: 'developer', user: 'user', assistant: 'assistant' };

function isMap(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The text of a message's content, counting the parts that are not text in `other`. */
function contentText(content: unknown, other: { n: number }): string | undefined {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return undefined;
  let text = '';
  for (const part of content) {
    if (isMap(part) && (part.type === 'input_text' || part.type === 'output_text' || part.type === 'text') && typeof part.text === 'string')
      text += part.text;
    else other.n++;
  }
  return text;
}

/** A Responses API body, or undefined when `data` is not one (no `input`, or neither `model` nor `instructions`). */
export function readResponsesBody(data: unknown): ResponsesBody | undefined {
  if (!isMap(data) || !('input' in data) || 'messages' in data || 'template' in data) return undefined;
  if (typeof data.model !== 'string' && typeof data.instructions !== 'string') return undefined;
  const other = { n: 0 };
  const messages: ResponsesMessage[] = [];
  if (typeof data.instructions === 'string') messages.push({ role: 'system', content: data.instructions });
  const input = data.input;
  if (typeof input === 'string') messages.push({ role: 'user', content: input });
  else if (Array.isArray(input)) {
    for (const item of input) {
      const role = isMap(item) && typeof item.role === 'string' ? ROLES[item.role] : undefined;
      const text = role && isMap(item) ? contentText(item.content, other) : undefined;
      if (role && text !== undefined) messages.push({ role, content: text });
      else other.n++;
    }
  } else return undefined;
  const max = data.max_output_tokens;
  return {
    messages,
    ...(typeof data.model === 'string' ? { model: data.model } : {}),
    ...(typeof max === 'number' && Number.isSafeInteger(max) && max > 0 ? { maxTokens: max } : {}),
    other: other.n,
  };
}
