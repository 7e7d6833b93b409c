// Stage 3 — schema and types: every leaf key checked against the key tables of schema.ts. The
// [cost] and [budgets] sections have their own stages (pricing.ts, budgets.ts); this one dispatches.
import type { Range } from '../scanner';
import { ROOT_KEYS, SECTIONS } from '../schema';
import { AnalysisContext, DiagnosticSink, Leaf } from './context';
import { reportUnknownKey, reportWrongType } from './reports';
import { checkBudgetLeaf } from './budgets';
import { ModelTables, checkCostLeaf } from './pricing';
import { ROOT_CANDIDATES, reportUnknownSection } from './structure';
import { TYPE_NAMES, typeOk } from './values';

/** What the leaf pass learns besides diagnostics. */
export interface LeafFacts {
  strict: boolean;
  strictRange?: Range;
}

function checkRootLeaf(sink: DiagnosticSink, leaf: Leaf): void {
  const name = leaf.path[0];
  if (ROOT_KEYS[name]) {
    if (!typeOk(ROOT_KEYS[name], leaf.value)) reportWrongType(sink, leaf, TYPE_NAMES[ROOT_KEYS[name].type]);
  } else if (SECTIONS[name]) reportWrongType(sink, leaf, 'a table');
  else reportUnknownKey(sink, leaf, ROOT_CANDIDATES, 'the top level');
}

/** Checks every leaf; model price keys are recorded into `models`. */
export function checkLeaves(ctx: AnalysisContext, models: ModelTables): LeafFacts {
  const facts: LeafFacts = { strict: false };
  for (const leaf of ctx.flat.leaves) {
    const [a] = leaf.path;
    if (leaf.path.length === 1) {
      checkRootLeaf(ctx.sink, leaf);
      continue;
    }
    if (!SECTIONS[a]) {
      if (leaf.ownFrom === 0) reportUnknownSection(ctx.sink, a, leaf.parts[0].range);
      continue;
    }
    if (SECTIONS[a].open) continue;
    if (a === 'cost') checkCostLeaf(ctx, leaf, models, facts);
    else if (a === 'budgets') checkBudgetLeaf(ctx.sink, leaf);
  }
  return facts;
}
