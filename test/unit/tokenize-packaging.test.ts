// Packaging of the vocabularies (issue 11): every shipped family has its licence notice next to it
// in dist/encodings (the VSIX ships that folder whole, see .vscodeignore), and the compressed
// vocabularies leave room for the rest of the extension in an 8 MiB VSIX.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as zlib from 'node:zlib';
import { ROOT } from './tokenize/oracle';
import { FAMILY_NAMES } from '../../src/core/tokenize';

const dir = path.join(ROOT, 'dist', 'encodings');

describe('vocabulary packaging', () => {
  it('every family ships its vocabulary, metadata and a licence notice', () => {
    const notice = fs.readFileSync(path.join(dir, 'NOTICE.md'), 'utf8');
    for (const f of FAMILY_NAMES) {
      assert.ok(fs.existsSync(path.join(dir, `${f}.vocab`)), `${f}.vocab`);
      assert.ok(fs.existsSync(path.join(dir, `${f}.json`)), `${f}.json`);
      assert.match(notice, new RegExp(`\`${f}\\.vocab\``), `${f} in NOTICE.md`);
    }
    for (const lic of notice.match(/LICENSE-[\w]+\.txt/g) ?? []) assert.ok(fs.existsSync(path.join(dir, lic)), lic);
    assert.match(notice, /Built with Llama/);
    assert.match(notice, /Gemma Terms of Use/);
  });
  it('the VSIX allow-list ships dist/encodings whole', () => {
    assert.match(fs.readFileSync(path.join(ROOT, '.vscodeignore'), 'utf8'), /^!dist\/encodings\/\*\*$/m);
  });
  it('all tables and vocabularies deflate to ≤ 7 MiB (the VSIX limit is 8 MiB; the rest is ~0.8 MiB)', () => {
    let total = 0;
    for (const f of fs.readdirSync(dir)) total += zlib.deflateRawSync(fs.readFileSync(path.join(dir, f)), { level: 9 }).length;
    assert.ok(total <= 7 * 1024 * 1024, `${(total / 1048576).toFixed(2)} MiB`);
  });
});
