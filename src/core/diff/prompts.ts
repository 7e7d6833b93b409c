// The prompts of one file before and after a change, paired and priced: a prompt file is one prompt;
// prompts inside code are matched across the change by position (lines aligned by a diff), then by
// the call and key they sit in, so a prompt that moved lines is "modified", not "removed + added".
import { Decimal } from '../pricing/decimal';
import { PriceCatalog } from '../pricing/catalog';
import { computeCost, monthlyCost } from '../pricing/cost';
import { codePromptDocument, documentTokens, promptFileTokens } from '../estimate';
import { LineIndex, parsePromptDocument, type PromptDocument } from '../prompt/document';
import { codePromptModelId, findPromptsInCode, type CodePrompt } from '../prompt/code';
import { alignLines, splitLines } from './lines';
import { lastAtOrBefore } from '../sorted';

export type PromptChangeStatus = 'added' | 'removed' | 'modified' | 'renamed' | 'unchanged';

export interface PricingOptions {
  catalog: PriceCatalog;
  /** Configured models, priced after the prompt's own model. */
  models: readonly string[];
  /** Expected output tokens when a prompt file has no max_tokens (prompts in code are priced on input only, as the editor shows them). */
  outputTokens: number;
  /** Requests per day of a prompt (path, the front matter's value). */
  requestsPerDay: (path: string, fromFrontMatter?: number) => number;
}

/** One version of one prompt, priced for each model. */
export interface PromptSide {
  path: string;
  /** 0-based line of the prompt (0 for a prompt file). */
  line: number;
  /** Offsets of the literal (code) or of the whole file. */
  range: { start: number; end: number };
  /** The prompt's own model (front matter, or the call's model), if any. */
  model?: string;
  requestsPerDay: number;
  outputTokens: number;
  costs: ModelCost[];
  /** Content hash surrogate: the text itself, to tell "moved" from "edited". */
  text: string;
}

export interface ModelCost {
  model: string;
  tokens: number;
  encoding: string;
  approximate: boolean;
  /** Per request (input + expected output for prompt files, input for prompts in code); undefined when unpriced. */
  perRequest?: Decimal;
  monthly?: Decimal;
  priceError?: string;
}

export interface PromptChange {
  kind: 'file' | 'code';
  status: PromptChangeStatus;
  /** Path now (the old path for a removed prompt), repository-relative, `/`-separated. */
  path: string;
  oldPath?: string;
  /** `system_prompt` · `client.chat.completions.create` etc. for prompts in code. */
  label: string;
  before?: PromptSide;
  after?: PromptSide;
  /** The model the change is summarised for: the prompt's own model, else the first configured. */
  primaryModel: string;
}

export interface FileVersions {
  path: string;
  oldPath?: string;
  /** undefined = the file did not exist on that side. */
  before?: string;
  after?: string;
  /** Prompt file, or source code with a language id. */
  type: { kind: 'file' } | { kind: 'code'; languageId: string };
  /** The file was renamed (or copied) from oldPath. */
  renamed?: boolean;
}

/** Source code extensions whose prompts we find, with the language id `findPromptsInCode` takes. */
export const CODE_LANGUAGE_BY_EXTENSION: Readonly<Record<string, string>> = {
  '.py': 'python',
  '.pyi': 'python',
  '.ts': 'typescript',
  '.mts': 'typescript',
  '.cts': 'typescript',
  '.tsx': 'typescriptreact',
  '.js': 'javascript',
  '.mjs': 'javascript',
  '.cjs': 'javascript',
  '.jsx': 'javascriptreact',
};

/** Prompts of one file that changed (unchanged and merely moved prompts are left out). */
export function diffFilePrompts(v: FileVersions, pricing: PricingOptions): PromptChange[] {
  return v.type.kind === 'file' ? diffPromptFile(v, pricing) : diffCodeFile(v, v.type.languageId, pricing);
}

// ---- prompt files ----

