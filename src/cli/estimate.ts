// `prompt-cost estimate FILE --model ID[,ID...] [--output-tokens N] [--config PATH] [--json]`
import * as fs from 'node:fs';
import * as path from 'node:path';
import { CliIO, EXIT_OK, UsageError, printJson, readFileOrThrow } from './io';
import { analyzeFlujoToml } from '../core/flujo/analyze';
import { flujoRecordNote } from '../core/pricing/flujo';
import { findFlujoConfig } from '../core/flujo/config';
import { decodeTomlBytes } from '../core/flujo/decode';
import { PriceCatalog } from '../core/pricing/catalog';
import { computeCost } from '../core/pricing/cost';
import { formatUsd } from '../core/format';
import { promptFileTokens } from '../core/estimate';

export interface ParsedArgs {
  positional: string[];
  flags: Map<string, string | true>;
}

/** Small strict option parser: `--name value`, `--name=value`, boolean flags; unknown options are usage errors. */
export function parseArgs(argv: string[], valued: readonly string[], booleans: readonly string[]): ParsedArgs {
  const positional: string[] = [];
  const flags = new Map<string, string | true>();
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--') {
      positional.push(...argv.slice(i + 1));
      break;
    }
    if (a.startsWith('--')) {
      const eq = a.indexOf('=');
      const name = eq > 0 ? a.slice(2, eq) : a.slice(2);
      if (booleans.includes(name)) {
        if (eq > 0) throw new UsageError(`--${name} takes no value`);
        flags.set(name, true);
      } else if (valued.includes(name)) {
        const v = eq > 0 ? a.slice(eq + 1) : argv[++i];
        if (v === undefined || (eq < 0 && v.startsWith('--'))) throw new UsageError(`--${name} needs a value`);
        flags.set(name, v);
      } else throw new UsageError(`unknown option ${a}`);
    } else positional.push(a);
  }
  return { positional, flags };
}

export function nonNegativeInt(flags: Map<string, string | true>, name: string, fallback: number): number {
  const v = flags.get(name);
  if (v === undefined) return fallback;
  if (typeof v !== 'string' || !/^\d+$/.test(v) || !Number.isSafeInteger(Number(v)))
    throw new UsageError(`--${name} must be a non-negative integer, got '${v}'`);
  return Number(v);
}

export function nonNegativeNumber(flags: Map<string, string | true>, name: string, fallback: number): number {
  const v = flags.get(name);
  if (v === undefined) return fallback;
  if (typeof v !== 'string' || !/^\d+(\.\d+)?$/.test(v)) throw new UsageError(`--${name} must be a non-negative number, got '${v}'`);
  return Number(v);
}

export function splitList(v: string): string[] {
  return v
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}

/** Reads the prompt FILE (`-` = stdin) as UTF-8 text. */
export async function readInput(file: string, io: CliIO): Promise<string> {
  const bytes = file === '-' ? await io.readStdin() : readFileOrThrow(path.resolve(io.cwd, file));
  return new TextDecoder('utf-8').decode(bytes);
}

