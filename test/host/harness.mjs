// What the two harnesses that run mocha suites in the real workbench share (test/host/run-host-tests.mjs: the
// Node extension host; test/web/run-web-tests.mjs: VS Code for the Web's web-worker host): open the workbench
// with the test payload and wait for the runner's exit code, then print the results, the host's log on failure
// and the one summary line scripts/test-all.mjs reads ("<label>: N passed, N failed").

/** Opens `url` and resolves to the test runner's exit code (1 when it does not finish within `timeoutMs`). */
export async function runInWorkbench(host, url, timeoutMs, label) {
  const exit = new Promise((resolve) => host.page.exposeFunction('codeAutomationExit', (c) => resolve(Number(c))));
  let timer;
  const timeout = new Promise((resolve) => (timer = setTimeout(() => resolve('timeout'), timeoutMs)));
  await host.page.goto(url);
  const code = await Promise.race([exit, timeout]);
  clearTimeout(timer);
  if (code !== 'timeout') return code;
  console.error(`[${label}] tests did not finish within ${timeoutMs} ms`);
  return 1;
}

/**
 * Prints each test of `results` ({ tests: [{ title, state, duration, error }] }, null when the suites never wrote
 * them) tagged with `tag`, then `extra()`, then the host's log when anything failed.
 */
export function reportResults({ tag, results, code, log, logTitle, extra }) {
  if (results) {
    const mark = { passed: '  ✔', skipped: '  -' };
    for (const t of results.tests)
      console.log(`${mark[t.state] ?? '  ✘'} [${tag}] ${t.title}${t.state === 'passed' ? ` (${t.duration} ms)` : ''}`);
    for (const t of results.tests.filter((t) => t.state === 'failed'))
      console.log(`\n  ✘ ${t.title}\n    ${String(t.error).split('\n').join('\n    ')}`);
  }
  extra?.();
  if (code !== 0 || !results) {
    console.log(`\n----- ${logTitle} -----`);
    console.log(log.join('\n'));
    console.log(`----- end of ${logTitle} -----`);
  }
}

/** The summary line scripts/test-all.mjs reads; no results means the suites never really ran (a failure). */
export function summarize(label, results, code, started) {
  const passed = results ? results.tests.filter((t) => t.state === 'passed').length : 0;
  const skipped = results ? results.tests.filter((t) => t.state === 'skipped').length : 0;
  const failed = results ? results.tests.length - passed - skipped : 1;
  console.log(
    `${label}: ${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''} in ${((Date.now() - started) / 1000).toFixed(1)} s (exit code ${code})`,
  );
  return !results && code === 0 ? 1 : code;
}

/** Runs a harness's main() and exits with its code; an error prints the host log it carries. */
export function runHarness(label, main) {
  main().then(
    (code) => process.exit(code),
    (err) => {
      console.error(`[${label}] ${err.stack || err}`);
      if (err.hostLog) console.error(err.hostLog.join('\n'));
      process.exit(1);
    },
  );
}
