// Lets `npm run test:fast` skip a step (the esbuild bundles, the tests' tsc) when nothing it reads or wrote
// changed since it last succeeded. A step's stamp holds fingerprints of its inputs, taken before it ran, and
// of its outputs, taken after: any file added, removed, renamed, resized or touched on either side — or
// different flags — makes the step run again. The stamp is removed before the step starts, so a failed or
// interrupted step never counts as done.
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';

/**
 * Fingerprint of every file under `paths` (files or folders, relative to `root`): path, size and mtime of
 * each, sorted. A missing path is part of the answer too, so creating it changes the fingerprint.
 * `ignore(rel)` leaves out a relative path and everything under it.
 */
export function fingerprint(root, paths, ignore = () => false) {
  const rows = [];
  const visit = (rel) => {
    if (ignore(rel)) return;
    let st;
    try {
      st = fs.statSync(path.join(root, rel));
    } catch {
      rows.push(`${rel}\0missing`);
      return;
    }
    if (st.isDirectory()) {
      for (const name of fs.readdirSync(path.join(root, rel)).sort()) visit(path.join(rel, name));
    } else rows.push(`${rel}\0${st.size}\0${st.mtimeMs}`);
  };
  for (const p of [...paths].sort()) visit(p);
  return createHash('sha256').update(rows.join('\n')).digest('hex');
}

/**
 * One cached step: `fresh()` is true when the stamp says the step last succeeded with the same `key`, on
 * inputs with the same fingerprint as now, and its outputs are as it left them.
 * `run(step)` removes the stamp, fingerprints the inputs, awaits `step()` and, when it returns true,
 * writes the stamp with the outputs' fingerprint.
 */
export function cachedStep({ root, stamp, key, inputs, outputs, ignore }) {
  const stampFile = path.join(root, stamp);
  const skip = (rel) => rel === stamp || (ignore ? ignore(rel) : false);
  const read = () => {
    try {
      return JSON.parse(fs.readFileSync(stampFile, 'utf8'));
    } catch {
      return undefined;
    }
  };
  return {
    fresh() {
      const s = read();
      return (
        s !== undefined && s.key === key && s.inputs === fingerprint(root, inputs, skip) && s.outputs === fingerprint(root, outputs, skip)
      );
    },
    async run(step) {
      fs.rmSync(stampFile, { force: true });
      const before = fingerprint(root, inputs, skip);
      const ok = await step();
      if (ok) {
        fs.mkdirSync(path.dirname(stampFile), { recursive: true });
        fs.writeFileSync(stampFile, JSON.stringify({ key, inputs: before, outputs: fingerprint(root, outputs, skip) }));
      }
      return ok;
    },
  };
}

/**
 * Before an incremental tsc (`outDir` mirrors each of `sources`): compiled files whose source is gone are
 * deleted, so nothing loads a stale copy of a renamed or deleted module; and when the output of an existing
 * source is missing the build info goes too — tsc trusts its build info and would not write that file again.
 * `skip` lists source folders the compile leaves out. Returns what it did.
 */
export function pruneCompiled(root, { sources, outDir, buildInfo, skip = [] }) {
  const removed = [];
  let missing = false;
  const list = (dir) => (fs.existsSync(dir) ? fs.readdirSync(dir, { recursive: true }).map(String) : []);
  for (const top of sources) {
    const srcDir = path.join(root, top);
    const out = path.join(root, outDir, top);
    for (const rel of list(out)) {
      const source = rel.replace(/\.js(\.map)?$/, '.ts');
      if (source !== rel && !fs.existsSync(path.join(srcDir, source))) {
        fs.rmSync(path.join(out, rel), { force: true });
        removed.push(path.join(outDir, top, rel));
      }
    }
    for (const rel of list(srcDir)) {
      if (!/(?<!\.d)\.ts$/.test(rel) || skip.some((s) => path.join(top, rel).startsWith(s + path.sep))) continue;
      if (!fs.existsSync(path.join(out, rel.replace(/\.ts$/, '.js')))) missing = true;
    }
  }
  if (missing) fs.rmSync(path.join(root, buildInfo), { force: true });
  return { removed, buildInfoRemoved: missing };
}