/** A prompt file priced for its own model and the configured ones (also what `check` measures budgets on). */
export function promptFileSide(path: string, text: string, pricing: PricingOptions): { side: PromptSide; doc: PromptDocument } {
  const fileName = path.slice(path.lastIndexOf('/') + 1);
  const doc = parsePromptDocument(text, fileName);
  const counts = promptFileTokens(text, fileName);
  const rpd = pricing.requestsPerDay(path, frontMatterRequestsPerDay(doc));
  const outputTokens = doc.maxTokens ?? pricing.outputTokens;
  const models = uniqueModels(doc.model, pricing.models);
  const costs = models.map((model) => {
    const t = counts.tokens(model);
    return price(model, t.tokens, t.encoding, t.approximate, outputTokens, rpd, pricing.catalog);
  });
  return {
    side: { path, line: 0, range: { start: 0, end: text.length }, model: doc.model, requestsPerDay: rpd, outputTokens, costs, text },
    doc,
  };
}

/** `budget.requests_per_day` of the front matter, when it is a non-negative number. */
export function frontMatterRequestsPerDay(doc: PromptDocument): number | undefined {
  const data = doc.frontMatter?.data as { budget?: { requests_per_day?: unknown } } | undefined;
  const v = data && typeof data === 'object' ? data.budget?.requests_per_day : undefined;
  return typeof v === 'number' && Number.isFinite(v) && v >= 0 ? v : undefined;
}

function diffPromptFile(v: FileVersions, pricing: PricingOptions): PromptChange[] {
  const before = v.before !== undefined ? promptFileSide(v.oldPath ?? v.path, v.before, pricing).side : undefined;
  const after = v.after !== undefined ? promptFileSide(v.path, v.after, pricing).side : undefined;
  const status: PromptChangeStatus = !before
    ? 'added'
    : !after
      ? 'removed'
      : v.renamed
        ? 'renamed'
        : before.text === after.text
          ? 'unchanged'
          : 'modified';
  if (status === 'unchanged') return [];
  const primaryModel = (after ?? before)!.model ?? pricing.models[0] ?? (after ?? before)!.costs[0]?.model;
  return [
    {
      kind: 'file',
      status,
      path: v.path,
      oldPath: v.oldPath,
      label: v.path.slice(v.path.lastIndexOf('/') + 1),
      before,
      after,
      primaryModel,
    },
  ];
}

// ---- prompts in code ----

export interface CodeSide {
  prompt: CodePrompt;
  side: PromptSide;
  startLine: number;
  endLine: number;
  key: string;
  label: string;
}

/** The prompts of a source file, each priced (also what `check` measures budgets on). */
export function codeSides(path: string, text: string, languageId: string, pricing: PricingOptions): CodeSide[] {
  const lineStarts = [0];
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) lineStarts.push(i + 1);
  const lineOf = (offset: number) => lastAtOrBefore(lineStarts, offset);
  const rpd = pricing.requestsPerDay(path);
  const lines = new LineIndex(text);
  return findPromptsInCode(text, languageId).map((prompt) => {
    // The same document (messages, chat framing, the call's max tokens) and count as the editor's lens on the call.
    const own = codePromptModelId(prompt);
    const counted = documentTokens(codePromptDocument(prompt, path, lines));
    const outputTokens = counted.maxTokens ?? pricing.outputTokens;
    const costs = uniqueModels(own, pricing.models).map((model) => {
      const { tokens, encoding, approximate } = counted.tokens(model);
      return price(model, tokens, encoding, approximate, outputTokens, rpd, pricing.catalog);
    });
    const startLine = lineOf(prompt.range.start);
    const name = prompt.source === 'assignment' ? assignedName(text, lineStarts[startLine], prompt.range.start) : undefined;
    return {
      prompt,
      startLine,
      endLine: lineOf(Math.max(prompt.range.start, prompt.range.end - 1)),
      key: `${prompt.source}|${prompt.call ?? ''}|${prompt.key ?? name ?? ''}|${prompt.role ?? ''}`,
      label: codeLabel(prompt, name),
      side: { path, line: startLine, range: prompt.range, model: own, requestsPerDay: rpd, outputTokens, costs, text: prompt.text },
    };
  });
}

