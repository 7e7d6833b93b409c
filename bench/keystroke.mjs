// Keystroke → estimate on huge prompt files: what the extension host does per edit of a 5 MB prompt,
// with the same code (the estimate worker bundle, the host-side client, estimateDocument and the
// CodeLens summary), outside VS Code. The editor's document is modelled as VS Code's extension host
// keeps it (an array of lines; getText() joins them: ExtHostDocumentData/MirrorTextModel).
//
// Per file shape: open (first estimate), then KEYS single-character edits at spread-out places,
// each awaited (keystroke → result), while a 5 ms interval timer measures the longest stall of
// this thread (what would freeze other extensions and the editor's requests).
//
// Usage: node scripts/build.mjs && npm run compile-tests && node bench/keystroke.mjs [--label before|after] [--keys N]
// Writes bench/.out/keystroke-<label>.json; with both files present, bench/KEYSTROKE.md gets the table.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '..');
const require = createRequire(import.meta.url);
const arg = (name, dflt) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? process.argv[i + 1] : dflt;
};
const label = arg('--label', 'after');
const KEYS = Number(arg('--keys', '30'));
const SIZE = 5_000_000;
const out = path.join(root, 'out', 'src', 'core');
const { LatestRequestWorker } = require(path.join(out, 'worker', 'latest.js'));
const estimate = require(path.join(out, 'estimate', 'index.js'));
const large = require(path.join(out, 'estimate', 'large.js'));
const { PriceCatalog } = require(path.join(out, 'pricing', 'catalog.js'));
const tokenize = require(path.join(out, 'tokenize', 'index.js'));
const prompt = require(path.join(out, 'prompt', 'index.js'));
let clientModule;
try {
  clientModule = require(path.join(out, 'estimate', 'largeClient.js'));
} catch {
  clientModule = undefined; // before: the host sends the whole text per edit
}
const workerScript = path.join(root, 'dist', 'estimate-worker.js');
const catalog = new PriceCatalog();
const MODELS = ['openai:gpt-4o', 'openai:gpt-4o-mini', 'anthropic:claude-3-5-sonnet-latest']; // the default models

// ---------- inputs (generated, never committed) ----------
const para = fs.readFileSync(path.join(root, 'examples', 'prompts', 'summarize.txt'), 'utf8');
const shapes = {
  'markdown `.prompt.md`, 15k role sections': [
    'big.prompt.md',
    () => {
      let t = '---\nmodel: openai:gpt-4o\nmax_tokens: 500\n---\n';
      const roles = ['System', 'User', 'Assistant'];
      for (let i = 0; t.length < SIZE; i++)
        t += `## ${roles[i % 3]}\n${para.replace(/200/g, String(i))}\nSee {{item_${i % 50}}} and note ${i}.\n\n`;
      return t;
    },
  ],
  '`.prompty`, 15k role lines': [
    'big.prompty',
    () => {
      let t =
        '---\nname: big\nmodel:\n  api: chat\n  configuration:\n    type: openai\n    name: gpt-4o\n  parameters:\n    max_tokens: 300\n---\n';
      const roles = ['system', 'user', 'assistant'];
      for (let i = 0; t.length < SIZE; i++) t += `${roles[i % 3]}:\n${para.replace(/200/g, String(i))}\nQuestion: {{question}} #${i}\n\n`;
      return t;
    },
  ],
  'markdown, one 5 MB message': [
    'one.prompt.md',
    () => {
      let t = '# System\nYou summarise.\n\n# User\n';
      for (let i = 0; t.length < SIZE; i++) t += `${para.replace(/200/g, String(i))}\n`;
      return t;
    },
  ],
  'single line, 5 MB': [
    'line.prompt.md',
    () => {
      const words = para.replace(/\s+/g, ' ');
      let t = '';
      while (t.length < SIZE) t += words + ' ';
      return t;
    },
  ],
};

