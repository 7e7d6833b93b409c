// Test access to the history views (PromptCostApi.history): tree items and totals are read through
// the real providers, as VS Code does.
import type { Services } from '../services';
import { BudgetsTreeProvider, budgetsTreeProvider } from './budgetsView';
import { RunsTreeProvider, runsTreeProvider } from './runsView';
import { HistoryStore, historyStore } from './store';
import { TeamExporter, teamExporter } from './teamExport';

export interface HistoryApi {
  readonly store: HistoryStore;
  readonly runs: RunsTreeProvider | undefined;
  readonly budgets: BudgetsTreeProvider | undefined;
  /** Live export to promptCost.telemetry.endpoint. */
  readonly teamExport: TeamExporter | undefined;
}

export function historyApi(services: Services): HistoryApi {
  return {
    get store() {
      return historyStore(services);
    },
    get runs() {
      return runsTreeProvider(services);
    },
    get budgets() {
      return budgetsTreeProvider(services);
    },
    get teamExport() {
      return teamExporter(services);
    },
  };
}
