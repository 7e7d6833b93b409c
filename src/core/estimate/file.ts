// "What does this file cost for these models?" — the one answer for the editor, the comparison
// panel and the CLI (`estimate`, `compare`): which prompts the file holds (one for a prompt file,
// several for a promptfoo list or a code file), their messages as the runtime sends them, which
// models to price (the file's own first, then the configured ones), how many output tokens to
// expect (the user's choice, else the file's max tokens, else the setting) and the priced table.
import { parseModelId } from '../pricing/model-id';
import { PriceCatalog } from '../pricing/catalog';
import { CompareRow, CompareRowJson, rowToJson } from '../pricing/compare';
import { codePromptModelId, findPromptsInCode } from '../prompt/code';
import { LineIndex, PromptDocument, parsePromptDocument } from '../prompt/document';
import { splitPromptList } from '../prompt/structured';
import type { CodePrompt } from '../prompt/code';
import { countTokens, tokenizerForModel } from '../tokenize';
import { CHAT_FORMATS } from '../tokenize/chatFormats';
import { framedFormatFor } from '../tokenize/registry';
import { templateRefusals } from './templateRefusals';
import { skillFigures, type SkillFigures } from '../prompt/skill';
import type { Counters, FamilyFraming, PromptEstimate } from './index';
import { estimatePrompt } from './index';
import type { ProviderCounts } from './providerCounts';
import type { LearnedChoice, LearnedOutput } from '../history/learned/lookup';

export { DEFAULT_MODELS, DEFAULT_EXPECTED_OUTPUT_TOKENS } from './defaults';

export interface EstimateSettings {
  catalog: PriceCatalog;
  /** The configured models: `promptCost.models`, else the models priced in flujo.toml, else DEFAULT_MODELS. */
  configuredModels: readonly string[];
  /** `promptCost.primaryModel` (empty: the prompt's own model, else the first). */
  primaryModel?: string;
  /** Price exactly these models (CLI `--model`); the file's own model is then not added. */
  onlyModels?: readonly string[];
  /** Expected output tokens when the prompt does not say (`promptCost.expectedOutputTokens`). */
  expectedOutputTokens: number;
  /** Output tokens chosen by the user: wins over the prompt's max tokens. */
  outputTokens?: number;
  /** Output tokens learned from runs: `lookup(prompt name, model)` for this file's prompts, and which number. */
  learned?: { lookup: (promptName: string | undefined, model: string) => LearnedOutput | undefined; choice: LearnedChoice };
  requestsPerDay: number;
  /** The workspace's cached provider counts (`.prompt-cost/provider-counts.json`), if read. */
  providerCounts?: ProviderCounts;
}

/** `gpt-4o` and `openai:gpt-4o` are one model: the spelling every row and list uses (provider inferred as Flujo does). */
export function canonicalModelId(id: string): string {
  return parseModelId(id).id;
}

/** The models to price for a prompt whose own model is `own`, and the primary one (status bar, first column). */
export function planModels(own: string | undefined, s: Pick<EstimateSettings, 'configuredModels' | 'primaryModel' | 'onlyModels'>) {
  const dedupe = (ids: readonly string[]) => [...new Map(ids.map((m) => [canonicalModelId(m), m.trim()])).keys()];
  if (s.onlyModels?.length) {
    const models = dedupe(s.onlyModels);
    return { models, primary: models[0] };
  }
  const mine = own ? canonicalModelId(own) : undefined;
  const models = dedupe(mine ? [mine, ...s.configuredModels] : s.configuredModels);
  const primary = s.primaryModel ? canonicalModelId(s.primaryModel) : (mine ?? models[0]);
  return { models: primary && !models.includes(primary) ? [primary, ...models] : models, primary };
}

export interface DocumentEstimate extends PromptEstimate {
  primary: string;
  /** A `SKILL.md`: tokens always loaded (name + description) and on use (the body), in the primary model's encoding. */
  skill?: SkillFigures;
}

/**
 * One parsed prompt priced for the planned models; `promptName` names one prompt of a file that holds
 * several (its learned history is its own).
 */
export function estimateDocument(
  doc: PromptDocument,
  counters: Counters,
  s: EstimateSettings,
  framing?: FamilyFraming,
  promptName?: string,
): DocumentEstimate {
  const learned = s.learned;
  const { models, primary } = planModels(doc.model, s);
  const estimate = estimatePrompt(
    doc,
    counters,
    {
      models,
      catalog: s.catalog,
      outputTokens: s.expectedOutputTokens,
      outputTokensOverride: s.outputTokens,
      learned: learned && { lookup: (model) => learned.lookup(promptName, model), choice: learned.choice },
      requestsPerDay: s.requestsPerDay,
      providerCounts: s.providerCounts,
    },
    framing,
  );
  if (!doc.skill) return { ...estimate, primary };
  const encoding = tokenizerForModel(primary).encoding;
  const skill = skillFigures(doc, counters(encoding), encoding);
  return { ...estimate, primary, ...(skill ? { skill } : {}) };
}

