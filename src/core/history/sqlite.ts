// Loads sql.js (SQLite compiled to WebAssembly): works in any VS Code extension host and in the
// CLI without native modules or rebuilds. The bundles load `dist/sql-wasm.wasm` (copied there by
// scripts/build.mjs) from next to themselves; tests and ts-node fall back to node_modules.
import * as fs from 'node:fs';
import * as path from 'node:path';
import initSqlJs from 'sql.js';
import type { SqlJsStatic } from 'sql.js';

let wasmPathOverride: string | undefined;
let loading: Promise<SqlJsStatic> | undefined;

/** Lets the extension point at `context.asAbsolutePath('dist/sql-wasm.wasm')` explicitly. */
export function setSqlWasmPath(file: string): void {
  wasmPathOverride = file;
  loading = undefined;
}

export function findSqlWasm(): string {
  const candidates: string[] = [];
  if (wasmPathOverride) candidates.push(wasmPathOverride);
  // The browser bundle has no __dirname: there the extension provides the file (setSqlWasmPath).
  if (typeof __dirname === 'string')
    candidates.push(path.join(__dirname, 'sql-wasm.wasm'), path.join(__dirname, '..', 'dist', 'sql-wasm.wasm'));
  try {
    candidates.push(require.resolve('sql.js/dist/sql-wasm.wasm'));
  } catch {
    /* not installed (bundled build) */
  }
  const found = candidates.find((c) => fs.existsSync(c));
  if (!found) throw new Error(`sql-wasm.wasm not found (looked in ${candidates.join(', ')})`);
  return found;
}

/** The sql.js module, initialised once per process. */
export function loadSqlJs(): Promise<SqlJsStatic> {
  loading ??= (async () => {
    const wasm = fs.readFileSync(findSqlWasm());
    const wasmBinary = wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength) as ArrayBuffer;
    return initSqlJs({ wasmBinary });
  })();
  loading.catch(() => (loading = undefined));
  return loading;
}
