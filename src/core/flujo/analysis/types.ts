// The data the flujo.toml analysis produces: diagnostics with stable codes, quick-fix payloads, model
// tables and the pricing Flujo will see.
import type { FlujoPricing } from '../../pricing/catalog';
import type { ReferenceCatalog } from '../../pricing/reference';
import type { Range, ScanResult, ValueNode } from '../scanner';

export type Severity = 'error' | 'warning' | 'info';

export const DIAGNOSTIC_CODES = [
  'toml-syntax',
  'unknown-section',
  'unknown-key',
  'wrong-type',
  'missing-price',
  'negative-value',
  'dotted-model-key',
  'price-magnitude',
  'price-differs',
  'unknown-model',
  'invalid-image-key',
  'budget-invalid',
  'unpriced-model',
  'lax-value',
  'absurd-value',
  /** The cap on reported diagnostics was reached: how many more there are. */
  'too-many-problems',
] as const;
export type DiagnosticCode = (typeof DIAGNOSTIC_CODES)[number];

/** Payload a quick fix needs (see fixes.ts). */
export type FixData =
  | { kind: 'quote-model-key'; model: string; quoted: string }
  | {
      kind: 'replace-key';
      replacement: string;
      suggestions: string[];
      /** TOML text to write instead of the quoted key (e.g. `budgets.default`). */ text?: string;
    }
  | { kind: 'replace-value'; replacement: string }
  | {
      kind: 'add-missing-prices';
      provider: string;
      model: string;
      missing: string[];
      insertAfter: Range;
      reference?: Record<string, string>;
    }
  | { kind: 'convert-magnitude'; key: string; value: string; replacement: string; direction: 'per1m-to-per1k' | 'per1k-to-per1m' }
  | { kind: 'price-differs'; key: string; value: string; reference: string }
  | {
      kind: 'replace-model';
      provider: string;
      model: string;
      suggestions: string[];
      /** The table's token prices as written, so a fix can bring them to the chosen model's reference. */
      prices?: { key: 'prompt_tokens_per_1k' | 'completion_tokens_per_1k'; range: Range; text: string }[];
    }
  | { kind: 'add-model-table'; provider: string | undefined; model: string; usedIn: string[] };

export interface FlujoDiagnostic {
  severity: Severity;
  code: DiagnosticCode;
  message: string;
  /** 0-based lines and UTF-16 columns. */
  range: Range;
  data?: FixData;
}

/** A `provider:model` string found in workspace code (see usage.ts). */
export interface ModelUsage {
  id: string;
  file?: string;
  line?: number; // 0-based
  /** Further uses of the same id in the same file, not listed one by one (summarizeUsages). */
  more?: number;
}

export interface AnalyzeOptions {
  reference?: ReferenceCatalog;
  /** Models used in the workspace, for `unpriced-model` in strict mode. */
  usedModels?: readonly ModelUsage[];
  /** Cap on reported diagnostics, default 1,000 (a binary file could otherwise produce millions); the rest are counted in one `too-many-problems`. */
  maxDiagnostics?: number;
  /** Checked between stages: when it returns true the analysis stops with a CancellationError (a newer edit superseded it). */
  cancelled?: () => boolean;
  /** File modification date for the pricing source date. */
  date?: string;
  path?: string;
  /** The file's bytes are not UTF-8 (decodeTomlBytes): Flujo cannot load it; reported first. */
  encodingError?: FlujoDiagnostic;
  /** The file's bytes start with a UTF-8 byte-order mark that `text` (an editor's document) does not hold. */
  byteOrderMark?: boolean;
}

export interface ModelTable {
  provider: string;
  model: string;
  /** Range of the model key (header or inline key); where hovers and fixes point. */
  modelRange: Range;
  /** Range of the provider key where the file first names this table. */
  providerRange?: Range;
  /** Range of the whole header `[...]` or key, after which keys can be inserted. */
  anchor: Range;
  keys: Map<string, { keyRange: Range; value: ValueNode }>;
  inline: boolean;
  /** Sub-tables TOML nested inside the model table (pydantic drops them). */
  nested: string[];
}

export interface FlujoAnalysis {
  diagnostics: FlujoDiagnostic[];
  /** What Flujo will price with (dotted, negative or malformed prices excluded, exactly as Flujo would miss them). */
  pricing: FlujoPricing;
  models: ModelTable[];
  strict: boolean;
  strictRange?: Range;
  scan: ScanResult;
  /** True when smol-toml parsed the file. */
  valid: boolean;
}