// ---------- the editor's document ----------
class HostDocument {
  constructor(text) {
    this.lines = text.split('\n');
    this.version = 1;
    this.listeners = [];
  }
  getText() {
    return this.lines.join('\n');
  }
  get length() {
    let n = this.lines.length - 1;
    for (const l of this.lines) n += l.length;
    return n;
  }
  /** Inserts one character at (line, character), as a keystroke does, and fires the change event. */
  type(line, character, ch) {
    const offset = this.offsetAt(line, character);
    const l = this.lines[line];
    this.lines[line] = l.slice(0, character) + ch + l.slice(character);
    this.version++;
    for (const f of this.listeners) f({ version: this.version, changes: [{ offset, deleteLength: 0, text: ch }] });
  }
  offsetAt(line, character) {
    let n = 0;
    for (let i = 0; i < line; i++) n += this.lines[i].length + 1;
    return n + character;
  }
  /** A small range, from the lines it spans (as VS Code's getText(range) does). */
  textAt(start, end) {
    let pos = 0;
    let line = 0;
    while (line < this.lines.length - 1 && pos + this.lines[line].length + 1 <= start) pos += this.lines[line++].length + 1;
    let out = '';
    for (let l = line; l < this.lines.length && pos < end; l++) {
      out += this.lines[l] + (l < this.lines.length - 1 ? '\n' : '');
      pos += this.lines[l].length + 1;
    }
    const first = this.offsetAt(line, 0);
    return out.slice(start - first, end - first);
  }
}

// ---------- the host's side of one estimate ----------
function makePipeline(fileName, doc) {
  const worker = new LatestRequestWorker(workerScript);
  // when the worker's answer arrived: the rest of a keystroke's time is the host's own work
  // (before the request: building and sending the text; after the answer: unpacking, estimating, titles)
  let answered = 0;
  let started = 0;
  let sent = 0;
  const request = worker.request.bind(worker);
  worker.request = (req) => {
    const p = request(req);
    sent = performance.now(); // posting clones the request on this thread
    return p.then((r) => ((answered = performance.now()), r));
  };
  const client = clientModule ? new clientModule.LargePromptClient(worker) : undefined;
  if (client) doc.listeners.push((e) => client.recordChange(e.version, e.changes));
  return {
    async estimate() {
      started = performance.now();
      const result = client
        ? await client.request(
            { version: doc.version, length: doc.length, getText: () => doc.getText(), textAt: (s, e) => doc.textAt(s, e) },
            fileName,
            MODELS,
          )
        : await worker.request({ text: doc.getText(), fileName, models: MODELS });
      const e = estimate.estimateDocument(
        result.document,
        large.countersFromWorker(result, tokenize.countTokens),
        {
          catalog,
          configuredModels: MODELS,
          primaryModel: '',
          expectedOutputTokens: 500,
          requestsPerDay: 100,
        },
        large.framingFromWorker(result),
      );
      // What the CodeLens provider builds: the top line and one title per message section (src/features/codeLens.ts).
      const summary = estimate.codeLensSummary(e, e.primary);
      const primary = e.models.find((m) => m.model === e.primary) ?? e.models[0];
      const amounts = new Map();
      const amount = (tokens) => {
        if (!amounts.has(tokens)) {
          const cost = estimate.inputCost(catalog, primary.model, tokens);
          amounts.set(
            tokens,
            `${estimate.formatTokens(tokens, false)} tokens${cost ? ` · ${estimate.shortModel(primary.model)} ${estimate.shortUsd(cost, false)} input` : ''}`,
          );
        }
        return amounts.get(tokens);
      };
      const titles = result.document.messages.map((m, i) => `${m.role}: ${amount(primary.messageTokens[i] ?? 0)}`);
      return {
        total: primary.inputTokens,
        title: summary.tokensTitle,
        lenses: titles.length + 1,
        hostMs: sent - started + (performance.now() - answered),
      };
    },
    dispose: () => worker.dispose(),
  };
}

function probeStalls() {
  let last = performance.now();
  let max = 0;
  const t = setInterval(() => {
    const now = performance.now();
    max = Math.max(max, now - last - 5);
    last = now;
  }, 5);
  return {
    stop() {
      clearInterval(t);
      return Math.max(0, max);
    },
  };
}

