// Stage 1 — syntax: smol-toml is the authority on validity; report its (first) error where it points.
import { TomlError, parse as parseToml } from 'smol-toml';
import type { KeyValue, ScanResult, ValueNode } from '../scanner';
import type { DiagnosticSink } from './context';
import { PYTHON_MAX_STR_DIGITS } from './values';

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
    // Big integers as BigInt: tomllib loads any size (pydantic judges them), smol-toml's default refuses them.
    parseToml(bom ? text.slice(1) : text, { integersAsBigInt: 'asNeeded' });
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

/**
 * How Flujo reads the bytes of flujo.toml (config_manager.py:398-399 `tomllib.load(f)` on the file opened
 * "rb"): CPython's tomllib.load does `b.decode()` — strict UTF-8 that keeps a byte-order mark — then
 * parses. A BOM is then the character U+FEFF at 1:1, which no TOML statement starts with: tomllib raises
 * "Invalid statement (at line 1, column 1)" and load_config raises ConfigurationError (config_manager.py:504).
 * Returns true (and reports it) when the text starts with a BOM, or `onDisk` says the file does (an editor's
 * document does not show it).
 */
export function checkByteOrderMark(text: string, sink: DiagnosticSink, onDisk = false): boolean {
  if (!onDisk && text.charCodeAt(0) !== 0xfeff) return false;
  sink.push({
    severity: 'error',
    code: 'toml-syntax',
    message:
      "flujo.toml starts with a UTF-8 byte-order mark: Flujo's tomllib keeps it and stops with 'Invalid statement (at line 1, column 1)', so Flujo cannot load the file (none of its settings, budgets or prices apply; it records $0). Save the file as UTF-8 without BOM.",
    range: { start: { line: 0, character: 0 }, end: { line: 0, character: 1 } },
  });
  return true;
}

/**
 * A decimal integer literal longer than Python's int() accepts. CPython Lib/tomllib/_re.py match_to_number
 * converts an integer with `int(match.group(), 0)`: for a decimal literal that is a base-10 conversion, which
 * raises ValueError past 4,300 digits (sign and underscores not counted; 0x/0o/0b literals have no limit).
 * tomllib lets the ValueError through (it is no TOMLDecodeError), Flujo's load_config turns it into a
 * ConfigurationError (flujo/infra/config_manager.py:508-509 `except (OSError, ValueError)`): the file does
 * not load. Reports the first one in the file, as tomllib stops there; true when there is one.
 */
export function checkIntegerDigits(scan: Pick<ScanResult, 'entries'>, sink: DiagnosticSink): boolean {
  let first: { node: ValueNode; digits: number } | undefined;
  const offset = (n: ValueNode) => n.range.start.line * 2 ** 32 + n.range.start.character;
  const visit = (n: ValueNode, depth: number) => {
    if (n.kind === 'integer' && n.text.length > PYTHON_MAX_STR_DIGITS && !/^0[xob]/.test(n.text)) {
      const digits = n.text.replace(/[^0-9]/g, '').length;
      if (digits > PYTHON_MAX_STR_DIGITS && (!first || offset(n) < offset(first.node))) first = { node: n, digits };
    }
    if (depth > 64) return;
    for (const item of n.items ?? []) visit(item, depth + 1);
    for (const kv of n.entries ?? []) visit(kv.value, depth + 1);
  };
  for (const kv of scan.entries as KeyValue[]) visit(kv.value, 0);
  if (!first) return false;
  const start = first.node.range.start;
  sink.push({
    severity: 'error',
    code: 'toml-syntax',
    message:
      `This integer has ${first.digits.toLocaleString('en-US')} digits; Python's int() converts at most ${PYTHON_MAX_STR_DIGITS.toLocaleString('en-US')} ` +
      `(sys.int_info.default_max_str_digits), so Flujo's tomllib raises "Exceeds the limit (4300 digits) for integer string conversion" ` +
      'and Flujo cannot load flujo.toml (none of its settings, budgets or prices apply; it records $0), unless Python runs with a higher ' +
      'PYTHONINTMAXSTRDIGITS. Write a shorter number (a float such as 1e4300 is inf, a hexadecimal 0x… integer has no such limit).',
    range: { start, end: { line: start.line, character: start.character + first.node.text.length } },
  });
  return true;
}
