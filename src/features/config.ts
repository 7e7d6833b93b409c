// One typed snapshot of the `promptCost.*` settings. Features read it through `readConfig()` and
// rebuild on `onDidChangeConfiguration` only when `affectsConfiguration('promptCost')`.
import * as vscode from 'vscode';

export const SECTION = 'promptCost';

export interface PromptCostConfig {
  /** Models shown in CodeLens, hover and the comparison panel; empty = the models priced in flujo.toml, else a default set. */
  models: string[];
  /** The model the status bar shows; defaults to the first of `models`. */
  primaryModel: string;
  /** Expected completion tokens per request, when the prompt file does not say (`max_tokens`). */
  expectedOutputTokens: number;
  /** Requests per day for the monthly projection (× 30). */
  requestsPerDay: number;
  /** Globs (workspace-relative) of text/markdown files that are prompts. */
  promptFiles: string[];
  /** FastroAI-style price overrides, USD per 1M tokens. */
  pricingOverrides: unknown;
  /** Explicit flujo.toml path (absolute or workspace-relative). */
  flujoConfigPath: string;
  codeLensEnabled: boolean;
  /** Show estimates for prompts inside Python/TypeScript/JavaScript code. */
  codePromptsEnabled: boolean;
  /** Documents larger than this (characters) are counted in a worker thread. */
  workerThreshold: number;
  /** Documents larger than this (characters) are not counted live at all. */
  maxDocumentSize: number;
}

/** The default model set lives in the core so the CLI uses the same one. */
export { DEFAULT_MODELS } from '../core/estimate/defaults';

export function readConfig(scope?: vscode.ConfigurationScope): PromptCostConfig {
  const c = vscode.workspace.getConfiguration(SECTION, scope);
  const models = c.get<string[]>('models', []).filter((m) => typeof m === 'string' && m.trim() !== '');
  return {
    models,
    primaryModel: c.get<string>('primaryModel', '') || '',
    expectedOutputTokens: nonNegativeInt(c.get('expectedOutputTokens'), 500),
    requestsPerDay: nonNegativeInt(c.get('requestsPerDay'), 1000),
    promptFiles: c.get<string[]>('promptFiles', ['**/prompts/**']),
    pricingOverrides: c.get('pricingOverrides', {}),
    flujoConfigPath: c.get<string>('flujoConfigPath', '') || '',
    codeLensEnabled: c.get<boolean>('codeLens.enabled', true),
    codePromptsEnabled: c.get<boolean>('codePrompts.enabled', true),
    workerThreshold: nonNegativeInt(c.get('performance.workerThreshold'), 50_000),
    maxDocumentSize: nonNegativeInt(c.get('performance.maxDocumentSize'), 50_000_000),
  };
}

function nonNegativeInt(value: unknown, fallback: number): number {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 ? Math.floor(value) : fallback;
}

/** Fires `listener` when a `promptCost.*` setting changes. */
export function onConfigChange(listener: () => void): vscode.Disposable {
  return vscode.workspace.onDidChangeConfiguration((e) => {
    if (e.affectsConfiguration(SECTION)) listener();
  });
}
