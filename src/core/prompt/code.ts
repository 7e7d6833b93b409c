// Prompts inside Python / JavaScript / TypeScript code: string literals passed to common model
// calls, with the model named in the same call. Built on the small lexer in ./lexer plus a
// bracket tree; no regexes over the source, linear in the size of the file.
//
// Recognised (by the last segments of the callee, so `client`, `self.client`, `OpenAI()` all work):
//   *.chat.completions.create|parse|stream, *.completions.create, *.responses.create|parse|stream
//        (provider openai), *.messages.create|stream|count_tokens|countTokens (anthropic),
//   *.models.generate_content[_stream] / generateContent[Stream] (google),
//   completion / acompletion (LiteLLM), generateText / streamText / generateObject / streamObject
//   (Vercel AI SDK), Agent / FastroAgent (pydantic-ai / FastroAI), make_agent_async / make_agent
//   (Flujo: model, system_prompt positionally), *.run_sync / *.run_stream (first argument is the
//   user prompt), SystemMessage / HumanMessage / AIMessage (LangChain), ClaudeAgentOptions /
//   ClaudeCodeOptions (Claude Agent SDK: system_prompt, model; provider anthropic).
// Keys read in those calls (keyword arguments in Python, properties of the options object in JS):
//   model; system, system_prompt, systemPrompt, instructions, system_instruction, systemInstruction
//   (role system); prompt, input, user_prompt, contents (role user, or a list of messages);
//   messages (a list of `{role, content}` dicts; content may be a list of `{type: "text", text}`).
// Values may be: a string literal, adjacent literals (Python) or `+`-joined literals, wrapped in
// parentheses, `textwrap.dedent(...)`/`inspect.cleandoc(...)` (applied), `.strip()`/`.trim()`
// and `.replace("a", "b")` with literal arguments (applied); an identifier bound by a simple assignment in the same file (`X = "..."`,
// `const X = ...`; first binding wins, scopes are ignored); a list of those.
// Also reported without a call: `{role, content}` dicts anywhere, and string assignments to
// names containing "prompt" / "instruction(s)" / "system_message".

import { lexCode, type CodeLanguage, type CodeToken } from './lexer';
import { codeLanguageById } from './codeLanguages';
import { looksLikeModelId } from './model';
import type { OffsetRange, Placeholder, PromptRole } from './types';

export interface CodePrompt {
  /** The literal's value with escapes decoded (interpolations kept as written). */
  text: string;
  /** Offsets of the literal (from the first to the last literal when concatenated). */
  range: OffsetRange;
  /** Model from the same call: `model=` / `model:`, a `provider:model` positional, `openai("gpt-4o")`. */
  model?: string;
  modelRange?: OffsetRange;
  /** Provider implied by the SDK call (`chat.completions.create` → openai) when the model is bare. */
  provider?: string;
  role?: PromptRole;
  /** Interpolations (`f"{x}"`, `` `${x}` ``) and template placeholders (`{{x}}`, `{x}`) in the literal. */
  placeholders: Placeholder[];
  /** Callee as written, e.g. `client.chat.completions.create`; absent for call-less findings. */
  call?: string;
  /** Offset of the call's `(`: prompts with the same callStart are sent in one request (budgets per call). */
  callStart?: number;
  /** Keyword / property the literal was passed as (`system_prompt`, `content`, ...). */
  key?: string;
  source: 'call' | 'message' | 'assignment';
}

export interface CodeModelId {
  model: string;
  range: OffsetRange;
}

export function codeLanguageFor(languageId: string): CodeLanguage | undefined {
  return codeLanguageById(languageId)?.syntax;
}

// ---------------------------------------------------------------------------------------------
// Bracket tree

interface Group {
  kind: 'group';
  open: '(' | '[' | '{';
  start: number;
  end: number;
  nl: boolean;
  closed: boolean;
  children: Item[];
}
type Item = CodeToken | Group;

const CLOSER: Record<string, '(' | '[' | '{'> = { ')': '(', ']': '[', '}': '{' };

