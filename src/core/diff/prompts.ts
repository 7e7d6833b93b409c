// The prompts of one file before and after a change, paired and priced: a prompt file is one prompt;
// prompts inside code are matched across the change by position (lines aligned by a diff), then by
// the call and key they sit in, so a prompt that moved lines is "modified", not "removed + added".
import { Decimal } from '../pricing/decimal';
import { pricedPrompts, type ModelCost, type PricedPrompt, type PricingOptions, type PromptSide } from './pricedPrompts';
import { alignLines, splitLines } from './lines';

export * from './pricedPrompts';

export type PromptChangeStatus = 'added' | 'removed' | 'modified' | 'renamed' | 'unchanged';

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

/** Prompts of one file that changed (unchanged and merely moved prompts are left out). */
export function diffFilePrompts(v: FileVersions, pricing: PricingOptions): PromptChange[] {
  return v.type.kind === 'file' ? diffPromptFile(v, pricing) : diffCodeFile(v, pricing);
}

// ---- prompt files ----

/** The prompt of a prompt file, or the entries of a promptfoo list paired by position. */
function diffPromptFile(v: FileVersions, pricing: PricingOptions): PromptChange[] {
  const olds = v.before !== undefined ? pricedPrompts(v.oldPath ?? v.path, v.before, pricing) : [];
  const news = v.after !== undefined ? pricedPrompts(v.path, v.after, pricing) : [];
  const changes: PromptChange[] = [];
  for (let i = 0; i < Math.max(olds.length, news.length); i++) {
    const before = olds[i]?.side;
    const after = news[i]?.side;
    const status: PromptChangeStatus = !before
      ? 'added'
      : !after
        ? 'removed'
        : v.renamed
          ? 'renamed'
          : before.text === after.text
            ? 'unchanged'
            : 'modified';
    if (status === 'unchanged') continue;
    const label = (news[i] ?? olds[i]).label;
    changes.push({
      kind: 'file',
      status,
      path: v.path,
      oldPath: v.oldPath,
      label,
      before,
      after,
      primaryModel: primaryOf((after ?? before)!),
    });
  }
  return changes;
}

/** The model a prompt is judged for: its own, else the first configured, else the first priced. */
function primaryOf(side: PromptSide): string {
  return side.primary ?? side.costs[0]?.model ?? '';
}

// ---- prompts in code ----

/** A code file's priced prompt (the name the matching below uses). */
export type CodeSide = PricedPrompt;

function diffCodeFile(v: FileVersions, pricing: PricingOptions): PromptChange[] {
  const olds = v.before !== undefined ? pricedPrompts(v.oldPath ?? v.path, v.before, pricing) : [];
  const news = v.after !== undefined ? pricedPrompts(v.path, v.after, pricing) : [];
  const pairs = matchCodePrompts(olds, news, v.before ?? '', v.after ?? '');
  const changes: PromptChange[] = [];
  const matchedNew = new Set<number>();
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
        primaryModel: primaryOf(o.side),
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
      primaryModel: primaryOf(n.side),
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
        primaryModel: primaryOf(n.side),
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
    const cands = free((n) => n.key === o.key && n.code?.source !== 'message');
    if (cands.length) pair(i, cands[0]);
  });
  return pairs;
}

// ---- deltas ----

/** Tokens and money of a change for one model: before, after and Δ (missing sides count as 0). */
export interface ModelDelta {
  /** The model after the change (or before, for a removed prompt). */
  model: string;
  /** Set when the prompt's own model changed: the model before. */
  modelBefore?: string;
  approximate: boolean;
  tokensBefore?: number;
  tokensAfter?: number;
  tokensDelta: number;
  outputTokensBefore?: number;
  outputTokensAfter?: number;
  perRequestBefore?: Decimal;
  perRequestAfter?: Decimal;
  perRequestDelta?: Decimal;
  monthlyBefore?: Decimal;
  monthlyAfter?: Decimal;
  monthlyDelta?: Decimal;
  /** Why a side has no price (the Δ is then unknown, never 0). */
  priceError?: string;
}

function deltaOf(b: ModelCost | undefined, a: ModelCost | undefined): ModelDelta {
  const priced = (b === undefined || b.perRequest !== undefined) && (a === undefined || a.perRequest !== undefined);
  const sub = (x: Decimal | undefined, y: Decimal | undefined) => (x ?? Decimal.ZERO).minus(y ?? Decimal.ZERO);
  const model = (a ?? b)!.model;
  return {
    model,
    ...(a && b && a.model !== b.model ? { modelBefore: b.model } : {}),
    approximate: (a?.approximate ?? false) || (b?.approximate ?? false),
    tokensBefore: b?.tokens,
    tokensAfter: a?.tokens,
    tokensDelta: (a?.tokens ?? 0) - (b?.tokens ?? 0),
    outputTokensBefore: b?.outputTokens,
    outputTokensAfter: a?.outputTokens,
    perRequestBefore: b?.perRequest,
    perRequestAfter: a?.perRequest,
    perRequestDelta: priced ? sub(a?.perRequest, b?.perRequest) : undefined,
    monthlyBefore: b?.monthly,
    monthlyAfter: a?.monthly,
    monthlyDelta: priced ? sub(a?.monthly, b?.monthly) : undefined,
    priceError: a?.priceError ?? b?.priceError,
  };
}

/** A side's cost for the model it is judged for (its own model, else the first configured). */
export function primaryCost(side: PromptSide): ModelCost | undefined {
  return side.costs.find((c) => c.model === side.primary) ?? side.costs[0];
}

/**
 * The Δ a change is judged by: the prompt's own model before against its own model after, so a model
 * switch (gpt-4o-mini → o1) is the cost change it is, not a new prompt.
 */
export function primaryDelta(change: PromptChange): ModelDelta | undefined {
  const b = change.before && primaryCost(change.before);
  const a = change.after && primaryCost(change.after);
  return a || b ? deltaOf(b, a) : undefined;
}

/**
 * The primary Δ first, then every other model priced on both sides (a configured model the prompt
 * does not name). A model priced on one side only because the prompt's own model changed is in the
 * primary Δ, not listed as added or removed.
 */
export function modelDeltas(change: PromptChange): ModelDelta[] {
  const primary = primaryDelta(change);
  const out = primary ? [primary] : [];
  const { before, after } = change;
  const models = [...new Set([...(after?.costs ?? []), ...(before?.costs ?? [])].map((c) => c.model))];
  for (const model of models) {
    if (primary && model === primary.model && !primary.modelBefore) continue;
    const b = before?.costs.find((c) => c.model === model);
    const a = after?.costs.find((c) => c.model === model);
    if (before && after && (!a || !b)) continue;
    out.push(deltaOf(b, a));
  }
  return out;
}
