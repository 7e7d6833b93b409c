// Stage 2 — structure: which tables exist, unquoted dotted model names, unknown sections.
import type { ReferenceCatalog } from '../../pricing/reference';
import type { KeyPart, Range } from '../scanner';
import { BUDGET_TABLES, COST_TABLES, ESTIMATOR_KEYS, MODEL_PRICE_KEYS, ROOT_KEYS, SECTIONS } from '../schema';
import { DiagnosticSink, Flattened, joinRange } from './context';
import { didYouMean, hint } from './words';

export const ROOT_CANDIDATES = [...Object.keys(SECTIONS), ...Object.keys(ROOT_KEYS)];

/**
 * Dotted model keys: [cost.providers.openai.gpt-3.5-turbo] is gpt-3 → 5-turbo. Reports each and
 * returns a test for paths inside such a split model (their keys are not checked again).
 */
export function checkDottedModelKeys(flat: Flattened, reference: ReferenceCatalog, sink: DiagnosticSink): (path: string[]) => boolean {
  const dotted = new Set<string>(); // "cost\0providers\0openai\0gpt-3"
  const check = (parts: KeyPart[], path: string[], modelEnd: number) => {
    if (path[0] !== 'cost' || (path[1] !== 'providers' && path[1] !== 'estimators') || modelEnd - 3 < 2) return;
    const modelParts = parts.slice(3, modelEnd);
    if (modelParts.some((p) => p.quoted)) return;
    // gpt-3 → 5-turbo, gemini-1 → 5-pro, gpt-4 → 1: every later part starts with a digit, or the joined name is a known model.
    const joined = modelParts.map((p) => p.name).join('.');
    if (!modelParts.slice(1).every((p) => /^\d/.test(p.name)) && reference.find(path[2], joined)?.id !== joined) return;
    const model = joined;
    const range = joinRange(modelParts[0].range, modelParts[modelParts.length - 1].range);
    if (modelParts[0].range.start.line !== modelParts[modelParts.length - 1].range.end.line) return;
    dotted.add(path.slice(0, 4).join('\0'));
    sink.once({
      severity: 'error',
      code: 'dotted-model-key',
      message: `The model name '${model}' is unquoted, so TOML reads it as nested tables ${modelParts.map((p) => `'${p.name}'`).join(' → ')} and Flujo finds no price for '${path[2]}:${model}'. Quote it: "${model}".`,
      range,
      data: { kind: 'quote-model-key', model, quoted: JSON.stringify(model) },
    });
  };
  for (const t of flat.tables) {
    if (t.path.length >= 5 && t.path[0] === 'cost') {
      const last = t.path[t.path.length - 1];
      if (!MODEL_PRICE_KEYS[last] && !ESTIMATOR_KEYS[last]) check(t.parts, t.path, t.path.length);
    }
  }
  for (const l of flat.leaves) {
    if (l.path.length >= 6 && l.path[0] === 'cost') check(l.parts, l.path, l.path.length - 1);
  }
  return (path: string[]) => path.length > 4 && dotted.has(path.slice(0, 4).join('\0'));
}

/** An unknown top-level section, with did-you-mean. */
export function reportUnknownSection(sink: DiagnosticSink, name: string, range: Range): void {
  const s = didYouMean(name, ROOT_CANDIDATES);
  sink.once({
    severity: 'warning',
    code: 'unknown-section',
    message: `Unknown section '${name}': Flujo ignores it.${hint(s)}`,
    range,
    data: s.length ? { kind: 'replace-key', replacement: s[0], suggestions: s } : undefined,
  });
}

/** Unknown sections at the top level and under [budgets] and [cost]. */
export function checkSections(flat: Flattened, sink: DiagnosticSink): void {
  for (const t of flat.tables) {
    const [a, b] = t.path;
    if (!SECTIONS[a]) {
      reportUnknownSection(sink, a, t.parts[0].range);
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
    if (a === 'cost' && t.path.length >= 2 && !COST_TABLES[b] && b !== 'strict') {
      const s = didYouMean(b, [...Object.keys(COST_TABLES), 'strict']);
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
