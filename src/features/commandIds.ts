// Every command id, in one place so features and package.json agree (test/unit/package-contributions.test.ts
// checks both ways); features register and execute commands only through these constants.
export const COMMANDS = {
  estimateFile: 'promptCost.estimateFile',
  showBreakdown: 'promptCost.showBreakdown',
  pickPrimaryModel: 'promptCost.pickPrimaryModel',
  copyEstimate: 'promptCost.copyEstimateMarkdown',
  toggleCodeLens: 'promptCost.toggleCodeLens',
  openComparison: 'promptCost.openComparison',
  updatePrices: 'promptCost.updatePrices',
  runPrompt: 'promptCost.runPrompt',
  setApiKey: 'promptCost.setApiKey',
  clearApiKey: 'promptCost.clearApiKey',
  pickDeploymentModel: 'promptCost.pickDeploymentModel',
  providerCount: 'promptCost.countWithProvider',
  writeFlujoHistorical: 'promptCost.writeFlujoHistorical',
  setTelemetryHeaders: 'promptCost.setTelemetryHeaders',
  importLangfuse: 'promptCost.importLangfuse',
} as const;

/** The Runs view's title and context-menu commands. */
export const RUNS_COMMANDS = {
  refresh: 'promptCost.runs.refresh',
  groupBy: 'promptCost.runs.groupBy',
  filter: 'promptCost.runs.filter',
  clearFilter: 'promptCost.runs.clearFilter',
  exportCsv: 'promptCost.runs.exportCsv',
  importFlujo: 'promptCost.runs.importFlujo',
  openPrompt: 'promptCost.runs.openPrompt',
  rerun: 'promptCost.runs.rerun',
  copyDetails: 'promptCost.runs.copyDetails',
  delete: 'promptCost.runs.delete',
  restore: 'promptCost.runs.restore',
} as const;

/** The Changed Prompts view's title command. */
export const CHANGES_COMMANDS = {
  refresh: 'promptCost.changes.refresh',
  /** github.dev: price the change against the pull request's base, asked of GitHub (changes/pullRequestBase.ts). */
  pullRequestBase: 'promptCost.changes.pullRequestBase',
} as const;

/**
 * Commands that only say "not available in VS Code for the Web" there (they write the ledger or run a prompt): every menu entry of theirs carries `!promptCost.inBrowser` (features/platform.ts), checked by
 * test/unit/package-contributions.test.ts, and the web layer checks the rendered menus.
 */
export const BROWSER_HIDDEN_COMMANDS: readonly string[] = [
  COMMANDS.runPrompt,
  RUNS_COMMANDS.rerun,
  RUNS_COMMANDS.delete,
  RUNS_COMMANDS.importFlujo,
  COMMANDS.importLangfuse,
];
