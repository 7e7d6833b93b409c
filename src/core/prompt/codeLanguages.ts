// The source languages whose prompts (and `provider:model` strings) we find, one row each, and the one
// scan policy — which files, how big, which folders skipped — that the editor, `estimate`, `diff`,
// `check`, `lint` and the flujo.toml diagnostics share, so `prompt-cost lint` and the editor find the
// same things. A new language is one row here (plus a lexer for a new syntax) and its tests.
import type { CodeLanguage } from './lexer';

export interface CodeLanguageSpec {
  /** VS Code language id (what `findPromptsInCode` takes). */
  languageId: string;
  /** Lower-case file name endings. */
  extensions: readonly string[];
  /** Which lexer and call table reads it. */
  syntax: CodeLanguage;
}

export const CODE_LANGUAGES: readonly CodeLanguageSpec[] = [
  { languageId: 'python', extensions: ['.py', '.pyi'], syntax: 'python' },
  { languageId: 'typescript', extensions: ['.ts', '.mts', '.cts'], syntax: 'js' },
  { languageId: 'typescriptreact', extensions: ['.tsx'], syntax: 'js' },
  { languageId: 'javascript', extensions: ['.js', '.mjs', '.cjs'], syntax: 'js' },
  { languageId: 'javascriptreact', extensions: ['.jsx'], syntax: 'js' },
];

const BY_ID = new Map(CODE_LANGUAGES.map((l) => [l.languageId, l]));
const BY_EXTENSION = new Map(CODE_LANGUAGES.flatMap((l) => l.extensions.map((e) => [e, l] as const)));

/** The row of a VS Code language id, if we read prompts in it. */
export function codeLanguageById(languageId: string): CodeLanguageSpec | undefined {
  return BY_ID.get(languageId);
}

/** The VS Code language id of a code file whose prompts we look for, by its name (`a.pyi` → `python`). */
export function codeLanguageForFile(fileName: string): string | undefined {
  const m = /\.[a-z]+$/i.exec(fileName);
  return m ? BY_EXTENSION.get(m[0].toLowerCase())?.languageId : undefined;
}

/** Every code extension (`.py`, `.pyi`, `.ts`, …). */
export const CODE_EXTENSIONS: readonly string[] = CODE_LANGUAGES.flatMap((l) => l.extensions);

/**
 * Where `provider:model` strings are looked for (flujo.toml strict mode, in the editor and `lint`/`check`):
 * the code files, and YAML (Flujo pipeline files name models too). Skipped: dependency, build and cache
 * folders, every folder whose name starts with `.`, files over the size limit.
 */
export const SCAN_POLICY = {
  modelUsageExtensions: [...CODE_EXTENSIONS, '.yaml', '.yml'] as readonly string[],
  /** A file larger than this is not read (prompt files and code alike). */
  maxFileBytes: 5 * 1024 * 1024,
  /** At most this many files are read in one workspace scan. */
  maxFiles: 5000,
  /** Folder depth of a workspace walk. */
  maxDepth: 12,
  skippedFolders: [
    'node_modules',
    'venv',
    '__pycache__',
    'site-packages',
    'dist',
    'out',
    'build',
    // and every dot-folder (isSkippedFolder); these are named for the editor's findFiles exclude glob
    '.git',
    '.venv',
    '.tox',
    '.mypy_cache',
    '.vscode-test',
  ] as readonly string[],
} as const;

/** Is a folder of this name left out of workspace scans? */
export function isSkippedFolder(name: string): boolean {
  return name.startsWith('.') || SCAN_POLICY.skippedFolders.includes(name);
}

/** Does a model-usage scan read this file (by name)? */
export function isModelUsageFile(fileName: string): boolean {
  const m = /\.[a-z]+$/i.exec(fileName);
  return m !== null && SCAN_POLICY.modelUsageExtensions.includes(m[0].toLowerCase());
}

/**
 * The policy as VS Code `findFiles` globs: files to read and the named folders to leave out (the big
 * ones, so they do not use up the file budget); other dot-folders are filtered with isSkippedFolder.
 */
export function modelUsageGlobs(): { include: string; exclude: string } {
  const exts = SCAN_POLICY.modelUsageExtensions.map((e) => e.slice(1)).join(',');
  return { include: `**/*.{${exts}}`, exclude: `**/{${SCAN_POLICY.skippedFolders.join(',')}}/**` };
}
