// package.json and the code agree: every contributed command is registered by some feature, every
// command id constant is contributed, and every setting the code reads is declared (and vice versa).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';

const root = path.resolve(__dirname, '../../..');
const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));

function sources(dir: string): string {
  return fs
    .readdirSync(dir, { recursive: true })
    .map(String)
    .filter((f) => f.endsWith('.ts'))
    .map((f) => fs.readFileSync(path.join(dir, f), 'utf8'))
    .join('\n');
}
const featureCode = sources(path.join(root, 'src', 'features')) + fs.readFileSync(path.join(root, 'src', 'extension.ts'), 'utf8');

test('every contributed command id is defined in the features', () => {
  for (const c of pkg.contributes.commands as { command: string }[]) {
    assert.ok(featureCode.includes(`'${c.command}'`), `${c.command} is contributed but never defined in src/features`);
  }
});

test('every command id constant in the features is contributed', () => {
  const contributed = new Set((pkg.contributes.commands as { command: string }[]).map((c) => c.command));
  // The `…COMMANDS = { … }` tables (commandIds.ts, the history views, API keys) hold every command id.
  const tables = [...featureCode.matchAll(/const \w*COMMANDS\w* = \{([^}]*)\}/g)].map((m) => m[1]);
  assert.ok(tables.length >= 2, 'command tables found');
  const ids = tables.flatMap((t) => [...t.matchAll(/'(promptCost\.[^']+)'/g)].map((m) => m[1]));
  assert.ok(ids.length >= 10);
  for (const id of ids) assert.ok(contributed.has(id), `${id} is a command id in code but not contributed in package.json`);
});

test('every setting read through readConfig is declared, with a default and a scope', () => {
  const config = fs.readFileSync(path.join(root, 'src', 'features', 'config.ts'), 'utf8');
  const props = pkg.contributes.configuration.properties as Record<string, { default?: unknown; scope?: string }>;
  const read = [...config.matchAll(/c\.get(?:<[^>]+>)?\('([^']+)'/g)].map((m) => `promptCost.${m[1]}`);
  assert.ok(read.length >= 10);
  for (const key of read) {
    assert.ok(props[key], `${key} is read but not declared`);
    assert.ok('default' in props[key], `${key} has no default`);
  }
});

test('views and menus refer to contributed commands', () => {
  const contributed = new Set((pkg.contributes.commands as { command: string }[]).map((c) => c.command));
  for (const [menu, items] of Object.entries(pkg.contributes.menus as Record<string, { command?: string }[]>)) {
    for (const item of items) if (item.command) assert.ok(contributed.has(item.command), `${menu} uses ${item.command}`);
  }
});
