// `prompt-cost count [--encoding NAME | --model ID] [--json] FILE...` (`-` = stdin).
// Counts each file's text as ordinary text (tiktoken encode_ordinary: special-token strings
// count as plain text). A UTF-8 byte order mark is not counted (editors don't show it).
// A file that cannot be read or is binary (NUL bytes or invalid UTF-8) gets a one-line error
// on stderr; the other files are still counted and the exit code is 2.
import { CliIO, EXIT_OK, EXIT_USAGE, UsageError, printJson } from './io';
import { providerCounter } from './providerCount';
import { parseArgs, readTextInput, stringFlag } from './args';
import {
  TOKENIZER_NAMES,
  EncodingName,
  ModelTokenizer,
  applyFactor,
  approximateChatTokens,
  countTokens,
  isEncodingName,
  tokenizerForModel,
} from '../core/tokenize';
import { maxOf } from '../core/arrays';

interface FileCount {
  path: string;
  encoding: EncodingName;
  tokens: number;
  approximate: boolean;
  /** Set when a provider's count endpoint gave the number (--provider-count). */
  source?: string;
  cached?: boolean;
}

export async function runCount(argv: string[], io: CliIO): Promise<number> {
  const { positional, flags } = parseArgs(argv, {
    valued: ['encoding', 'model'],
    booleans: ['json', 'provider-count'],
    aliases: { e: 'encoding', m: 'model' },
  });
  const opts = {
    encoding: stringFlag(flags, 'encoding'),
    model: stringFlag(flags, 'model'),
    json: flags.has('json'),
    providerCount: flags.has('provider-count'),
    files: positional,
  };
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
  const failures: { path: string; code: string; message: string }[] = [];
  let stdinUsed = false;
  for (const file of opts.files) {
    try {
      if (file === '-') {
        if (stdinUsed) throw new UsageError('standard input (-) given more than once');
        stdinUsed = true;
      }
      const text = await readTextInput(file, io);
      const tokens = applyFactor(countTokens(text, tokenizer.encoding), tokenizer);
      if (counter) {
        // the pair stored for calibration: the estimate as `estimate` makes it for this one user message (chat framing included)
        const messages = [{ role: 'user', content: text }];
        const exact = await counter.count(messages, approximateChatTokens(messages, tokenizer));
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
      failures.push({ path: file, code: err.code, message: err.message });
    }
  }

  const totalTokens = results.reduce((a, r) => a + r.tokens, 0);
  if (opts.json) {
    // A file that could not be counted: the others are still listed, and `error` says which failed.
    const error = failures.length
      ? {
          code: failures[0].code,
          message: `${failures.length} of ${opts.files.length} file(s) not counted: ${failures[0].message}`,
          files: failures,
        }
      : undefined;
    printJson(io, { files: results, totalTokens, ...(error ? { error } : {}) });
  } else if (results.length > 0) {
    const mark = tokenizer.approximate && !counter ? '≈' : '';
    const width =
      maxOf(
        results.map((r) => String(r.tokens).length),
        String(totalTokens).length,
      ) + mark.length;
    const lines = results.map((r) => `${(mark + r.tokens).padStart(width)}  ${r.path}`);
    if (results.length > 1) lines.push(`${(mark + totalTokens).padStart(width)}  total`);
    const method = counter
      ? `Exact: ${results[0]?.source ?? 'provider count'}${results.some((r) => r.cached) ? ' (cached)' : ''}.`
      : tokenizer.method;
    lines.push(`(${method}${opts.model !== undefined ? ` Model: ${opts.model}.` : ''})`);
    io.stdout(lines.join('\n') + '\n');
  }
  return failures.length ? EXIT_USAGE : EXIT_OK;
}