function buildTree(toks: CodeToken[], len: number): Group {
  const root: Group = { kind: 'group', open: '{', start: 0, end: len, nl: false, closed: true, children: [] };
  const stack: Group[] = [root];
  for (const t of toks) {
    if (t.kind === 'punct' && (t.text === '(' || t.text === '[' || t.text === '{')) {
      const g: Group = { kind: 'group', open: t.text, start: t.start, end: len, nl: t.nl, closed: false, children: [] };
      stack[stack.length - 1].children.push(g);
      stack.push(g);
      continue;
    }
    if (t.kind === 'punct' && CLOSER[t.text]) {
      let j = stack.length - 1;
      while (j > 0 && stack[j].open !== CLOSER[t.text]) j--;
      if (j === 0) continue; // stray closer: ignore
      for (let k = stack.length - 1; k > j; k--) stack[k].end = t.start; // unclosed inner groups
      stack[j].end = t.end;
      stack[j].closed = true;
      stack.length = j;
      continue;
    }
    stack[stack.length - 1].children.push(t);
  }
  return root;
}

function isGroup(x: Item | undefined, open?: string): x is Group {
  return !!x && (x as Group).kind === 'group' && (open === undefined || (x as Group).open === open);
}
function isTok(x: Item | undefined, text?: string): x is CodeToken {
  return !!x && (x as Group).kind !== 'group' && (text === undefined || (x as CodeToken).text === text);
}
function isIdent(x: Item | undefined): x is CodeToken {
  return isTok(x) && x.kind === 'ident';
}
function isStr(x: Item | undefined): x is CodeToken {
  return isTok(x) && x.kind === 'string';
}

function splitTop(items: Item[], sep = ','): Item[][] {
  const out: Item[][] = [[]];
  for (const it of items) {
    if (isTok(it, sep) && it.kind === 'punct') out.push([]);
    else out[out.length - 1].push(it);
  }
  return out.filter((a) => a.length > 0);
}

/** Callee segments before a `(` group at `idx`: `client.chat.completions.create` → ['client','chat','completions','create']. */
function calleeBefore(items: Item[], idx: number): { segs: string[]; start: number } | undefined {
  let j = idx - 1;
  const segs: string[] = [];
  let start = -1;
  if (!isIdent(items[j])) return undefined;
  for (;;) {
    const it = items[j];
    if (isIdent(it)) {
      segs.unshift(it.text);
      start = it.start;
    } else if (isGroup(it, '(') || isGroup(it, '[')) {
      segs.unshift(it.open === '(' ? '()' : '[]');
      start = it.start;
      if (isIdent(items[j - 1])) {
        j--;
        continue;
      }
    } else break;
    const dot = items[j - 1];
    if (isTok(dot) && (dot.text === '.' || dot.text === '?.') && j - 2 >= 0) {
      j -= 2;
      continue;
    }
    break;
  }
  return { segs, start };
}

// ---------------------------------------------------------------------------------------------
// Values

interface StrValue {
  text: string;
  range: OffsetRange;
  placeholders: Placeholder[];
}

function dedent(s: string): string {
  const lines = s.split('\n');
  let min = Infinity;
  for (const l of lines) {
    if (l.trim() === '') continue;
    const m = /^[ \t]*/.exec(l)![0].length;
    if (m < min) min = m;
  }
  if (!Number.isFinite(min) || min === 0) return lines.map((l) => (l.trim() === '' ? '' : l)).join('\n');
  return lines.map((l) => (l.trim() === '' ? '' : l.slice(min))).join('\n');
}

/** inspect.cleandoc: strip leading blank lines, dedent all lines but the first, strip trailing blank lines. */
function cleandoc(s: string): string {
  const lines = s.replace(/\t/g, '        ').split('\n');
  let min = Infinity;
  for (const l of lines.slice(1)) {
    const content = l.trimStart();
    if (content) min = Math.min(min, l.length - content.length);
  }
  const out = [lines[0].trimStart(), ...lines.slice(1).map((l) => (Number.isFinite(min) ? l.slice(min) : l))];
  while (out.length && out[0].trim() === '') out.shift();
  while (out.length && out[out.length - 1].trim() === '') out.pop();
  return out.join('\n');
}

