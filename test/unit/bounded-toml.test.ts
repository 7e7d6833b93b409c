// Bounded resources for flujo.toml: every crafted shape (test/support/tomlShapes.ts — 10 MB of tables,
// 100k keys, a 100k-element array, 100k-deep nesting, 1 MB strings, 100k diagnostics, 100k syntax
// errors and their cousins) goes through `prompt-cost lint --json` in a child process under a 256 MB
// heap (test/support/bounded.ts) and finishes with findings (exit 0 or 1), never a crash, hang or
// out-of-memory abort; the Problems view gets at most 1,000 diagnostics plus one summary, each located
// inside the file and with a bounded message. Timing goals are rows in bench/TOML-SCALE.md.
import { describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { runCliBounded } from '../support/bounded';
import { tempDir } from '../support/tempDir';
import { TOML_SHAPES } from '../support/tomlShapes';

const HEAP_MB = 256;
/** "Finishes at all": the slowest shape takes ~1–2 s on an idle machine; before issue 17 the 10 MB one needed ~750 MB. */
const TIMEOUT_MS = 60_000;
/** Node alone is ~50 MB RSS; the heap cap aborts the child long before this. */
const MAX_RSS_MB = 600;
const MAX_DIAGNOSTICS = 1000;

interface JsonDiagnostic {
  severity: string;
  code: string;
  message: string;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
}

describe('prompt-cost lint on crafted flujo.toml shapes, each under a 256 MB heap', () => {
  for (const shape of TOML_SHAPES) {
    it(`${shape.name}: ${shape.what}`, () => {
      const dir = tempDir(`pcl-bounded-toml-${shape.name}-`);
      const file = path.join(dir, 'flujo.toml');
      const text = shape.make();
      fs.writeFileSync(file, text);
      const r = runCliBounded(['lint', file, '--json'], { heapMb: HEAP_MB, timeoutMs: TIMEOUT_MS, cwd: dir });
      fs.rmSync(dir, { recursive: true, force: true });
      assert.equal(r.timedOut, false, `${shape.name} ran past ${TIMEOUT_MS} ms`);
      assert.ok(r.status === 0 || r.status === 1, `exit ${r.status} (${r.signal ?? ''}): ${r.stderr.slice(0, 500)}`);
      assert.ok(r.peakRssMb !== undefined && r.peakRssMb < MAX_RSS_MB, `peak RSS ${r.peakRssMb} MB`);
      const diagnostics = (JSON.parse(r.stdout) as { diagnostics: JsonDiagnostic[] }).diagnostics;
      assert.ok(diagnostics.length > 0 && diagnostics.length <= MAX_DIAGNOSTICS + 1, `${diagnostics.length} diagnostics`);
      const lines = text.split(/\r\n|\r|\n/);
      for (const d of diagnostics) {
        assert.ok(d.message.length <= 1300, `${d.code}: a message of ${d.message.length} characters`);
        assert.ok(
          d.line >= 1 && d.endLine <= lines.length && d.line <= d.endLine,
          `${d.code} at ${d.line}-${d.endLine} of ${lines.length}`,
        );
        assert.ok(d.column >= 1 && d.endColumn <= lines[d.endLine - 1].length + 1, `${d.code} column ${d.column}-${d.endColumn}`);
      }
      const codes = new Set(diagnostics.map((d) => d.code));
      const expect: Record<string, () => void> = {
        'tables-100k': () => assert.equal(diagnostics.at(-1)!.code, 'too-many-problems'),
        'diagnostics-100k': () => assert.match(diagnostics.at(-1)!.message, /^99,000 more problems not shown \(99,000 warnings\)/),
        'nested-arrays-100k': () => assert.ok(diagnostics.some((d) => d.code === 'toml-syntax' && d.line === 2)),
        'nested-inline-100k': () => assert.ok(diagnostics.some((d) => d.code === 'toml-syntax' && d.line === 2)),
        'strings-1mb': () => assert.ok(diagnostics.some((d) => d.code === 'wrong-type' && d.message.includes('characters) …'))),
        'bad-lines-100k': () => assert.ok(codes.has('toml-syntax')),
        'one-line-10mb': () => assert.ok(codes.has('toml-syntax')),
        'inline-tables-100k': () => assert.equal(diagnostics.at(-1)!.code, 'too-many-problems'),
      };
      expect[shape.name]?.();
    });
  }
});
