// `node:worker_threads` for the browser bundle (scripts/build.mjs aliases it here). In VS Code for the
// Web the extension host is itself a Web Worker (the editor's UI thread is never blocked by it), so the
// extension counts big documents on its own thread there (features/platform.ts turns the worker paths
// off); constructing a worker thread is an error that names why.
export const parentPort = null;
export const workerData = undefined;
export const isMainThread = true;
export type WorkerOptions = Record<string, unknown>;

export class Worker {
  constructor(script: string) {
    throw Object.assign(new Error(`worker threads are not available in the browser (${script})`), { code: 'ENOTSUP' });
  }
}
