// `prompt-cost count [--encoding NAME | --model ID] [--json] FILE...` (`-` = stdin).
// Counts each file's text as ordinary text (tiktoken encode_ordinary: special-token strings
// count as plain text). A UTF-8 byte order mark is not counted (editors don't show it).
// A file that cannot be read or is binary (NUL bytes or invalid UTF-8) gets a one-line error
// on stderr; the other files are still counted and the exit code is 2.
import * as path from 'node:path';
import { CliIO, EXIT_OK, EXIT_USAGE, UsageError, printJson, readFileOrThrow } from './io';
import { providerCounter } from './providerCount';
import {
  ENCODING_NAMES,
  TOKENIZER_NAMES,
  EncodingName,
  ModelTokenizer,
  applyFactor,
  countTokens,
  isEncodingName,
  tokenizerForModel,
} from '../core/tokenize';

const HELP = `Usage: prompt-cost count [--encoding NAME | --model ID [--provider-count]] [--json] FILE...

Counts tokens of each FILE (- reads standard input) as ordinary text.
  --encoding NAME   ${ENCODING_NAMES.join(', ')} (default o200k_base),
                    or an open-model family: ${TOKENIZER_NAMES.filter((n) => !ENCODING_NAMES.includes(n as never)).join(', ')}
  --model ID        count as model ID does, e.g. gpt-4o, openai:gpt-4.1-mini,
                    anthropic:claude-3-5-sonnet-latest (non-OpenAI models are approximate)
  --provider-count  for Claude and Gemini, ask the provider's free count endpoint (each file
                    sent as one user message; ANTHROPIC_API_KEY / GEMINI_API_KEY; cached by
                    content hash in .prompt-cost/provider-counts.json)
  --json            print {"files":[{"path","encoding","tokens","approximate"}],"totalTokens"}
                    (with --provider-count also "source" and "cached")
`;

interface FileCount {
  path: string;
  encoding: EncodingName;
  tokens: number;
  approximate: boolean;
  /** Set when a provider's count endpoint gave the number (--provider-count). */
  source?: string;
  cached?: boolean;
}

interface Options {
  encoding?: string;
  model?: string;
  json: boolean;
  providerCount?: boolean;
  files: string[];
  help: boolean;
}

function parseArgs(argv: string[]): Options {
  const opts: Options = { json: false, files: [], help: false };
  let onlyFiles = false;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (onlyFiles || a === '-' || !a.startsWith('-')) {
      opts.files.push(a);
      continue;
    }
    if (a === '--') {
      onlyFiles = true;
      continue;
    }
    const eq = a.indexOf('=');
    const name = eq > 0 ? a.slice(0, eq) : a;
    const value = (): string => {
      if (eq > 0) return a.slice(eq + 1);
      const v = argv[++i];
      if (v === undefined || v === '') throw new UsageError(`${name} needs a value`);
      return v;
    };
    switch (name) {
      case '--json':
        opts.json = true;
        break;
      case '--provider-count':
        opts.providerCount = true;
        break;
      case '--encoding':
      case '-e':
        opts.encoding = value();
        break;
      case '--model':
      case '-m':
        opts.model = value();
        break;
      case '--help':
      case '-h':
        opts.help = true;
        break;
      default:
        throw new UsageError(`unknown option ${a} (try --help)`);
    }
  }
  return opts;
}

/** Decodes a file's bytes as UTF-8 text, or throws UsageError for binary content. */
function decodeText(label: string, bytes: Buffer): string {
  const head = bytes.subarray(0, 8000);
  if (head.includes(0)) throw new UsageError(`${label}: binary file (contains NUL bytes), not counted`);
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new UsageError(`${label}: not valid UTF-8 text (binary file?), not counted`);
  }
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

export async function runCount(argv: string[], io: CliIO): Promise<number> {
  const opts = parseArgs(argv);
  if (opts.help) {
    io.stdout(HELP);
    return EXIT_OK;
  }
  if (opts.encoding !== undefined && opts.model !== undefined) throw new UsageError('use either --encoding or --model, not both');
  if (opts.files.length === 0) throw new UsageError('no input files (use - for standard input)');
  let tokenizer: ModelTokenizer;
  if (opts.model !== undefined) {
    tokenizer = tokenizerForModel(opts.model);
    if (tokenizer.fallback) io.stderr(`prompt-cost count: note: ${tokenizer.fallback}\n`);
  } else {
    const enc = opts.encoding ?? 'o200k_base';
    if (!isEncodingName(enc)) throw new UsageError(`unknown encoding '${enc}' (one of ${TOKENIZER_NAMES.join(', ')})`);
    tokenizer = { encoding: enc, approximate: false, method: `Exact: ${enc}.` };
  }

  if (opts.providerCount && opts.model === undefined) throw new UsageError('--provider-count needs --model');
  const counter = opts.providerCount && tokenizer.approximate ? providerCounter(opts.model ?? '', io) : undefined;
  if (opts.providerCount && !counter)
    io.stderr(
      `prompt-cost count: note: ${tokenizer.approximate ? 'no count endpoint serves' : 'exact offline for'} ${opts.model}; counted locally\n`,
    );
  const results: FileCount[] = [];
  let failed = false;
  let stdinUsed = false;
  for (const file of opts.files) {
    try {
      let bytes: Buffer;
      if (file === '-') {
        if (stdinUsed) throw new UsageError('standard input (-) given more than once');
        stdinUsed = true;
        bytes = await io.readStdin();
      } else {
        bytes = readFileOrThrow(path.resolve(io.cwd, file));
      }
      const text = decodeText(file === '-' ? 'standard input' : file, bytes);
      const tokens = applyFactor(countTokens(text, tokenizer.encoding), tokenizer);
      if (counter) {
        const exact = await counter.count([{ role: 'user', content: text }], tokens);
        results.push({
          path: file,
          encoding: tokenizer.encoding,
          tokens: exact.tokens,
          approximate: false,
          source: exact.source,
          cached: exact.cached,
        });
      } else results.push({ path: file, encoding: tokenizer.encoding, tokens, approximate: tokenizer.approximate });
    } catch (err) {
      if (!(err instanceof UsageError)) throw err;
      io.stderr(`prompt-cost count: ${err.message}\n`);
      failed = true;
    }
  }

  const totalTokens = results.reduce((a, r) => a + r.tokens, 0);
  if (opts.json) {
    printJson(io, { files: results, totalTokens });
  } else if (results.length > 0) {
    const mark = tokenizer.approximate && !counter ? '≈' : '';
    const width = Math.max(...results.map((r) => String(r.tokens).length), String(totalTokens).length) + mark.length;
    const lines = results.map((r) => `${(mark + r.tokens).padStart(width)}  ${r.path}`);
    if (results.length > 1) lines.push(`${(mark + totalTokens).padStart(width)}  total`);
    const method = counter
      ? `Exact: ${results[0]?.source ?? 'provider count'}${results.some((r) => r.cached) ? ' (cached)' : ''}.`
      : tokenizer.method;
    lines.push(`(${method}${opts.model !== undefined ? ` Model: ${opts.model}.` : ''})`);
    io.stdout(lines.join('\n') + '\n');
  }
  return failed ? EXIT_USAGE : EXIT_OK;
}