const STRIP_METHODS: Record<string, (s: string) => string> = {
  strip: (s) => s.replace(/^\s+|\s+$/g, ''),
  lstrip: (s) => s.replace(/^\s+/, ''),
  rstrip: (s) => s.replace(/\s+$/, ''),
  trim: (s) => s.trim(),
  trimStart: (s) => s.trimStart(),
  trimEnd: (s) => s.trimEnd(),
};

class Analyzer {
  readonly results = new Map<number, CodePrompt>();
  /** Simple bindings: name → right-hand side items (first binding wins). */
  readonly bindings = new Map<string, Item[]>();

  constructor(
    readonly lang: CodeLanguage,
    readonly root: Group,
  ) {}

  /**
   * `"…".replace("a", "b")` / `.replaceAll(…)` with literal arguments, applied as the language does:
   * Python's str.replace and JS replaceAll replace every occurrence, JS replace the first one.
   */
  replaced(items: Item[], depth: number): StrValue | undefined {
    const n = items.length;
    if (n < 4 || !isTok(items[n - 3], '.') || !isIdent(items[n - 2]) || !isGroup(items[n - 1], '(')) return undefined;
    const method = (items[n - 2] as CodeToken).text;
    if (method !== 'replace' && method !== 'replaceAll') return undefined;
    const args = splitTop((items[n - 1] as Group).children);
    if (args.length !== 2) return undefined;
    const from = this.stringExpr(args[0], depth + 1);
    const to = this.stringExpr(args[1], depth + 1);
    const inner = from && to ? this.stringExpr(items.slice(0, n - 3), depth + 1) : undefined;
    if (!inner || !from || !to || from.text === '') return undefined;
    const all = this.lang === 'python' || method === 'replaceAll';
    return { ...inner, text: all ? inner.text.split(from.text).join(to.text) : inner.text.replace(from.text, () => to.text) };
  }

  /** String value of an expression made only of literals; undefined otherwise. */
  stringExpr(items: Item[], depth = 0): StrValue | undefined {
    if (depth > 8 || items.length === 0) return undefined;
    // (expr)  — but not a Python tuple
    if (items.length === 1 && isGroup(items[0], '(')) {
      const g = items[0];
      if (!g.closed || splitTop(g.children).length !== 1 || g.children.some((c) => isTok(c, ','))) return undefined;
      return this.stringExpr(g.children, depth + 1);
    }
    // trailing .strip() / .trim()
    const n = items.length;
    if (
      n >= 3 &&
      isTok(items[n - 3], '.') &&
      isIdent(items[n - 2]) &&
      isGroup(items[n - 1], '(') &&
      (items[n - 1] as Group).children.length === 0
    ) {
      const fn = STRIP_METHODS[(items[n - 2] as CodeToken).text];
      if (!fn) return this.replaced(items, depth);
      const inner = this.stringExpr(items.slice(0, n - 3), depth + 1);
      return inner && { ...inner, text: fn(inner.text) };
    }
    // "…".replace("a", "b") with literal arguments
    const replaced = this.replaced(items, depth);
    if (replaced) return replaced;
    // dedent(...) / textwrap.dedent(...) / inspect.cleandoc(...)
    if (isGroup(items[n - 1], '(') && n >= 2 && isIdent(items[n - 2])) {
      const fnName = (items[n - 2] as CodeToken).text;
      const callee = calleeBefore(items, n - 1);
      if ((fnName === 'dedent' || fnName === 'cleandoc') && callee && callee.start === (items[0] as CodeToken).start) {
        const args = splitTop((items[n - 1] as Group).children);
        if (args.length !== 1) return undefined;
        const inner = this.stringExpr(args[0], depth + 1);
        return inner && { ...inner, text: fnName === 'dedent' ? dedent(inner.text) : cleandoc(inner.text) };
      }
      return undefined;
    }
    // tagged templates: String.raw`...` (lexed raw), dedent`...` (npm dedent: dedent + trim)
    const lastTok = items[n - 1];
    if (this.lang === 'js' && n >= 2 && isStr(lastTok) && lastTok.str!.prefix === '`' && !lastTok.str!.unterminated) {
      const tag = items
        .slice(0, n - 1)
        .map((t) => (isTok(t) ? t.text : '?'))
        .join('');
      const v: StrValue = {
        text: lastTok.str!.value,
        range: { start: (items[0] as CodeToken).start, end: lastTok.end },
        placeholders: lastTok.str!.placeholders,
      };
      if (tag === 'String.raw') return v;
      if (tag === 'dedent' || tag === 'outdent' || tag === 'stripIndent' || tag === 'ts.stripIndent')
        return {
          ...v,
          text: dedent(v.text)
            .replace(/^[ \t]*\n/, '')
            .replace(/\n[ \t]*$/, ''),
        };
      return undefined;
    }
    // "a" "b" (Python) / "a" + "b"
    const parts: CodeToken[] = [];
    let expectPlus = false;
    for (const it of items) {
      if (isStr(it)) {
        if (expectPlus && this.lang !== 'python') return undefined;
        if (it.str!.unterminated || it.str!.bytes) return undefined;
        parts.push(it);
        expectPlus = true;
      } else if (isTok(it, '+') && expectPlus) {
        expectPlus = false;
      } else return undefined;
    }
    if (!expectPlus || parts.length === 0) return undefined;
    return {
      text: parts.map((p) => p.str!.value).join(''),
      range: { start: parts[0].start, end: parts[parts.length - 1].end },
      placeholders: parts.flatMap((p) => p.str!.placeholders),
    };
  }

