// The numbers the web suites expect, computed in Node with the real tokenizer before the browser starts:
// npm `tiktoken` (the WASM build of openai/tiktoken, src/lib.rs; o200k_base from tiktoken_ext/openai_public.py).
// Chat framing as OpenAI documents it (openai-cookbook, examples/How_to_count_tokens_with_tiktoken.ipynb):
// 3 tokens per message + the role + the content, and 3 to prime the reply.
import * as fs from 'node:fs';
import * as path from 'node:path';
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

export function webExpectations(workspace) {
  const enc = get_encoding('o200k_base');
  try {
    const triage = fs.readFileSync(path.join(workspace, 'prompts', 'support-triage.prompt.md'), 'utf8');
    return { supportTriageTokens: chatCount(enc, markdownSections(triage)) };
  } finally {
    enc.free();
  }
}
