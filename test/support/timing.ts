// Time bounds that hold on a machine shared with other test runs (issue 29): CPU time for CPU-bound work
// (it does not grow with the other processes), and a budget stretched by the load for wall-clock waits.
import * as os from 'node:os';

/**
 * How much slower than an idle machine this one is now: the 1-minute load average per core, between 1 and 8.
 * A CPU-bound wait (counting a 5 MB prompt, a worker answering) takes that much longer in wall time on a
 * machine shared with other test runs; budgets for such waits are `scaled(ms)` instead of fixed.
 */
export function loadFactor(): number {
  const perCore = os.loadavg()[0] / Math.max(1, os.cpus().length);
  return Math.min(8, Math.max(1, perCore));
}

/** `ms` on an idle machine, stretched by the current load (loadFactor). */
export function scaled(ms: number): number {
  return Math.round(ms * loadFactor());
}

/** CPU time of `fn` in ms, with its result: unlike wall time it does not grow with the other processes on a loaded machine. */
export function cpuTimed<T>(fn: () => T): { ms: number; value: T } {
  const t0 = process.cpuUsage();
  const value = fn();
  const d = process.cpuUsage(t0);
  return { ms: (d.user + d.system) / 1000, value };
}

/** CPU time of `fn` in ms. */
export function cpuMs(fn: () => void): number {
  return cpuTimed(fn).ms;
}
