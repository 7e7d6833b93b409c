// `prompt-cost history export --otlp URL | --otlp-file FILE` and `history import --otlp-file FILE|DIR…`:
// the ledger's runs (own and imported Flujo runs) as OpenTelemetry spans, and team runs back in.
// Headers for --otlp come from OTEL_EXPORTER_OTLP_TRACES_HEADERS / OTEL_EXPORTER_OTLP_HEADERS
// (`key=value,key2=value2`, values URL-encoded: the OpenTelemetry SDK environment variable format),
// never from the command line, so a Langfuse key does not land in the shell history.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { CliIO, EXIT_OK, UsageError, printJson } from './io';
import { parseArgs, stringFlag } from './args';
import { defaultLedgerPath, importLedger, ledgerWriteFailure, loadLedger, warnSkipped } from './history';
import { compareRunsNewestFirst } from '../core/history/group';
import { runsToJsonLines } from '../core/history/otel/jsonl';
import { exportRunsToOtlp } from '../core/history/otel/exportRuns';
import { parseOtlpHeaders, tracesUrl } from '../core/history/otel/send';
import { importOtlpFiles } from '../core/history/otel/import';
import { fsErrorLine, writeFileAtomicSync } from '../core/safeWrite';
import { errorText } from '../core/errors';

export async function exportOtlp(argv: string[], io: CliIO): Promise<number> {
  const { positional, flags } = parseArgs(argv, {
    valued: ['ledger', 'otlp', 'otlp-file', 'member', 'timeout-ms'],
    booleans: ['json', 'include-text'],
  });
  if (positional.length) throw new UsageError(`unexpected argument '${positional[0]}'`);
  const url = stringFlag(flags, 'otlp');
  const out = stringFlag(flags, 'otlp-file');
  if ((url === undefined) === (out === undefined)) throw new UsageError('choose one of --otlp URL or --otlp-file FILE');
  const file = defaultLedgerPath(io, stringFlag(flags, 'ledger'));
  const ledger = await loadLedger(file);
  const warnings = warnSkipped(io, file, ledger);
  const runs = [...ledger.runs].sort(compareRunsNewestFirst).reverse();
  const member = stringFlag(flags, 'member') ?? io.env.PROMPT_COST_MEMBER;
  const options = { member, includeText: flags.has('include-text'), serviceVersion: io.env.npm_package_version };
  if (out !== undefined) {
    const target = path.resolve(io.cwd, out);
    try {
      writeFileAtomicSync(target, runsToJsonLines(runs, options));
    } catch (err) {
      throw new UsageError(fsErrorLine(err, `cannot write ${target}`) ?? `cannot write ${target}: ${errorText(err, 'code')}`, 'input');
    }
    const spans = runs.reduce((n, r) => n + 1 + (r.steps?.length ?? 0), 0);
    if (flags.has('json')) printJson(io, { ledger: file, otlpFile: target, runs: runs.length, spans, warnings });
    else io.stdout(`${target}: ${runs.length} run(s), ${spans} span(s) (OTLP JSON Lines)\n`);
    return EXIT_OK;
  }
  const headers = { ...parseOtlpHeaders(io.env.OTEL_EXPORTER_OTLP_HEADERS), ...parseOtlpHeaders(io.env.OTEL_EXPORTER_OTLP_TRACES_HEADERS) };
  const timeoutFlag = stringFlag(flags, 'timeout-ms');
  if (timeoutFlag !== undefined && !/^\d+$/.test(timeoutFlag))
    throw new UsageError(`--timeout-ms must be a whole number, got '${timeoutFlag}'`);
  const target = tracesUrl(url!);
  const result = await exportRunsToOtlp(runs, {
    ...options,
    url: target,
    headers,
    ...(timeoutFlag ? { timeoutMs: Number(timeoutFlag) } : {}),
  });
  const failedRuns = result.failures.reduce((n, f) => n + f.runIds.length, 0);
  for (const f of result.failures.slice(0, 10)) io.stderr(`error: ${f.runIds.length} run(s) not exported: ${f.message}\n`);
  if (flags.has('json'))
    printJson(io, {
      ledger: file,
      url: target,
      runs: runs.length,
      sentRuns: result.sentRuns,
      sentSpans: result.sentSpans,
      requests: result.requests,
      rejectedSpans: result.rejectedSpans,
      failedRuns,
      failures: result.failures.map((f) => ({ runIds: f.runIds, message: f.message })),
      warnings,
    });
  else
    io.stdout(
      `${target}: ${result.sentRuns} of ${runs.length} run(s) sent (${result.sentSpans} span(s), ${result.requests} request(s))` +
        `${result.rejectedSpans ? `, ${result.rejectedSpans} span(s) rejected by the receiver` : ''}${failedRuns ? `, ${failedRuns} not sent` : ''}\n`,
    );
  // Not all sent: an input/connection error (exit 2); running it again is safe (stable span ids).
  return failedRuns ? 2 : EXIT_OK;
}

