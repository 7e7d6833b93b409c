// The prompts of one version of a file, each priced exactly as `prompt-cost estimate` prices it: the
// same documents (filePromptDocuments), the same models, output tokens and costs (estimateDocument).
// `diff`, `check` and the editor's change lens read prompts only through here, so a change's before
// and after are the numbers `estimate` shows for each version.
import type { Decimal } from '../pricing/decimal';
import type { PriceCatalog } from '../pricing/catalog';
import { estimateDocument, filePromptDocuments, canonicalModelId, type FilePromptDocument } from '../estimate/file';
import type { OutputTokensSource } from '../estimate/outputTokens';
import type { LearnedChoice, LearnedOutput } from '../history/learned/lookup';
import type { CodePrompt } from '../prompt/code';
import type { PromptDocument } from '../prompt/document';
import { countTokens } from '../tokenize';
import { lastAtOrBefore } from '../sorted';

export interface PricingOptions {
  catalog: PriceCatalog;
  /** Configured models, priced after the prompt's own model. */
  models: readonly string[];
  /** The configured expected output tokens (prompt-cost.json `output_tokens`, the editor setting). */
  outputTokens: number;
  /** Output tokens the user chose (`--output-tokens`): wins over the prompt's max tokens. */
  outputTokensOption?: number;
  /**
   * Output tokens learned from the run ledger (issue 21): `lookup(path, prompt name, model)` for one prompt
   * (the name of one prompt of a list or a code file; undefined for a whole prompt file) and which number.
   */
  learned?: { lookup: (path: string, promptName: string | undefined, model: string) => LearnedOutput | undefined; choice: LearnedChoice };
  /** Requests per day of a prompt (path, the front matter's value). */
  requestsPerDay: (path: string, fromFrontMatter?: number) => number;
}

export interface ModelCost {
  model: string;
  /** Input tokens (messages with chat framing, as `estimate` counts them). */
  tokens: number;
  outputTokens: number;
  encoding: string;
  approximate: boolean;
  /** Per request: input + expected output; undefined when unpriced. */
  perRequest?: Decimal;
  inputUsd?: Decimal;
  outputUsd?: Decimal;
  monthly?: Decimal;
  priceError?: string;
}

/** One version of one prompt, priced for each model. */
export interface PromptSide {
  path: string;
  /** 0-based line of the prompt (0 for a prompt file). */
  line: number;
  /** Offsets of the literal (code) or of the whole file. */
  range: { start: number; end: number };
  /** The prompt's own model (front matter, or the call's model), as `provider:model`, if any. */
  model?: string;
  /** The model the prompt is judged for: its own model, else the first configured. */
  primary?: string;
  requestsPerDay: number;
  outputTokens: number;
  outputTokensSource: OutputTokensSource;
  costs: ModelCost[];
  /** Content hash surrogate: the text itself, to tell "moved" from "edited". */
  text: string;
}

/** One prompt of a file version: its document, where it is, how it is paired across a change, priced. */
export interface PricedPrompt {
  prompt: FilePromptDocument;
  side: PromptSide;
  startLine: number;
  endLine: number;
  /** What identifies the prompt across versions (call and key for code, `prompt N` in a list). */
  key: string;
  label: string;
  /** The literal found in code (kind `code`). */
  code?: CodePrompt;
}

const COUNTERS = (enc: Parameters<typeof countTokens>[1]) => (t: string) => countTokens(t, enc);

/** `budget.requests_per_day` of the front matter, when it is a non-negative number. */
export function frontMatterRequestsPerDay(doc: PromptDocument): number | undefined {
  const data = doc.frontMatter?.data as { budget?: { requests_per_day?: unknown } } | undefined;
  const v = data && typeof data === 'object' ? data.budget?.requests_per_day : undefined;
  return typeof v === 'number' && Number.isFinite(v) && v >= 0 ? v : undefined;
}

