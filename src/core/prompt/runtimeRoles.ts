// Roles as the runtime that sends a prompt file assigns them, where that differs from reading the
// file's headings:
// - A VS Code prompt file (`.prompt.md`) is sent as one chat request: its body is the user's message,
//   `# System` / `## User` headings included as text (code.visualstudio.com/docs/copilot/customization/
//   prompt-files, "Prompt file format": the front matter configures, the body is the prompt). A
//   `.prompt.md` whose front matter has keys VS Code does not read (`max_tokens`, `temperature`, …) was
//   written for another runner and keeps its role headings.
// - Prompty `developer:` stays `developer` (document.ts PROMPTY_ROLE_LINE, every runtime's ROLES).
import type { SectionRules } from './document';
import type { PromptFormat } from './formats';

/** The front-matter keys of a VS Code prompt file (the docs' field table; `mode` is the older `agent`). */
export const VSCODE_PROMPT_FILE_KEYS: ReadonlySet<string> = new Set([
  'description',
  'name',
  'argument-hint',
  'agent',
  'mode',
  'model',
  'tools',
]);

function isMap(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Is this `.prompt.md` sent by VS Code as one request? `data` is its parsed front matter (undefined: none or unreadable). */
export function isVsCodePromptFile(format: PromptFormat, data: unknown): boolean {
  if (format !== 'prompt-md') return false;
  if (!isMap(data)) return true;
  return Object.keys(data).every((k) => VSCODE_PROMPT_FILE_KEYS.has(k));
}

/**
 * The section rules for a `.prompt.md` (unless the caller chose them): one request for a VS Code prompt
 * file, role headings otherwise. No note: the one user message says it, and a note that depended on the
 * body would differ between a full and an incremental parse (incremental.ts re-reads one section).
 */
export function promptFileRules(rules: SectionRules, format: PromptFormat, frontMatterData: unknown, chosen: boolean): SectionRules {
  if (format !== 'prompt-md' || chosen || !isVsCodePromptFile(format, frontMatterData)) return rules;
  return { ...rules, roleLines: false, roleHeadings: false };
}
