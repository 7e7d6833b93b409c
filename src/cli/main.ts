#!/usr/bin/env node
// `prompt-cost`: the command line on the same core as the extension.
import { CliIO, Command, EXIT_OK, EXIT_USAGE, UsageError, printJson, processIO } from './io';
import { ENCODING_NAMES, TOKENIZER_NAMES } from '../core/tokenize/encodings';
import { sanitizeTerminal } from '../core/untrustedText';
import { CODE_EXTENSIONS } from '../core/prompt/codeLanguages';
import { errorText } from '../core/errors';
import { fsErrorLine } from '../core/safeWrite';
import { maxOf } from '../core/arrays';

interface CommandEntry {
  /** One line for the overview: options after the command name. */
  synopsis: string;
  /** `prompt-cost <command> --help`: what it does and every option; absent when the command answers `--help` itself. */
  help?: string;
  /** Loaded lazily so `prompt-cost count` never pays for the TOML parser and vice versa. */
  load: () => Promise<Command>;
}

const MODELS_NOTE = `Models default to the file's own model, then promptCost-style configured models: the models priced
in flujo.toml (--config, FLUJO_CONFIG_PATH, or found from the current folder), else the editor's
default set. Output tokens default as in the editor: the file's max tokens, else 500.`;

/** Add a command here: its help text and a lazy import of its `run…(argv, io)` function. */
const commands: Record<string, CommandEntry> = {
  count: {
    synopsis: '[--encoding NAME | --model ID [--provider-count]] [--json] FILE...   count tokens (- = stdin)',
    help: `Usage: prompt-cost count [--encoding NAME | --model ID [--provider-count]] [--json] FILE...

Counts tokens of each FILE (- reads standard input) as ordinary text.
  --encoding, -e NAME  ${ENCODING_NAMES.join(', ')} (default o200k_base),
                       or an open-model family: ${TOKENIZER_NAMES.filter((n) => !ENCODING_NAMES.includes(n as never)).join(', ')}
  --model, -m ID       count as model ID does, e.g. gpt-4o, openai:gpt-4.1-mini,
                       anthropic:claude-3-5-sonnet-latest (non-OpenAI models are approximate)
  --provider-count     for Claude and Gemini, ask the provider's free count endpoint (each file
                       sent as one user message; ANTHROPIC_API_KEY / GEMINI_API_KEY; cached by
                       content hash in .prompt-cost/provider-counts.json)
  --json               print {"files":[{"path","encoding","tokens","approximate"}],"totalTokens"}
                       (with --provider-count also "source" and "cached")
`,
    load: async () => (await import('./count')).runCount,
  },
  estimate: {
    synopsis: 'FILE [--model ID[,ID...]] [--output-tokens N] [--config PATH] [--provider-count] [--json]',
    help: `Usage: prompt-cost estimate FILE [--model ID[,ID...]] [--output-tokens N] [--config PATH] [--provider-count] [--verbose] [--json]

Prices each prompt in FILE (- = stdin) as its runtime sends it: the messages with chat framing.
Prompt files (.prompty, .prompt, .prompt.md, Copilot files, JSON chat prompts, Semantic Kernel
YAML, promptfoo '---' lists) and code files (every prompt found, with file:line):
  ${CODE_EXTENSIONS.join(' ')}
  --model, -m ID,...   only these models
  --output-tokens N    expected output tokens
  --config PATH        flujo.toml to price with
  --provider-count     for Claude and Gemini, ask the provider's free count endpoint for each prompt's
                       messages (ANTHROPIC_API_KEY / GEMINI_API_KEY; cached by content hash in
                       .prompt-cost/provider-counts.json); cached counts are used even without it
  --verbose            also notes such as Flujo's float sum differing in the last digits
  --json               {"file","estimates":[row...],"prompts":[{"name","line","messages","estimates"}]}
${MODELS_NOTE}
`,
    load: async () => (await import('./estimate')).runEstimate,
  },
  compare: {
    synopsis: 'FILE [--models ID,...] [--output-tokens N] [--requests-per-day N] [--json]',
    help: `Usage: prompt-cost compare FILE [--models ID,...] [--output-tokens N] [--requests-per-day N] [--config PATH] [--all-columns] [--json]

The comparison panel's table for FILE's prompt, sorted by total cost. Like the panel, it fits the
terminal's width (COLUMNS, else the terminal's): columns give way in the panel's order until it fits;
model, total and monthly always show, and a line names what is hidden.
  --models ID,...         only these models (--model works too)
  --output-tokens N       expected output tokens
  --requests-per-day N    for the monthly column (default 1000)
  --config PATH           flujo.toml to price with
  --all-columns           every column, however wide
  --verbose               also notes such as Flujo's float sum differing in the last digits
  --json                  {"file","outputTokens","requestsPerDay","rows":[row...],"errors":[...]}
${MODELS_NOTE}
`,
    load: async () => (await import('./compare')).runCompare,
  },
  lint: {
    synopsis: '[FILE|DIR] [--json]                               check flujo.toml',
    help: `Usage: prompt-cost lint [FILE|DIR] [--json]

Checks a flujo.toml (default: found as Flujo finds it: FLUJO_CONFIG_PATH, then the current folder
and its parents). Exit 1 when there is an error.
  --json   {"file","diagnostics":[{"severity","code","message","line","column","endLine","endColumn"}]}
`,
    load: async () => (await import('./lint')).runLint,
  },
  history: {
    synopsis: '[list|import [DB]|export|accuracy] [--json]       run history, Flujo import, budgets',
    help: `Usage: prompt-cost history [list|import|export|accuracy] [options]

  list [--group day|prompt|model|pipeline|status] [--limit N] [--budget-mode per-run|cumulative]
       [--ledger PATH] [--config PATH] [--json]
       the recorded runs and the flujo.toml budgets; exit 1 when a budget is exceeded
  import [DB | flujo.toml | DIR] [--config PATH] [--ledger PATH] [--dry-run] [--json]
       Flujo runs into the ledger (again: only new and changed runs); without DB, the state database
       of the flujo.toml found as Flujo finds it (state_uri, else flujo_ops.db or .flujo/state.db)
  import --otlp-file FILE|DIR [FILE|DIR...] [--ledger PATH] [--dry-run] [--json]
       team runs from OTLP JSON Lines files (the Collector's file format), each span once
  import --langfuse [URL] [--since ISO] [--max-pages N] [--ledger PATH] [--dry-run] [--json]
       the team's runs read back from Langfuse (keys: LANGFUSE_PUBLIC_KEY, LANGFUSE_SECRET_KEY)
  export [--csv | --json] [--ledger PATH]
  export --otlp URL | --otlp-file FILE [--member NAME] [--include-text] [--timeout-ms N] [--json]
       the runs as OpenTelemetry spans (GenAI conventions v1.41.0) to an OTLP/HTTP endpoint (headers
       from OTEL_EXPORTER_OTLP_HEADERS) or an OTLP JSON Lines file; again = no duplicates
  accuracy [--ledger PATH] [--config PATH] [--json]
       how well learned output tokens predicted each run (walk-forward), in tokens and in money

The ledger is .prompt-cost/runs.jsonl in the nearest folder with a .prompt-cost/ (or $PROMPT_COST_LEDGER).
`,
    load: async () => (await import('./history')).runHistory,
  },
  diff: {
    synopsis: '[--base REF] [PATH...] [--json|--markdown]        cost of the prompts changed since REF',
    load: async () => (await import('./diff')).runDiff,
  },
  check: {
    synopsis: '[PATH...] [--base REF] [--max-increase PCT] [--sarif FILE]   budgets + increase gate (CI)',
    load: async () => (await import('./check')).runCheck,
  },
};

