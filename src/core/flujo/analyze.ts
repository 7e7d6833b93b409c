// flujo.toml analysis: syntax (smol-toml) + structure (position scanner) → diagnostics with stable codes,
// and the pricing Flujo will actually see. Pure: text in, data out; never throws on any input.
import { TomlError, parse as parseToml } from 'smol-toml';
import { Decimal } from '../pricing/decimal';
import { FlujoModelPrice, FlujoPricing, perMtokToPer1k } from '../pricing/catalog';
import { strictPricingMessage, parseModelId } from '../pricing/model-id';
import { ReferenceCatalog, bundledReferenceCatalog, referenceProviderId } from '../pricing/reference';
import { KeyPart, KeyValue, Range, ScanResult, ValueNode, scanToml } from './scanner';
import {
  BUDGET_KEYS,
  BUDGET_TABLES,
  COST_TABLES,
  ESTIMATOR_KEYS,
  IMAGE_KEY_RE,
  KeySpec,
  MODEL_PRICE_KEYS,
  ROOT_KEYS,
  SECTIONS,
} from './schema';

export type Severity = 'error' | 'warning' | 'info';

export const DIAGNOSTIC_CODES = [
  'toml-syntax',
  'unknown-section',
  'unknown-key',
  'wrong-type',
  'missing-price',
  'negative-value',
  'dotted-model-key',
  'price-magnitude',
  'price-differs',
  'unknown-model',
  'invalid-image-key',
  'budget-invalid',
  'unpriced-model',
] as const;
export type DiagnosticCode = (typeof DIAGNOSTIC_CODES)[number];

/** Payload a quick fix needs (see fixes.ts). */
export type FixData =
  | { kind: 'quote-model-key'; model: string; quoted: string }
  | { kind: 'replace-key'; replacement: string; suggestions: string[] }
  | {
      kind: 'add-missing-prices';
      provider: string;
      model: string;
      missing: string[];
      insertAfter: Range;
      reference?: Record<string, string>;
    }
  | { kind: 'convert-magnitude'; key: string; value: string; replacement: string; direction: 'per1m-to-per1k' | 'per1k-to-per1m' }
  | { kind: 'price-differs'; key: string; value: string; reference: string }
  | { kind: 'replace-model'; provider: string; model: string; suggestions: string[] }
  | { kind: 'add-model-table'; provider: string | undefined; model: string; usedIn: string[] };

export interface FlujoDiagnostic {
  severity: Severity;
  code: DiagnosticCode;
  message: string;
  /** 0-based lines and UTF-16 columns. */
  range: Range;
  data?: FixData;
}

/** A `provider:model` string found in workspace code (see usage.ts). */
export interface ModelUsage {
  id: string;
  file?: string;
  line?: number; // 0-based
}

export interface AnalyzeOptions {
  reference?: ReferenceCatalog;
  /** Models used in the workspace, for `unpriced-model` in strict mode. */
  usedModels?: readonly ModelUsage[];
  /** Cap on reported diagnostics (a binary file could otherwise produce millions). */
  maxDiagnostics?: number;
  /** File modification date for the pricing source date. */
  date?: string;
  path?: string;
}

export interface ModelTable {
  provider: string;
  model: string;
  /** Range of the model key (header or inline key); where hovers and fixes point. */
  modelRange: Range;
  /** Range of the whole header `[...]` or key, after which keys can be inserted. */
  anchor: Range;
  keys: Map<string, { keyRange: Range; value: ValueNode }>;
  inline: boolean;
}

export interface FlujoAnalysis {
  diagnostics: FlujoDiagnostic[];
  /** What Flujo will price with (dotted, negative or malformed prices excluded, exactly as Flujo would miss them). */
  pricing: FlujoPricing;
  models: ModelTable[];
  strict: boolean;
  strictRange?: Range;
  scan: ScanResult;
  /** True when smol-toml parsed the file. */
  valid: boolean;
}

// ---------------------------------------------------------------------------------------------------

export function levenshtein(a: string, b: string, max = Infinity): number {
  if (Math.abs(a.length - b.length) > max) return max + 1;
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    let best = i;
    for (let j = 1; j <= b.length; j++) {
      cur[j] = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
      best = Math.min(best, cur[j]);
    }
    if (best > max) return max + 1;
    prev = cur;
  }
  return prev[b.length];
}

