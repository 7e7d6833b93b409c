// Shared types of the prompt core. Pure data: no `vscode`, no tokenizer.
// All offsets are 0-based UTF-16 code-unit offsets into the text that was parsed (exactly what
// `vscode.TextDocument.positionAt/offsetAt` use); `end` is exclusive.

export interface OffsetRange {
  start: number;
  end: number;
}

/** Roles a chat message can have. `developer` is OpenAI's newer name for `system`. */
export type PromptRole = 'system' | 'user' | 'assistant' | 'developer' | 'tool' | 'function';

export const PROMPT_ROLES: readonly PromptRole[] = ['system', 'user', 'assistant', 'developer', 'tool', 'function'];

/**
 * What a placeholder is:
 * - `variable`: a value substituted at run time (`{{name}}`, `{name}`, `${input:x}`)
 * - `interpolation`: a code expression inside a string (`f"{x}"`, `` `${x}` ``)
 * - `block`: a template statement (`{% for %}`), `section`: a mustache section (`{{#items}}`, `{{/items}}`, `{{^x}}`)
 * - `comment`: a template comment (`{# #}`, `{{! }}`), `partial`: `{{> name}}`
 */
export type PlaceholderKind = 'variable' | 'interpolation' | 'block' | 'section' | 'comment' | 'partial';

/** Which syntax produced it. */
export type PlaceholderSyntax = 'mustache' | 'jinja' | 'format' | 'dollar' | 'fstring' | 'template-literal';

export interface Placeholder {
  /** Expression text inside the delimiters, trimmed: `firstName`, `item.role`, `for x in xs`, `user.name | upper`. */
  name: string;
  kind: PlaceholderKind;
  syntax: PlaceholderSyntax;
  /** Offsets of the whole placeholder including delimiters. */
  range: OffsetRange;
}

export type DiagnosticSeverity = 'error' | 'warning' | 'info';

export interface PromptDiagnostic {
  severity: DiagnosticSeverity;
  /** Stable code, e.g. `front-matter-yaml`, `front-matter-unclosed`, `front-matter-type`. */
  code: string;
  message: string;
  range: OffsetRange;
}

/** A model named by a prompt file or a code call. */
export interface ModelRef {
  /** `provider:model` when the provider is known, else the name as written. */
  id: string;
  /** The model part as written (deployment name for Azure). */
  name: string;
  provider?: string;
  /**
   * Where the provider came from: `explicit` (`openai:gpt-4o` as written), `configuration`
   * (Prompty `configuration.type` / `provider`, or an SDK-specific call), or `none`.
   */
  providerSource: 'explicit' | 'configuration' | 'none';
  /** Offsets of the value in the document (YAML scalar or string literal), when known. */
  range?: OffsetRange;
}
