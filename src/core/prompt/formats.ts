// The prompt formats, one row each: which files are in the format, whether they are prompts wherever
// they are, which placeholders their runtime substitutes, how their body splits into role sections and
// where their front matter is. Everything else (detectPromptFormat, isPromptFile, the placeholder and
// section defaults, the front-matter scan) reads this table: a new format is one row plus its tests.
import type { PlaceholderStyles } from './placeholders';

/**
 * `prompt` is dotprompt (Genkit); `prompt-md` a VS Code prompt file; `copilot` the other VS Code / Copilot
 * customization files (`.instructions.md`, `.agent.md`, `.chatmode.md`, `SKILL.md`, `AGENTS.md`), sent as
 * instructions; `json` a JSON chat prompt (promptfoo, OpenAI / Gemini request shapes); `semantic-kernel` a
 * Semantic Kernel prompt (YAML with `template:`, or `skprompt.txt`).
 */
export type PromptFormat = 'prompty' | 'prompt-md' | 'copilot' | 'prompt' | 'jinja' | 'markdown' | 'json' | 'semantic-kernel' | 'text';

export interface PromptFormatSpec {
  format: PromptFormat;
  /** Lower-case name endings that are this format and a prompt file wherever they are. */
  promptSuffixes: readonly string[];
  /** Lower-case whole file names that are this format and a prompt file wherever they are. */
  promptNames: readonly string[];
  /** Lower-case endings of text files in this format that are prompts where `promptCost.promptFiles` says so. */
  textSuffixes: readonly string[];
  /** VS Code language ids of documents read as text in this format (a prompt where the globs say so). */
  textLanguageIds: readonly string[];
  /** The placeholders the format's runtime substitutes. */
  placeholders: PlaceholderStyles;
  /** Role of the text before any role marker: Prompty's default role and Copilot instructions are `system`. */
  implicitRole: 'system' | 'user';
  /** Split at `role:` lines. */
  roleLines: boolean;
  /** Split at Markdown headings named after roles (`## User`), unless the options say otherwise. */
  roleHeadings: boolean;
  /** Empty sections are sent (Prompty spec §6.6: "MUST NOT be silently discarded"). */
  keepsEmptySections: boolean;
  /** Lines that open and close front matter. */
  frontMatterFences: readonly string[];
  /** What may come before the front matter: nothing, whitespace (Prompty §2.2), blank or `#` lines (dotprompt). */
  frontMatterAfter: 'nothing' | 'whitespace' | 'comment-lines';
}

const MUSTACHE = { mustache: true, format: false, dollar: false } as const;
const TEXT_ROW = {
  promptSuffixes: [],
  promptNames: [],
  textSuffixes: [],
  textLanguageIds: [],
  placeholders: { mustache: true, format: true, dollar: false },
  implicitRole: 'user',
  roleLines: true,
  roleHeadings: true,
  keepsEmptySections: false,
  frontMatterFences: ['---'],
  frontMatterAfter: 'nothing',
} as const satisfies Omit<PromptFormatSpec, 'format'>;

