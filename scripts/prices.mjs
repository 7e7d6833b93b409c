// Generates src/core/pricing/reference-data.json, the compact offline reference catalog, from the data
// embedded in @pydantic/genai-prices (MIT). The package does not export its provider list, so we load its
// CommonJS build with one extra line that exposes it. We keep only what pricing needs (ids, names, match
// rules, context windows, prices) in the package's own Provider[] shape, so the bundled copy and a copy
// downloaded by "Update prices" (REMOTE_DATA_JSON_URL, same shape) go through the same validator/loader.
// Usage: node scripts/prices.mjs [--date YYYY-MM-DD]
import * as fs from 'node:fs';
import * as path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const Module = require('node:module');
const pkgDir = path.join(root, 'node_modules', '@pydantic', 'genai-prices');
const pkg = JSON.parse(fs.readFileSync(path.join(pkgDir, 'package.json'), 'utf8'));
const entry = path.join(pkgDir, 'dist', 'index.cjs');

// Publish dates from the npm registry (`npm view @pydantic/genai-prices time`): the data is as of then.
const PUBLISHED = { '0.1.8': '2026-09-23' };
const dateArg = process.argv.indexOf('--date');
const dataDate = dateArg > 0 ? process.argv[dateArg + 1] : PUBLISHED[pkg.version];
if (!dataDate || !/^\d{4}-\d{2}-\d{2}$/.test(dataDate)) {
  console.error(`unknown data date for @pydantic/genai-prices ${pkg.version}: pass --date YYYY-MM-DD`);
  process.exit(2);
}

const src = fs.readFileSync(entry, 'utf8');
const m = new Module(entry);
m.filename = entry;
m.paths = Module._nodeModulePaths(path.dirname(entry));
m._compile(`${src}\n;exports.__providers = E;`, entry);
const providers = m.exports.__providers;
if (!Array.isArray(providers)) throw new Error('could not find the provider list in @pydantic/genai-prices');

const compact = providers.map((p) => ({
  id: p.id,
  name: p.name,
  api_pattern: p.api_pattern,
  // Where genai-prices looks when this provider does not list a model (azure → openai, anthropic, …).
  ...(p.fallback_model_providers ? { fallback_model_providers: p.fallback_model_providers } : {}),
  models: p.models.map((md) => {
    const out = { id: md.id };
    if (md.name) out.name = md.name;
    out.match = md.match;
    if (md.context_window) out.context_window = md.context_window;
    if (md.deprecated) out.deprecated = true;
    out.prices = md.prices;
    return out;
  }),
}));

const out = { source: '@pydantic/genai-prices', version: pkg.version, dataDate, providers: compact };
const file = path.join(root, 'src', 'core', 'pricing', 'reference-data.json');
fs.writeFileSync(file, JSON.stringify(out) + '\n');
const models = compact.reduce((n, p) => n + p.models.length, 0);
console.log(
  `wrote ${path.relative(root, file)}: ${compact.length} providers, ${models} models, ${fs.statSync(file).size} bytes, data ${dataDate}`,
);
