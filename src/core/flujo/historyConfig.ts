// The two things the run-history views read from flujo.toml: where Flujo keeps its state database
// (`state_uri`) and the `[budgets]` table — and whether Flujo can load the file at all, since
// flujo/application/runner.py:267-283 applies TOML budgets only when ConfigManager().load_config()
// succeeds (any error → "preserve provided limits": none from flujo.toml). Plain data, so it can come
// back from the flujo worker.
import { parse } from 'smol-toml';
import { analyzeFlujoToml } from './analyze';
import type { FlujoDiagnostic } from './analysis/types';

export interface FlujoHistoryConfig {
  stateUri?: string;
  /** The `[budgets]` table as parsed (see core/history budgetsFromToml), if present; big integers as BigInt. */
  budgets?: unknown;
  /** Why Flujo cannot load this flujo.toml (then it applies none of its budgets), if it cannot. */
  loadError?: string;
}

/** Throws smol-toml's error (with its line and column) when the text is not TOML. */
export function readFlujoHistoryConfig(text: string, encodingError?: FlujoDiagnostic): FlujoHistoryConfig {
  const doc = parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text, { integersAsBigInt: 'asNeeded' }) as Record<string, unknown>;
  const config: FlujoHistoryConfig = {};
  if (typeof doc.state_uri === 'string') config.stateUri = doc.state_uri;
  if (doc.budgets !== undefined) {
    config.budgets = doc.budgets;
    // Only where it matters: the whole analysis says whether Flujo loads the file (one diagnostic kept).
    const loadError = analyzeFlujoToml(text, { maxDiagnostics: 1, encodingError }).pricing.loadError;
    if (loadError) config.loadError = loadError;
  }
  return config;
}
