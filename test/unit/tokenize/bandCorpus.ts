// The texts the approximate-family band tests fit and measure on (tokenize-llama2-band, tokenize-mistral-band).
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ROOT } from './oracle';
import { ORACLE_DIR } from './hfOracle';

export interface Sample {
  name: string;
  text: string;
}

/** Every file below `dir` that `keep` accepts, named relative to the repository, without a leading BOM. */
export function walk(dir: string, keep: (name: string) => boolean, out: Sample[] = []): Sample[] {
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) walk(p, keep, out);
    else if (keep(e.name)) out.push({ name: path.relative(ROOT, p), text: fs.readFileSync(p, 'utf8').replace(/^\uFEFF/, '') });
  }
  return out;
}

/** The repository's real prompt files, whole, as `prompt-cost count` counts them (the fitting set), by name. */
export function promptFiles(): Sample[] {
  const keep = (n: string) => !/flujo\.toml$|\.jsonl?$|\.db(?:-wal|-shm)?$/.test(n);
  return [...walk(path.join(ROOT, 'examples'), keep), ...walk(path.join(ROOT, 'test', 'fixtures', 'prompt'), keep)]
    .filter((s) => s.text.trim())
    .sort((a, b) => a.name.localeCompare(b.name));
}

const importEsm = new Function('specifier', 'return import(specifier)') as (
  s: string,
) => Promise<{ ORACLE_PACKAGES: Record<string, string> }>;

/**
 * Held-out English text written by others and fixed by their versions: the READMEs of the packages pinned in
 * scripts/oracle.mjs. English only: the bands claim nothing for other scripts.
 */
export async function oracleReadmes(): Promise<Sample[]> {
  const { ORACLE_PACKAGES } = await importEsm(path.join(ROOT, 'scripts', 'oracle.mjs'));
  const out: Sample[] = [];
  for (const pkg of Object.keys(ORACLE_PACKAGES).sort()) {
    const dir = path.join(ORACLE_DIR, pkg);
    const readme = fs.existsSync(dir) ? fs.readdirSync(dir).find((n) => /^readme\.md$/i.test(n)) : undefined;
    if (!readme) continue;
    const text = fs.readFileSync(path.join(dir, readme), 'utf8');
    if ([...text].filter((c) => c.charCodeAt(0) < 128).length / [...text].length >= 0.9) out.push({ name: `${pkg}/${readme}`, text });
  }
  return out;
}
