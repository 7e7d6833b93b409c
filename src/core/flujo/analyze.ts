// flujo.toml analysis: text in, diagnostics with stable codes and the pricing Flujo will see out.
// Pure and total (never throws, except a CancellationError when `options.cancelled` says so). Named stages like taplo's: syntax → structure → schema/types →
// pricing → budgets → usage; each lives in ./analysis and reports into one capped sink.
import { bundledReferenceCatalog } from '../pricing/reference';
import { CancellationError } from '../cancellation';
import { lineStartsOf, scanToml } from './scanner';
import { AnalysisContext, Consequences, DiagnosticSink, MAX_DIAGNOSTICS, flatten } from './analysis/context';
import { checkByteOrderMark, checkIntegerDigits, checkSyntax } from './analysis/syntax';
import { checkDottedModelKeys, checkSections } from './analysis/structure';
import { checkLeaves } from './analysis/keys';
import { ModelTables, checkModelTables } from './analysis/pricing';
import { checkConfiguredModels, checkUnpricedModels } from './analysis/strictUsage';
import type { AnalyzeOptions, FlujoAnalysis, FlujoDiagnostic } from './analysis/types';
import type { FlujoPricing } from '../pricing/catalog';

export * from './analysis/types';
export { levenshtein, didYouMean } from './analysis/words';
export { tomlNumber } from './analysis/values';
export { suggestModels } from './analysis/pricing';
export { MAX_DIAGNOSTICS } from './analysis/context';

export function analyzeFlujoToml(text: string, options: AnalyzeOptions = {}): FlujoAnalysis {
  const checkpoint = () => {
    if (options.cancelled?.()) throw new CancellationError('superseded by a newer request');
  };
  const sink = new DiagnosticSink(options.maxDiagnostics ?? MAX_DIAGNOSTICS);
  // smol-toml first: its parse tree is garbage before the scan's positions are built (a lower peak).
  const lineStarts = lineStartsOf(text);
  const consequences: Consequences = { loadFails: [], costInvalid: [] };
  if (options.encodingError) {
    sink.push(options.encodingError);
    consequences.loadFails.push('it is not valid UTF-8');
  }
  if (checkByteOrderMark(text, sink, options.byteOrderMark)) consequences.loadFails.push('it starts with a byte-order mark');
  const valid = checkSyntax(text, { lineStarts }, sink);
  if (!valid) consequences.loadFails.push('TOML syntax error');
  checkpoint();
  const scan = scanToml(text, lineStarts);
  if (valid && checkIntegerDigits(scan, sink))
    consequences.loadFails.push("an integer is longer than Python's int() accepts (4,300 digits)");
  checkpoint();
  const flat = flatten(scan);
  const reference = options.reference ?? bundledReferenceCatalog();
  const isDotted = checkDottedModelKeys(flat, reference, sink, consequences.costInvalid);
  checkSections(flat, sink);
  const ctx: AnalysisContext = { text, scan, reference, sink, flat, isDotted, consequences };
  const models = new ModelTables(flat, isDotted);
  const { strict, strictRange } = checkLeaves(ctx, models);
  checkpoint();
  const providers = checkModelTables(ctx, models);
  const pricing: FlujoPricing = { strict, providers, path: options.path, date: options.date };
  if (consequences.loadFails.length) pricing.loadError = consequences.loadFails[0];
  if (consequences.costInvalid.length) pricing.costInvalid = consequences.costInvalid[0];
  // Strict mode and prices only apply when Flujo can use the [cost] section at all.
  const usable = !pricing.loadError && !pricing.costInvalid;
  checkConfiguredModels(ctx, pricing);
  // Strict mode in a file that does not load or whose [cost] section is invalid: Flujo records $0 today and
  // raises for each unpriced model once those errors are fixed, so these findings are shown now, beside them.
  if (options.usedModels?.length && valid && (usable || strict)) {
    const anchor = strict ? strictRange! : (scan.headers.find((h) => h.path[0] === 'cost')?.range ?? scan.headers[0]?.range);
    if (anchor) checkUnpricedModels(sink, options.usedModels, pricing, anchor, strict);
  }

  const diagnostics = sink.diagnostics;
  return {
    diagnostics,
    pricing,
    models: models.all(),
    strict,
    strictRange,
    scan,
    valid,
  };
}

/** Diagnostics only. */
export function lintFlujoToml(text: string, options: AnalyzeOptions = {}): FlujoDiagnostic[] {
  return analyzeFlujoToml(text, options).diagnostics;
}

/** The FlujoPricing of a flujo.toml text (for the PriceCatalog). */
export function flujoPricing(text: string, options: AnalyzeOptions = {}): FlujoPricing {
  return analyzeFlujoToml(text, options).pricing;
}
