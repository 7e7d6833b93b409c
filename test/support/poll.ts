// The one poll behind the host and web suites' waitFor (test/host/suite/helpers.ts, test/web/suite/support.ts):
// no Node imports, as the web suites run in a web worker. A probe that throws counts as "not yet"; its last error
// goes into the timeout's message.

/** Polls `probe` every `intervalMs` until it returns something other than undefined, for at most `budgetMs`. */
export async function pollUntil<T>(
  what: string,
  probe: () => T | undefined | Promise<T | undefined>,
  budgetMs: number,
  intervalMs: number,
): Promise<T> {
  const deadline = Date.now() + budgetMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${last ? `: ${last}` : ''}`);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}
