// Stage 2 — structure: which tables exist, unquoted dotted model names, unknown sections.
import type { ReferenceCatalog } from '../../pricing/reference';
import type { KeyPart, Range } from '../scanner';
import { BUDGET_TABLES, COST_TABLES, ESTIMATOR_KEYS, HISTORICAL_KEYS, MODEL_PRICE_KEYS, ROOT_KEYS, SECTIONS } from '../schema';
import { COST_FAILS, DiagnosticSink, Flattened, joinRange } from './context';
import { didYouMean, hint } from './words';

export const ROOT_CANDIDATES = [...Object.keys(SECTIONS), ...Object.keys(ROOT_KEYS)];

/**
 * Dotted model keys: [cost.providers.openai.gpt-3.5-turbo] is gpt-3 → 5-turbo. Reports each and
 * returns a test for paths inside such a split model (their keys are not checked again).
 */
export function checkDottedModelKeys(
  flat: Flattened,
  reference: ReferenceCatalog,
  sink: DiagnosticSink,
  costInvalid: string[],
): (path: string[]) => boolean {
  const dotted = new Set<string>(); // "cost\0providers\0openai\0gpt-3"
  const check = (parts: KeyPart[], path: string[], modelEnd: number) => {
    if (path[0] !== 'cost' || !['providers', 'estimators', 'historical'].includes(path[1]) || modelEnd - 3 < 2) return;
    const modelParts = parts.slice(3, modelEnd);
    if (modelParts.some((p) => p.quoted)) return;
    // gpt-3 → 5-turbo, gemini-1 → 5-pro, gpt-4 → 1: every later part starts with a digit, or the joined name is a known model.
    const joined = modelParts.map((p) => p.name).join('.');
    if (!modelParts.slice(1).every((p) => /^\d/.test(p.name)) && reference.find(path[2], joined)?.id !== joined) return;
    const model = joined;
    const range = joinRange(modelParts[0].range, modelParts[modelParts.length - 1].range);
    if (modelParts[0].range.start.line !== modelParts[modelParts.length - 1].range.end.line) return;
    dotted.add(path.slice(0, 4).join('\0'));
    if (path[1] === 'providers') costInvalid.push(`the model name '${model}' is unquoted`);
    sink.once({
      severity: 'error',
      code: 'dotted-model-key',
      message: `The model name '${model}' is unquoted, so TOML reads it as nested tables ${modelParts.map((p) => `'${p.name}'`).join(' → ')}: Flujo finds no model '${path[2]}:${model}'${path[1] === 'providers' ? `, and the table '${modelParts[0].name}' has no prices. ${COST_FAILS}` : '.'} Quote it: "${model}".`,
      range,
      data: { kind: 'quote-model-key', model, quoted: JSON.stringify(model) },
    });
  };
  for (const t of flat.tables) {
    if (t.path.length >= 5 && t.path[0] === 'cost') {
      const last = t.path[t.path.length - 1];
      if (!MODEL_PRICE_KEYS[last] && !ESTIMATOR_KEYS[last] && !HISTORICAL_KEYS[last]) check(t.parts, t.path, t.path.length);
    }
  }
  for (const l of flat.leaves) {
    if (l.path.length >= 6 && l.path[0] === 'cost') check(l.parts, l.path, l.path.length - 1);
  }
  return (path: string[]) => dotted.size > 0 && path.length > 4 && dotted.has(path.slice(0, 4).join('\0'));
}

/**
 * An unknown top-level section, with did-you-mean. `path` is the full path it was found in: `[budget]`
 * with limits becomes `[budgets.default]` (Flujo reads limits only there), not `[budgets]`.
 */
export function reportUnknownSection(sink: DiagnosticSink, name: string, range: Range, path: readonly string[] = [name]): void {
  const s = didYouMean(name, ROOT_CANDIDATES);
  const text = s[0] === 'budgets' && !BUDGET_TABLES[path[1]] ? 'budgets.default' : undefined;
  sink.once({
    severity: 'warning',
    code: 'unknown-section',
    message: `Unknown section '${name}': Flujo ignores it.${hint(text ? [text, ...s.slice(1)] : s)}`,
    range,
    data: s.length ? { kind: 'replace-key', replacement: s[0], suggestions: s, ...(text ? { text } : {}) } : undefined,
  });
}

/** Unknown sections at the top level and under [budgets] and [cost]. */
export function checkSections(flat: Flattened, sink: DiagnosticSink): void {
  const unknown = new Set<string>(); // [project] and [project.dependencies]: one report
  for (const t of flat.tables) {
    const [a, b] = t.path;
    if (!SECTIONS[a]) {
      if (!unknown.has(a)) reportUnknownSection(sink, a, t.parts[0].range, t.path);
      unknown.add(a);
      continue;
    }
    if (a === 'budgets' && t.path.length >= 2 && !BUDGET_TABLES[b]) {
      const s = didYouMean(b, Object.keys(BUDGET_TABLES));
      sink.once({
        severity: 'warning',
        code: 'unknown-section',
        message: `Unknown section 'budgets.${b}': Flujo only reads budgets.default and budgets.pipeline."<glob>".${hint(s)}`,
        range: t.parts[1].range,
        data: s.length ? { kind: 'replace-key', replacement: s[0], suggestions: s } : undefined,
      });
    }
    const section = SECTIONS[a];
    if (
      a !== 'cost' &&
      a !== 'budgets' &&
      t.path.length >= 2 &&
      !section.keys[b] &&
      !section.tables?.[b] &&
      !section.openTables?.includes(b)
    ) {
      const s = didYouMean(b, [...Object.keys(section.tables ?? {}), ...(section.openTables ?? [])]);
      sink.once({
        severity: 'warning',
        code: 'unknown-section',
        message: `Unknown section '${a}.${b}': Flujo drops it silently.${hint(s)}`,
        range: t.parts[1].range,
        data: s.length ? { kind: 'replace-key', replacement: s[0], suggestions: s } : undefined,
      });
    }
    if (a === 'cost' && t.path.length >= 2 && !COST_TABLES[b] && !section.keys[b]) {
      const s = didYouMean(b, [...Object.keys(COST_TABLES), ...Object.keys(section.keys)]);
      sink.once({
        severity: 'warning',
        code: 'unknown-section',
        message: `Unknown section 'cost.${b}': Flujo ignores it.${hint(s)}`,
        range: t.parts[1].range,
        data: s.length ? { kind: 'replace-key', replacement: s[0], suggestions: s } : undefined,
      });
    }
  }
}