/** Every prompt of a file version (a prompt file, a promptfoo list, code), priced as `estimate` prices it. */
export function pricedPrompts(path: string, text: string, pricing: PricingOptions): PricedPrompt[] {
  const fileName = path.slice(path.lastIndexOf('/') + 1);
  const lineStarts = [0];
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) lineStarts.push(i + 1);
  const lineOf = (offset: number) => lastAtOrBefore(lineStarts, offset);
  const { prompts } = filePromptDocuments(text, fileName);
  return prompts.map((p) => {
    const code = p.codePrompt;
    const range = code ? code.range : { start: 0, end: text.length };
    const startLine = code ? lineOf(code.range.start) : p.kind === 'list' ? p.line - 1 : 0;
    const name = code?.source === 'assignment' ? assignedName(text, lineStarts[startLine], code.range.start) : undefined;
    return {
      prompt: p,
      code,
      startLine,
      endLine: code ? lineOf(Math.max(code.range.start, code.range.end - 1)) : startLine,
      key: code ? `${code.source}|${code.call ?? ''}|${code.key ?? name ?? ''}|${code.role ?? ''}` : p.kind === 'list' ? p.name : '',
      label: code ? codeLabel(code, name) : p.kind === 'list' ? `${fileName} ${p.name}` : fileName,
      side: priceDocument(path, p.document, startLine, range, code ? code.text : text, pricing, p.kind === 'file' ? undefined : p.name),
    };
  });
}

/** One document priced for its own model and the configured ones, as estimateDocument prices it. */
export function priceDocument(
  path: string,
  doc: PromptDocument,
  line: number,
  range: { start: number; end: number },
  text: string,
  pricing: PricingOptions,
  promptName?: string,
): PromptSide {
  const requestsPerDay = pricing.requestsPerDay(path, frontMatterRequestsPerDay(doc));
  const learned = pricing.learned;
  const est = estimateDocument(
    doc,
    COUNTERS,
    {
      catalog: pricing.catalog,
      configuredModels: pricing.models,
      expectedOutputTokens: pricing.outputTokens,
      outputTokens: pricing.outputTokensOption,
      learned: learned && { lookup: (name, model) => learned.lookup(path, name, model), choice: learned.choice },
      requestsPerDay,
    },
    undefined,
    promptName,
  );
  const costs = est.models.map((m): ModelCost => {
    const row = est.table.rows.find((r) => r.id === m.model);
    const base = { model: m.model, tokens: m.inputTokens, outputTokens: est.outputTokens, encoding: m.tokenizer.encoding };
    if (!row) {
      const error = est.table.errors.find((e) => e.id === m.model);
      return { ...base, approximate: m.tokenizer.approximate, priceError: error?.message ?? `no price for ${m.model}` };
    }
    return {
      ...base,
      outputTokens: row.outputTokens,
      approximate: row.approximate,
      perRequest: row.totalUsd,
      inputUsd: row.inputUsd,
      outputUsd: row.outputUsd,
      monthly: row.monthlyUsd,
    };
  });
  return {
    path,
    line,
    range,
    model: doc.model ? canonicalModelId(doc.model) : undefined,
    primary: est.primary,
    requestsPerDay,
    outputTokens: est.outputTokens,
    outputTokensSource: est.outputTokensSource,
    costs,
    text,
  };
}

/** `SYSTEM_PROMPT = "..."` / `const userPrompt: string = ...` → the assigned name (labels and matching). */
function assignedName(text: string, lineStart: number, literalStart: number): string | undefined {
  const m = /([A-Za-z_$][\w$]*)\s*(?::[^=]*)?=\s*\(?\s*$/.exec(text.slice(lineStart, literalStart));
  return m?.[1];
}

/** A call is named by its callee (one prompt per call); a string outside a call by its name or role. */
function codeLabel(p: CodePrompt, name?: string): string {
  if (p.call) return p.call;
  return p.key === 'content' && p.role ? `${p.role} message` : (p.key ?? name ?? p.role ?? 'prompt');
}