  resolve(items: Item[]): Item[] {
    let cur = items;
    for (let k = 0; k < 5 && cur.length === 1 && isIdent(cur[0]); k++) {
      const b = this.bindings.get((cur[0] as CodeToken).text);
      if (!b) break;
      cur = b;
    }
    return cur;
  }

  /** A model value: a string, a bound identifier, `openai("gpt-4o")`, `OpenAIModel("gpt-4o")`. */
  modelValue(items: Item[]): { model: string; range: OffsetRange; provider?: string } | undefined {
    const v = this.resolve(items);
    const s = this.stringExpr(v);
    if (s) return { model: s.text, range: s.range };
    const last = v[v.length - 1];
    if (isGroup(last, '(') && v.length >= 2) {
      const callee = calleeBefore(v, v.length - 1);
      if (!callee || callee.start !== (v[0] as CodeToken).start) return undefined;
      const provider = MODEL_CTORS[callee.segs[0]] ?? MODEL_CTORS[callee.segs[callee.segs.length - 1]];
      const args = splitTop(last.children);
      if (!provider || args.length === 0) return undefined;
      const first = args[0];
      const kw = this.lang === 'python' && isIdent(first[0]) && isTok(first[1], '=') ? undefined : first;
      const named = args.find((a) => isIdent(a[0]) && (a[0] as CodeToken).text === 'model_name' && isTok(a[1], '='));
      const arg = kw ?? named?.slice(2);
      const inner = arg && this.stringExpr(this.resolve(arg));
      if (!inner) return undefined;
      return { model: looksLikeModelId(inner.text) ? inner.text : `${provider}:${inner.text}`, range: inner.range, provider };
    }
    return undefined;
  }

  report(
    v: StrValue,
    role: PromptRole | undefined,
    ctx: CallContext | undefined,
    key: string | undefined,
    source: CodePrompt['source'],
  ): void {
    const prev = this.results.get(v.range.start);
    if (prev && (prev.model || !ctx?.model) && (prev.source === 'call' || source !== 'call')) return;
    const p: CodePrompt = { text: v.text, range: v.range, placeholders: v.placeholders, source };
    if (role) p.role = role;
    else if (prev?.role) p.role = prev.role;
    if (ctx?.model) {
      p.model = ctx.model.model;
      p.modelRange = ctx.model.range;
    }
    const provider = ctx?.model?.provider ?? ctx?.provider;
    if (provider) p.provider = provider;
    if (ctx) p.call = ctx.call;
    if (ctx?.start !== undefined) p.callStart = ctx.start;
    if (key) p.key = key;
    this.results.set(v.range.start, p);
  }

