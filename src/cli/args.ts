// The one option parser of `prompt-cost`: `--name value`, `--name=value`, short aliases, boolean
// flags, `--` ends options, `-` is a file (stdin). Unknown options and missing values are usage
// errors (exit 2). Also the shared value checks and the one way input files are read.
import * as path from 'node:path';
import { CliIO, UsageError, readFileOrThrow, readStdinOrThrow } from './io';
import { DecodedToml, decodeTomlBytes } from '../core/flujo/decode';
import { previewNumber } from '../core/pricing/decimal';
import { pushAll } from '../core/arrays';

export interface OptionSpec {
  /** Options that take a value (`--model ID`). */
  valued?: readonly string[];
  /** Options without a value (`--json`). */
  booleans?: readonly string[];
  /** Short forms: `{ m: 'model' }` makes `-m ID` mean `--model ID`. */
  aliases?: Readonly<Record<string, string>>;
}

export interface ParsedArgs {
  positional: string[];
  flags: Map<string, string | true>;
}

export function parseArgs(argv: readonly string[], spec: OptionSpec): ParsedArgs {
  const valued = spec.valued ?? [];
  const booleans = spec.booleans ?? [];
  const positional: string[] = [];
  const flags = new Map<string, string | true>();
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--') {
      pushAll(positional, argv.slice(i + 1));
      break;
    }
    if (a === '-' || !a.startsWith('-')) {
      positional.push(a);
      continue;
    }
    const eq = a.indexOf('=');
    const written = eq > 0 ? a.slice(0, eq) : a;
    const name = written.startsWith('--') ? written.slice(2) : spec.aliases?.[written.slice(1)];
    if (name !== undefined && booleans.includes(name)) {
      if (eq > 0) throw new UsageError(`${written} takes no value`);
      flags.set(name, true);
    } else if (name !== undefined && valued.includes(name)) {
      const v = eq > 0 ? a.slice(eq + 1) : argv[++i];
      if (v === undefined || v === '' || (eq < 0 && v.startsWith('--'))) throw new UsageError(`${written} needs a value`);
      flags.set(name, v);
    } else throw new UsageError(`unknown option ${a} (try --help)`);
  }
  return { positional, flags };
}

export function stringFlag(flags: Map<string, string | true>, name: string): string | undefined {
  const v = flags.get(name);
  return typeof v === 'string' ? v : undefined;
}

/** `--name N`: a non-negative integer, else `fallback` when the option is absent. */
export function nonNegativeInt(flags: Map<string, string | true>, name: string): number | undefined;
export function nonNegativeInt(flags: Map<string, string | true>, name: string, fallback: number): number;
export function nonNegativeInt(flags: Map<string, string | true>, name: string, fallback?: number): number | undefined {
  const v = flags.get(name);
  if (v === undefined) return fallback;
  if (typeof v !== 'string' || !/^\d+$/.test(v) || !Number.isSafeInteger(Number(v)))
    throw new UsageError(`--${name} must be a non-negative integer, got '${v}'`);
  return Number(v);
}

/** `--name X`: a non-negative decimal number, else `fallback` when the option is absent. */
export function nonNegativeNumber(flags: Map<string, string | true>, name: string): number | undefined;
export function nonNegativeNumber(flags: Map<string, string | true>, name: string, fallback: number): number;
export function nonNegativeNumber(flags: Map<string, string | true>, name: string, fallback?: number): number | undefined {
  const v = flags.get(name);
  if (v === undefined) return fallback;
  if (typeof v !== 'string' || !/^\d+(\.\d+)?$/.test(v)) throw new UsageError(`--${name} must be a non-negative number, got '${v}'`);
  // 400 digits match the pattern but are Infinity as a number: an absurd value, not an internal error later.
  if (!Number.isFinite(Number(v))) throw new UsageError(`--${name}: absurd value ${previewNumber(v)} (beyond a float's range)`);
  return Number(v);
}

export function splitList(v: string): string[] {
  return v
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}

/**
 * Decodes input bytes as UTF-8 text, or throws a UsageError for binary content (NUL bytes in the
 * first 8 KB, or invalid UTF-8). One leading byte order mark is dropped. Used by count, estimate and compare.
 */
export function decodeTextInput(label: string, bytes: Uint8Array): string {
  const head = bytes.subarray(0, 8000);
  if (head.includes(0)) throw new UsageError(`${label}: binary file (contains NUL bytes), not read`, 'input');
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new UsageError(`${label}: not valid UTF-8 text (binary file?), not read`, 'input');
  }
  // TextDecoder has dropped one leading BOM (its default, as VS Code drops it when it opens the file); a
  // second U+FEFF is text, which the tokenizers count (tiktoken, HF tokenizers: no normalizer removes it).
  return text;
}

/**
 * A flujo.toml to lint: read as every input file (regular file, size limit: else exit 2); binary
 * content is not refused but reported where it is, as a `toml-syntax` diagnostic (invalid UTF-8).
 */
export function readTomlInput(file: string, label = file): DecodedToml {
  return decodeTomlBytes(readFileOrThrow(file, label));
}

/**
 * The one reader of prompt files for every subcommand: FILE (`-` = standard input) as text. A
 * FIFO/device/socket/directory, a file over the size limit, or binary content is a usage error (exit 2).
 */
export async function readTextInput(file: string, io: CliIO): Promise<string> {
  const bytes = file === '-' ? await readStdinOrThrow(io) : readFileOrThrow(path.resolve(io.cwd, file), file);
  return decodeTextInput(file === '-' ? 'standard input' : file, bytes);
}
