// package.json and the code agree: every contributed command is registered by some feature, every
// command id constant is contributed, and every setting the code reads is declared (and vice versa).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { BROWSER_HIDDEN_COMMANDS } from '../../src/features/commandIds';

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

const commandIds = fs.readFileSync(path.join(root, 'src', 'features', 'commandIds.ts'), 'utf8');

test('commandIds.ts and package.json list the same commands', () => {
  const contributed = (pkg.contributes.commands as { command: string }[]).map((c) => c.command).sort();
  const defined = [...commandIds.matchAll(/'(promptCost\.[^']+)'/g)].map((m) => m[1]).sort();
  assert.ok(defined.length >= 20);
  assert.deepEqual(defined, contributed);
});

test('features register and execute our commands only through the constants of commandIds.ts', () => {
  // A string literal id elsewhere would be a second place to keep in sync.
  const literal = [...featureCode.matchAll(/(?:registerCommand|executeCommand)\(\s*'(promptCost\.[^']+)'/g)].map((m) => m[1]);
  assert.deepEqual(literal, []);
  const contributed = new Set((pkg.contributes.commands as { command: string }[]).map((c) => c.command));
  const elsewhere = [...featureCode.replace(commandIds, '').matchAll(/'(promptCost\.[^']+)'/g)].map((m) => m[1]);
  assert.deepEqual(
    elsewhere.filter((id) => contributed.has(id)),
    [],
    'command ids spelled outside commandIds.ts',
  );
});

test('settings: config.ts reads every declared setting and only declared ones; nothing else reads settings', () => {
  const config = fs.readFileSync(path.join(root, 'src', 'features', 'config.ts'), 'utf8');
  const props = pkg.contributes.configuration.properties as Record<string, { default?: unknown; scope?: string }>;
  const read = new Set(
    [...config.matchAll(/(?:c\.get|nonNegativeInt|nonEmpty|declared)(?:<[^>]+>)?\((?:c, )?'([^']+)'/g)].map((m) => `promptCost.${m[1]}`),
  );
  assert.ok(read.size >= 15);
  for (const key of read) {
    assert.ok(props[key], `${key} is read but not declared`);
    assert.ok('default' in props[key], `${key} has no default`);
    assert.ok(props[key].scope, `${key} has no scope`);
  }
  for (const key of Object.keys(props)) assert.ok(read.has(key), `${key} is declared but never read in config.ts`);
  // The change groups name declared keys only (a typo would silently never fire).
  const groups = /CONFIG_KEYS = \{([\s\S]*?)\} as const/.exec(config)![1];
  for (const [, key] of groups.matchAll(/'([^']+)'/g)) assert.ok(props[`promptCost.${key}`], `CONFIG_KEYS names ${key}`);
  // config.ts is the one reader: no other file under src/ asks VS Code for a configuration.
  const others = fs
    .readdirSync(path.join(root, 'src'), { recursive: true })
    .map(String)
    .filter((f) => f.endsWith('.ts') && f !== path.join('features', 'config.ts'))
    .filter((f) => fs.readFileSync(path.join(root, 'src', f), 'utf8').includes('getConfiguration('));
  assert.deepEqual(others, []);
});

test('views and menus refer to contributed commands', () => {
  const contributed = new Set((pkg.contributes.commands as { command: string }[]).map((c) => c.command));
  for (const [menu, items] of Object.entries(pkg.contributes.menus as Record<string, { command?: string }[]>)) {
    for (const item of items) if (item.command) assert.ok(contributed.has(item.command), `${menu} uses ${item.command}`);
  }
});

test('in the browser, the menus hide every command that would only say it is not available there', () => {
  // The context key is set by the browser bundle (features/platform.ts); VS Code's own `isWeb` would also hide
  // Run in a browser workbench whose extensions run in a Node host (code-server, Codespaces), where it works.
  const platform = fs.readFileSync(path.join(root, 'src', 'features', 'platform.ts'), 'utf8');
  assert.match(platform, /IN_BROWSER_CONTEXT = 'promptCost\.inBrowser'/);
  assert.ok(BROWSER_HIDDEN_COMMANDS.length >= 5);
  const menus = pkg.contributes.menus as Record<string, { command: string; when?: string }[]>;
  for (const id of BROWSER_HIDDEN_COMMANDS) {
    const entries = Object.entries(menus).flatMap(([menu, items]) => items.filter((i) => i.command === id).map((i) => ({ menu, ...i })));
    assert.ok(
      entries.some((e) => e.menu === 'commandPalette'),
      `${id}: a commandPalette entry (without one the palette shows it everywhere)`,
    );
    for (const e of entries)
      assert.ok(e.when === 'false' || /(^|&& )!promptCost\.inBrowser( &&|$)/.test(e.when ?? ''), `${id} in ${e.menu}: when "${e.when}"`);
  }
});