  /** A value passed for a prompt key: string, identifier, list, dict/object. */
  value(items: Item[], role: PromptRole | undefined, ctx: CallContext | undefined, key: string | undefined, depth = 0): void {
    if (depth > 6) return;
    const resolved = this.resolve(items);
    const s = this.stringExpr(resolved);
    if (s) {
      this.report(s, role, ctx, key, ctx ? 'call' : 'message');
      return;
    }
    if (resolved.length === 1 && isGroup(resolved[0], '[')) {
      for (const el of splitTop(resolved[0].children)) {
        if (el.length === 1 && isGroup(el[0], '{')) this.dict(el[0], role, ctx, depth + 1);
        else this.value(el, role, ctx, key, depth + 1);
      }
      return;
    }
    if (resolved.length === 1 && isGroup(resolved[0], '{')) this.dict(resolved[0], role, ctx, depth + 1);
  }

  /** `key: value` entries of a dict / object literal. */
  entries(g: Group): { key: string; keyTok: CodeToken; value: Item[] }[] {
    const out: { key: string; keyTok: CodeToken; value: Item[] }[] = [];
    for (const e of splitTop(g.children)) {
      const k = e[0];
      if (isTok(k) && (k.kind === 'string' || (this.lang === 'js' && k.kind === 'ident')) && isTok(e[1], ':')) {
        out.push({ key: k.kind === 'string' ? k.str!.value : k.text, keyTok: k, value: e.slice(2) });
      } else if (this.lang === 'js' && e.length === 1 && isIdent(k)) {
        out.push({ key: k.text, keyTok: k, value: [k] }); // shorthand { system }
      }
    }
    return out;
  }

  /** A message dict `{role, content}` or a content part `{type: "text", text}`. */
  dict(g: Group, defaultRole: PromptRole | undefined, ctx: CallContext | undefined, depth: number): void {
    const es = this.entries(g);
    let role = defaultRole;
    const roleEntry = es.find((e) => e.key === 'role');
    if (roleEntry) {
      const r = this.stringExpr(this.resolve(roleEntry.value));
      const mapped = r && ROLE_NAMES[r.text];
      if (mapped) role = mapped;
    }
    for (const e of es) {
      if (e.key === 'content' || (e.key === 'text' && !roleEntry)) this.value(e.value, role, ctx, e.key, depth + 1);
    }
  }

  /** Handles a recognised call's arguments. */
  call(spec: CallSpec, callName: string, args: Item[][], start?: number): void {
    const ctx: CallContext = { call: callName, provider: spec.provider, start };
    const positional: Item[][] = [];
    const named = new Map<string, Item[]>();
    if (this.lang === 'python') {
      for (const a of args) {
        if (isIdent(a[0]) && isTok(a[1], '=')) named.set(a[0].text, a.slice(2));
        else if (!isTok(a[0], '*') && !isTok(a[0], '**')) positional.push(a);
      }
    } else {
      for (const a of args) positional.push(a);
      const opts = positional[spec.optionsArg ?? 0];
      const objItems = opts && this.resolve(opts);
      if (objItems && objItems.length === 1 && isGroup(objItems[0], '{')) {
        for (const e of this.entries(objItems[0])) named.set(e.key, e.value);
      }
    }
    // model
    const modelItems = named.get('model');
    ctx.model = modelItems ? this.modelValue(modelItems) : undefined;
    if (!ctx.model && spec.modelArg !== undefined && positional[spec.modelArg]) ctx.model = this.modelValue(positional[spec.modelArg]);
    if (!ctx.model) {
      for (const p of positional) {
        const s = this.stringExpr(p);
        if (s && looksLikeModelId(s.text)) {
          ctx.model = { model: s.text, range: s.range };
          break;
        }
      }
    }
    // positional prompts
    if (spec.systemArg !== undefined && positional[spec.systemArg]) this.value(positional[spec.systemArg], 'system', ctx, undefined);
    if (spec.userArg !== undefined && positional[spec.userArg]) this.value(positional[spec.userArg], spec.role ?? 'user', ctx, undefined);
    // keys
    for (const [key, items] of named) this.key(key, items, ctx, spec);
  }