/** The catalog the CLI prices with: flujo.toml (explicit --config, FLUJO_CONFIG_PATH, or found from cwd) over the reference. */
export function loadCliCatalog(
  io: CliIO,
  configPath: string | undefined,
): { catalog: PriceCatalog; configFile?: string; warnings: string[] } {
  const loc = findFlujoConfig({ explicitPath: configPath, env: io.env, startDir: io.cwd });
  if (!loc) return { catalog: new PriceCatalog(), warnings: [] };
  let bytes: Buffer;
  try {
    bytes = fs.readFileSync(loc.path);
  } catch (err) {
    if (loc.reason === 'search') return { catalog: new PriceCatalog(), warnings: [] };
    throw new UsageError(`cannot read config ${loc.path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  const { text } = decodeTomlBytes(bytes);
  let date: string | undefined;
  try {
    date = fs.statSync(loc.path).mtime.toISOString().slice(0, 10);
  } catch {
    date = undefined;
  }
  const analysis = analyzeFlujoToml(text, { path: loc.path, date });
  const warnings: string[] = [];
  const errors = analysis.diagnostics.filter((d) => d.severity === 'error');
  if (errors.length) warnings.push(`${loc.path} has ${errors.length} error(s); run \`prompt-cost lint\` (prices there may be ignored)`);
  return { catalog: new PriceCatalog({ flujo: analysis.pricing }), configFile: loc.path, warnings };
}

export async function runEstimate(argv: string[], io: CliIO): Promise<number> {
  const { positional, flags } = parseArgs(argv, ['model', 'output-tokens', 'config'], ['json']);
  if (positional.length !== 1)
    throw new UsageError(
      'expected exactly one FILE (usage: estimate FILE --model ID[,ID...] [--output-tokens N] [--config PATH] [--json])',
    );
  const modelFlag = flags.get('model');
  if (typeof modelFlag !== 'string' || !splitList(modelFlag).length) throw new UsageError('--model ID[,ID...] is required');
  const models = [...new Set(splitList(modelFlag))];
  const config = flags.get('config');
  const file = positional[0];
  const text = await readInput(file, io);
  // Counted like the editor: the prompt's messages with chat overhead; the file's max_tokens is the default output.
  const prompt = promptFileTokens(text, path.basename(file === '-' ? 'stdin.txt' : file));
  const outputTokens = nonNegativeInt(flags, 'output-tokens', prompt.maxTokens ?? 0);
  const { catalog, warnings } = loadCliCatalog(io, typeof config === 'string' ? config : undefined);

  const estimates = models.map((model) => {
    const res = catalog.resolve(model);
    if (!res.ok) throw new UsageError(res.message);
    warnings.push(...res.warnings);
    const count = prompt.tokens(model);
    const cost = computeCost(res.price, { inputTokens: count.tokens, outputTokens });
    if (cost.missing.length) warnings.push(`${model}: no price for ${cost.missing.join(', ')} (counted as $0)`);
    // With a flujo.toml: what Flujo's own ledger will hold for this call (it may differ from the bill).
    const flujo = res.flujo && flujoRecordNote(res.flujo, count.tokens, res.price.embedding ? 0 : outputTokens);
    // ($0 and PricingNotConfiguredError are already in the resolution's warning.)
    const priced = res.flujo?.kind === 'configured' || res.flujo?.kind === 'default';
    if (flujo && priced && (flujo.usd !== cost.totalUsd.toString() || flujo.float !== undefined)) warnings.push(`${model}: ${flujo.text}`);
    return {
      model,
      encoding: count.encoding,
      inputTokens: count.tokens,
      outputTokens: res.price.embedding ? 0 : outputTokens,
      inputUsd: cost.inputUsd.toString(),
      outputUsd: cost.outputUsd.toString(),
      totalUsd: cost.totalUsd.toString(),
      priceSource: res.price.source,
      approximate: count.approximate,
      ...(flujo ? { flujoRecords: flujo } : {}),
    };
  });
  for (const w of warnings) io.stderr(`warning: ${w}\n`);
  if (flags.has('json')) {
    printJson(io, { file, estimates });
    return EXIT_OK;
  }
  const rows = estimates.map((e) => [
    e.model,
    `${e.approximate ? '≈' : ''}${e.inputTokens}`,
    String(e.outputTokens),
    formatUsd(e.inputUsd, e.approximate),
    formatUsd(e.outputUsd, e.approximate),
    formatUsd(e.totalUsd, e.approximate),
    e.priceSource,
  ]);
  io.stdout(
    `${file}\n` + alignTable(['model', 'input tokens', 'output tokens', 'input', 'output', 'total', 'price source'], rows, [1, 2, 3, 4, 5]),
  );
  return EXIT_OK;
}

/** Plain aligned text table; `right` lists right-aligned column indexes. */
export function alignTable(head: string[], rows: string[][], right: number[] = []): string {
  const widths = head.map((h, i) => Math.max([...h].length, ...rows.map((r) => [...(r[i] ?? '')].length)));
  const fmt = (r: string[]) =>
    r
      .map((c, i) =>
        right.includes(i) ? c.padStart(widths[i] + c.length - [...c].length) : c.padEnd(widths[i] + c.length - [...c].length),
      )
      .join('  ')
      .trimEnd();
  return [fmt(head), fmt(widths.map((w) => '-'.repeat(w))), ...rows.map(fmt)].join('\n') + '\n';
}
