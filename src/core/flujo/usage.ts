// Finds `provider:model` strings in Python / TypeScript / YAML text (agent definitions such as
// make_agent_async("openai:gpt-4o", ...) or `model: anthropic:claude-3-5-haiku-latest`).
import { PROVIDER_ALIASES, ReferenceCatalog, bundledReferenceCatalog } from '../pricing/reference';
import type { ModelUsage } from './analysis/types';

export interface FoundModel {
  id: string;
  provider: string;
  model: string;
  /** 0-based. */
  line: number;
  character: number;
  length: number;
}

/** Provider prefixes pydantic-ai / Flujo use that may not be reference ids. */
const EXTRA_PROVIDERS = [
  'google-gla',
  'google-vertex',
  'bedrock',
  'groq',
  'mistral',
  'cohere',
  'deepseek',
  'openrouter',
  'ollama',
  'azure',
  'huggingface',
  'xai',
  'grok',
  'heroku',
  'vercel',
  'together',
  'fireworks',
  'cerebras',
];

let cachedRe: { ref: ReferenceCatalog; re: RegExp } | undefined;

function pattern(reference: ReferenceCatalog): RegExp {
  if (cachedRe?.ref === reference) return cachedRe.re;
  const ids = new Set([...reference.providers.map((p) => p.id), ...Object.keys(PROVIDER_ALIASES), ...EXTRA_PROVIDERS]);
  const alt = [...ids]
    .sort((a, b) => b.length - a.length)
    .map((s) => s.replace(/[.*+?^${}()|[\]\\-]/g, '\\$&'))
    .join('|');
  // Not preceded by a word char, '/', '.', '-' or ':' (URLs, paths, longer ids); model chars per provider conventions.
  const re = new RegExp(`(?<![\\w/.:-])(${alt}):([A-Za-z0-9][A-Za-z0-9._/-]*[A-Za-z0-9])(?![\\w:/])`, 'g');
  cachedRe = { ref: reference, re };
  return re;
}

/** All `provider:model` mentions in a source text. Linear; skips lines longer than 10,000 characters (minified code). */
export function scanModelUsages(text: string, reference: ReferenceCatalog = bundledReferenceCatalog()): FoundModel[] {
  const re = pattern(reference);
  const out: FoundModel[] = [];
  let line = 0;
  let start = 0;
  while (start <= text.length) {
    let end = text.indexOf('\n', start);
    if (end < 0) end = text.length;
    if (end - start <= 10_000) {
      const s = text.slice(start, end);
      re.lastIndex = 0;
      for (let m = re.exec(s); m; m = re.exec(s)) {
        out.push({ id: `${m[1]}:${m[2]}`, provider: m[1], model: m[2], line, character: m.index, length: m[0].length });
      }
    }
    line++;
    start = end + 1;
  }
  return out;
}

/** Locations listed per model id and file; the rest are counted (`more`). */
export const USES_LISTED_PER_FILE = 3;

/**
 * A file's model mentions as ModelUsage entries, at most USES_LISTED_PER_FILE per id (the last one
 * counting the others in `more`): a workspace of generated code with thousands of mentions per file
 * must not hold an object per mention (`lint` over 200 × 1 MB files held 2M of them, 730 MB).
 */
export function summarizeUsages(found: readonly Pick<FoundModel, 'id' | 'line'>[], file: string | undefined): ModelUsage[] {
  const byId = new Map<string, ModelUsage[]>();
  for (const m of found) {
    const list = byId.get(m.id) ?? [];
    if (!list.length) byId.set(m.id, list);
    if (list.length < USES_LISTED_PER_FILE) list.push({ id: m.id, file, line: m.line });
    else list[list.length - 1].more = (list[list.length - 1].more ?? 0) + 1;
  }
  const out: ModelUsage[] = [];
  for (const list of byId.values()) for (const u of list) out.push(u);
  return out;
}
