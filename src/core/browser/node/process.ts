// The global `process` for the browser bundle (injected by scripts/build.mjs): a web extension host has
// no environment variables, no working directory and no process id; the core reads these only for
// Node-side defaults (FLUJO_CONFIG_PATH, a temp file name), which then take their "unset" path.
export const process = {
  env: {} as Record<string, string | undefined>,
  platform: 'browser',
  pid: 0,
  argv: [] as string[],
  versions: {} as Record<string, string>,
  cwd: (): string => '/',
  nextTick: (fn: (...args: unknown[]) => void, ...args: unknown[]): void => queueMicrotask(() => fn(...args)),
  memoryUsage: (): { rss: number; heapUsed: number; heapTotal: number; external: number; arrayBuffers: number } => ({
    rss: 0,
    heapUsed: 0,
    heapTotal: 0,
    external: 0,
    arrayBuffers: 0,
  }),
};
