// Stage 3 — schema and types: every leaf key checked against the key tables of schema.ts, with
// Flujo's lax (pydantic) reading of its value. [cost] and [budgets] have their own stages
// (pricing.ts, budgets.ts); this one dispatches and checks the root and the typed sections.
import type { Range } from '../scanner';
import { KeySpec, ROOT_KEYS, SECTIONS, SectionSpec } from '../schema';
import type { AnalysisContext, Leaf } from './context';
import { checkBudgetLeaf } from './budgets';
import { reportAbsurdNumber } from './numbers';
import { ModelTables, checkCostLeaf } from './pricing';
import { reportLaxValue, reportUnknownKey, reportWrongType } from './reports';
import { ROOT_CANDIDATES, reportUnknownSection } from './structure';
import { TYPE_NAMES, laxRead } from './values';

/** What the leaf pass learns besides diagnostics. */
export interface LeafFacts {
  strict: boolean;
  strictRange?: Range;
}

/**
 * Sections ConfigManager._validate_structures requires to be tables (a scalar there fails the load).
 * `blueprint` is read with an isinstance check instead: a scalar is ignored.
 */
const MUST_BE_TABLE = new Set(['solve', 'bench', 'run', 'settings', 'cost', 'budgets', 'architect', 'validation', 'template', 'lockfile']);

/** A typed key: rejected → the file fails to load; converted → a lax-value warning. */
function checkTypedKey(ctx: AnalysisContext, leaf: Leaf, spec: KeySpec): void {
  const read = laxRead(spec, leaf.value);
  if (!read.ok) reportWrongType(ctx, leaf, TYPE_NAMES[spec.type], 'load');
  else reportLaxValue(ctx.sink, leaf, read, TYPE_NAMES[spec.type]);
}

function checkRootLeaf(ctx: AnalysisContext, leaf: Leaf): void {
  const name = leaf.path[0];
  if (ROOT_KEYS[name]) checkTypedKey(ctx, leaf, ROOT_KEYS[name]);
  else if (SECTIONS[name]) reportWrongType(ctx, leaf, 'a table', MUST_BE_TABLE.has(name) ? 'load' : 'ignored');
  else reportUnknownKey(ctx.sink, leaf, ROOT_CANDIDATES, 'the top level');
}

/** Keys of a typed section (`[settings]`, `[solve]` …) and of its known sub-tables (`[settings.sandbox]`). */
function checkSectionLeaf(ctx: AnalysisContext, leaf: Leaf, section: SectionSpec): void {
  const [a, b] = leaf.path;
  if (leaf.path.length === 2) {
    if (section.keys[b]) checkTypedKey(ctx, leaf, section.keys[b]);
    else if (section.tables?.[b] || section.openTables?.includes(b)) reportWrongType(ctx, leaf, 'a table', 'load');
    else reportUnknownKey(ctx.sink, leaf, [...Object.keys(section.keys), ...Object.keys(section.tables ?? {})], `[${a}]`);
    return;
  }
  const sub = section.tables?.[b];
  if (sub && leaf.path.length === 3) {
    const name = leaf.path[2];
    if (sub.keys[name]) checkTypedKey(ctx, leaf, sub.keys[name]);
    else reportUnknownKey(ctx.sink, leaf, Object.keys(sub.keys), `[${a}.${b}]`);
  } else if (section.openTables?.includes(b) && leaf.path.length === 3) {
    // [validation] profiles: dict[str, JSONObject] — each profile must be a table.
    reportWrongType(ctx, leaf, 'a table of rule severities', 'load');
  }
  // Anything else sits in a sub-table reported by checkSections (unknown) or passed through (open).
}

/** Checks every leaf; model price keys are recorded into `models`. */
export function checkLeaves(ctx: AnalysisContext, models: ModelTables): LeafFacts {
  const facts: LeafFacts = { strict: false };
  for (const leaf of ctx.flat.leaves) {
    const [a] = leaf.path;
    reportAbsurdNumber(ctx, leaf);
    if (leaf.path.length === 1) {
      checkRootLeaf(ctx, leaf);
      continue;
    }
    const section = SECTIONS[a];
    if (!section) {
      if (leaf.ownFrom === 0) reportUnknownSection(ctx.sink, a, leaf.parts[0].range, leaf.path);
      continue;
    }
    if (a === 'cost') checkCostLeaf(ctx, leaf, models, facts);
    else if (a === 'budgets') checkBudgetLeaf(ctx, leaf);
    else checkSectionLeaf(ctx, leaf, section);
  }
  return facts;
}
