// The CLI's view of the outside world, injectable so commands are testable in-process.
import { FileReadError, MAX_TEXT_FILE_BYTES, assertRegularFile, readRegularFileSync } from '../core/files';
import { formatBytes } from '../core/format';
import { terminalSafeJson } from '../core/untrustedText';

export interface CliIO {
  stdout(text: string): void;
  stderr(text: string): void;
  /** Reads standard input (the `-` file argument); may stop once more than `maxBytes` arrived. */
  readStdin(maxBytes?: number): Promise<Buffer>;
  cwd: string;
  env: NodeJS.ProcessEnv;
  /** The terminal's width for tables that fit it (`compare`); undefined: no limit (output to a file or pipe). */
  columns?: number;
}

/** Exit codes of the CLI contract (DESIGN.md). */
export const EXIT_OK = 0;
export const EXIT_FINDINGS = 1;
export const EXIT_USAGE = 2;

/**
 * A usage or input error: main() prints its one-line message to stderr (and, with --json, the object
 * `{"error":{"code","message"}}` on stdout) and exits 2. `code`: `usage` for a wrong command line,
 * `input` for a file that cannot be used (missing, not a regular file, too large, binary).
 */
export class UsageError extends Error {
  constructor(
    message: string,
    readonly code: 'usage' | 'input' = 'usage',
  ) {
    super(message);
  }
}

export type Command = (argv: string[], io: CliIO) => Promise<number>;

export function processIO(): CliIO {
  return {
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
    readStdin: async (maxBytes = Infinity) => {
      const chunks: Buffer[] = [];
      let total = 0;
      for await (const chunk of process.stdin) {
        chunks.push(chunk as Buffer);
        total += (chunk as Buffer).length;
        if (total > maxBytes) break; // `< /dev/zero` never ends: stop reading, the caller reports the limit
      }
      process.stdin.destroy();
      return Buffer.concat(chunks);
    },
    cwd: process.cwd(),
    env: process.env,
    columns: terminalColumns(process.env, process.stdout),
  };
}

/** `COLUMNS` when set (as `ls` honours it), else the width of standard output when it is a terminal. */
export function terminalColumns(env: NodeJS.ProcessEnv, stdout: { isTTY?: boolean; columns?: number }): number | undefined {
  const fromEnv = Number(env.COLUMNS);
  if (Number.isInteger(fromEnv) && fromEnv > 0) return fromEnv;
  return stdout.isTTY && stdout.columns ? stdout.columns : undefined;
}

/** Prints one JSON document, the `--json` output of every command (exact values; no raw C1/bidi controls). */
export function printJson(io: CliIO, value: unknown): void {
  io.stdout(terminalSafeJson(value) + '\n');
}

/**
 * The one way the CLI reads an input file (prompt files, flujo.toml, prompt-cost.json): a regular
 * file only (a FIFO, socket, device or directory is refused before it is opened) of at most
 * `maxBytes`; anything else is a usage error naming the file (exit 2).
 */
export function readFileOrThrow(file: string, label = file, maxBytes = MAX_TEXT_FILE_BYTES): Buffer {
  try {
    return readRegularFileSync(file, maxBytes, label);
  } catch (err) {
    if (err instanceof FileReadError) throw new UsageError(err.message, 'input');
    throw err;
  }
}

/** A usage error unless `file` is a regular file of at most `maxBytes` (for files a library reads itself: ledgers, databases). */
export function requireRegularFile(file: string, label = file, options: { mayBeMissing?: boolean; maxBytes?: number } = {}): void {
  try {
    assertRegularFile(file, label, options.maxBytes);
  } catch (err) {
    if (err instanceof FileReadError && !(err.problem === 'missing' && options.mayBeMissing)) throw new UsageError(err.message, 'input');
    if (!(err instanceof FileReadError)) throw err;
  }
}

/** Standard input, at most `maxBytes` of it, else a usage error. */
export async function readStdinOrThrow(io: CliIO, maxBytes = MAX_TEXT_FILE_BYTES): Promise<Buffer> {
  const bytes = await io.readStdin(maxBytes);
  if (bytes.length > maxBytes)
    throw new UsageError(`standard input is larger than the ${formatBytes(maxBytes)} limit for input files; not read`, 'input');
  return bytes;
}
