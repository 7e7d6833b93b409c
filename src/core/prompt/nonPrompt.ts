// YAML and JSON files that are not prompts, recognised so they are skipped with a note rather than
// priced: OpenAPI / Swagger descriptions (the `openapi` / `swagger` root field, OpenAPI Specification
// 3.x §4.8.1 and Swagger 2.0 "Swagger Object"; Semantic Kernel's samples ship many beside prompts) and
// JSON Schema documents (a root `$schema`, JSON Schema Core §8.1.1). Only the root level is looked at.
import type { PromptDocument } from './document';
import type { PromptFormat } from './formats';

const YAML_ROOT = /^(openapi|swagger|\$schema|"\$schema"|'\$schema')[ \t]*:[ \t]*["']?([^"'\r\n#]*)/m;
const JSON_PROMPT_KEYS = ['messages', 'contents', 'input', 'prompt', 'template', 'role'];

function describe(key: string, value: string): string {
  const v = value.trim();
  if (key === 'openapi') return `an OpenAPI ${v || ''} description`.replace('  ', ' ');
  if (key === 'swagger') return `a Swagger ${v || ''} API description`.replace('  ', ' ');
  return 'a JSON Schema document';
}

function isMap(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Why the file is not a prompt (`an OpenAPI 3.0.1 description`), or undefined. */
export function nonPromptReason(text: string, format: PromptFormat): string | undefined {
  if (format === 'semantic-kernel') {
    // YAML: a root key at column 0 (a prompt's `template:` wins: it is a prompt that embeds a schema).
    if (/^template[ \t]*:/m.test(text)) return undefined;
    const m = YAML_ROOT.exec(text);
    return m ? describe(m[1].replace(/["']/g, ''), m[2]) : undefined;
  }
  if (format !== 'json') return undefined;
  const lead = text.replace(/^\ufeff/, '').trimStart()[0];
  if (lead !== '{' || !/"(openapi|swagger|\$schema)"/.test(text)) return undefined;
  let data: unknown;
  try {
    data = JSON.parse(text.replace(/^\ufeff/, ''));
  } catch {
    return undefined;
  }
  if (!isMap(data) || JSON_PROMPT_KEYS.some((k) => k in data)) return undefined;
  for (const key of ['openapi', 'swagger', '$schema']) {
    const v = data[key];
    if (typeof v === 'string') return describe(key, key === '$schema' ? '' : v);
  }
  return undefined;
}

export function nonPromptNote(reason: string): string {
  return `Not a prompt: ${reason}. Skipped, not priced.`;
}

/** The document of a file that is not a prompt: no messages, nothing priced, the note says why. */
export function skippedDocument(text: string, fileName: string, format: PromptFormat, reason: string): PromptDocument {
  const note = nonPromptNote(reason);
  const bom = text.charCodeAt(0) === 0xfeff;
  return {
    fileName,
    format,
    bom,
    body: { start: bom ? 1 : 0, end: text.length },
    bodyStartLine: 0,
    messages: [],
    placeholders: [],
    diagnostics: [],
    notes: [note],
    notPriced: note,
  };
}