  key(key: string, items: Item[], ctx: CallContext, spec: CallSpec, depth = 0): void {
    if (SYSTEM_KEYS.has(key)) this.value(items, 'system', ctx, key);
    else if (USER_KEYS.has(key)) this.value(items, 'user', ctx, key);
    else if (key === 'messages') this.value(items, undefined, ctx, key);
    else if (key === 'content' && spec.role) this.value(items, spec.role, ctx, key);
    else if ((key === 'config' || key === 'generationConfig') && depth < 2) {
      const v = this.resolve(items);
      if (v.length === 1 && isGroup(v[0], '{')) for (const e of this.entries(v[0])) this.key(e.key, e.value, ctx, spec, depth + 1);
      else if (this.lang === 'python' && isGroup(v[v.length - 1], '(')) {
        for (const a of splitTop((v[v.length - 1] as Group).children))
          if (isIdent(a[0]) && isTok(a[1], '=')) this.key(a[0].text, a.slice(2), ctx, spec, depth + 1);
      }
    }
  }

  collectBindings(g: Group, depth = 0): void {
    const items = g.children;
    for (let k = 0; k < items.length; k++) {
      const it = items[k];
      if (isGroup(it)) {
        if (this.lang === 'js' && depth < 200) this.collectBindings(it, depth + 1);
        continue;
      }
      if (this.lang === 'python') {
        if (depth > 0 || !isIdent(it) || !(k === 0 || it.nl || isTok(items[k - 1], ';'))) continue;
        let eq = k + 1;
        if (isTok(items[eq], ':') && isIdent(items[eq + 1])) eq += 2; // X: str = ...
        if (!isTok(items[eq], '=')) continue;
        const rhs: Item[] = [];
        for (let j = eq + 1; j < items.length; j++) {
          const r = items[j];
          if (j > eq + 1 && isTok(r) && r.nl) break;
          if (isTok(r, ';')) break;
          rhs.push(r);
        }
        if (rhs.length && !this.bindings.has(it.text)) this.bindings.set(it.text, rhs);
      } else {
        if (!isIdent(it) || !(it.text === 'const' || it.text === 'let' || it.text === 'var')) continue;
        const name = items[k + 1];
        if (!isIdent(name)) continue;
        let eq = k + 2;
        while (eq < items.length && eq < k + 12 && !isTok(items[eq], '=') && !isTok(items[eq], ';')) eq++;
        if (!isTok(items[eq], '=')) continue;
        const rhs: Item[] = [];
        for (let j = eq + 1; j < items.length; j++) {
          const r = items[j];
          if (isTok(r, ';') || isTok(r, ',')) break;
          const prev = rhs[rhs.length - 1];
          const nlBreak = (r as CodeToken | Group).nl && j > eq + 1 && !isTok(r, '+') && !isTok(r, '.') && !(prev && isTok(prev, '+'));
          if (nlBreak) break;
          rhs.push(r);
        }
        if (rhs.length && !this.bindings.has(name.text)) this.bindings.set(name.text, rhs);
      }
    }
  }

  walkCalls(g: Group, depth = 0): void {
    if (depth > 500) return;
    const items = g.children;
    for (let k = 0; k < items.length; k++) {
      const it = items[k];
      if (!isGroup(it)) continue;
      if (it.open === '(') {
        const callee = calleeBefore(items, k);
        if (callee) {
          const spec = matchCall(callee.segs, this.lang);
          if (spec)
            this.call(
              spec,
              callee.segs
                .join('.')
                .replace(/\.\(\)/g, '()')
                .replace(/\.\[\]/g, '[]'),
              splitTop(it.children),
              it.start,
            );
        }
      }
      this.walkCalls(it, depth + 1);
    }
  }

