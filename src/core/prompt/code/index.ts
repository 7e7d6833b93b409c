// Prompts inside Python / JavaScript / TypeScript code, one per SDK call: the messages a
// `client.chat.completions.create(...)` / `responses.create` / `messages.create` /
// `models.generate_content` / LiteLLM `completion` / AI SDK `generateText` / agent call sends, in
// order, with the call's model, client and max tokens. Built on the small lexer in ../lexer and a
// bracket tree (./tree); no regexes over the source, linear in the size of the file.
//
// - ./calls: the recognised calls, keys and client classes, as data rows.
// - ./strings: string values (literals, `+`, `.format`, `%`, dedent, strip, replace); other parts `{expr}`.
// - ./messages: the messages a value stands for (dicts, content parts, LangChain messages and tuples).
// - ./analyzer: bindings, clients, calls, then message lists / dicts / prompt-named constants outside calls.

import { codeLanguageById } from '../codeLanguages';
import { lexCode, type CodeLanguage } from '../lexer';
import { looksLikeModelId } from '../model';
import type { OffsetRange } from '../types';
import { Analyzer, type CodePrompt } from './analyzer';
import { buildTree } from './tree';

export type { CodePrompt } from './analyzer';
export type { CodeMessage } from './messages';

export interface CodeModelId {
  model: string;
  range: OffsetRange;
}

/** The lexer syntax of a VS Code language id (the code languages registry, ../codeLanguages). */
export function codeLanguageFor(languageId: string): CodeLanguage | undefined {
  return codeLanguageById(languageId)?.syntax;
}

/**
 * The prompts of Python (`python`) or JS/TS (`javascript`, `typescript`, `javascriptreact`,
 * `typescriptreact`) source: one per recognised call, then message lists and prompt-named constants
 * no call sends. Other language ids return []. Never throws; sorted by offset, not overlapping.
 */
export function findPromptsInCode(text: string, languageId: string): CodePrompt[] {
  const lang = codeLanguageFor(languageId);
  if (!lang) return [];
  const a = new Analyzer(lang, buildTree(lexCode(text, lang), text.length), text);
  a.collectBindings(a.root);
  a.walkCalls(a.root);
  a.walkLoose(a.root);
  a.promptAssignments();
  const out = a.prompts.sort((x, y) => x.range.start - y.range.start || y.range.end - x.range.end);
  // Drop anything inside an earlier prompt (a call nested in another call's arguments).
  const res: CodePrompt[] = [];
  for (const p of out) if (!res.length || res[res.length - 1].range.end <= p.range.start) res.push(p);
  return res;
}

/**
 * Every string literal whose value looks like `provider:model` (see `looksLikeModelId`), with its
 * offsets. `languageId` selects comment syntax (default: Python if it looks like Python, else JS).
 */
export function findModelIdsInCode(text: string, languageId?: string): CodeModelId[] {
  const lang = (languageId ? codeLanguageFor(languageId) : undefined) ?? guessLanguage(text);
  const out: CodeModelId[] = [];
  for (const t of lexCode(text, lang)) {
    if (t.kind !== 'string' || !t.str || t.str.unterminated || t.str.interpolated || t.str.bytes) continue;
    if (looksLikeModelId(t.str.value)) out.push({ model: t.str.value, range: { start: t.start, end: t.end } });
  }
  return out;
}

function guessLanguage(text: string): CodeLanguage {
  const head = text.slice(0, 4000);
  return /^\s*(def |import \w+\s*$|from [\w.]+ import |class \w+.*:\s*$)/m.test(head) ? 'python' : 'js';
}

/**
 * The model a prompt in code names, as `provider:model` when the call or its client tells the provider
 * (`AzureOpenAI` → `azure:<deployment>`, `AnthropicBedrock` → `bedrock:<id>`); undefined when it names none.
 */
export function codePromptModelId(p: CodePrompt): string | undefined {
  if (!p.model) return undefined;
  return looksLikeModelId(p.model) || !p.provider ? p.model : `${p.provider}:${p.model}`;
}

/** The prompt at `offset` (hover, breakdown): a call's range, else one of its messages (a constant it sends). */
export function promptAt(prompts: readonly CodePrompt[], offset: number): CodePrompt | undefined {
  let lo = 0;
  let hi = prompts.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const r = prompts[mid].range;
    if (offset < r.start) hi = mid - 1;
    else if (offset >= r.end) lo = mid + 1;
    else return prompts[mid];
  }
  return prompts.find((p) => p.messages.some((m) => offset >= m.range.start && offset < m.range.end));
}
