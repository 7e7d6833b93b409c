// Shared by the security suite (issue 24): every case runs in a child process under a time and memory
// bound, and its measured wall time and peak RSS are printed (and appended to $PCL_SECURITY_REPORT as
// JSON lines), so the figures before and after a fix can be compared. `PCL_CLI` points the suite at
// another build of the CLI (e.g. main before the fix) to measure the "before".
import * as assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { BoundedResult, CLI, ROOT } from '../support/bounded';
import { openSqliteDb } from '../support/flujoFixture';

/** The bound of the issue: inputs ≤ 1 MB finish within 5 s and 300 MB. */
export const MAX_MS = 5000;
export const MAX_RSS_MB = 300;

export interface SecurityResult extends BoundedResult {
  /**
   * CPU time (user + system) of the child in ms: what the time bound is checked on, since wall time on a
   * machine shared by several test runs measures the neighbours too.
   */
  cpuMs: number | undefined;
}

/**
 * Asserts the bound and records the measurement under `name`. The time bound is on the child's CPU time
 * (a hang in a quadratic loop burns CPU; waiting for a loaded machine does not); a sleeping wait is
 * caught by `wallMs` where a case needs it, and by runNodeAsync's kill after `timeoutMs`.
 */
export function withinBounds(name: string, r: SecurityResult, limits: { ms?: number; wallMs?: number; rssMb?: number } = {}): void {
  const ms = limits.ms ?? MAX_MS;
  const rss = limits.rssMb ?? MAX_RSS_MB;
  const line = {
    case: name,
    ms: r.ms,
    cpuMs: r.cpuMs ?? null,
    rssMb: r.peakRssMb === undefined ? null : Math.round(r.peakRssMb),
    status: r.status,
    timedOut: r.timedOut,
  };
  console.log(`[security] ${name}: ${r.ms} ms wall, ${r.cpuMs ?? '?'} ms CPU, ${line.rssMb ?? '?'} MB, exit ${r.status ?? r.signal}`);
  if (process.env.PCL_SECURITY_REPORT) fs.appendFileSync(process.env.PCL_SECURITY_REPORT, JSON.stringify(line) + '\n');
  assert.ok(!r.timedOut, `${name}: killed after ${r.ms} ms\n${r.stderr.slice(0, 500)}`);
  assert.ok(r.cpuMs !== undefined, `${name}: the child died before reporting (${r.signal ?? r.status})\n${r.stderr.slice(0, 500)}`);
  assert.ok(r.cpuMs <= ms, `${name}: used ${r.cpuMs} ms of CPU (limit ${ms} ms)`);
  if (limits.wallMs !== undefined) assert.ok(r.ms <= limits.wallMs, `${name}: took ${r.ms} ms (limit ${limits.wallMs} ms)`);
  assert.ok(
    r.peakRssMb !== undefined,
    `${name}: the child died before reporting its memory (${r.signal ?? r.status})\n${r.stderr.slice(0, 500)}`,
  );
  assert.ok(r.peakRssMb <= rss, `${name}: peak RSS ${Math.round(r.peakRssMb)} MB (limit ${rss} MB)`);
}

/** No stack trace reached the user: no `    at fn (file:line)` frames. */
export function assertNoStack(text: string): void {
  assert.doesNotMatch(text, /^\s+at .+[:(]\d+/m, `a stack trace reached the user:\n${text}`);
}

/**
 * A Flujo state database (real SQLite through Python, Flujo's `runs` and `workflow_state` tables) with
 * one run of pipeline `pipeline`: what `history import` turns into ledger lines.
 */
export function flujoDb(dir: string, pipeline: string, runs = 1): string {
  const file = path.join(dir, 'ops.db');
  const db = openSqliteDb(file);
  const rows: string[] = [];
  for (let i = 0; i < runs; i++)
    rows.push(
      `INSERT INTO runs VALUES ('w${i}', ${sqlText(pipeline)}, 'completed', '2025-02-01T00:00:00+00:00');
       INSERT INTO workflow_state VALUES ('w${i}', '[{"name":"s1","success":true,"latency_s":0.2,"token_counts":12,"cost_usd":0.0012}]', 'completed');`,
    );
  db.exec(`CREATE TABLE runs (run_id TEXT PRIMARY KEY, pipeline_name TEXT, status TEXT, created_at TEXT);
           CREATE TABLE workflow_state (run_id TEXT PRIMARY KEY, step_history TEXT, status TEXT);
           ${rows.join('\n')}`);
  db.close();
  return file;
}

function sqlText(s: string): string {
  return `'${s.replace(/'/g, "''")}'`;
}

/**
 * Like runCodeBounded / runCliBounded, but without blocking this process: the test's own servers
 * (redirecting endpoints) keep answering while the child runs. `args` are node arguments.
 */
export function runNodeAsync(
  args: string[],
  opts: { cwd?: string; env?: NodeJS.ProcessEnv; timeoutMs?: number; heapMb?: number; input?: string | Buffer } = {},
): Promise<SecurityResult> {
  const rssFile = path.join(os.tmpdir(), `pcl-sec-rss-${process.pid}-${Math.random().toString(36).slice(2)}`);
  const reporter = path.join(os.tmpdir(), `pcl-sec-reporter2-${process.pid}.cjs`);
  if (!fs.existsSync(reporter))
    fs.writeFileSync(
      reporter,
      `process.on('exit', () => { try { const u = process.resourceUsage(); require('fs').writeFileSync(process.env.PCL_SEC_RSS, JSON.stringify([u.maxRSS, u.userCPUTime + u.systemCPUTime])); } catch {} });`,
    );
  const started = Date.now();
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [`--max-old-space-size=${opts.heapMb ?? 256}`, '--require', reporter, ...args], {
      cwd: opts.cwd ?? ROOT,
      env: { ...process.env, ...opts.env, PCL_SEC_RSS: rssFile, NO_COLOR: '1' },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, opts.timeoutMs ?? 60_000);
    if (opts.input !== undefined) child.stdin.end(opts.input);
    else child.stdin.end();
    child.on('close', (status, signal) => {
      clearTimeout(timer);
      let peakRssMb: number | undefined;
      let cpuMs: number | undefined;
      try {
        const [rssKb, cpuMicros] = JSON.parse(fs.readFileSync(rssFile, 'utf8')) as [number, number];
        peakRssMb = rssKb / 1024;
        cpuMs = Math.round(cpuMicros / 1000);
        fs.rmSync(rssFile, { force: true });
      } catch {
        peakRssMb = undefined;
      }
      resolve({ status, signal, stdout, stderr, ms: Date.now() - started, timedOut, peakRssMb, cpuMs });
    });
  });
}

/** `node -e` wrapper of runNodeAsync for compiled-core code (see runCodeBounded). */
export function runCodeAsync(code: string, opts: Parameters<typeof runNodeAsync>[1] = {}): Promise<SecurityResult> {
  return runNodeAsync(['-e', `(async () => { ${code}\n})().catch((e) => { console.error(e && e.stack || e); process.exit(70); });`], opts);
}

/** The built CLI through runNodeAsync. */
export function runCliAsync(args: string[], opts: Parameters<typeof runNodeAsync>[1] = {}): Promise<SecurityResult> {
  return runNodeAsync([CLI, ...args], opts);
}
