// Stage 1 — syntax: smol-toml is the authority on validity; report its (first) error where it points.
import { TomlError, parse as parseToml } from 'smol-toml';
import type { ScanResult } from '../scanner';
import type { DiagnosticSink } from './context';

function lineEnd(text: string, lines: number[], line: number): number {
  const l = Math.min(line, lines.length - 1);
  let e = l + 1 < lines.length ? lines[l + 1] : text.length;
  while (e > lines[l] && (text[e - 1] === '\n' || text[e - 1] === '\r')) e--;
  return e - lines[l];
}

/** True when the file parses; otherwise reports a `toml-syntax` error. */
export function checkSyntax(text: string, scan: Pick<ScanResult, 'lineStarts'>, sink: DiagnosticSink): boolean {
  const bom = text.charCodeAt(0) === 0xfeff;
  try {
    parseToml(bom ? text.slice(1) : text);
    return true;
  } catch (err) {
    const e = err as TomlError;
    const line = Math.min(Math.max(0, (typeof e.line === 'number' ? e.line : 1) - 1), scan.lineStarts.length - 1);
    const length = lineEnd(text, scan.lineStarts, line);
    // smol-toml may point at the line break itself (an unterminated string): keep the range on the line.
    const character = Math.min(length, Math.max(0, (typeof e.column === 'number' ? e.column : 1) - 1) + (line === 0 && bom ? 1 : 0));
    const msg = String(e.message ?? err)
      .split('\n')[0]
      .replace(/^Invalid TOML document: /, '');
    const end = length; // to the end of the line (empty when the error is at its end)
    sink.push({
      severity: 'error',
      code: 'toml-syntax',
      message: `TOML syntax error: ${msg}`,
      range: { start: { line, character }, end: { line, character: end } },
    });
    return false;
  }
}
