// The comparison panel's message validation: every message from the webview is checked before use.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  INITIAL_STATE,
  MAX_OUTPUT_TOKENS,
  MAX_REQUESTS_PER_DAY,
  parsePersistedState,
  parseWebviewMessage,
} from '../../src/protocol/compare';

function ok(raw: unknown) {
  const r = parseWebviewMessage(raw);
  assert.ok(r.ok, `expected ${JSON.stringify(raw)} to be accepted: ${r.ok ? '' : r.error}`);
  return r.value;
}

function rejected(raw: unknown, pattern?: RegExp) {
  const r = parseWebviewMessage(raw);
  assert.ok(!r.ok, `expected ${JSON.stringify(raw)} to be rejected`);
  if (pattern) assert.match(r.error, pattern);
}

test('accepts every well-formed message and returns a clean copy', () => {
  assert.deepEqual(ok({ type: 'ready' }), { type: 'ready' });
  assert.deepEqual(ok({ type: 'revealDocument' }), { type: 'revealDocument' });
  assert.deepEqual(ok({ type: 'setOutputTokens', value: 0 }), { type: 'setOutputTokens', value: 0 });
  assert.deepEqual(ok({ type: 'setOutputTokens', value: MAX_OUTPUT_TOKENS }), { type: 'setOutputTokens', value: MAX_OUTPUT_TOKENS });
  assert.deepEqual(ok({ type: 'setOutputTokens', value: null }), { type: 'setOutputTokens', value: null });
  assert.deepEqual(ok({ type: 'setRequestsPerDay', value: 250 }), { type: 'setRequestsPerDay', value: 250 });
  assert.deepEqual(ok({ type: 'setRequestsPerDay', value: null }), { type: 'setRequestsPerDay', value: null });
  assert.deepEqual(ok({ type: 'addModel' }), { type: 'addModel' });
  assert.deepEqual(ok({ type: 'addModel', id: 'openai:gpt-4.1-mini' }), { type: 'addModel', id: 'openai:gpt-4.1-mini' });
  assert.deepEqual(ok({ type: 'removeModel', id: 'anthropic:claude-3-5-haiku-latest' }), {
    type: 'removeModel',
    id: 'anthropic:claude-3-5-haiku-latest',
  });
  assert.deepEqual(ok({ type: 'setPinned', pinned: true }), { type: 'setPinned', pinned: true });
  assert.deepEqual(ok({ type: 'setSort', sort: { key: 'totalUsd', direction: 'desc' } }), {
    type: 'setSort',
    sort: { key: 'totalUsd', direction: 'desc' },
  });
  assert.deepEqual(ok({ type: 'setSort', sort: null }), { type: 'setSort', sort: null });
  assert.deepEqual(ok({ type: 'export', format: 'csv', action: 'copy' }), { type: 'export', format: 'csv', action: 'copy' });
  assert.deepEqual(ok({ type: 'export', format: 'markdown', action: 'save' }), { type: 'export', format: 'markdown', action: 'save' });
});

test('rejects what is not a message', () => {
  for (const raw of [undefined, null, 42, 'ready', [], [{ type: 'ready' }], true]) rejected(raw, /not an object/);
  rejected({}, /unknown message type/);
  rejected({ type: 'runShell', command: 'rm -rf /' }, /unknown message type/);
  rejected({ type: 'READY' }, /unknown message type/);
  rejected({ type: 'toString' }, /unknown message type/);
  rejected({ type: '__proto__' }, /unknown message type/);
});

test('rejects numbers that are not non-negative integers in range', () => {
  for (const value of [-1, 1.5, NaN, Infinity, MAX_OUTPUT_TOKENS + 1, '500', true, undefined, {}])
    rejected({ type: 'setOutputTokens', value }, /output tokens/);
  for (const value of [-5, 0.25, MAX_REQUESTS_PER_DAY + 1, '1000', Number.MAX_SAFE_INTEGER * 2])
    rejected({ type: 'setRequestsPerDay', value }, /requests per day/);
});

test('rejects bad model ids', () => {
  for (const id of ['', ' ', 'openai: gpt-4o', 'a\nb', 'x'.repeat(201), 42, null, ['openai:gpt-4o'], '\u0000']) {
    rejected({ type: 'removeModel', id }, /model id/);
    rejected({ type: 'addModel', id }, /model id/);
  }
  ok({ type: 'addModel', id: 'x'.repeat(200) });
});

test('rejects bad enums, extra fields and wrong types', () => {
  rejected({ type: 'setPinned', pinned: 'true' }, /boolean/);
  rejected({ type: 'setPinned' }, /boolean/);
  rejected({ type: 'setSort', sort: { key: 'constructor', direction: 'asc' } }, /sort column/);
  rejected({ type: 'setSort', sort: { key: 'totalUsd', direction: 'up' } }, /direction/);
  rejected({ type: 'setSort', sort: 'totalUsd' }, /sort must be/);
  rejected({ type: 'setSort' }, /sort must be/);
  rejected({ type: 'export', format: 'xlsx', action: 'copy' }, /format/);
  rejected({ type: 'export', format: 'csv', action: 'open' }, /action/);
  rejected({ type: 'export', format: 'csv', action: 'save', path: '/etc/passwd' }, /unexpected field/);
  rejected({ type: 'ready', extra: 1 }, /unexpected field/);
  rejected({ type: 'setOutputTokens', value: 10, uri: 'file:///x' }, /unexpected field/);
});

test('persisted state: valid state round-trips, bad fields fall back to defaults', () => {
  const good = {
    version: 1,
    uri: 'file:///w/prompts/a.prompt.md',
    pinned: true,
    extraModels: ['openai:gpt-4.1-mini'],
    outputTokens: 800,
    requestsPerDay: 50,
    sort: { key: 'monthlyUsd', direction: 'desc' },
  };
  assert.deepEqual(parsePersistedState(good), good);
  assert.deepEqual(parsePersistedState(undefined), INITIAL_STATE);
  assert.deepEqual(parsePersistedState({ version: 2, pinned: true }), INITIAL_STATE);
  const bad = parsePersistedState({
    version: 1,
    uri: 7,
    pinned: 'yes',
    extraModels: ['ok:model', 'bad id', 3, 'ok:model'],
    outputTokens: -1,
    requestsPerDay: 1.5,
    sort: { key: 'nope', direction: 'asc' },
  });
  assert.deepEqual(bad, { version: 1, pinned: false, extraModels: ['ok:model'], outputTokens: null, requestsPerDay: null, sort: null });
  // The initial state is not shared between panels.
  parsePersistedState(undefined).extraModels.push('x:y');
  assert.deepEqual(INITIAL_STATE.extraModels, []);
});
