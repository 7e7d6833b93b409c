// Runs a piece of work in a child Node process under a time and memory limit, for the
// bounded-resources tests: a crafted input must finish in seconds and under a heap cap, not merely
// "not throw". The child reports its peak resident memory on exit, so a test can assert on it.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

export const ROOT = path.resolve(__dirname, '..', '..', '..');
/** The CLI under test; PCL_CLI points at another build (e.g. main before a fix, to measure the "before"). */
export const CLI = process.env.PCL_CLI ?? path.join(ROOT, 'dist', 'cli.js');

export interface BoundedResult {
  status: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** Wall-clock time of the whole child, in milliseconds. */
  ms: number;
  /** True when the child was killed for running past `timeoutMs`. */
  timedOut: boolean;
  /** Peak resident set size of the child in MB (undefined if it died before reporting). */
  peakRssMb: number | undefined;
}

export interface BoundedOptions {
  /** Kill the child after this long (default 10 s). */
  timeoutMs?: number;
  /** V8 old-space cap for the child (default 256 MB): exceeding it aborts the child. */
  heapMb?: number;
  cwd?: string;
  input?: string | Buffer;
  env?: NodeJS.ProcessEnv;
}

// Preloaded into the child: on exit, write the peak RSS (kilobytes) to the file named by the env.
const REPORTER = `const f = process.env.PCL_BOUNDED_RSS_FILE;
if (f) process.on('exit', () => { try { require('fs').writeFileSync(f, String(process.resourceUsage().maxRSS)); } catch {} });`;

function reporterPath(): string {
  const file = path.join(os.tmpdir(), `pcl-bounded-reporter-${process.pid}.cjs`);
  if (!fs.existsSync(file)) fs.writeFileSync(file, REPORTER);
  return file;
}

function runNode(nodeArgs: string[], opts: BoundedOptions): BoundedResult {
  const rssFile = path.join(os.tmpdir(), `pcl-bounded-${process.pid}-${Date.now()}-${Math.random().toString(36).slice(2)}`);
  const started = Date.now();
  const r = spawnSync(process.execPath, [`--max-old-space-size=${opts.heapMb ?? 256}`, '--require', reporterPath(), ...nodeArgs], {
    cwd: opts.cwd ?? ROOT,
    input: opts.input,
    encoding: 'utf8',
    timeout: opts.timeoutMs ?? 10_000,
    killSignal: 'SIGKILL',
    maxBuffer: 64 * 1024 * 1024,
    env: { ...process.env, ...opts.env, PCL_BOUNDED_RSS_FILE: rssFile, NO_COLOR: '1' },
  });
  const ms = Date.now() - started;
  let peakRssMb: number | undefined;
  try {
    peakRssMb = Number(fs.readFileSync(rssFile, 'utf8')) / 1024;
    fs.rmSync(rssFile, { force: true });
  } catch {
    peakRssMb = undefined;
  }
  const timedOut = (r.error as NodeJS.ErrnoException | undefined)?.code === 'ETIMEDOUT';
  return { status: r.status, signal: r.signal, stdout: r.stdout ?? '', stderr: r.stderr ?? '', ms, timedOut, peakRssMb };
}

/** Runs the built CLI (`dist/cli.js`) with `args` under the limits. */
export function runCliBounded(args: string[], opts: BoundedOptions = {}): BoundedResult {
  return runNode([CLI, ...args], opts);
}

/**
 * Runs `code` (CommonJS, may `await`) in a child process under the limits. `code` can require compiled
 * modules by absolute path, e.g. `require(${JSON.stringify(path.join(ROOT, 'out/src/core/x.js'))})`.
 * Whatever it prints to stdout comes back in `stdout`.
 */
export function runCodeBounded(code: string, opts: BoundedOptions = {}): BoundedResult {
  return runNode(['-e', `(async () => { ${code}\n})().catch((e) => { console.error(e && e.stack || e); process.exit(70); });`], opts);
}

/** Path of a compiled source module under out/, for `runCodeBounded` (e.g. 'core/history/ledger'). */
export function compiled(modulePath: string): string {
  // PCL_OUT: another compiled tree (e.g. main before a fix, to measure the "before")
  return JSON.stringify(path.join(process.env.PCL_OUT ?? path.join(ROOT, 'out'), 'src', `${modulePath}.js`));
}
