// `node:child_process` for the browser bundle (scripts/build.mjs aliases it here): there are no
// processes in a web extension host, so git and other tools report "not available" through the same
// error path as a missing executable (ENOENT is what execFile gives when the program is not installed).
function noProcesses(file: string): Error {
  return Object.assign(new Error(`${file}: running programs is not available in the browser`), { code: 'ENOENT' });
}

export function execFile(file: string, ...rest: unknown[]): { kill(): void } {
  const cb = rest.find((a) => typeof a === 'function') as ((err: Error, stdout: string, stderr: string) => void) | undefined;
  if (cb) queueMicrotask(() => cb(noProcesses(file), '', ''));
  return { kill: () => undefined };
}

export function spawn(file: string): never {
  throw noProcesses(file);
}
