// Quick fixes for flujo.toml diagnostics, as pure text edits (the lead maps them to vscode.WorkspaceEdit).
import { perMtokToPer1k } from '../pricing/catalog';
import { Decimal } from '../pricing/decimal';
import { ReferenceCatalog, bundledReferenceCatalog } from '../pricing/reference';
import { FlujoDiagnostic } from './analyze';
import { Range, lineStartsOf, offsetAt, positionAt, tomlKey } from './scanner';

export interface TextEdit {
  range: Range;
  newText: string;
}

export interface QuickFix {
  title: string;
  edits: TextEdit[];
  isPreferred?: boolean;
}

export interface FixOptions {
  reference?: ReferenceCatalog;
}

export function eolOf(text: string): string {
  return text.includes('\r\n') ? '\r\n' : '\n';
}

/** Applies non-overlapping edits (any order) to text. */
export function applyEdits(text: string, edits: readonly TextEdit[]): string {
  const starts = lineStartsOf(text);
  const abs = edits
    .map((e) => ({ from: offsetAt(starts, e.range.start), to: offsetAt(starts, e.range.end), text: e.newText }))
    .sort((a, b) => b.from - a.from || b.to - a.to);
  let out = text;
  for (const e of abs) out = out.slice(0, e.from) + e.text + out.slice(e.to);
  return out;
}

/** Reference prices of a model converted to Flujo's per-1K keys (exact), if the catalog has it. */
export function referencePer1k(reference: ReferenceCatalog, provider: string, model: string): { prompt?: string; completion?: string } {
  const m = reference.find(provider, model);
  if (!m) return {};
  const input = m.prices.input ? perMtokToPer1k(m.prices.input.base).toString() : undefined;
  const output = m.embedding ? input : m.prices.output ? perMtokToPer1k(m.prices.output.base).toString() : undefined;
  return { prompt: input, completion: output };
}

function tomlDecimal(text: string): Decimal | undefined {
  try {
    return Decimal.parse(text.replace(/_/g, ''));
  } catch {
    return undefined;
  }
}

/** TOML float text for a decimal ("0" → "0.0", "2" → "2.0"), so Flujo reads a float as it expects. */
function tomlFloat(decimal: string): string {
  return decimal.includes('.') ? decimal : `${decimal}.0`;
}

/**
 * An edit appending `[cost.providers.<provider>."<model>"]` with prices from the reference (per 1K, exact)
 * or 0.0 placeholders with a comment when the reference has none.
 */
export function addModelTableEdit(
  text: string,
  provider: string,
  model: string,
  reference: ReferenceCatalog = bundledReferenceCatalog(),
): TextEdit {
  const eol = eolOf(text);
  const ref = referencePer1k(reference, provider, model);
  const lines = [`[cost.providers.${tomlKey(provider)}.${JSON.stringify(model)}]`];
  const src =
    ref.prompt || ref.completion ? `  # ${reference.source} ${reference.dataDate}` : '  # TODO: set the price (USD per 1,000 tokens)';
  lines.push(`prompt_tokens_per_1k = ${tomlFloat(ref.prompt ?? '0')}${src}`);
  lines.push(`completion_tokens_per_1k = ${tomlFloat(ref.completion ?? '0')}${src}`);
  return appendAtEnd(text, eol, [], [lines.join(eol)]);
}

/**
 * One edit at the end of `text`: lines that continue the last line's table (`afterLast`), then `tables`
 * after a blank line, each separated by one. `lineStarts` when the caller already has them.
 */
export function appendAtEnd(
  text: string,
  eol: string,
  afterLast: readonly string[],
  tables: readonly string[],
  lineStarts: number[] = lineStartsOf(text),
): TextEdit {
  const end = positionAt(lineStarts, text.length);
  const open = text.length > 0 && !text.endsWith('\n') && !text.endsWith('\r');
  let out = (open ? eol : '') + afterLast.map((l) => l + eol).join('');
  if (tables.length) {
    const blank = out.length > 0 || (text.length > 0 && !/(\r?\n){2}$/.test(text));
    out += (blank ? eol : '') + tables.join(eol + eol) + eol;
  }
  return { range: { start: end, end }, newText: out };
}