/** Files and the *.jsonl / *.json files directly inside folders (a shared folder, a CI artifact). */
function otlpFiles(io: CliIO, args: readonly string[]): string[] {
  const files: string[] = [];
  for (const a of args) {
    const p = path.resolve(io.cwd, a);
    let st: fs.Stats;
    try {
      st = fs.statSync(p);
    } catch (err) {
      throw new UsageError(`cannot read ${p}: ${errorText(err, 'code')}`, 'input');
    }
    if (st.isDirectory()) {
      for (const name of fs.readdirSync(p).sort())
        if (/\.(jsonl|json)$/i.test(name) && fs.statSync(path.join(p, name)).isFile()) files.push(path.join(p, name));
    } else files.push(p);
  }
  return files;
}

export async function importOtlp(argv: string[], io: CliIO): Promise<number> {
  const { positional, flags } = parseArgs(argv, { valued: ['ledger', 'otlp-file'], booleans: ['json', 'dry-run'] });
  const first = stringFlag(flags, 'otlp-file');
  if (first === undefined) throw new UsageError('--otlp-file FILE|DIR is required');
  const files = otlpFiles(io, [first, ...positional]);
  const { file, root } = importLedger(io, stringFlag(flags, 'ledger'));
  const dry = flags.has('dry-run');
  const result = await importOtlpFiles(file, files, { root, dryRun: dry }).catch((err: unknown) => {
    throw ledgerWriteFailure(err);
  });
  for (const p of result.problems.slice(0, 20)) io.stderr(`warning: ${p.where}: ${p.message}\n`);
  if (result.problems.length > 20) io.stderr(`warning: ${result.problems.length - 20} more problem(s) (see --json)\n`);
  if (flags.has('json')) {
    printJson(io, {
      files,
      ledger: file,
      dryRun: dry,
      added: result.added,
      updated: result.updated,
      unchanged: result.unchanged,
      skippedDeleted: result.skippedDeleted,
      duplicateSpans: result.duplicateSpans,
      otherSpans: result.otherSpans,
      problems: result.problems,
      runs: result.records,
    });
    return EXIT_OK;
  }
  io.stdout(
    `${files.length} file(s): ${result.records.length + result.unchanged + result.skippedDeleted} run(s) found` +
      `${result.duplicateSpans ? `, ${result.duplicateSpans} duplicate span(s) skipped` : ''}${result.otherSpans ? `, ${result.otherSpans} non-GenAI span(s) ignored` : ''}\n`,
  );
  io.stdout(
    dry
      ? `dry run: nothing written to ${file}\n`
      : `${file}: ${result.added} added, ${result.updated} updated, ${result.unchanged} unchanged${result.skippedDeleted ? `, ${result.skippedDeleted} deleted earlier (skipped)` : ''}\n`,
  );
  return EXIT_OK;
}

