// Fuzz tests for what servers send us (issue 17): the SSE parser under arbitrary bytes and chunking,
// usage parsing of arbitrary JSON, price-data validation of mutated real data, and the safe pattern
// matcher against JavaScript's RegExp. Each asserts no throw outside the documented error types.
import { describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import fc from 'fast-check';
import { ResponseLimitError } from '../../src/core/providers/http';
import { SseEvent, SseParser } from '../../src/core/providers/sse';
import { ParsedUsage, costOfUsage, parseAnthropicStreamUsage, parseAnthropicUsage, parseOpenAIUsage } from '../../src/core/providers/usage';
import { Decimal } from '../../src/core/pricing/decimal';
import { CATALOG_LIMITS, loadReferenceCatalog, validateCatalogData } from '../../src/core/pricing/reference';
import { compileSafePattern, PatternError } from '../../src/core/pricing/safePattern';
// eslint-disable-next-line @typescript-eslint/no-require-imports
const REAL_DATA = require('../../src/core/pricing/reference-data.json') as { providers: Record<string, unknown>[] };

/**
 * Reference SSE interpretation, written from WHATWG HTML §9.2.6 "Interpreting an event stream" on the
 * whole decoded text at once (no chunking): strip one leading U+FEFF, split lines on CRLF | LF | CR,
 * `data` appends value + LF, `event` sets the type, blank line dispatches with the last LF removed, a
 * leading space after the colon removed, lines starting with `:` ignored; at end of stream the pending
 * line and event are still dispatched (our documented choice: the old parser did, and a last event
 * without its blank line is the server's bug, not a reason to lose the usage).
 */
function referenceEvents(bytes: Uint8Array): SseEvent[] {
  let text = new TextDecoder('utf-8').decode(bytes); // also strips one leading BOM
  const events: SseEvent[] = [];
  let data: string[] = [];
  let event: string | undefined;
  const dispatch = () => {
    if (data.length) events.push({ event, data: data.join('\n') });
    data = [];
    event = undefined;
  };
  text = text.replace(/\r\n|\r/g, '\n');
  const lines = text.split('\n');
  for (const line of lines) {
    if (line === '') {
      dispatch();
      continue;
    }
    if (line.startsWith(':')) continue;
    const colon = line.indexOf(':');
    const field = colon < 0 ? line : line.slice(0, colon);
    let value = colon < 0 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (field === 'data') data.push(value);
    else if (field === 'event') event = value;
  }
  dispatch();
  return events;
}

function parseInChunks(bytes: Uint8Array, cuts: number[], max?: number): SseEvent[] {
  const p = new SseParser(max);
  const got: SseEvent[] = [];
  let prev = 0;
  for (const c of [...new Set(cuts.map((x) => x % (bytes.length + 1)))].sort((a, b) => a - b).concat(bytes.length)) {
    got.push(...p.push(bytes.subarray(prev, c)));
    prev = c;
  }
  got.push(...p.end());
  return got;
}

// Bytes rich in what matters to the parser: line ends, colons, spaces, field names, BOM, multi-byte UTF-8.
const sseBytes = fc
  .array(
    fc.oneof(
      fc.constantFrom('\n', '\r', '\r\n', ':', ' ', 'data', 'event', 'data: ', 'event: x', '\uFEFF', 'é', '漢', '😀', '[DONE]', '{"a":1}'),
      fc.string({ maxLength: 5 }),
    ),
    { maxLength: 40 },
  )
  .chain((parts) =>
    fc.tuple(fc.constant(Buffer.from(parts.join(''), 'utf8')), fc.uint8Array({ maxLength: 6 }), fc.boolean()).map(([b, noise, mix]) =>
      // Sometimes invalid UTF-8 too.
      mix ? Buffer.concat([b, Buffer.from(noise)]) : b,
    ),
  );

describe('fuzz: SSE parser', () => {
  it('events are independent of chunk boundaries and equal the WHATWG reference reading (arbitrary bytes)', () => {
    fc.assert(
      fc.property(sseBytes, fc.array(fc.nat(), { maxLength: 12 }), (bytes, cuts) => {
        const whole = parseInChunks(bytes, []);
        assert.deepEqual(parseInChunks(bytes, cuts), whole);
        // Byte by byte too.
        assert.deepEqual(
          parseInChunks(
            bytes,
            Array.from({ length: bytes.length }, (_, i) => i),
          ),
          whole,
        );
        // The reference decodes the whole text at once; an invalid sequence right before a line end decodes the same
        // either way (line ends are ASCII), so the two agree on every input.
        assert.deepEqual(whole, referenceEvents(bytes));
      }),
      { numRuns: 400 },
    );
  });

  it('with a small cap: the same events or ResponseLimitError, never another error, for any chunking', () => {
    fc.assert(
      fc.property(sseBytes, fc.array(fc.nat(), { maxLength: 8 }), fc.integer({ min: 1, max: 40 }), (bytes, cuts, max) => {
        let outcome: SseEvent[] | 'limit';
        try {
          outcome = parseInChunks(bytes, cuts, max);
        } catch (err) {
          assert.ok(err instanceof ResponseLimitError, String(err));
          assert.match(err.message, /is larger than \d+ bytes \(the limit\)$/);
          outcome = 'limit';
        }
        if (outcome !== 'limit') assert.deepEqual(outcome, referenceEvents(bytes));
      }),
      { numRuns: 300 },
    );
  });
});

const PRICES = { inputPerMTok: Decimal.parse('2.5'), outputPerMTok: Decimal.parse('10'), cachedInputPerMTok: Decimal.parse('1.25') };

function checkParsed(r: ParsedUsage): void {
  if (r.usage) {
    assert.deepEqual(r.warnings, []);
    for (const [k, v] of Object.entries(r.usage)) assert.ok(Number.isSafeInteger(v) && (v as number) >= 0, `${k} = ${String(v)}`);
    costOfUsage(r.usage, PRICES); // prices exactly, never throws
  } else for (const w of r.warnings) assert.match(w, /^usage(\.[a-z_0-9.]+)?: /);
}

// Usage-shaped objects whose fields are sometimes valid counts and sometimes anything at all.
const count = fc.oneof(
  fc.nat(),
  fc.constantFrom(0, -1, 1e300, -0, 1.5, Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER + 2, '12', null, true, [], {}),
  fc.jsonValue(),
);
const openaiUsage = fc.record(
  {
    prompt_tokens: count,
    completion_tokens: count,
    total_tokens: count,
    prompt_tokens_details: fc.oneof(fc.record({ cached_tokens: count }, { requiredKeys: [] }), fc.jsonValue()),
    completion_tokens_details: fc.oneof(fc.record({ reasoning_tokens: count }, { requiredKeys: [] }), fc.jsonValue()),
  },
  { requiredKeys: [] },
);
const anthropicUsage = fc.record(
  {
    input_tokens: count,
    output_tokens: count,
    cache_read_input_tokens: count,
    cache_creation_input_tokens: count,
    cache_creation: fc.oneof(
      fc.record({ ephemeral_5m_input_tokens: count, ephemeral_1h_input_tokens: count }, { requiredKeys: [] }),
      fc.jsonValue(),
    ),
  },
  { requiredKeys: [] },
);

describe('fuzz: usage parsing', () => {
  it('arbitrary JSON and usage-shaped objects: usable counts or warnings, never a throw, never an unsafe number', () => {
    fc.assert(
      fc.property(fc.oneof(fc.jsonValue(), openaiUsage, anthropicUsage), fc.oneof(fc.jsonValue(), anthropicUsage), (a, b) => {
        checkParsed(parseOpenAIUsage(a));
        checkParsed(parseAnthropicUsage(a));
        checkParsed(parseAnthropicStreamUsage(a, b));
      }),
      { numRuns: 1000 },
    );
  });

  it('valid counts are taken as they are (OpenAI prompt_tokens includes cached_tokens)', () => {
    fc.assert(
      fc.property(fc.nat(), fc.nat(), fc.nat(), (prompt, cachedRaw, out) => {
        const cached = cachedRaw % (prompt + 1);
        const r = parseOpenAIUsage({ prompt_tokens: prompt, completion_tokens: out, prompt_tokens_details: { cached_tokens: cached } });
        assert.deepEqual(r.usage, {
          inputTokens: prompt - cached,
          cachedInputTokens: cached,
          cacheWrite5mTokens: 0,
          cacheWrite1hTokens: 0,
          outputTokens: out,
        });
      }),
    );
  });
});

/** Every [path, value] of a JSON tree (objects and arrays), for picking a place to mutate. */
function paths(v: unknown, at: (string | number)[] = [], out: (string | number)[][] = []): (string | number)[][] {
  out.push(at);
  if (Array.isArray(v)) v.forEach((x, i) => paths(x, [...at, i], out));
  else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) paths(x, [...at, k], out);
  return out;
}

