// The one cancellation error of the code base: a count abandoned mid-way, a worker request a newer one
// superseded, a disposed worker. Callers check with `isCancellationError`, never by message or class
// identity: the check is by name, so it holds across bundles (extension, CLI, worker threads) that
// each carry their own copy of this class.

export class CancellationError extends Error {
  constructor(message = 'cancelled') {
    super(message);
    this.name = 'CancellationError';
  }
}

/** True for a `CancellationError` (from any bundle): an expected outcome, not a failure to report. */
export function isCancellationError(err: unknown): boolean {
  return (err as Error | undefined)?.name === 'CancellationError';
}
