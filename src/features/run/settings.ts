// Typed snapshot of the run and history settings (`promptCost.providers.*`, `promptCost.run.*`, `promptCost.history.*`).
import * as vscode from 'vscode';
import type { GroupBy } from '../../core/history/group';
import { SECTION } from '../config';

// Literal defaults (same as package.json): this module is loaded eagerly, so it imports no core code.
const DEFAULT_OPENAI_BASE_URL = 'https://api.openai.com/v1';
const DEFAULT_ANTHROPIC_BASE_URL = 'https://api.anthropic.com';
const DEFAULT_LEDGER_PATH = '.prompt-cost/runs.jsonl';

export interface RunSettings {
  /** Base URL of the OpenAI-compatible endpoint (restricted in untrusted workspaces). */
  openaiBaseUrl: string;
  anthropicBaseUrl: string;
  /** Idle timeout of a run, seconds. */
  timeoutSeconds: number;
  /** Ledger path, absolute or relative to the workspace folder. */
  historyPath: string;
  /** Record prompt and answer text in the ledger. */
  storeText: boolean;
  groupBy: GroupBy;
}

const GROUPS: readonly GroupBy[] = ['day', 'prompt', 'model', 'pipeline', 'status'];

export function readRunSettings(scope?: vscode.ConfigurationScope): RunSettings {
  const c = vscode.workspace.getConfiguration(SECTION, scope);
  const timeout = c.get<number>('run.timeoutSeconds', 60);
  const groupBy = c.get<string>('history.groupBy', 'day') as GroupBy;
  return {
    openaiBaseUrl: (c.get<string>('providers.openai.baseUrl', '') || DEFAULT_OPENAI_BASE_URL).trim(),
    anthropicBaseUrl: (c.get<string>('providers.anthropic.baseUrl', '') || DEFAULT_ANTHROPIC_BASE_URL).trim(),
    timeoutSeconds: typeof timeout === 'number' && Number.isFinite(timeout) && timeout > 0 ? timeout : 60,
    historyPath: (c.get<string>('history.path', '') || DEFAULT_LEDGER_PATH).trim(),
    storeText: c.get<boolean>('history.storeText', false) === true,
    groupBy: GROUPS.includes(groupBy) ? groupBy : 'day',
  };
}

export const GROUP_BY_OPTIONS = GROUPS;
