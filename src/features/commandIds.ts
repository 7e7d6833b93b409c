// Command ids, in one place so features and package.json agree (test/unit/package-contributions.test.ts checks).
export const COMMANDS = {
  estimateFile: 'promptCost.estimateFile',
  showBreakdown: 'promptCost.showBreakdown',
  pickPrimaryModel: 'promptCost.pickPrimaryModel',
  copyEstimate: 'promptCost.copyEstimateMarkdown',
  toggleCodeLens: 'promptCost.toggleCodeLens',
  openComparison: 'promptCost.openComparison',
  updatePrices: 'promptCost.updatePrices',
  runPrompt: 'promptCost.runPrompt',
} as const;
