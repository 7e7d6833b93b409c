// Diagnostics several stages report the same way: a value of the wrong type (and what that does to
// Flujo), a value pydantic converts, an unknown key.
import { COST_FAILS, LOAD_FAILS } from './context';
import type { AnalysisContext, DiagnosticSink, Leaf } from './context';
import { KIND_NAMES, LaxRead } from './values';
import { didYouMean, hint } from './words';

/** What a rejected value does: the whole file fails to load, the [cost] section fails, or Flujo skips the value. */
export type Impact = 'load' | 'cost' | 'ignored';

export function reportWrongType(ctx: AnalysisContext, leaf: Leaf, what: string, impact: Impact, ignoredMeans = 'Flujo ignores it.'): void {
  const where = leaf.path.join('.');
  if (impact === 'load') ctx.consequences.loadFails.push(`'${where}' is not ${what}`);
  if (impact === 'cost') ctx.consequences.costInvalid.push(`'${where}' is not ${what}`);
  const then = impact === 'load' ? LOAD_FAILS : impact === 'cost' ? COST_FAILS : ignoredMeans;
  ctx.sink.once({
    severity: impact === 'ignored' ? 'warning' : 'error',
    code: 'wrong-type',
    message: `'${where}' must be ${what}, not ${KIND_NAMES[leaf.value.kind]}${leaf.value.kind === 'string' ? ` "${leaf.value.string}"` : ''}. ${then}`,
    range: leaf.value.range,
  });
}

/** A value Flujo's pydantic model accepts only after converting it: it works, but the file says something else. */
/** `reader`: who converts the value (pydantic by default; Flujo's estimators call Python's float()/int()). */
export function reportLaxValue(sink: DiagnosticSink, leaf: Leaf, read: LaxRead, what: string, reader = 'pydantic, lax mode'): void {
  if (!read.ok || read.exact) return;
  const v = leaf.value;
  const shown = v.kind === 'string' ? `"${v.string}"` : v.text;
  sink.once({
    severity: 'warning',
    code: 'lax-value',
    message: `'${leaf.path.join('.')}' should be ${what}: Flujo (${reader}) reads ${shown} as ${read.means}. It works, but it is fragile${read.canonical !== undefined ? `: write ${read.canonical}` : ''}.`,
    range: v.range,
    data: read.canonical !== undefined ? { kind: 'replace-value', replacement: read.canonical } : undefined,
  });
}

export function reportUnknownKey(sink: DiagnosticSink, leaf: Leaf, candidates: string[], where: string): void {
  const keyPart = leaf.parts[leaf.parts.length - 1];
  const s = didYouMean(keyPart.name, candidates);
  sink.once({
    severity: 'warning',
    code: 'unknown-key',
    message: `Unknown key '${keyPart.name}' in ${where}: Flujo ignores it silently.${hint(s)}`,
    range: keyPart.range,
    data: s.length ? { kind: 'replace-key', replacement: s[0], suggestions: s } : undefined,
  });
}
