#!/usr/bin/env node
// `prompt-cost`: the command line on the same core as the extension.
import { CliIO, Command, EXIT_USAGE, UsageError, processIO } from './io';

const USAGE = `Usage: prompt-cost <command> [options]

Commands:
  count     [--encoding NAME | --model ID] [--json] FILE...   count tokens (- = stdin)
  estimate  FILE --model ID[,ID...] [--output-tokens N] [--config PATH] [--json]
  compare   FILE [--models ID,...] [--output-tokens N] [--requests-per-day N] [--json]
  lint      [FILE|DIR] [--json]                               check flujo.toml
  history   [list|import DB|export --csv] [--json]            run history
  diff      [--base REF] [PATH...] [--json|--markdown]        cost of the prompts changed since REF
  check     [PATH...] [--base REF] [--max-increase PCT] [--sarif FILE]   budgets + increase gate (CI)

Exit codes: 0 success, 1 findings, 2 usage or input error.
`;

/** Commands load lazily so `prompt-cost count` never pays for the TOML parser and vice versa. */
const commands: Record<string, () => Promise<Command>> = {
  count: async () => (await import('./count')).runCount,
  estimate: async () => (await import('./estimate')).runEstimate,
  compare: async () => (await import('./compare')).runCompare,
  lint: async () => (await import('./lint')).runLint,
  history: async () => (await import('./history')).runHistory,
  diff: async () => (await import('./diff')).runDiff,
  check: async () => (await import('./check')).runCheck,
};

export async function main(argv: string[], io: CliIO): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    (name ? io.stdout : io.stderr)(USAGE);
    return name ? 0 : EXIT_USAGE;
  }
  if (name === '--version' || name === '-v') {
    io.stdout(`${typeof PACKAGE_VERSION === 'string' ? PACKAGE_VERSION : 'dev'}\n`);
    return 0;
  }
  const load = commands[name];
  if (!load) {
    io.stderr(`prompt-cost: unknown command '${name}' (try --help)\n`);
    return EXIT_USAGE;
  }
  try {
    return await (
      await load()
    )(rest, io);
  } catch (err) {
    if (err instanceof UsageError) {
      io.stderr(`prompt-cost ${name}: ${err.message}\n`);
      return EXIT_USAGE;
    }
    io.stderr(`prompt-cost ${name}: internal error: ${(err as Error).stack ?? err}\n`);
    return EXIT_USAGE;
  }
}

declare const PACKAGE_VERSION: string;

if (require.main === module) {
  main(process.argv.slice(2), processIO()).then(
    (code) => {
      process.exitCode = code;
    },
    (err) => {
      process.stderr.write(`prompt-cost: ${err}\n`);
      process.exitCode = EXIT_USAGE;
    },
  );
}
