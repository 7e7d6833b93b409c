// The numbers the web suites expect, computed in Node with the real tokenizer before the browser starts:
// npm `tiktoken` (the WASM build of openai/tiktoken, src/lib.rs; o200k_base from tiktoken_ext/openai_public.py).
// Chat framing as OpenAI documents it (openai-cookbook, examples/How_to_count_tokens_with_tiktoken.ipynb):
// 3 tokens per message + the role + the content, and 3 to prime the reply.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parse } from 'smol-toml';
import initSqlJs from 'sql.js';
import { get_encoding } from 'tiktoken';

function chatCount(enc, messages) {
  return messages.reduce((n, m) => n + 3 + enc.encode_ordinary(m.role).length + enc.encode_ordinary(m.content).length, 3);
}

/** The `# System` / `# User` sections of a Markdown prompt file, trimmed, as the prompt-file format defines them. */
function markdownSections(text) {
  const system = text.slice(text.indexOf('# System') + '# System'.length, text.indexOf('# User')).trim();
  const user = text.slice(text.indexOf('# User') + '# User'.length).trim();
  return [
    { role: 'system', content: system },
    { role: 'user', content: user },
  ];
}

/** Exact decimals as [digits BigInt, scale]: a TOML float written as text is exact in decimal. */
function decimal(text) {
  const [w, f = ''] = text.split('.');
  return [BigInt(w + f), f.length];
}
function mulDecimal(text, n) {
  const [d, s] = decimal(text);
  return [d * BigInt(n), s];
}
function addDecimal([a, sa], [b, sb]) {
  const s = Math.max(sa, sb);
  return [a * 10n ** BigInt(s - sa) + b * 10n ** BigInt(s - sb), s];
}
/** Divides by 10^k and writes the decimal string. */
function shiftDecimal([d, s], k) {
  const scale = s + k;
  const text = d.toString().padStart(scale + 1, '0');
  return `${text.slice(0, text.length - scale)}.${text.slice(text.length - scale)}`;
}

/** The example ledger's runs as its JSON lines say (docs/user/runs.md: one `type: "run"` object a line). */
function ledgerExpectations(workspace) {
  const lines = fs
    .readFileSync(path.join(workspace, '.pcl-web', 'example-runs.jsonl'), 'utf8')
    .split('\n')
    .filter(Boolean);
  const runs = lines.map((l) => JSON.parse(l)).filter((e) => e.type === 'run');
  return {
    ledgerRunIds: runs.map((r) => r.id).sort(),
    ledgerGroups: [...new Set(runs.map((r) => `${r.provider}:${r.model}`))].sort(),
  };
}

const REMOTE_ADDITION = '\nAlways quote the order number you were given, exactly as written.\n';

/**
 * The example Flujo state database's run ids, by a plain query of Flujo's `runs` table
 * (flujo/state/backends/sqlite_core.py), not by the extension's reader.
 */
async function flujoExpectations(workspace) {
  const SQL = await initSqlJs();
  const db = new SQL.Database(fs.readFileSync(path.join(workspace, '.pcl-web', 'example-flujo-state.db')));
  try {
    const rows = db.exec('SELECT run_id FROM runs')[0]?.values ?? [];
    return { flujoRunIds: rows.map((r) => String(r[0])).sort() };
  } finally {
    db.close();
  }
}

export async function webExpectations(workspace) {
  const flujo = await flujoExpectations(workspace);
  const enc = get_encoding('o200k_base');
  try {
    const triage = fs.readFileSync(path.join(workspace, 'prompts', 'support-triage.prompt.md'), 'utf8');
    const tokens = chatCount(enc, markdownSections(triage));
    // Flujo's cost (flujo/cost.py): prompt/1000 × prompt price + completion/1000 × completion price, here with
    // the workspace's own flujo.toml prices and the front matter's max_tokens (300), in exact decimals.
    const mini = parse(fs.readFileSync(path.join(workspace, 'flujo.toml'), 'utf8')).cost.providers.openai['gpt-4o-mini'];
    const total = addDecimal(mulDecimal(String(mini.prompt_tokens_per_1k), tokens), mulDecimal(String(mini.completion_tokens_per_1k), 300));
    // The edit the github.dev suite makes to the working copy (appended to the user message).
    const edited = chatCount(enc, markdownSections(triage + REMOTE_ADDITION));
    return {
      supportTriageTokens: tokens,
      supportTriageMiniTotalUsd: shiftDecimal(total, 3),
      remoteAddition: REMOTE_ADDITION,
      supportTriageEditedTokens: edited,
      ...ledgerExpectations(workspace),
      ...flujo,
    };
  } finally {
    enc.free();
  }
}
