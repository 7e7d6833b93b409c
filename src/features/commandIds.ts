// Command ids, in one place so features and package.json agree (a unit test checks package.json).
export const COMMANDS = {
  estimateFile: 'promptCost.estimateFile',
  showBreakdown: 'promptCost.showBreakdown',
  pickPrimaryModel: 'promptCost.pickPrimaryModel',
  copyEstimate: 'promptCost.copyEstimateMarkdown',
  toggleCodeLens: 'promptCost.toggleCodeLens',
  openComparison: 'promptCost.openComparison',
  updatePrices: 'promptCost.updatePrices',
} as const;