/** In detection order: the first row whose suffix or name matches is the file's format; else `text`. */
export const PROMPT_FORMATS: readonly PromptFormatSpec[] = [
  {
    ...TEXT_ROW,
    format: 'prompty',
    promptSuffixes: ['.prompty'],
    textLanguageIds: ['prompty'],
    placeholders: MUSTACHE,
    implicitRole: 'system',
    roleHeadings: false, // Prompty only knows `role:` lines (spec §2.10)
    keepsEmptySections: true,
    frontMatterFences: ['---', '+++'],
    frontMatterAfter: 'whitespace',
  },
  { ...TEXT_ROW, format: 'prompt-md', promptSuffixes: ['.prompt.md'], placeholders: { mustache: true, format: false, dollar: true } },
  {
    ...TEXT_ROW,
    format: 'copilot',
    promptSuffixes: ['.instructions.md', '.agent.md', '.chatmode.md'],
    promptNames: ['skill.md', 'copilot-instructions.md', 'agents.md'],
    placeholders: { mustache: true, format: false, dollar: true },
    implicitRole: 'system',
    roleLines: false,
    roleHeadings: false,
  },
  {
    ...TEXT_ROW,
    format: 'semantic-kernel',
    promptNames: ['skprompt.txt'],
    textSuffixes: ['.yaml', '.yml'],
    placeholders: MUSTACHE,
    roleHeadings: false,
  },
  { ...TEXT_ROW, format: 'json', textSuffixes: ['.json'], placeholders: MUSTACHE, roleHeadings: false },
  // A `.prompt` that is not dotprompt is split at `role:` lines like text (no role headings).
  {
    ...TEXT_ROW,
    format: 'prompt',
    promptSuffixes: ['.prompt'],
    textLanguageIds: ['prompt'],
    placeholders: MUSTACHE,
    roleHeadings: false,
    frontMatterAfter: 'comment-lines',
  },
  { ...TEXT_ROW, format: 'jinja', promptSuffixes: ['.jinja', '.jinja2', '.j2'], textLanguageIds: ['jinja'], placeholders: MUSTACHE },
  { ...TEXT_ROW, format: 'markdown', textSuffixes: ['.md', '.markdown', '.mdx'], textLanguageIds: ['markdown', 'mdx'] },
  { ...TEXT_ROW, format: 'text', textSuffixes: ['.txt', '.text'], textLanguageIds: ['plaintext'] },
];

const BY_FORMAT = new Map(PROMPT_FORMATS.map((s) => [s.format, s]));

/** The row of `format`. */
export function formatSpec(format: PromptFormat): PromptFormatSpec {
  return BY_FORMAT.get(format)!;
}

function baseName(fileName: string): string {
  return fileName.toLowerCase().replace(/^.*[\\/]/, '');
}

export function detectPromptFormat(fileName: string): PromptFormat {
  const f = fileName.toLowerCase();
  const base = baseName(f);
  for (const s of PROMPT_FORMATS) {
    if (s.promptNames.includes(base)) return s.format;
    if (s.promptSuffixes.some((x) => f.endsWith(x)) || s.textSuffixes.some((x) => f.endsWith(x))) return s.format;
  }
  return 'text';
}

/**
 * Prompty and Jinja templates only substitute `{{ }}`; `.prompt.md` (VS Code prompt files) uses
 * `${var}`; plain text/markdown/`.prompt` prompts are often Python format strings too.
 */
export function defaultPlaceholderStyles(format: PromptFormat): PlaceholderStyles {
  return { ...formatSpec(format).placeholders };
}

/** Name endings that make a file a prompt wherever it is (`*.prompty`, `*.prompt.md`, …). */
export const PROMPT_FILE_SUFFIXES: readonly string[] = PROMPT_FORMATS.flatMap((s) => s.promptSuffixes);
/** Whole names that make a file a prompt wherever it is (`SKILL.md`, `AGENTS.md`, `skprompt.txt`, …). */
export const PROMPT_FILE_NAMES: ReadonlySet<string> = new Set(PROMPT_FORMATS.flatMap((s) => s.promptNames));
/** Endings of text files that are prompts where `promptCost.promptFiles` says so. */
export const TEXT_FILE_SUFFIXES: readonly string[] = PROMPT_FORMATS.flatMap((s) => s.textSuffixes);
/** VS Code language ids read as text (a prompt where the globs say so). */
export const TEXT_LANGUAGE_IDS: ReadonlySet<string> = new Set(PROMPT_FORMATS.flatMap((s) => s.textLanguageIds));

/** A prompt by its name alone (`lowerName` is the lower-case base name). */
export function isPromptFileName(lowerName: string): boolean {
  return PROMPT_FILE_SUFFIXES.some((s) => lowerName.endsWith(s) && lowerName.length > s.length) || PROMPT_FILE_NAMES.has(lowerName);
}