const SAMPLE = { providers: REAL_DATA.providers.slice(0, 6) };
const SAMPLE_PATHS = paths(SAMPLE).filter((p) => p.length > 0);
const mutation = fc.oneof(
  fc.constantFrom(-1, -0.5, 1e300, 1e-300, NaN, Infinity, '3', null, true, [], {}, '', 'x'.repeat(500), { regex: '(a' }, { regex: '\\1' }),
  fc.jsonValue({ maxDepth: 2 }),
  fc.constant(undefined), // delete
);

describe('fuzz: price-data validation of mutated real data', () => {
  it('the real data validates and loads (all 1,694 models)', () => {
    const v = validateCatalogData(REAL_DATA);
    assert.deepEqual(v.errors, []);
  });

  it('mutated data: either rejected with located errors, or it loads and every price is within range', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.nat(), mutation), { minLength: 1, maxLength: 3 }), (muts) => {
        const data = structuredClone(SAMPLE) as Record<string, unknown>;
        for (const [i, value] of muts) {
          const p = SAMPLE_PATHS[i % SAMPLE_PATHS.length];
          let parent = data as Record<string | number, unknown>;
          for (const k of p.slice(0, -1)) parent = (parent?.[k] ?? {}) as Record<string | number, unknown>;
          if (parent && typeof parent === 'object') {
            const key = p[p.length - 1];
            // JSON has no holes: an array element is removed, not deleted.
            if (value === undefined && Array.isArray(parent)) parent.splice(Number(key), 1);
            else if (value === undefined) delete parent[key];
            else parent[key] = value;
          }
        }
        const v = validateCatalogData(data);
        if (!v.ok) {
          assert.ok(v.errors.length > 0 && v.errors.length <= CATALOG_LIMITS.errors + 1);
          for (const e of v.errors) assert.match(e, /^(providers|dataDate|source|version|expected a list|… more)/, e);
          return;
        }
        const catalog = loadReferenceCatalog(data);
        for (const m of catalog.models)
          for (const rate of Object.values(m.prices)) {
            for (const d of [rate.base, ...rate.tiers.map((t: { price: Decimal }) => t.price)]) {
              assert.ok(d.compare(Decimal.ZERO) >= 0 && d.compare(Decimal.fromInteger(CATALOG_LIMITS.maxPrice)) <= 0, d.toString());
            }
          }
        catalog.find('openai', 'gpt-4o');
      }),
      { numRuns: 150 },
    );
  });
});

