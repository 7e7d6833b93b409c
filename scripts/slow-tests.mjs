// Which unit test files `npm run test:fast` leaves to `npm test` (scripts/test-all.mjs --fast).

/**
 * `npm run test:fast` (static + unit, for the inner loop): the unit files that take longest are left to
 * `npm test` — hostile inputs under time/memory bounds and fuzzing (bounded-*, fuzz-*), the oracle
 * differentials over whole corpora and every Unicode character, the whole-tree ESLint run, real git
 * repositories, worker threads, the real VS Code server and PostgreSQL, and the CLI runs that spawn
 * dozens of processes (cli-quiet), and packing a production VSIX (vsix-size: a minified build and vsce, ~18 s).
 * Measured per file in a full run and in a test:fast run; cli-gate (real git
 * repositories, a CLI process per step: 48 s of a 215 s test:fast unit layer) and tokenize-framing-linear
 * (fast-check against Hugging Face tokenizers for every family, 5,000-message conversations: 21 s) joined
 * later (docs/dev/testing.md).
 */
export const SLOW_UNIT_FILES = [
  /^bounded-/,
  /^fuzz-/,
  /^history-flujo(-hostile)?\.test\.js$/,
  /^tokenize-(unicode-version|families|packaging)\.test\.js$/,
  /^cli-count-families\.test\.js$/,
  /^eslint-layers\.test\.js$/,
  /^diff-git\.test\.js$/,
  /^cli-diff-check\.test\.js$/,
  /^estimate-worker\.test\.js$/,
  /^providers-count\.test\.js$/,
  /^start-offline\.test\.js$/,
  /^history-flujo-postgres\.test\.js$/,
  /^cli-quiet\.test\.js$/,
  /^vsix-size\.test\.js$/,
  /^cli-gate\.test\.js$/,
  /^tokenize-framing-linear\.test\.js$/,
];

/** True for a compiled or source unit test file name that only `npm test` runs. */
export function isSlowUnitFile(name) {
  return SLOW_UNIT_FILES.some((re) => re.test(name.replace(/\.ts$/, '.js')));
}