  walkDicts(g: Group, depth = 0): void {
    if (depth > 500) return;
    for (const it of g.children) {
      if (!isGroup(it)) continue;
      if (it.open === '{') {
        const es = this.entries(it);
        const role = es.find((e) => e.key === 'role');
        const content = es.find((e) => e.key === 'content');
        const r = role && this.stringExpr(role.value);
        if (r && ROLE_NAMES[r.text] && content) {
          const s = this.stringExpr(this.resolve(content.value));
          if (s) this.report(s, ROLE_NAMES[r.text], undefined, 'content', 'message');
        }
      }
      this.walkDicts(it, depth + 1);
    }
  }

  promptAssignments(): void {
    for (const [name, rhs] of this.bindings) {
      if (!PROMPT_NAME.test(name)) continue;
      const s = this.stringExpr(rhs);
      if (!s) continue;
      const lower = name.toLowerCase();
      const role: PromptRole | undefined = /system|instruction/.test(lower) ? 'system' : /user/.test(lower) ? 'user' : undefined;
      this.report(s, role, undefined, undefined, 'assignment');
    }
  }
}

interface CallContext {
  call: string;
  start?: number;
  provider?: string;
  model?: { model: string; range: OffsetRange; provider?: string };
}

interface CallSpec {
  provider?: string;
  /** Positional index of the model / system prompt / user prompt. */
  modelArg?: number;
  systemArg?: number;
  userArg?: number;
  /** Role of `content`/the positional prompt for message classes. */
  role?: PromptRole;
  /** JS: which positional argument is the options object (default 0). */
  optionsArg?: number;
}

const SYSTEM_KEYS = new Set(['system', 'system_prompt', 'systemPrompt', 'instructions', 'system_instruction', 'systemInstruction']);
const USER_KEYS = new Set(['prompt', 'input', 'user_prompt', 'userPrompt', 'contents']);
const PROMPT_NAME = /prompt|instructions?$|^instructions?|system_?message|system_?msg/i;

const ROLE_NAMES: Record<string, PromptRole> = {
  system: 'system',
  user: 'user',
  assistant: 'assistant',
  developer: 'developer',
  tool: 'tool',
  function: 'function',
  human: 'user',
  model: 'assistant',
};

/** Model constructors / provider factories → provider. */
const MODEL_CTORS: Record<string, string> = {
  openai: 'openai',
  createOpenAI: 'openai',
  azure: 'azure',
  anthropic: 'anthropic',
  google: 'google',
  mistral: 'mistral',
  groq: 'groq',
  OpenAIModel: 'openai',
  OpenAIChatModel: 'openai',
  OpenAIResponsesModel: 'openai',
  AnthropicModel: 'anthropic',
  GeminiModel: 'google',
  GoogleModel: 'google',
  GroqModel: 'groq',
  MistralModel: 'mistral',
};

function endsWith(segs: string[], ...tail: string[]): boolean {
  if (segs.length < tail.length) return false;
  for (let i = 0; i < tail.length; i++) {
    const want = tail[tail.length - 1 - i];
    const got = segs[segs.length - 1 - i];
    if (!want.split('|').includes(got)) return false;
  }
  return true;
}