// Patterns from the pieces real genai-prices regexes are made of, plus the dangerous shapes.
const patternPiece = fc.constantFrom(
  '^',
  '$',
  'a',
  'b',
  '-',
  '\\.',
  '.',
  '\\d',
  '\\w',
  '\\s',
  '[tT]',
  '[a-c]',
  '[^a]',
  '(?:',
  '(?!',
  '(?=',
  '(',
  ')',
  '|',
  '*',
  '+',
  '?',
  '{2}',
  '{1,3}',
  '{2,}',
  '\\[',
  ']',
);

describe('fuzz: safe pattern matcher', () => {
  it('answers as RegExp.test on every pattern both accept; rejects only with PatternError', () => {
    fc.assert(
      fc.property(
        fc.array(patternPiece, { maxLength: 12 }),
        fc.array(fc.string({ unit: fc.constantFrom('a', 'b', '-', '.', '1', 'T', ' ', '[') }), { maxLength: 6 }),
        (pieces, texts) => {
          const source = pieces.join('');
          let re: RegExp;
          try {
            re = new RegExp(source);
          } catch {
            return; // not a pattern at all
          }
          let safe;
          try {
            safe = compileSafePattern(source);
          } catch (err) {
            assert.ok(err instanceof PatternError, String(err));
            return;
          }
          for (const t of texts) assert.equal(safe.test(t), re.test(t), `/${source}/ on ${JSON.stringify(t)}`);
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('every regex of the real data behaves as RegExp on the real model ids (and suffixed ones)', () => {
    const regexes: string[] = [];
    const ids: string[] = [];
    const walk = (m: unknown): void => {
      if (!m || typeof m !== 'object') return;
      for (const [k, v] of Object.entries(m))
        if (k === 'regex') regexes.push(v as string);
        else walk(v);
    };
    for (const p of REAL_DATA.providers)
      for (const m of p.models as { id: string; match: unknown }[]) {
        walk(m.match);
        ids.push(m.id, `${m.id}-20250101`, `${m.id}-2025-01-01`, `${m.id}-tts`, `${m.id}-TTS-1`);
      }
    assert.ok(regexes.length >= 40);
    for (const r of regexes) {
      const safe = compileSafePattern(r);
      const re = new RegExp(r);
      for (const id of ids) assert.equal(safe.test(id), re.test(id), `/${r}/ on ${id}`);
    }
  });
});
