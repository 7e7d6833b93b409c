// The two things the run-history views read from flujo.toml: where Flujo keeps its state database
// (`state_uri`) and the `[budgets]` table. Plain data, so it can come back from the flujo worker.
import { parse } from 'smol-toml';

export interface FlujoHistoryConfig {
  stateUri?: string;
  /** The `[budgets]` table as parsed (see core/history budgetsFromToml), if present. */
  budgets?: unknown;
}

/** Throws smol-toml's error (with its line and column) when the text is not TOML. */
export function readFlujoHistoryConfig(text: string): FlujoHistoryConfig {
  const doc = parse(text) as Record<string, unknown>;
  const config: FlujoHistoryConfig = {};
  if (typeof doc.state_uri === 'string') config.stateUri = doc.state_uri;
  if (doc.budgets !== undefined) config.budgets = doc.budgets;
  return config;
}
