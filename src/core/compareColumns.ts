// The one order in which the comparison table gives up columns when it is too wide: the panel hides
// them to fit its width (src/webview/compare.ts), `prompt-cost compare` to fit the terminal
// (src/cli/compare.ts). Model, Total and Monthly always show. A shared leaf (no imports): every
// layer may use it, the webview included (scripts/eslint-layers.mjs SHARED_LEAVES).

/** Least telling first. The keys are the comparison row's JSON keys (protocol SortKey). */
export const COMPARE_HIDE_ORDER = [
  'provider',
  'encoding',
  'priceSource',
  'contextUsedPct',
  'per1kRequestsUsd',
  'batchUsd',
  'cachedInputUsd',
  'outputUsd',
  'inputUsd',
  'inputTokens',
] as const;

export type HideableColumn = (typeof COMPARE_HIDE_ORDER)[number];
