// Team rule (issue 28): no function in src/ over 120 lines, no file over 600 — measured on the
// TypeScript AST, so a long arrow function or method counts the same as a declaration. The domain-long
// TOML scanner and generated data are exempt. Current violators are listed with their owner; each entry
// goes when its split lands (and the test fails when an entry is stale, so the list only shrinks).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import ts from 'typescript';

const ROOT = path.resolve(__dirname, '../../..');
const MAX_FUNCTION_LINES = 120;
const MAX_FILE_LINES = 600;
/** Long because the domain is (issue 28): TOML's grammar in one scanner. */
const EXEMPT_FILES = new Set(['src/core/flujo/scanner.ts']);

/** `file` or `file:function` → owner. Remove the entry with the split. */
const ALLOWED: Readonly<Record<string, string>> = {};

function sourceFiles(dir: string, out: string[] = []): string[] {
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) sourceFiles(p, out);
    else if (/\.tsx?$/.test(e.name) && !e.name.endsWith('.d.ts')) out.push(p);
  }
  return out;
}

function functionName(node: ts.Node, sf: ts.SourceFile): string {
  const named = node as { name?: ts.Node };
  if (named.name) return named.name.getText(sf);
  // `const run = () => …`, `{ key: function () … }`
  const parent = node.parent;
  if (parent && (ts.isVariableDeclaration(parent) || ts.isPropertyAssignment(parent))) return parent.name.getText(sf);
  return ts.isConstructorDeclaration(node) ? 'constructor' : '(anonymous)';
}

/** Every function, method, accessor and arrow function with a body, with its length in lines. */
export function measure(file: string, text: string): { lines: number; functions: { name: string; line: number; lines: number }[] } {
  const sf = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
  const lineOf = (pos: number) => sf.getLineAndCharacterOfPosition(pos).line;
  const functions: { name: string; line: number; lines: number }[] = [];
  const visit = (node: ts.Node) => {
    if (ts.isFunctionLike(node) && (node as { body?: ts.Node }).body) {
      const start = lineOf(node.getStart(sf));
      functions.push({ name: functionName(node, sf), line: start + 1, lines: lineOf(node.end) - start + 1 });
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return { lines: text.length === 0 ? 0 : text.split('\n').length - (text.endsWith('\n') ? 1 : 0), functions };
}

describe('code size: functions ≤ 120 lines, files ≤ 600 lines in src/', () => {
  const found = new Map<string, string>();
  for (const abs of sourceFiles(path.join(ROOT, 'src'))) {
    const file = path.relative(ROOT, abs).split(path.sep).join('/');
    if (EXEMPT_FILES.has(file)) continue;
    const m = measure(file, fs.readFileSync(abs, 'utf8'));
    if (m.lines > MAX_FILE_LINES) found.set(file, `${file}: ${m.lines} lines`);
    for (const f of m.functions)
      if (f.lines > MAX_FUNCTION_LINES) found.set(`${file}:${f.name}`, `${file}:${f.line} ${f.name}: ${f.lines} lines`);
  }

  it('no new violation (split the function or file; the allow-list only shrinks)', () => {
    const fresh = [...found].filter(([key]) => !(key in ALLOWED)).map(([, what]) => what);
    assert.deepEqual(fresh, [], `over ${MAX_FUNCTION_LINES} lines per function / ${MAX_FILE_LINES} per file:\n${fresh.join('\n')}`);
  });

  it('every allow-list entry is still a violation (remove it once split)', () => {
    const stale = Object.keys(ALLOWED).filter((key) => !found.has(key));
    assert.deepEqual(stale, [], `now within the limits — delete from ALLOWED in test/unit/code-size.test.ts: ${stale.join(', ')}`);
  });

  it('measures arrow functions, methods and nested functions on the AST', () => {
    const body = (n: number) => Array.from({ length: n }, (_, i) => `  x(${i});`).join('\n');
    const text = `const a = () => {\n${body(130)}\n};\nclass C {\n  m() {\n${body(10)}\n  }\n}\nfunction outer() {\n  function inner() {\n${body(121)}\n  }\n}\n`;
    const m = measure('x.ts', text);
    const byName = Object.fromEntries(m.functions.map((f) => [f.name, f.lines]));
    assert.deepEqual(byName, { a: 132, m: 12, outer: 125, inner: 123 });
    assert.equal(m.lines, text.split('\n').length - 1);
  });
});