function usage(): string {
  const width = maxOf(Object.keys(commands).map((n) => n.length));
  return `Usage: prompt-cost <command> [options]

Commands:
${Object.entries(commands)
  .map(([n, c]) => `  ${n.padEnd(width)}  ${c.synopsis}`)
  .join('\n')}

\`prompt-cost <command> --help\` explains a command.
Exit codes: 0 success, 1 findings, 2 usage or input error.
`;
}

/** `--help`/`-h` among the options (not after `--`). */
function wantsHelp(argv: readonly string[]): boolean {
  for (const a of argv) {
    if (a === '--') return false;
    if (a === '--help' || a === '-h') return true;
  }
  return false;
}

/** `--json` among the options (not after `--`): then every error is also a JSON object on stdout. */
function wantsJson(argv: readonly string[]): boolean {
  const end = argv.indexOf('--');
  return argv.slice(0, end < 0 ? undefined : end).includes('--json');
}

/**
 * The output boundary: names, paths and messages from files and servers reach the terminal only
 * through here, with ESC, C0/C1 controls and bidi overrides made visible (`\x1b`). JSON output is
 * already free of them (printJson writes them as \u escapes), so it passes unchanged.
 */
function terminalSafeIO(io: CliIO): CliIO {
  return { ...io, stdout: (t) => io.stdout(sanitizeTerminal(t)), stderr: (t) => io.stderr(sanitizeTerminal(t)) };
}

export async function main(argv: string[], rawIO: CliIO): Promise<number> {
  const io = terminalSafeIO(rawIO);
  const [name, ...rest] = argv;
  if (name === '--json') {
    printJson(io, { error: { code: 'usage', message: 'missing command (try --help)' } });
    io.stderr(usage());
    return EXIT_USAGE;
  }
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    const topic = name === 'help' && Object.prototype.hasOwnProperty.call(commands, rest[0] ?? '') ? commands[rest[0]] : undefined;
    if (topic && !topic.help) return (await topic.load())(['--help'], io);
    (name ? io.stdout : io.stderr)(topic?.help ?? usage());
    return name ? EXIT_OK : EXIT_USAGE;
  }
  if (name === '--version' || name === '-v') {
    io.stdout(`${typeof PACKAGE_VERSION === 'string' ? PACKAGE_VERSION : 'dev'}\n`);
    return EXIT_OK;
  }
  const entry = Object.prototype.hasOwnProperty.call(commands, name) ? commands[name] : undefined;
  if (!entry) {
    if (wantsJson(rest)) printJson(io, { error: { code: 'usage', message: `unknown command '${name}' (try --help)` } });
    io.stderr(`prompt-cost: unknown command '${name}' (try --help)\n`);
    return EXIT_USAGE;
  }
  if (entry.help && wantsHelp(rest)) {
    io.stdout(entry.help);
    return EXIT_OK;
  }
  const json = wantsJson(rest);
  const fail = (code: string, message: string) => {
    if (json) printJson(io, { error: { code, message } });
    io.stderr(`prompt-cost ${name}: ${message}\n`);
    return EXIT_USAGE;
  };
  try {
    return await (
      await entry.load()
    )(rest, io);
  } catch (err) {
    if (err instanceof UsageError) return fail(err.code, err.message);
    // the machine's state (disk full, read-only, no permission, a refused symlink): one line, no stack
    const fsLine = fsErrorLine(err, 'cannot access');
    if (fsLine) return fail('input', fsLine);
    return fail('internal', `internal error: ${errorText(err, 'stack')}`);
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