function matchCall(segs: string[], lang: CodeLanguage): CallSpec | undefined {
  const last = segs[segs.length - 1];
  if (endsWith(segs, 'chat', 'completions', 'create|parse|stream')) return { provider: 'openai' };
  if (endsWith(segs, 'completions', 'create')) return { provider: 'openai' };
  if (endsWith(segs, 'responses', 'create|parse|stream')) return { provider: 'openai' };
  if (endsWith(segs, 'messages', 'create|stream|count_tokens|countTokens')) return { provider: 'anthropic' };
  if (endsWith(segs, 'models', 'generate_content|generate_content_stream|generateContent|generateContentStream'))
    return { provider: 'google' };
  if (segs.length === 1 || (segs.length === 2 && segs[0] === 'litellm')) {
    if (last === 'completion' || last === 'acompletion') return {};
  }
  if (lang === 'js' && segs.length === 1 && ['generateText', 'streamText', 'generateObject', 'streamObject'].includes(last)) return {};
  if (lang === 'python') {
    if (last === 'Agent' || last === 'FastroAgent') return { modelArg: 0 };
    if (last === 'make_agent_async' || last === 'make_agent') return { modelArg: 0, systemArg: 1 };
    if (segs.length >= 2 && (last === 'run_sync' || last === 'run_stream')) return { userArg: 0 };
  }
  if (lang === 'js' && (last === 'Agent' || last === 'FastroAgent')) return {};
  // Claude Agent SDK options (Python ClaudeAgentOptions / older ClaudeCodeOptions): system_prompt, model.
  if (last === 'ClaudeAgentOptions' || last === 'ClaudeCodeOptions') return { provider: 'anthropic' };
  if (last === 'SystemMessage') return { role: 'system', userArg: 0 };
  if (last === 'HumanMessage') return { role: 'user', userArg: 0 };
  if (last === 'AIMessage') return { role: 'assistant', userArg: 0 };
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// Public API

/**
 * Finds prompt string literals in Python (`python`) or JS/TS (`javascript`, `typescript`,
 * `javascriptreact`, `typescriptreact`) source. Other language ids return []. Never throws;
 * results are sorted by offset and do not overlap.
 */
export function findPromptsInCode(text: string, languageId: string): CodePrompt[] {
  const lang = codeLanguageFor(languageId);
  if (!lang) return [];
  const toks = lexCode(text, lang);
  const a = new Analyzer(lang, buildTree(toks, text.length));
  a.collectBindings(a.root);
  a.walkCalls(a.root);
  a.walkDicts(a.root);
  a.promptAssignments();
  const out = [...a.results.values()].sort((x, y) => x.range.start - y.range.start);
  // Drop anything overlapping an earlier result (e.g. a literal inside another's interpolation).
  const res: CodePrompt[] = [];
  for (const p of out) if (!res.length || res[res.length - 1].range.end <= p.range.start) res.push(p);
  return res;
}

/**
 * Every string literal whose value looks like `provider:model` (see `looksLikeModelId`), with its
 * offsets. `languageId` selects comment syntax (default: Python if it looks like Python, else JS).
 */
export function findModelIdsInCode(text: string, languageId?: string): CodeModelId[] {
  const lang = (languageId ? codeLanguageFor(languageId) : undefined) ?? guessLanguage(text);
  const out: CodeModelId[] = [];
  for (const t of lexCode(text, lang)) {
    if (t.kind !== 'string' || !t.str || t.str.unterminated || t.str.interpolated || t.str.bytes) continue;
    if (looksLikeModelId(t.str.value)) out.push({ model: t.str.value, range: { start: t.start, end: t.end } });
  }
  return out;
}

function guessLanguage(text: string): CodeLanguage {
  const head = text.slice(0, 4000);
  return /^\s*(def |import \w+\s*$|from [\w.]+ import |class \w+.*:\s*$)/m.test(head) ? 'python' : 'js';
}

/** The model a prompt in code names, as `provider:model` when the call tells the provider; undefined when it names none. */
export function codePromptModelId(p: CodePrompt): string | undefined {
  if (!p.model) return undefined;
  return p.model.includes(':') || !p.provider ? p.model : `${p.provider}:${p.model}`;
}

/** The prompt whose literal contains `offset` (for hover). */

export function promptAt(prompts: readonly CodePrompt[], offset: number): CodePrompt | undefined {
  let lo = 0;
  let hi = prompts.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const r = prompts[mid].range;
    if (offset < r.start) hi = mid - 1;
    else if (offset >= r.end) lo = mid + 1;
    else return prompts[mid];
  }
  return undefined;
}
