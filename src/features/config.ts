// The one place `promptCost.*` settings are read and written. Typed snapshots (`readConfig`,
// `readRunSettings`), defaults taken from package.json through VS Code (never repeated here), one rule
// for where an update is saved, and change events that fire only for the keys a consumer depends on
// (markdown-language-features' `hasConfigurationChanged`): the Runs view's group-by must not re-price.
import * as vscode from 'vscode';
import type { GroupBy } from '../core/history/group';
import { IN_BROWSER } from './platform';

const SECTION = 'promptCost';

export interface PromptCostConfig {
  /** Models shown in CodeLens, hover and the comparison panel; empty = the models priced in flujo.toml, else a default set. */
  models: string[];
  /** The model the status bar shows; defaults to the first of `models`. */
  primaryModel: string;
  /** Expected completion tokens per request, when the prompt file does not say (`max_tokens`). */
  expectedOutputTokens: number;
  /** True when the user set `expectedOutputTokens` (any scope): it then wins over learned history, as a CLI flag does. */
  expectedOutputTokensSet: boolean;
  /** Which learned output number estimates use (`p50` typical, `p90` budget), or `off`. */
  learnedOutput: 'p50' | 'p90' | 'off';
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
/** The run and history settings (`promptCost.providers.*`, `promptCost.run.*`, `promptCost.history.*`). */
export interface RunSettings {
  /** Base URL of the OpenAI-compatible endpoint (restricted in untrusted workspaces). */
  openaiBaseUrl: string;
  anthropicBaseUrl: string;
  /** Idle timeout of a run, seconds. */
  timeoutSeconds: number;
  /** Overall limit of a run, seconds (a stream that keeps trickling still ends). */
  maxDurationSeconds: number;
  /** Ledger path, absolute or relative to the workspace folder. */
  historyPath: string;
  /** Record prompt and answer text in the ledger. */
  storeText: boolean;
  groupBy: GroupBy;
}

export const GROUP_BY_OPTIONS: readonly GroupBy[] = ['day', 'prompt', 'model', 'pipeline', 'status'];

/** The keys (below `promptCost.`) each consumer depends on, for `onConfigChange`. */
export const CONFIG_KEYS = {
  /** What prices and the model list come from (PricingService; flujo.toml lint and history follow its event). */
  pricing: ['models', 'pricingOverrides', 'flujoConfigPath'],
  /** What an estimate depends on besides prices (Estimator). */
  estimate: [
    'primaryModel',
    'expectedOutputTokens',
    'learnedOutput',
    'requestsPerDay',
    'promptFiles',
    'codePrompts.enabled',
    'performance.workerThreshold',
    'performance.maxDocumentSize',
  ],
  /** Which documents are prompt files (the `promptCost.isPromptFile` context key). */
  promptFiles: ['promptFiles'],
  codeLens: ['codeLens.enabled'],
  historyPath: ['history.path'],
  /** Live export of runs to the team OpenTelemetry endpoint (features/history/teamExport.ts). */
  telemetry: ['telemetry.endpoint', 'telemetry.includeText', 'telemetry.member'],
  groupBy: ['history.groupBy'],
} as const;

export function readConfig(scope?: vscode.ConfigurationScope): PromptCostConfig {
  const c = vscode.workspace.getConfiguration(SECTION, scope);
  return {
    models: c.get<unknown[]>('models', []).filter((m): m is string => typeof m === 'string' && m.trim() !== ''),
    primaryModel: c.get<string>('primaryModel') || '',
    expectedOutputTokens: nonNegativeInt(c, 'expectedOutputTokens'),
    expectedOutputTokensSet: isSet(c, 'expectedOutputTokens'),
    learnedOutput: (['p50', 'p90', 'off'] as const).find((v) => v === c.get('learnedOutput')) ?? 'p50',
    requestsPerDay: nonNegativeInt(c, 'requestsPerDay'),
    promptFiles: c.get<string[]>('promptFiles') ?? declared(c, 'promptFiles'),
    pricingOverrides: c.get('pricingOverrides') ?? {},
    flujoConfigPath: c.get<string>('flujoConfigPath') || '',
    codeLensEnabled: c.get<boolean>('codeLens.enabled') !== false,
    codePromptsEnabled: c.get<boolean>('codePrompts.enabled') !== false,
    // VS Code for the Web has no worker threads; its extension host is itself off the UI thread.
    workerThreshold: IN_BROWSER ? Number.POSITIVE_INFINITY : nonNegativeInt(c, 'performance.workerThreshold'),
    maxDocumentSize: nonNegativeInt(c, 'performance.maxDocumentSize'),
  };
}

export function readRunSettings(scope?: vscode.ConfigurationScope): RunSettings {
  const c = vscode.workspace.getConfiguration(SECTION, scope);
  const timeout = c.get<number>('run.timeoutSeconds');
  const maxDuration = c.get<number>('run.maxDurationSeconds');
  const groupBy = c.get<string>('history.groupBy') as GroupBy;
  return {
    openaiBaseUrl: nonEmpty(c, 'providers.openai.baseUrl'),
    anthropicBaseUrl: nonEmpty(c, 'providers.anthropic.baseUrl'),
    timeoutSeconds: typeof timeout === 'number' && Number.isFinite(timeout) && timeout > 0 ? timeout : declared(c, 'run.timeoutSeconds'),
    maxDurationSeconds:
      typeof maxDuration === 'number' && Number.isFinite(maxDuration) && maxDuration > 0
        ? maxDuration
        : declared(c, 'run.maxDurationSeconds'),
    historyPath: nonEmpty(c, 'history.path'),
    storeText: c.get<boolean>('history.storeText') === true,
    groupBy: GROUP_BY_OPTIONS.includes(groupBy) ? groupBy : declared(c, 'history.groupBy'),
  };
}

/** The team-history export settings (`promptCost.telemetry.*`): empty endpoint = nothing is sent. */
export interface TelemetrySettings {
  endpoint: string;
  includeText: boolean;
  member: string;
}

export function readTelemetrySettings(): TelemetrySettings {
  const c = vscode.workspace.getConfiguration(SECTION);
  return {
    endpoint: (c.get<string>('telemetry.endpoint') ?? '').trim(),
    includeText: c.get<boolean>('telemetry.includeText') === true,
    member: (c.get<string>('telemetry.member') ?? '').trim(),
  };
}

/**
 * `history.path` by where it is set: `workspace` (folder or workspace settings, which a repository
 * can ship in .vscode/settings.json) and `user`; empty values count as unset.
 */
export function historyPathSources(scope?: vscode.ConfigurationScope): { workspace?: string; user?: string } {
  const i = vscode.workspace.getConfiguration(SECTION, scope).inspect<string>('history.path');
  const set = (v: string | undefined) => (typeof v === 'string' && v.trim() ? v : undefined);
  return { workspace: set(i?.workspaceFolderValue) ?? set(i?.workspaceValue), user: set(i?.globalValue) };
}

/**
 * `promptCost.github.apiUrl`: application scope, so VS Code takes it from the user's own settings only (a workspace's
 * value is ignored; a repository cannot send the GitHub session elsewhere).
 */
export function readGitHubApiUrl(): string {
  const c = vscode.workspace.getConfiguration(SECTION);
  return nonEmpty(c, 'github.apiUrl');
}

/** True when the provider's base URL comes from workspace or folder settings (a repository can set it). */
export function baseUrlFromWorkspace(kind: 'openai' | 'anthropic'): boolean {
  const inspected = vscode.workspace.getConfiguration(SECTION).inspect<string>(`providers.${kind}.baseUrl`);
  return inspected?.workspaceValue !== undefined || inspected?.workspaceFolderValue !== undefined;
}

/**
 * Saves a setting where it takes effect: at the level it is already set (folder, workspace, user),
 * else at `fallback`.
 */
export async function updateSetting(key: string, value: unknown, fallback: vscode.ConfigurationTarget): Promise<void> {
  const c = vscode.workspace.getConfiguration(SECTION);
  const i = c.inspect(key);
  const target =
    i?.workspaceFolderValue !== undefined
      ? vscode.ConfigurationTarget.WorkspaceFolder
      : i?.workspaceValue !== undefined
        ? vscode.ConfigurationTarget.Workspace
        : i?.globalValue !== undefined
          ? vscode.ConfigurationTarget.Global
          : fallback;
  await c.update(key, value, target);
}

/** Fires `listener` when one of `keys` (below `promptCost.`) changes, in any scope. */
export function onConfigChange(keys: readonly string[], listener: () => void): vscode.Disposable {
  return vscode.workspace.onDidChangeConfiguration((e) => {
    if (keys.some((k) => e.affectsConfiguration(`${SECTION}.${k}`))) listener();
  });
}

/** The default declared in package.json (VS Code knows it: it is not repeated in code). */
function declared<T>(c: vscode.WorkspaceConfiguration, key: string): T {
  return c.inspect<T>(key)?.defaultValue as T;
}

/** Set by the user or the workspace at any level (not the declared default). */
function isSet(c: vscode.WorkspaceConfiguration, key: string): boolean {
  const i = c.inspect(key);
  return [i?.globalValue, i?.workspaceValue, i?.workspaceFolderValue].some((v) => v !== undefined);
}

function nonNegativeInt(c: vscode.WorkspaceConfiguration, key: string): number {
  const value = c.get(key);
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 ? Math.floor(value) : declared<number>(c, key);
}

/** A string setting, trimmed; empty means the declared default. */
function nonEmpty(c: vscode.WorkspaceConfiguration, key: string): string {
  return (c.get<string>(key) || declared<string>(c, key)).trim();
}