/** Close candidates, best first. */
export function didYouMean(word: string, candidates: Iterable<string>, limit = 3): string[] {
  const max = Math.max(2, Math.floor(word.length / 3));
  const scored: [number, string][] = [];
  const lw = word.toLowerCase();
  for (const c of candidates) {
    if (c === word) continue;
    const d = c.toLowerCase() === lw ? 0.5 : levenshtein(lw, c.toLowerCase(), max);
    if (d <= max) scored.push([d, c]);
  }
  scored.sort((x, y) => x[0] - y[0] || x[1].localeCompare(y[1]));
  return scored.slice(0, limit).map((s) => s[1]);
}

function hint(s: string[]): string {
  return s.length ? ` Did you mean ${s.map((x) => `'${x}'`).join(' or ')}?` : '';
}

/** Exact decimal of a TOML number's source text; undefined for inf/nan or non-numbers. */
export function tomlNumber(v: ValueNode): Decimal | undefined {
  if (v.kind !== 'integer' && v.kind !== 'float') return undefined;
  const t = v.text.replace(/_/g, '');
  if (/^[+-]?(inf|nan)$/.test(t)) return undefined;
  if (/^0[xob]/.test(t)) return Decimal.fromInteger(BigInt(t));
  try {
    return Decimal.parse(t);
  } catch {
    return undefined;
  }
}

function rangeKey(r: Range): string {
  return `${r.start.line}:${r.start.character}-${r.end.line}:${r.end.character}`;
}

function joinRange(a: Range, b: Range): Range {
  return { start: a.start, end: b.end };
}

interface Leaf {
  path: string[];
  /** Absolute key parts (header parts + key parts), aligned with path. */
  parts: KeyPart[];
  /** Index in parts where this entry's own keys begin. */
  ownFrom: number;
  keyRange: Range;
  value: ValueNode;
}

interface TableDef {
  path: string[];
  parts: KeyPart[];
  ownFrom: number;
  range: Range;
  inline: boolean;
}

function flatten(scan: ScanResult): { leaves: Leaf[]; tables: TableDef[] } {
  const leaves: Leaf[] = [];
  const tables: TableDef[] = [];
  for (const h of scan.headers) tables.push({ path: h.path, parts: h.keys, ownFrom: 0, range: h.range, inline: false });
  const visit = (kv: KeyValue, baseParts: KeyPart[], depth: number) => {
    const parts = [...baseParts, ...kv.keys];
    const path = parts.map((p) => p.name);
    if (kv.value.kind === 'inline-table' && depth < 16) {
      tables.push({ path, parts, ownFrom: baseParts.length, range: kv.keyRange, inline: true });
      for (const child of kv.value.entries ?? []) visit(child, parts, depth + 1);
    } else {
      leaves.push({ path, parts, ownFrom: baseParts.length, keyRange: kv.keyRange, value: kv.value });
    }
  };
  for (const kv of scan.entries) visit(kv, kv.tableKeys, 0);
  return { leaves, tables };
}

const KIND_NAMES: Record<string, string> = {
  string: 'a string',
  integer: 'an integer',
  float: 'a float',
  boolean: 'a boolean',
  datetime: 'a date-time',
  array: 'an array',
  'inline-table': 'a table',
  invalid: 'an invalid value',
};

function typeOk(spec: KeySpec, v: ValueNode): boolean {
  switch (spec.type) {
    case 'string':
      return v.kind === 'string';
    case 'boolean':
      return v.kind === 'boolean';
    case 'integer':
      return v.kind === 'integer';
    case 'number':
      return (v.kind === 'integer' || v.kind === 'float') && tomlNumber(v) !== undefined;
  }
}

const TYPE_NAMES: Record<string, string> = {
  string: 'a string',
  boolean: 'a boolean (true or false)',
  integer: 'an integer',
  number: 'a number',
};

// ---------------------------------------------------------------------------------------------------

