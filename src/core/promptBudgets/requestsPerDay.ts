// A prompt's requests per day, one precedence for every command and the editor. Light on purpose
// (types only): the editor reads it at activation without loading the YAML parser.
import type { BudgetConfig } from './index';

/** Where a prompt's requests/day came from: the flag, its front matter, a prompt-cost.json rule or default, the built-in default. */
export type RequestsPerDaySource = 'option' | 'file' | 'rule' | 'setting' | 'default';

/**
 * A prompt's requests per day, the same for every command and the editor: the user's choice
 * (`--requests-per-day`), then the prompt's front matter `budget.requests_per_day`, then the last
 * matching prompt-cost.json rule, then prompt-cost.json's `requests_per_day` (or the editor setting),
 * then `fallback` (1,000).
 */
export function requestsPerDayFor(i: {
  option?: number;
  fromFrontMatter?: number;
  config: BudgetConfig;
  /** Path relative to prompt-cost.json's folder (rule globs); undefined when the prompt has no path. */
  configPath?: string;
  /** The editor's `promptCost.requestsPerDay`, used when prompt-cost.json sets none. */
  setting?: number;
  fallback: number;
}): { value: number; source: RequestsPerDaySource } {
  if (i.option !== undefined) return { value: i.option, source: 'option' };
  if (i.fromFrontMatter !== undefined) return { value: i.fromFrontMatter, source: 'file' };
  let fromRule: number | undefined;
  if (i.configPath !== undefined)
    for (const r of i.config.rules)
      if (r.limits.requests_per_day !== undefined && r.matches(i.configPath)) fromRule = r.limits.requests_per_day;
  if (fromRule !== undefined) return { value: fromRule, source: 'rule' };
  const setting = i.config.requestsPerDay ?? i.setting;
  if (setting !== undefined) return { value: setting, source: 'setting' };
  return { value: i.fallback, source: 'default' };
}