/** `SYSTEM_PROMPT = "..."` / `const userPrompt: string = ...` → the assigned name (labels and matching). */
function assignedName(text: string, lineStart: number, literalStart: number): string | undefined {
  const m = /([A-Za-z_$][\w$]*)\s*(?::[^=]*)?=\s*\(?\s*$/.exec(text.slice(lineStart, literalStart));
  return m?.[1];
}

function codeLabel(p: CodePrompt, name?: string): string {
  const what = p.key === 'content' && p.role ? `${p.role} message` : (p.key ?? name ?? p.role ?? 'prompt');
  return p.call ? `${what} · ${p.call}` : what;
}

function diffCodeFile(v: FileVersions, languageId: string, pricing: PricingOptions): PromptChange[] {
  const olds = v.before !== undefined ? codeSides(v.oldPath ?? v.path, v.before, languageId, pricing) : [];
  const news = v.after !== undefined ? codeSides(v.path, v.after, languageId, pricing) : [];
  const pairs = matchCodePrompts(olds, news, v.before ?? '', v.after ?? '');
  const changes: PromptChange[] = [];
  const matchedNew = new Set<number>();
  const primaryOf = (s: CodeSide) => s.side.model ?? pricing.models[0] ?? s.side.costs[0]?.model;
  olds.forEach((o, i) => {
    const j = pairs.get(i);
    if (j === undefined) {
      changes.push({
        kind: 'code',
        status: 'removed',
        path: v.path,
        oldPath: v.oldPath,
        label: o.label,
        before: o.side,
        primaryModel: primaryOf(o),
      });
      return;
    }
    matchedNew.add(j);
    const n = news[j];
    const sameCost = o.side.text === n.side.text && o.side.model === n.side.model;
    if (sameCost) return; // unchanged, or only moved: no cost change
    changes.push({
      kind: 'code',
      status: 'modified',
      path: v.path,
      oldPath: v.oldPath,
      label: n.label,
      before: o.side,
      after: n.side,
      primaryModel: primaryOf(n),
    });
  });
  news.forEach((n, j) => {
    if (!matchedNew.has(j))
      changes.push({
        kind: 'code',
        status: 'added',
        path: v.path,
        oldPath: v.oldPath,
        label: n.label,
        after: n.side,
        primaryModel: primaryOf(n),
      });
  });
  return changes.sort((a, b) => (a.after ?? a.before)!.line - (b.after ?? b.before)!.line);
}

/**
 * Pairs old prompts with new ones (old index → new index):
 * 1. the same text and the same call/key, nearest to where the line diff says the old one went;
 * 2. overlap: the old literal's lines, carried through the line alignment, land inside a new literal;
 * 3. the same call/key within the same changed block (a literal rewritten on its own lines);
 * 4. the same call/key in order of appearance among what is left.
 */
export function matchCodePrompts(
  olds: readonly CodeSide[],
  news: readonly CodeSide[],
  beforeText: string,
  afterText: string,
): Map<number, number> {
  const pairs = new Map<number, number>();
  if (!olds.length || !news.length) return pairs;
  const map = alignLines(splitLines(beforeText), splitLines(afterText));
  const usedNew = new Set<number>();
  // Where an old line went: itself if unchanged, else just after the nearest unchanged line above it.
  const mapLine = (line: number): number => {
    for (let l = line; l >= 0; l--) if (map.oldToNew[l] >= 0) return map.oldToNew[l] + (line - l);
    return line;
  };
  const pair = (i: number, j: number) => {
    pairs.set(i, j);
    usedNew.add(j);
  };
  const free = (pred: (n: CodeSide, j: number) => boolean) =>
    news.map((n, j) => (!usedNew.has(j) && pred(n, j) ? j : -1)).filter((j) => j >= 0);
  // 1. same text and key
  olds.forEach((o, i) => {
    const target = mapLine(o.startLine);
    const cands = free((n) => n.key === o.key && n.side.text === o.side.text);
    if (cands.length)
      pair(
        i,
        cands.reduce((best, j) => (Math.abs(news[j].startLine - target) < Math.abs(news[best].startLine - target) ? j : best)),
      );
  });
  // 2. unchanged lines of the old literal land inside a new literal
  olds.forEach((o, i) => {
    if (pairs.has(i)) return;
    const votes = new Map<number, number>();
    for (let l = o.startLine; l <= o.endLine; l++) {
      const nl = map.oldToNew[l];
      if (nl < 0) continue;
      for (const j of free((n) => n.startLine <= nl && nl <= n.endLine)) votes.set(j, (votes.get(j) ?? 0) + 1);
    }
    let best = -1;
    for (const [j, c] of votes) if (best < 0 || c > votes.get(best)! || (c === votes.get(best)! && news[j].key === o.key)) best = j;
    if (best >= 0) pair(i, best);
  });
  // 3. same key, inside the same changed block (between the same unchanged anchors)
  const blockOfOld = (line: number) => {
    let above = -1;
    for (let l = line; l >= 0; l--)
      if (map.oldToNew[l] >= 0) {
        above = map.oldToNew[l];
        break;
      }
    let below = map.newToOld.length;
    for (let l = line; l < map.oldToNew.length; l++)
      if (map.oldToNew[l] >= 0) {
        below = map.oldToNew[l];
        break;
      }
    return [above, below] as const;
  };
  olds.forEach((o, i) => {
    if (pairs.has(i)) return;
    const [above, below] = blockOfOld(o.startLine);
    const cands = free((n) => n.key === o.key && n.startLine > above && n.startLine < below);
    if (cands.length) pair(i, cands[0]);
  });
  // 4. same key, in order
  olds.forEach((o, i) => {
    if (pairs.has(i)) return;
    const cands = free((n) => n.key === o.key && n.prompt.source !== 'message');
    if (cands.length) pair(i, cands[0]);
  });
  return pairs;
}

// ---- pricing ----

function uniqueModels(own: string | undefined, configured: readonly string[]): string[] {
  return [...new Set([...(own ? [own] : []), ...configured])];
}

function price(
  model: string,
  tokens: number,
  encoding: string,
  approximate: boolean,
  outputTokens: number,
  requestsPerDay: number,
  catalog: PriceCatalog,
): ModelCost {
  const res = catalog.resolve(model);
  if (!res.ok) return { model, tokens, encoding, approximate, priceError: res.message };
  const perRequest = computeCost(res.price, { inputTokens: tokens, outputTokens }).totalUsd;
  return { model, tokens, encoding, approximate, perRequest, monthly: monthlyCost(perRequest, requestsPerDay) };
}

/** Tokens and money of a change for one model: before, after and Δ (missing sides count as 0). */
export interface ModelDelta {
  model: string;
  approximate: boolean;
  tokensBefore?: number;
  tokensAfter?: number;
  tokensDelta: number;
  perRequestBefore?: Decimal;
  perRequestAfter?: Decimal;
  perRequestDelta?: Decimal;
  monthlyBefore?: Decimal;
  monthlyAfter?: Decimal;
  monthlyDelta?: Decimal;
  priceError?: string;
}

export function modelDeltas(change: PromptChange): ModelDelta[] {
  const models = uniqueModels(
    undefined,
    [...(change.after?.costs ?? []), ...(change.before?.costs ?? [])].map((c) => c.model),
  );
  return models.map((model) => {
    const b = change.before?.costs.find((c) => c.model === model);
    const a = change.after?.costs.find((c) => c.model === model);
    const priced = (b === undefined || b.perRequest !== undefined) && (a === undefined || a.perRequest !== undefined);
    const sub = (x: Decimal | undefined, y: Decimal | undefined) => (x ?? Decimal.ZERO).minus(y ?? Decimal.ZERO);
    return {
      model,
      approximate: (a?.approximate ?? false) || (b?.approximate ?? false),
      tokensBefore: b?.tokens,
      tokensAfter: a?.tokens,
      tokensDelta: (a?.tokens ?? 0) - (b?.tokens ?? 0),
      perRequestBefore: b?.perRequest,
      perRequestAfter: a?.perRequest,
      perRequestDelta: priced ? sub(a?.perRequest, b?.perRequest) : undefined,
      monthlyBefore: b?.monthly,
      monthlyAfter: a?.monthly,
      monthlyDelta: priced ? sub(a?.monthly, b?.monthly) : undefined,
      priceError: a?.priceError ?? b?.priceError,
    };
  });
}

/** The Δ of the change's primary model. */
export function primaryDelta(change: PromptChange): ModelDelta | undefined {
  const all = modelDeltas(change);
  return all.find((d) => d.model === change.primaryModel) ?? all[0];
}