const pct = (xs, p) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(p * xs.length))];
const rows = [];
const only = arg('--only', '');
for (const [shape, [fileName, gen]] of Object.entries(shapes)) {
  if (only && !shape.includes(only)) continue;
  const text = gen();
  const doc = new HostDocument(text);
  const pipe = makePipeline(fileName, doc);
  let stalls = probeStalls();
  let t0 = performance.now();
  let r = await pipe.estimate();
  const openMs = performance.now() - t0;
  const openStall = stalls.stop();
  const times = [];
  const hostTimes = [];
  stalls = probeStalls();
  for (let k = 0; k < KEYS; k++) {
    // spread the keystrokes over the document, typing into a line's middle
    const line = Math.floor(((k + 0.5) / KEYS) * (doc.lines.length - 1));
    doc.type(line, doc.lines[line].length >> 1, 'abcdefghij'[k % 10]);
    t0 = performance.now();
    r = await pipe.estimate();
    times.push(performance.now() - t0);
    hostTimes.push(r.hostMs);
    await new Promise((res) => setTimeout(res, 20)); // the typist's pause
  }
  const maxStall = stalls.stop();
  // the numbers must be the real ones: compare with a from-scratch count on the main thread
  const check = estimate.estimateDocument(
    prompt.parsePromptDocument(doc.getText(), fileName),
    (enc) => (t) => tokenize.countTokens(t, enc),
    {
      catalog,
      configuredModels: MODELS,
      primaryModel: '',
      expectedOutputTokens: 500,
      requestsPerDay: 100,
    },
  );
  const expected = (check.models.find((m) => m.model === check.primary) ?? check.models[0]).inputTokens;
  if (expected !== r.total) throw new Error(`${shape}: incremental total ${r.total} ≠ from-scratch ${expected}`);
  pipe.dispose();
  const row = {
    shape,
    chars: text.length,
    lenses: r.lenses,
    openMs,
    openStall,
    medianMs: pct(times, 0.5),
    p90Ms: pct(times, 0.9),
    hostMs: pct(hostTimes, 0.5),
    maxStall,
  };
  rows.push(row);
  console.log(JSON.stringify(row));
}
fs.mkdirSync(path.join(here, '.out'), { recursive: true });
fs.writeFileSync(
  path.join(here, '.out', `keystroke-${label}.json`),
  JSON.stringify({ label, at: new Date().toISOString(), keys: KEYS, load: os.loadavg()[0].toFixed(1), rows }, null, 1),
);

// ---------- table ----------
const read = (l) => {
  const f = path.join(here, '.out', `keystroke-${l}.json`);
  return fs.existsSync(f) ? JSON.parse(fs.readFileSync(f, 'utf8')) : undefined;
};
const before = read('before');
const after = read('after');
if (before && after) {
  const ms = (x) => (x === undefined ? '–' : `${Math.round(x)}`);
  const lines = [
    '# Keystroke → estimate on 5 MB prompts',
    '',
    `\`node bench/keystroke.mjs\` (${after.keys} keystrokes per shape, each awaited; ${new Date(after.at).toISOString().slice(0, 10)}, ` +
      `2 cores shared with other jobs, load average ${after.load ?? '?'}). "before" is main before issue 17 (the whole text re-sent, re-parsed and re-counted per edit), "after" this branch. ` +
      'Latency: from the edit to the estimate the CodeLens shows (median / p90, ms). Stall: the longest time the host thread was blocked (ms).',
    '',
    '| file shape | chars | open ms before → after | keystroke median before → after | p90 before → after | host part of a keystroke (median) before → after | max stall before → after |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: |',
  ];
  for (const a of after.rows) {
    const b = before.rows.find((x) => x.shape === a.shape) ?? {};
    lines.push(
      `| ${a.shape} | ${a.chars.toLocaleString('en-US')} | ${ms(b.openMs)} → ${ms(a.openMs)} | ${ms(b.medianMs)} → ${ms(a.medianMs)} | ${ms(b.p90Ms)} → ${ms(a.p90Ms)} | ${ms(b.hostMs)} → ${ms(a.hostMs)} | ${ms(Math.max(b.maxStall ?? 0, 0))} → ${ms(a.maxStall)} |`,
    );
  }
  fs.writeFileSync(path.join(here, 'KEYSTROKE.md'), lines.join('\n') + '\n');
  console.log(lines.join('\n'));
}
process.exit(0);
