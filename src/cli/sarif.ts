// SARIF 2.1.0 (OASIS, sarif-v2.1.0 §3: sarifLog, run, tool, result, location, region) for `check`:
// budget findings and flujo.toml lint findings, with rule ids, levels and 1-based regions, paths relative
// to the repository root (uriBaseId SRCROOT) as GitHub code scanning expects.
import { pathToFileURL } from 'node:url';

export interface SarifFinding {
  ruleId: string;
  level: 'error' | 'warning' | 'note';
  message: string;
  /** Repository-relative, `/`-separated. */
  path: string;
  /** 1-based, end column exclusive (SARIF §3.30.2 regions default to 1-based lines and columns). */
  startLine: number;
  startColumn: number;
  endLine: number;
  endColumn: number;
}

export interface SarifRule {
  id: string;
  name: string;
  description: string;
  level: 'error' | 'warning' | 'note';
}

export const SARIF_SCHEMA = 'https://json.schemastore.org/sarif-2.1.0.json';

export function buildSarif(findings: readonly SarifFinding[], rules: readonly SarifRule[], options: { root: string; version: string }) {
  const ruleIds = [...new Set([...rules.map((r) => r.id), ...findings.map((f) => f.ruleId)])];
  const byId = new Map(rules.map((r) => [r.id, r]));
  const ruleObjects = ruleIds.map((id) => {
    const r = byId.get(id);
    return {
      id,
      name: r?.name ?? id.replace(/[^A-Za-z0-9]+(.)?/g, (_m, c: string | undefined) => (c ? c.toUpperCase() : '')),
      shortDescription: { text: r?.description ?? id },
      defaultConfiguration: { level: r?.level ?? 'warning' },
    };
  });
  let rootUri = pathToFileURL(options.root).href;
  if (!rootUri.endsWith('/')) rootUri += '/';
  return {
    $schema: SARIF_SCHEMA,
    version: '2.1.0' as const,
    runs: [
      {
        tool: {
          driver: {
            name: 'prompt-cost',
            fullName: 'Prompt Cost Lens CLI',
            version: options.version,
            informationUri: 'https://example.invalid/prompt-cost-lens',
            rules: ruleObjects,
          },
        },
        originalUriBaseIds: { SRCROOT: { uri: rootUri } },
        results: findings.map((f) => ({
          ruleId: f.ruleId,
          ruleIndex: ruleIds.indexOf(f.ruleId),
          level: f.level,
          message: { text: f.message },
          locations: [
            {
              physicalLocation: {
                artifactLocation: { uri: relativeUri(f.path), uriBaseId: 'SRCROOT' },
                region: {
                  startLine: Math.max(1, f.startLine),
                  startColumn: Math.max(1, f.startColumn),
                  endLine: Math.max(f.startLine, f.endLine, 1),
                  endColumn: Math.max(1, f.endColumn),
                },
              },
            },
          ],
          // Stable across runs and line moves, so code scanning tracks one alert per prompt and rule.
          partialFingerprints: { promptCostFinding: `${f.ruleId}:${f.path}:${hash(f.message.replace(/[\d.,$≈]+/g, '#'))}` },
        })),
      },
    ],
  };
}

/**
 * A repository-relative path as a relative URI reference (SARIF §3.4.3, RFC 3986 §4.2): each segment
 * percent-encoded, so `#`, `?`, `%`, spaces and non-ASCII name the file instead of starting a fragment
 * or query (`encodeURI` leaves `#` and `?` as they are).
 */
export function relativeUri(path: string): string {
  // encodeURIComponent also encodes `:`, so a first segment can never read as a scheme (RFC 3986 §4.2).
  return path.split('/').map(encodeURIComponent).join('/');
}

function hash(s: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193) >>> 0;
  return h.toString(16).padStart(8, '0');
}

export const BUDGET_RULES: readonly SarifRule[] = [
  {
    id: 'budget/max-input-tokens',
    name: 'MaxInputTokens',
    description: 'A prompt sends more input tokens than its budget allows.',
    level: 'error',
  },
  {
    id: 'budget/max-cost-per-request',
    name: 'MaxCostPerRequest',
    description: 'A request with this prompt costs more than its budget allows.',
    level: 'error',
  },
  {
    id: 'budget/max-monthly-cost',
    name: 'MaxMonthlyCost',
    description: 'The prompt costs more per month (per request × requests/day × 30) than its budget allows.',
    level: 'error',
  },
  {
    id: 'budget/max-increase',
    name: 'MaxIncrease',
    description: 'A change raised the cost per request of a prompt by more than allowed.',
    level: 'error',
  },
  {
    id: 'budget/unpriced-model',
    name: 'UnpricedModel',
    description: 'A money limit or an increase cannot be checked because the model has no price; the gate fails closed.',
    level: 'error',
  },
  {
    id: 'prompt/front-matter',
    name: 'FrontMatter',
    description: "A prompt's front matter cannot be read (YAML error), so its model, max tokens and budget are lost.",
    level: 'error',
  },
  {
    id: 'budget/invalid',
    name: 'InvalidBudget',
    description: "A prompt's front matter budget is malformed, so a limit would be ignored.",
    level: 'error',
  },
];