/** The quick fixes for one diagnostic produced by analyzeFlujoToml on `text`. */
export function quickFixes(text: string, diagnostic: FlujoDiagnostic, options: FixOptions = {}): QuickFix[] {
  const reference = options.reference ?? bundledReferenceCatalog();
  const d = diagnostic.data;
  if (!d) return [];
  const eol = eolOf(text);
  switch (d.kind) {
    case 'quote-model-key':
      return [{ title: `Quote the model name: ${d.quoted}`, edits: [{ range: diagnostic.range, newText: d.quoted }], isPreferred: true }];
    case 'replace-key':
      return d.suggestions.map((s, i) => {
        const newText = i === 0 && d.text ? d.text : tomlKey(s);
        return { title: `Change to '${newText}'`, edits: [{ range: diagnostic.range, newText }], isPreferred: i === 0 };
      });
    case 'replace-value':
      return [
        {
          title: `Write ${d.replacement}`,
          edits: [{ range: diagnostic.range, newText: d.replacement }],
          isPreferred: true,
        },
      ];
    case 'replace-model':
      return d.suggestions.map((s, i) => {
        // Another model than the table was priced for: bring its prices along, so nothing new is reported.
        const ref = referencePer1k(reference, d.provider, s);
        const priceEdits: TextEdit[] = [];
        for (const p of d.prices ?? []) {
          const want = p.key === 'prompt_tokens_per_1k' ? ref.prompt : ref.completion;
          const have = tomlDecimal(p.text);
          if (want !== undefined && have && have.compare(Decimal.parse(want)) !== 0)
            priceEdits.push({ range: p.range, newText: tomlFloat(want) });
        }
        return {
          title: `Change to '${d.provider}:${s}'${priceEdits.length ? ' with its reference prices' : ''}`,
          edits: [{ range: diagnostic.range, newText: JSON.stringify(s) }, ...priceEdits],
          isPreferred: i === 0,
        };
      });
    case 'convert-magnitude':
      return [
        {
          title:
            d.direction === 'per1m-to-per1k'
              ? `Convert per-1M to per-1K: ${d.value} → ${tomlFloat(d.replacement)}`
              : `Convert to per-1K: ${d.value} → ${tomlFloat(d.replacement)}`,
          edits: [{ range: diagnostic.range, newText: tomlFloat(d.replacement) }],
          isPreferred: true,
        },
      ];
    case 'add-missing-prices': {
      const lines = d.missing.map((k) => {
        const v = d.reference?.[k];
        return v !== undefined
          ? `${k} = ${tomlFloat(v)}  # ${reference.source} ${reference.dataDate}`
          : `${k} = 0.0  # TODO: set the price (USD per 1,000 tokens)`;
      });
      const at = d.insertAfter.end;
      const starts = lineStartsOf(text);
      // Insert at the end of the anchor's line.
      const lineEndOffset = (() => {
        let o = offsetAt(starts, { line: at.line, character: 0 });
        while (o < text.length && text[o] !== '\n' && text[o] !== '\r') o++;
        return o;
      })();
      const pos = positionAt(starts, lineEndOffset);
      const fromRef = d.missing.every((k) => d.reference?.[k] !== undefined);
      return [
        {
          title: fromRef ? `Add ${d.missing.join(' and ')} from the reference catalog` : `Add ${d.missing.join(' and ')}`,
          edits: [{ range: { start: pos, end: pos }, newText: eol + lines.join(eol) }],
          isPreferred: true,
        },
      ];
    }
    case 'add-model-table':
      if (!d.provider) return [];
      return [
        {
          title: `Add pricing for ${d.provider}:${d.model} to flujo.toml`,
          edits: [addModelTableEdit(text, d.provider, d.model, reference)],
          isPreferred: true,
        },
      ];
    case 'price-differs': {
      return [
        {
          title: `Use the reference price ${tomlFloat(d.reference)}`,
          edits: [{ range: diagnostic.range, newText: tomlFloat(d.reference) }],
        },
      ];
    }
  }
}
