// What the editor prices a change or a budget with, from the same sources as the CLI: prompt-cost.json
// (nearest one from the document's folder up to its workspace folder; one source of truth with the CLI),
// then the settings (models, primary model, expected output, requests/day) and the folder's prices.
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { BudgetConfig } from '../../core/promptBudgets';
import type { PricingOptions } from '../../core/diff/prompts';
import { readConfig } from '../config';
import type { Services } from '../services';

export interface EditorPromptWorkspace {
  config: BudgetConfig;
  /** Folder of prompt-cost.json (else the workspace folder) as a file path, for budget globs. */
  configDir?: string;
  pricing: PricingOptions;
  /** The settings' primary model, else the first model: whose Δ the lens shows when a prompt names none. */
  primary: string;
}

const configCache = new Map<string, { mtime: number; config: BudgetConfig }>();

/** prompt-cost.json for a document (file scheme only; other schemes get no workspace file). */
export async function budgetConfigFor(uri: vscode.Uri): Promise<BudgetConfig> {
  const { EMPTY_BUDGET_CONFIG, CONFIG_FILE_NAME, parseBudgetConfig } = await import('../../core/promptBudgets');
  if (uri.scheme !== 'file') return EMPTY_BUDGET_CONFIG;
  const folder = vscode.workspace.getWorkspaceFolder(uri);
  const stop = folder?.uri.fsPath;
  for (let dir = path.dirname(uri.fsPath); ; dir = path.dirname(dir)) {
    const file = path.join(dir, CONFIG_FILE_NAME);
    try {
      const stat = await vscode.workspace.fs.stat(vscode.Uri.file(file));
      const hit = configCache.get(file);
      if (hit && hit.mtime === stat.mtime) return hit.config;
      const text = new TextDecoder().decode(await vscode.workspace.fs.readFile(vscode.Uri.file(file)));
      // Schema errors are shown in prompt-cost.json itself by VS Code (jsonValidation); valid parts apply.
      const { config } = parseBudgetConfig(text, file);
      configCache.set(file, { mtime: stat.mtime, config });
      return config;
    } catch {
      // not here: go up
    }
    if (!stop || dir === stop || path.dirname(dir) === dir) return EMPTY_BUDGET_CONFIG;
  }
}

export async function editorPromptWorkspace(services: Services, uri: vscode.Uri): Promise<EditorPromptWorkspace> {
  const settings = readConfig(uri);
  const [ctx, config, { requestsPerDayFor }] = await Promise.all([
    services.pricing.forDocument(uri),
    budgetConfigFor(uri),
    import('../../core/promptBudgets'),
  ]);
  const models = [
    ...new Set([...(settings.primaryModel ? [settings.primaryModel] : []), ...(config.models.length ? config.models : ctx.models)]),
  ];
  const configDir = config.file ? path.dirname(config.file) : vscode.workspace.getWorkspaceFolder(uri)?.uri.fsPath;
  return {
    config,
    configDir,
    primary: models[0],
    pricing: {
      catalog: ctx.catalog,
      models,
      outputTokens: config.outputTokens ?? settings.expectedOutputTokens,
      requestsPerDay: (relPath, fromFrontMatter) => {
        const rel = configDir && uri.scheme === 'file' ? configRelative(configDir, uri.fsPath) : relPath;
        return requestsPerDayFor(config, rel, fromFrontMatter, settings.requestsPerDay);
      },
    },
  };
}

export function configRelative(configDir: string, fsPath: string): string {
  return path.relative(configDir, fsPath).split(path.sep).join('/');
}
