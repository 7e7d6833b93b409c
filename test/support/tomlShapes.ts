// Crafted flujo.toml shapes at scale, shared by bench/toml-scale.mjs and the bounded-resources and host
// tests: each is a pathological but plausible file (generated, never committed).

export interface TomlShape {
  name: string;
  /** What the shape stresses. */
  what: string;
  make(): string;
}

const repeat = (n: number, line: (i: number) => string): string => {
  const parts: string[] = new Array(n);
  for (let i = 0; i < n; i++) parts[i] = line(i);
  return parts.join('');
};

/** 100k model tables with both prices: ~10 MB, the issue's case (every table is an unknown model). */
export function manyTables(n = 100_000): string {
  return repeat(
    n,
    (i) => `[cost.providers.openai."gpt-4o-mini-${i}"]\nprompt_tokens_per_1k = 0.00015\ncompletion_tokens_per_1k = 0.0006\n\n`,
  );
}

export const TOML_SHAPES: TomlShape[] = [
  { name: 'tables-100k', what: '100k model tables, 10 MB', make: () => manyTables() },
  {
    name: 'keys-100k',
    what: '100k keys in one table',
    make: () => `[project]\n${repeat(100_000, (i) => `key_${i} = "value number ${i}"\n`)}`,
  },
  {
    name: 'array-100k',
    what: 'one 100k-element array',
    make: () => `[project]\nitems = [${repeat(100_000, (i) => `"openai:model-${i}", `)}]\n`,
  },
  {
    name: 'nested-arrays-100k',
    what: 'arrays nested 100k deep',
    make: () => `[project]\nx = ${'['.repeat(100_000)}1${']'.repeat(100_000)}\n`,
  },
  {
    name: 'nested-inline-100k',
    what: 'inline tables nested 100k deep',
    make: () => `[project]\nx = ${'{ a = '.repeat(100_000)}1${' }'.repeat(100_000)}\n`,
  },
  {
    name: 'strings-1mb',
    what: '1 MB basic, literal and multi-line strings (one in a message)',
    make: () => {
      const mb = 'abcdefghij'.repeat(100_000);
      const escaped = 'ab\\n\\t\\u00e9cd'.repeat(60_000);
      return `state_uri = "${escaped}"\n[cost]\nstrict = "${mb}"\n[project]\nlit = '${mb}'\nml = """\n${mb}\n"""\n`;
    },
  },
  {
    name: 'diagnostics-100k',
    what: '100k unknown keys (100k diagnostics)',
    make: () => repeat(100_000, (i) => `stat_uri_${i} = ${i}\n`),
  },
  {
    name: 'inline-tables-100k',
    what: '100k model tables as inline tables',
    make: () =>
      `[cost.providers.openai]\n${repeat(100_000, (i) => `"gpt-4o-mini-${i}" = { prompt_tokens_per_1k = 0.00015, completion_tokens_per_1k = 0.0006 }\n`)}`,
  },
  {
    name: 'array-tables-100k',
    what: '100k arrays of tables [[x]]',
    make: () => repeat(100_000, (i) => `[[project.step]]\nname = "step ${i}"\n`),
  },
  {
    name: 'one-line-10mb',
    what: 'one 10 MB line (an unterminated string)',
    make: () => `state_uri = "${'x'.repeat(10_000_000)}`,
  },
  {
    name: 'bad-lines-100k',
    what: '100k syntax-error lines',
    make: () => repeat(100_000, (i) => `[[broken ${i}\nk${i} = = "x\n`),
  },
];