export function analyzeFlujoToml(text: string, options: AnalyzeOptions = {}): FlujoAnalysis {
  const reference = options.reference ?? bundledReferenceCatalog();
  const max = options.maxDiagnostics ?? 500;
  const diagnostics: FlujoDiagnostic[] = [];
  const push = (d: FlujoDiagnostic) => {
    if (diagnostics.length < max) diagnostics.push(d);
  };
  const scan = scanToml(text);
  const lines = scan.lineStarts;
  const lineEnd = (line: number) => {
    const l = Math.min(line, lines.length - 1);
    let e = l + 1 < lines.length ? lines[l + 1] : text.length;
    while (e > lines[l] && (text[e - 1] === '\n' || text[e - 1] === '\r')) e--;
    return e - lines[l];
  };

  // 1. Syntax: smol-toml is the authority on validity; report its (first) error where it points.
  let valid = true;
  try {
    parseToml(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
  } catch (err) {
    valid = false;
    const e = err as TomlError;
    const line = Math.max(0, (typeof e.line === 'number' ? e.line : 1) - 1);
    const character =
      Math.max(0, (typeof e.column === 'number' ? e.column : 1) - 1) + (line === 0 && text.charCodeAt(0) === 0xfeff ? 1 : 0);
    const msg = String(e.message ?? err)
      .split('\n')[0]
      .replace(/^Invalid TOML document: /, '');
    const end = Math.max(character + 1, lineEnd(line));
    push({
      severity: 'error',
      code: 'toml-syntax',
      message: `TOML syntax error: ${msg}`,
      range: { start: { line, character }, end: { line, character: end } },
    });
  }

  const { leaves, tables } = flatten(scan);
  const reported = new Set<string>();
  const full = () => diagnostics.length >= max;
  const once = (d: FlujoDiagnostic) => {
    if (full()) return;
    const k = `${d.code}@${rangeKey(d.range)}`;
    if (reported.has(k)) return;
    reported.add(k);
    push(d);
  };

  // 2. Dotted model keys: [cost.providers.openai.gpt-3.5-turbo] is gpt-3 → 5-turbo.
  const dottedModels = new Set<string>(); // "cost\0providers\0openai\0gpt-3"
  const checkDotted = (parts: KeyPart[], path: string[], modelEnd: number) => {
    if (path[0] !== 'cost' || (path[1] !== 'providers' && path[1] !== 'estimators') || modelEnd - 3 < 2) return;
    const modelParts = parts.slice(3, modelEnd);
    if (modelParts.some((p) => p.quoted)) return;
    // gpt-3 → 5-turbo, gemini-1 → 5-pro, gpt-4 → 1: every later part starts with a digit, or the joined name is a known model.
    const joined = modelParts.map((p) => p.name).join('.');
    if (!modelParts.slice(1).every((p) => /^\d/.test(p.name)) && reference.find(path[2], joined)?.id !== joined) return;
    const model = modelParts.map((p) => p.name).join('.');
    const range = joinRange(modelParts[0].range, modelParts[modelParts.length - 1].range);
    if (modelParts[0].range.start.line !== modelParts[modelParts.length - 1].range.end.line) return;
    dottedModels.add(path.slice(0, 4).join('\0'));
    once({
      severity: 'error',
      code: 'dotted-model-key',
      message: `The model name '${model}' is unquoted, so TOML reads it as nested tables ${modelParts.map((p) => `'${p.name}'`).join(' → ')} and Flujo finds no price for '${path[2]}:${model}'. Quote it: "${model}".`,
      range,
      data: { kind: 'quote-model-key', model, quoted: JSON.stringify(model) },
    });
  };
  for (const t of tables) {
    if (t.path.length >= 5 && t.path[0] === 'cost') {
      const last = t.path[t.path.length - 1];
      const end = t.path.length;
      if (!MODEL_PRICE_KEYS[last] && !ESTIMATOR_KEYS[last]) checkDotted(t.parts, t.path, end);
    }
  }
  for (const l of leaves) {
    if (l.path.length >= 6 && l.path[0] === 'cost') checkDotted(l.parts, l.path, l.path.length - 1);
  }
  const isDotted = (path: string[]) => path.length > 4 && dottedModels.has(path.slice(0, 4).join('\0'));

  // 3. Sections and root keys.
  const sectionNames = Object.keys(SECTIONS);
  const rootCandidates = [...sectionNames, ...Object.keys(ROOT_KEYS)];
  const unknownSection = (name: string, range: Range) => {
    const s = didYouMean(name, rootCandidates);
    once({
      severity: 'warning',
      code: 'unknown-section',
      message: `Unknown section '${name}': Flujo ignores it.${hint(s)}`,
      range,
      data: s.length ? { kind: 'replace-key', replacement: s[0], suggestions: s } : undefined,
    });
  };
  for (const t of tables) {
    const [a, b] = t.path;
    if (!SECTIONS[a]) {
      unknownSection(a, t.parts[0].range);
      continue;
    }
    if (a === 'budgets' && t.path.length >= 2 && !BUDGET_TABLES[b]) {
      const s = didYouMean(b, Object.keys(BUDGET_TABLES));
      once({
        severity: 'warning',
        code: 'unknown-section',
        message: `Unknown section 'budgets.${b}': Flujo only reads budgets.default and budgets.pipeline."<glob>".${hint(s)}`,
        range: t.parts[1].range,
        data: s.length ? { kind: 'replace-key', replacement: s[0], suggestions: s } : undefined,
      });
    }
    if (a === 'cost' && t.path.length >= 2 && !COST_TABLES[b] && b !== 'strict') {
      const s = didYouMean(b, [...Object.keys(COST_TABLES), 'strict']);
      once({
        severity: 'warning',
        code: 'unknown-section',
        message: `Unknown section 'cost.${b}': Flujo ignores it.${hint(s)}`,
        range: t.parts[1].range,
        data: s.length ? { kind: 'replace-key', replacement: s[0], suggestions: s } : undefined,
      });
    }
  }

  // Model tables (cost.providers.<p>.<m>) and their keys.
  const models = new Map<string, ModelTable>();
  const modelOf = (path: string[], parts: KeyPart[], anchor: Range, inline: boolean): ModelTable => {
    const k = `${path[2]}\0${path[3]}`;
    let m = models.get(k);
    if (!m) {
      m = { provider: path[2], model: path[3], modelRange: parts[3].range, anchor, keys: new Map(), inline };
      models.set(k, m);
    }
    return m;
  };
  for (const t of tables) {
    if (t.path[0] === 'cost' && t.path[1] === 'providers' && t.path.length === 4) modelOf(t.path, t.parts, t.range, t.inline);
  }

  let strict = false;
  let strictRange: Range | undefined;

  for (const l of leaves) {
    const p = l.path;
    const v = l.value;
    const keyPart = l.parts[l.parts.length - 1];
    const name = keyPart.name;
    const wrongType = (what: string) =>
      once({
        severity: 'error',
        code: 'wrong-type',
        message: `'${p.join('.')}' must be ${what}, not ${KIND_NAMES[v.kind]}.`,
        range: v.range,
      });
    const unknownKey = (candidates: string[], where: string) => {
      const s = didYouMean(name, candidates);
      once({
        severity: 'warning',
        code: 'unknown-key',
        message: `Unknown key '${name}' in ${where}: Flujo ignores it silently.${hint(s)}`,
        range: keyPart.range,
        data: s.length ? { kind: 'replace-key', replacement: s[0], suggestions: s } : undefined,
      });
    };

    if (p.length === 1) {
      if (ROOT_KEYS[name]) {
        if (!typeOk(ROOT_KEYS[name], v)) wrongType(TYPE_NAMES[ROOT_KEYS[name].type]);
      } else if (SECTIONS[name]) {
        wrongType('a table');
      } else unknownKey(rootCandidates, 'the top level');
      continue;
    }
    const [a, b] = p;
    if (!SECTIONS[a]) {
      if (l.ownFrom === 0) unknownSection(a, l.parts[0].range);
      continue;
    }
    if (SECTIONS[a].open) continue;

    if (a === 'cost') {
      if (p.length === 2) {
        if (b === 'strict') {
          if (v.kind !== 'boolean') wrongType(TYPE_NAMES.boolean);
          else {
            strict = v.text === 'true';
            strictRange = l.keyRange;
          }
        } else if (COST_TABLES[b]) wrongType('a table');
        else unknownKey(['strict', ...Object.keys(COST_TABLES)], '[cost]');
        continue;
      }
      if (!COST_TABLES[b]) continue; // reported as unknown-section/unknown-key on the table
      if (p.length === 3) {
        wrongType(`a table of models (${b === 'providers' ? '[cost.providers.' : '[cost.estimators.'}${p[2]}."<model>"])`);
        continue;
      }
      if (p.length === 4) {
        wrongType(
          `a table with ${b === 'providers' ? 'prompt_tokens_per_1k and completion_tokens_per_1k' : 'expected_cost_usd and expected_tokens'}`,
        );
        continue;
      }
      if (isDotted(p)) continue;
      if (p.length > 5) continue; // sub-tables of a model: nothing Flujo reads
      if (b === 'estimators') {
        const spec = ESTIMATOR_KEYS[name];
        if (!spec) unknownKey(Object.keys(ESTIMATOR_KEYS), `[cost.estimators.${p[2]}.${p[3]}]`);
        else if (!typeOk(spec, v)) wrongType(TYPE_NAMES[spec.type]);
        else if (tomlNumber(v)?.isNegative())
          once({ severity: 'error', code: 'negative-value', message: `'${name}' must not be negative.`, range: v.range });
        continue;
      }
      // cost.providers.<p>.<m>.<key>
      const m = modelOf(p, l.parts, l.parts[3].range, false);
      m.keys.set(name, { keyRange: keyPart.range, value: v });
      if (name.startsWith('price_per_image_') && !IMAGE_KEY_RE.test(name)) {
        const s = didYouMean(
          name,
          Object.keys(MODEL_PRICE_KEYS).filter((k) => k.startsWith('price_per_image_')),
        );
        once({
          severity: 'error',
          code: 'invalid-image-key',
          message: `'${name}' is not an image price key: use price_per_image_<standard|hd>_<1024x1024|1792x1024|1024x1792>.${hint(s)}`,
          range: keyPart.range,
          data: s.length ? { kind: 'replace-key', replacement: s[0], suggestions: s } : undefined,
        });
        continue;
      }
      const spec = MODEL_PRICE_KEYS[name];
      if (!spec) {
        unknownKey(Object.keys(MODEL_PRICE_KEYS), `the price table of '${p[2]}:${p[3]}'`);
        continue;
      }
      if (!typeOk(spec, v)) wrongType(`${TYPE_NAMES.number} (USD per ${name.startsWith('price_per_image_') ? 'image' : '1,000 tokens'})`);
      else if (tomlNumber(v)!.isNegative())
        once({ severity: 'error', code: 'negative-value', message: `Price '${name}' is negative (${v.text}).`, range: v.range });
      continue;
    }

    if (a === 'budgets') {
      if (p.length === 2) {
        if (BUDGET_TABLES[b]) wrongType('a table');
        else unknownKey(Object.keys(BUDGET_TABLES), '[budgets]');
        continue;
      }
      if (!BUDGET_TABLES[b]) continue;
      const isLimit = (b === 'default' && p.length === 3) || (b === 'pipeline' && p.length === 4);
      if (b === 'pipeline' && p.length === 3) {
        wrongType(`a table of limits ([budgets.pipeline."${p[2]}"])`);
        continue;
      }
      if (!isLimit) continue;
      const spec = BUDGET_KEYS[name];
      if (!spec) {
        unknownKey(Object.keys(BUDGET_KEYS), `[${p.slice(0, -1).join('.')}]`);
        continue;
      }
      const num = tomlNumber(v);
      if (!typeOk(spec, v) || num?.isNegative()) {
        const want = spec.type === 'integer' ? 'an integer ≥ 0' : 'a number ≥ 0';
        once({
          severity: 'error',
          code: 'budget-invalid',
          message: `'${name}' must be ${want}, got ${v.kind === 'integer' || v.kind === 'float' ? v.text : KIND_NAMES[v.kind]}.`,
          range: v.range,
        });
      }
    }
  }

  // Model-table checks.
  const pricingProviders = new Map<string, Map<string, FlujoModelPrice>>();
  for (const m of models.values()) {
    if (isDotted(['cost', 'providers', m.provider, m.model, 'x'])) continue;
    const prompt = m.keys.get('prompt_tokens_per_1k');
    const completion = m.keys.get('completion_tokens_per_1k');
    const images: Record<string, Decimal> = {};
    for (const [k, e] of m.keys) {
      const match = IMAGE_KEY_RE.exec(k);
      const d = tomlNumber(e.value);
      if (match && d && !d.isNegative()) images[`${match[1]}_${match[2]}`] = d;
    }
    const hasImages = [...m.keys.keys()].some((k) => IMAGE_KEY_RE.test(k));
    // Reference checks only while diagnostics can still be reported (a 10 MB file must stay fast).
    const ref = full() ? undefined : reference.find(m.provider, m.model);
    const refPer1k = (which: 'input' | 'output') => {
      const r = ref?.prices[which];
      return r ? perMtokToPer1k(r.base) : undefined;
    };
    if (!hasImages && (!prompt || !completion)) {
      const missing = [!prompt && 'prompt_tokens_per_1k', !completion && 'completion_tokens_per_1k'].filter(Boolean) as string[];
      const refValues: Record<string, string> = {};
      const ri = refPer1k('input');
      const ro = ref?.embedding ? ri : refPer1k('output');
      if (ri) refValues.prompt_tokens_per_1k = ri.toString();
      if (ro) refValues.completion_tokens_per_1k = ro.toString();
      let insertAfter = m.anchor;
      for (const e of m.keys.values())
        if (
          e.value.range.end.line > insertAfter.end.line ||
          (e.value.range.end.line === insertAfter.end.line && e.value.range.end.character > insertAfter.end.character)
        )
          insertAfter = e.value.range;
      once({
        severity: 'error',
        code: 'missing-price',
        message: `The price table of '${m.provider}:${m.model}' has no ${missing.join(' and no ')}: Flujo needs both prompt_tokens_per_1k and completion_tokens_per_1k (USD per 1,000 tokens).`,
        range: m.modelRange,
        data: {
          kind: 'add-missing-prices',
          provider: m.provider,
          model: m.model,
          missing,
          insertAfter,
          reference: Object.keys(refValues).length ? refValues : undefined,
        },
      });
    }
    // Reference checks.
    if (!full() && (!ref || (ref.id !== m.model && ref.id.toLowerCase() === m.model.toLowerCase()))) {
      const s = suggestModels(reference, m.provider, m.model);
      const caseOnly = ref && ref.id.toLowerCase() === m.model.toLowerCase();
      once({
        severity: caseOnly ? 'warning' : 'info',
        code: 'unknown-model',
        message: caseOnly
          ? `'${m.provider}:${m.model}' differs only in case from the catalog's '${ref!.id}': Flujo matches model names exactly.`
          : `'${m.provider}:${m.model}' is not in the reference catalog (${reference.source} ${reference.dataDate}).${hint(s.map((x) => `${m.provider}:${x}`))}`,
        range: m.modelRange,
        data: s.length ? { kind: 'replace-model', provider: m.provider, model: m.model, suggestions: s } : undefined,
      });
    }
    const compare = (key: 'prompt_tokens_per_1k' | 'completion_tokens_per_1k', refValue: Decimal | undefined) => {
      const e = m.keys.get(key);
      if (!e) return;
      const d = tomlNumber(e.value);
      if (!d || d.isNegative()) return;
      if (refValue && !refValue.isZero() && !d.isZero()) {
        const ratio = d.toNumber() / refValue.toNumber();
        if (ratio >= 200 || ratio <= 1 / 200) {
          const up = ratio >= 200;
          const replacement = up ? d.shiftLeft(3) : d.times(1000);
          once({
            severity: 'warning',
            code: 'price-magnitude',
            message: up
              ? `${key} = ${e.value.text} looks like a price per 1M tokens: the reference is $${refValue} per 1K for '${m.provider}:${m.model}'. Per 1K it would be ${replacement}.`
              : `${key} = ${e.value.text} is ${Math.round(1 / ratio)}× below the reference ($${refValue} per 1K) for '${m.provider}:${m.model}': was it divided by 1000 twice? Per 1K it would be ${replacement}.`,
            range: e.value.range,
            data: {
              kind: 'convert-magnitude',
              key,
              value: e.value.text,
              replacement: replacement.toString(),
              direction: up ? 'per1m-to-per1k' : 'per1k-to-per1m',
            },
          });
          return;
        }
      } else if (!refValue && d.compare(Decimal.fromInteger(1)) > 0) {
        const replacement = d.shiftLeft(3);
        once({
          severity: 'warning',
          code: 'price-magnitude',
          message: `${key} = ${e.value.text} is more than $1 per 1,000 tokens ($${d.times(1000)} per 1M): it looks like a per-1M price. Per 1K it would be ${replacement}.`,
          range: e.value.range,
          data: { kind: 'convert-magnitude', key, value: e.value.text, replacement: replacement.toString(), direction: 'per1m-to-per1k' },
        });
        return;
      }
      if (refValue && d.compare(refValue) !== 0) {
        once({
          severity: 'info',
          code: 'price-differs',
          message: `${key} = ${e.value.text} differs from the reference price $${refValue} per 1K ($${refValue.times(1000)} per 1M, ${reference.source} ${reference.dataDate}).`,
          range: e.value.range,
          data: { kind: 'price-differs', key, value: e.value.text, reference: refValue.toString() },
        });
      }
    };
    if (full()) {
      // no more room for reference diagnostics
    } else if (ref) {
      compare('prompt_tokens_per_1k', refPer1k('input'));
      compare('completion_tokens_per_1k', ref.embedding ? refPer1k('input') : refPer1k('output'));
    } else {
      compare('prompt_tokens_per_1k', undefined);
      compare('completion_tokens_per_1k', undefined);
    }
    // What Flujo will price with.
    const price: FlujoModelPrice = {};
    const pd = prompt && tomlNumber(prompt.value);
    const cd = completion && tomlNumber(completion.value);
    if (pd && !pd.isNegative()) price.promptPer1k = pd;
    if (cd && !cd.isNegative()) price.completionPer1k = cd;
    if (Object.keys(images).length) price.images = images;
    if (price.promptPer1k || price.completionPer1k || price.images) {
      let byModel = pricingProviders.get(m.provider);
      if (!byModel) pricingProviders.set(m.provider, (byModel = new Map()));
      byModel.set(m.model, price);
    }
  }

  // unpriced-model: strict mode + a model used in the workspace without a price.
  if (strict && options.usedModels?.length) {
    const byId = new Map<string, ModelUsage[]>();
    for (const u of options.usedModels) {
      const list = byId.get(u.id) ?? [];
      list.push(u);
      byId.set(u.id, list);
    }
    for (const [id, uses] of byId) {
      const ref = parseModelId(id);
      const priced = ref.provider !== undefined && pricingProviders.get(ref.provider)?.has(ref.model);
      if (priced) continue;
      const where = uses.filter((u) => u.file).map((u) => (u.line !== undefined ? `${u.file}:${u.line + 1}` : u.file!));
      // One diagnostic per unpriced model, all at `strict = true` (so not `once`, which keys on the range).
      if (full()) break;
      push({
        severity: 'error',
        code: 'unpriced-model',
        message: `${strictPricingMessage(ref.provider, ref.model)}${where.length ? ` Used in ${where.slice(0, 3).join(', ')}${where.length > 3 ? ` and ${where.length - 3} more` : ''}.` : ''}`,
        range: strictRange!,
        data: { kind: 'add-model-table', provider: ref.provider, model: ref.model, usedIn: where },
      });
    }
  }

  diagnostics.sort((x, y) => x.range.start.line - y.range.start.line || x.range.start.character - y.range.start.character);
  return {
    diagnostics,
    pricing: { strict, providers: pricingProviders, path: options.path, date: options.date },
    models: [...models.values()],
    strict,
    strictRange,
    scan,
    valid,
  };
}

export function suggestModels(reference: ReferenceCatalog, provider: string, model: string): string[] {
  const target = referenceProviderId(provider);
  const ids = new Set<string>();
  for (const m of reference.models) if (m.provider === target) ids.add(m.id);
  return didYouMean(model, ids, 3);
}

/** Diagnostics only. */
export function lintFlujoToml(text: string, options: AnalyzeOptions = {}): FlujoDiagnostic[] {
  return analyzeFlujoToml(text, options).diagnostics;
}

/** The FlujoPricing of a flujo.toml text (for the PriceCatalog). */
export function flujoPricing(text: string, options: AnalyzeOptions = {}): FlujoPricing {
  return analyzeFlujoToml(text, options).pricing;
}
