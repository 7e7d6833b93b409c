// Diagnostics several stages report the same way: a value of the wrong type, an unknown key.
import type { DiagnosticSink, Leaf } from './context';
import { KIND_NAMES } from './values';
import { didYouMean, hint } from './words';

export function reportWrongType(sink: DiagnosticSink, leaf: Leaf, what: string): void {
  sink.once({
    severity: 'error',
    code: 'wrong-type',
    message: `'${leaf.path.join('.')}' must be ${what}, not ${KIND_NAMES[leaf.value.kind]}.`,
    range: leaf.value.range,
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