/**
 * `history import --langfuse [URL]`: the team's GENERATION observations from Langfuse's public API into the
 * ledger. Keys from LANGFUSE_PUBLIC_KEY / LANGFUSE_SECRET_KEY (the names Langfuse's SDKs read), the URL
 * from the flag, LANGFUSE_BASE_URL or LANGFUSE_HOST. Incremental: from the newest run already imported
 * from that host (an hour before it, for late arrivals) unless --since says otherwise.
 */
export async function importLangfuse(argv: string[], io: CliIO): Promise<number> {
  // `--langfuse` alone (the URL from the environment) is allowed: drop it before parsing.
  const at = argv.indexOf('--langfuse');
  if (at >= 0 && (argv[at + 1] === undefined || argv[at + 1].startsWith('-'))) argv = [...argv.slice(0, at), ...argv.slice(at + 1)];
  const { positional, flags } = parseArgs(argv, { valued: ['ledger', 'since', 'max-pages', 'langfuse'], booleans: ['json', 'dry-run'] });
  if (positional.length) throw new UsageError(`unexpected argument '${positional[0]}'`);
  const flag = flags.get('langfuse');
  const baseUrl = (typeof flag === 'string' ? flag : undefined) ?? io.env.LANGFUSE_BASE_URL ?? io.env.LANGFUSE_HOST;
  if (!baseUrl) throw new UsageError('--langfuse URL (or LANGFUSE_BASE_URL) is required');
  const publicKey = io.env.LANGFUSE_PUBLIC_KEY;
  const secretKey = io.env.LANGFUSE_SECRET_KEY;
  if (!publicKey || !secretKey) throw new UsageError('set LANGFUSE_PUBLIC_KEY and LANGFUSE_SECRET_KEY (never on the command line)');
  const maxPages = stringFlag(flags, 'max-pages');
  if (maxPages !== undefined && !/^[1-9]\d*$/.test(maxPages))
    throw new UsageError(`--max-pages must be a whole number ≥ 1, got '${maxPages}'`);
  const since = stringFlag(flags, 'since');
  if (since !== undefined && !Number.isFinite(Date.parse(since)))
    throw new UsageError(`--since must be an ISO date or time, got '${since}'`);
  if (!URL.canParse(baseUrl)) throw new UsageError(`--langfuse: '${baseUrl}' is not a URL`);
  const { file, root } = importLedger(io, stringFlag(flags, 'ledger'));
  const ledger = await loadLedger(file);
  const { langfuseResumeFrom, readLangfuseRuns } = await import('../core/history/otel/langfuse');
  const from = since ?? langfuseResumeFrom(ledger.runs, baseUrl);
  const { importTeamRecords } = await import('../core/history/otel/import');
  let read;
  try {
    read = await readLangfuseRuns({
      baseUrl,
      publicKey,
      secretKey,
      ...(from ? { fromStartTime: from } : {}),
      ...(maxPages ? { maxPages: Number(maxPages) } : {}),
    });
  } catch (err) {
    throw new UsageError(errorText(err), 'input');
  }
  const done = await importTeamRecords(file, read.records, { root, dryRun: flags.has('dry-run') }).catch((err: unknown) => {
    throw ledgerWriteFailure(err);
  });
  for (const p of read.problems) io.stderr(`warning: ${p}\n`);
  if (read.truncated) io.stderr(`warning: stopped after ${read.pages} page(s); run the import again for the rest\n`);
  if (flags.has('json')) {
    printJson(io, {
      langfuse: baseUrl,
      ledger: file,
      fromStartTime: from ?? null,
      pages: read.pages,
      observations: read.observations,
      truncated: read.truncated,
      ...done,
      problems: read.problems,
    });
    return EXIT_OK;
  }
  io.stdout(`${baseUrl}: ${read.observations} observation(s) in ${read.pages} page(s)${from ? ` since ${from}` : ''}\n`);
  io.stdout(`${file}: ${done.added} added, ${done.updated} updated, ${done.unchanged} unchanged\n`);
  return EXIT_OK;
}