/** One prompt of a file: the whole prompt file, one prompt of a promptfoo list, or a prompt found in code. */
export interface FilePrompt {
  /** `system_prompt` / `messages.create` for code, `prompt 2` in a list; the file name otherwise. */
  name: string;
  /** 1-based line where the prompt starts. */
  line: number;
  kind: 'file' | 'list' | 'code';
  document: PromptDocument;
  estimate: DocumentEstimate;
  /** The call (or string) found in code, for `kind: 'code'`. */
  code?: CodePrompt;
}

export interface FileEstimate {
  fileName: string;
  format: string;
  prompts: FilePrompt[];
  /** What the numbers leave out or assume (history inserted at run time, media, tools...). */
  notes: string[];
}

import { codeLanguageForFile } from '../prompt/codeLanguages';

export { codeLanguageForFile };

/**
 * A prompt found in code as a document: a call's messages in order, framed as the chat API frames them
 * (`api: chat`), with the call's max tokens; a string outside a call (a prompt-named constant) is one
 * message counted as written (`api: fragment`) — the call that sends it decides the framing.
 */
export function codePromptDocument(p: CodePrompt, fileName: string, lines: LineIndex): PromptDocument {
  const line = lines.positionAt(p.range.start).line;
  const model = codePromptModelId(p);
  const notes = p.unread.length ? [`Messages decided at run time are not counted: ${p.unread.map((u) => `\`${u}\``).join(', ')}.`] : [];
  return {
    fileName,
    format: 'text',
    bom: false,
    body: p.range,
    bodyStartLine: line,
    api: p.chat ? 'chat' : 'fragment',
    ...(model ? { model } : {}),
    ...(p.maxTokens !== undefined ? { maxTokens: p.maxTokens } : {}),
    ...(notes.length ? { notes } : {}),
    messages: p.messages.map((m) => {
      const at = lines.positionAt(m.range.start).line;
      return {
        role: m.role,
        content: m.text,
        range: m.range,
        sectionRange: m.range,
        headerLine: at,
        startLine: at,
        implicit: true,
        placeholders: m.placeholders,
      };
    }),
    placeholders: p.placeholders,
    diagnostics: [],
  };
}

export interface FileEstimateOptions {
  /** Counts text in one encoding; default: the exact tokenizer on this thread. */
  counters?: Counters;
  /** Reads a file next to this one (Semantic Kernel's `config.json` beside `skprompt.txt`); undefined when absent. */
  readSibling?: (name: string) => string | undefined;
  /** Requests per day of one prompt (its front matter can set its own); default: the settings' value. */
  requestsPerDay?: (doc: PromptDocument) => number;
}

/** One prompt of a file before it is priced: its document, and for code the literal it came from. */
export interface FilePromptDocument {
  name: string;
  /** 1-based line where the prompt starts. */
  line: number;
  kind: FilePrompt['kind'];
  document: PromptDocument;
  /** The prompt found in code (kind `code`). */
  codePrompt?: CodePrompt;
}

/** The prompts of a source file (VS Code language id `languageId`) as documents, one per call. */
export function codePromptDocuments(text: string, languageId: string, fileName: string): FilePromptDocument[] {
  const lines = new LineIndex(text);
  return findPromptsInCode(text, languageId).map((p): FilePromptDocument => {
    const document = codePromptDocument(p, fileName, lines);
    return { name: p.call ?? p.key ?? p.source, line: document.bodyStartLine + 1, kind: 'code', document, codePrompt: p };
  });
}

/**
 * The prompts of a file as documents, the way every command reads them (`estimate`, `compare`, `diff`,
 * `check`, the editor): a code file's prompts, each entry of a promptfoo list, or the whole prompt file.
 */
export function filePromptDocuments(
  text: string,
  fileName: string,
  options: Pick<FileEstimateOptions, 'readSibling'> = {},
): { format: string; prompts: FilePromptDocument[]; notes: string[] } {
  const base = fileName.replace(/^.*[\\/]/, '');
  const language = codeLanguageForFile(base);
  if (language) {
    const prompts = codePromptDocuments(text, language, base);
    return {
      format: `code:${language}`,
      prompts,
      notes: [
        "Prompts in code: one per call, its messages framed as the call's chat API sends them; a prompt-named string no call sends is counted as written.",
        ...prompts.flatMap((p) => (p.document.notes ?? []).map((n) => `line ${p.line}: ${n}`)),
      ],
    };
  }
  const list = splitPromptList(text, base);
  if (list) {
    const prompts = list.map((part, i): FilePromptDocument => ({
      name: `prompt ${i + 1}`,
      line: part.line + 1,
      kind: 'list',
      document: parsePromptDocument(part.text, base, { readSibling: options.readSibling }),
    }));
    return { format: 'promptfoo-list', prompts, notes: ["promptfoo prompt list: each '---'-separated prompt is estimated on its own."] };
  }
  const document = parsePromptDocument(text, base, { readSibling: options.readSibling });
  return {
    format: document.format,
    // A file that is not priced (an OpenAPI description, an image prompt) holds no prompt to price: its note says why.
    prompts: document.notPriced ? [] : [{ name: base, line: document.bodyStartLine + 1, kind: 'file', document }],
    notes: [...(document.notes ?? [])],
  };
}

/** Every prompt in a file, each priced: what `prompt-cost estimate` and `compare` print. */
export function estimateFile(text: string, fileName: string, s: EstimateSettings, options: FileEstimateOptions = {}): FileEstimate {
  const counters: Counters = options.counters ?? ((enc) => (t) => countTokens(t, enc));
  const { format, prompts, notes } = filePromptDocuments(text, fileName, options);
  const priced = prompts.map((p) => ({
    name: p.name,
    line: p.line,
    kind: p.kind,
    document: p.document,
    estimate: estimateDocument(
      p.document,
      counters,
      options.requestsPerDay ? { ...s, requestsPerDay: options.requestsPerDay(p.document) } : s,
      undefined,
      p.kind === 'file' ? undefined : p.name,
    ),
    ...(p.codePrompt ? { code: p.codePrompt } : {}),
  }));
  return { fileName, format, prompts: priced, notes: [...notes, ...framingNotes(priced)] };
}

/**
 * Exact vocabularies whose chat framing is not (the model's own template, or the template refused), or is
 * a vendored per-version template with an assumption (Llama 3.1's date): say so once per model.
 */
function framingNotes(prompts: readonly FilePrompt[]): string[] {
  const out = new Set<string>();
  for (const p of prompts)
    for (const m of p.estimate.models) {
      const format = framedFormatFor(m.model);
      if (!format || m.providerCount) continue;
      if (m.tokenizer.approximate || CHAT_FORMATS[format].vendored || CHAT_FORMATS[format].coded)
        out.add(`${m.model}: ${m.tokenizer.method}`);
    }
  // where a template refuses the conversation, in the file (the editor's warning)
  for (const p of prompts)
    for (const d of templateRefusals(p.document, p.estimate)) {
      const message = p.document.messages.find((m) => (m.headerRange ?? m.range).start === d.range.start);
      out.add(`${p.kind === 'file' && message ? `line ${message.headerLine + 1}` : p.name}: ${d.message}`);
    }
  return [...out];
}

/**
 * The prompts of a source file, one per call, each priced: what the editor's CodeLens and hover show —
 * the documents and pricing `estimateFile` uses, so the editor and `prompt-cost estimate` agree.
 */
export function estimateCodePrompts(
  text: string,
  languageId: string,
  fileName: string,
  s: EstimateSettings,
  counters?: Counters,
): FilePrompt[] {
  const count: Counters = counters ?? ((enc) => (t) => countTokens(t, enc));
  return codePromptDocuments(text, languageId, fileName).map((p) => ({
    name: p.name,
    line: p.line,
    kind: p.kind,
    document: p.document,
    estimate: estimateDocument(p.document, count, s, undefined, p.name),
    code: p.codePrompt,
  }));
}

/** One priced row as JSON — the same shape from `estimate` and `compare`; `model` is always `provider:model`. */
export interface EstimateRowJson extends CompareRowJson {
  /** Another model's price used for this one (a deployment or host name), saying which; else null. */
  priceStandIn: string | null;
  /** Input tokens per message, in message order (chat framing included). */
  messageTokens: number[];
  /** Where an exact count not made offline comes from ("Anthropic count_tokens API, cached 2026-11-30"); else null. */
  countSource: string | null;
  /** The workspace calibration applied to an approximate count (factor, measured band, pairs); else null. */
  calibration: { factor: number; errorBand: number; n: number } | null;
}

export function estimateRowJson(row: CompareRow, estimate: PromptEstimate): EstimateRowJson {
  const j = rowToJson(row);
  const m = estimate.models.find((x) => x.model === row.id);
  const cal = m?.calibration;
  return {
    ...j,
    model: canonicalModelId(row.id),
    priceStandIn: row.priceStandIn ?? null,
    messageTokens: m?.messageTokens ?? [],
    countSource: m?.providerCount?.source ?? null,
    calibration: cal ? { factor: cal.factor, errorBand: cal.errorBand, n: cal.n } : null,
  };
}
