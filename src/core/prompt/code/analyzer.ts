// One pass over a file's bracket tree: bindings (`X = …`, `const X = …`), the clients it constructs,
// then every SDK call as one prompt (its messages in order, model, client, max tokens), then what is
// left: message lists and dicts outside any call, and prompt-named string constants.
import type { CodeLanguage, CodeToken } from '../lexer';
import { looksLikeModelId } from '../model';
import type { OffsetRange, PromptRole } from '../types';
import {
  CLIENT_PROVIDERS,
  CLIENT_SDK,
  CONFIG_KEYS,
  CallSpec,
  MAX_TOKENS_KEYS,
  MODEL_CTORS,
  PROMPT_NAME,
  ROLE_NAMES,
  SYSTEM_KEYS,
  USER_KEYS,
  matchCall,
} from './calls';
import { CodeMessage, MessageList, MessageReader } from './messages';
import { StringReader } from './strings';
import { Group, Item, calleeBefore, isGroup, isIdent, isTok, splitTop } from './tree';
import { pushAll } from '../../arrays';

export interface CodePrompt {
  /** The messages the call sends, in order (system first, as the SDKs send `system=` / `instructions=`). */
  messages: CodeMessage[];
  /** The messages' texts joined by blank lines (labels, change detection). */
  text: string;
  /** A call: from the callee to its closing parenthesis; otherwise the literal (or list) found. */
  range: OffsetRange;
  /** Model from the call: `model=` / `model:`, a `provider:model` positional, `openai("gpt-4o")`. */
  model?: string;
  modelRange?: OffsetRange;
  /** Provider implied by the SDK call or its client (`AzureOpenAI` → azure) when the model is bare. */
  provider?: string;
  /** The client class the call is made on, when the file constructs it (`AzureOpenAI`, `AnthropicBedrock`). */
  client?: string;
  /** Role of the first message. */
  role?: PromptRole;
  /** Interpolations (`f"{x}"`, `` `${x}` ``), unfilled parts and template placeholders of all messages. */
  placeholders: CodeMessage['placeholders'];
  /** Callee as written, e.g. `client.chat.completions.create`; absent for call-less findings. */
  call?: string;
  /** Offset of the call's `(` (one prompt per call: no two prompts share it). */
  callStart?: number;
  /** Keyword / property of a single-message prompt (`system_prompt`, `content`, ...). */
  key?: string;
  source: 'call' | 'message' | 'assignment';
  /** The call's `max_tokens` / `max_output_tokens` / `max_completion_tokens` (a literal or a constant). */
  maxTokens?: number;
  /** A chat endpoint: the messages are framed as a conversation. False: one string sent as written. */
  chat: boolean;
  /** Message lists decided at run time (`history`, `*messages`): not counted. */
  unread: string[];
}

interface ModelValue {
  model: string;
  range: OffsetRange;
  provider?: string;
}

export class Analyzer {
  readonly prompts: CodePrompt[] = [];
  /** Simple bindings: name → right-hand side items (first binding wins). */
  readonly bindings = new Map<string, Item[]>();
  /** Names bound to a client constructor: `client = AzureOpenAI(...)` → `AzureOpenAI`. */
  readonly clients = new Map<string, string>();
  /** Offsets of literals and lists a call already sends (not reported again on their own). */
  private readonly consumed = new Set<number>();
  /** Argument groups of the calls reported: not searched again for loose messages. */
  private readonly callGroups = new Set<number>();
  readonly strings: StringReader;
  readonly reader: MessageReader;

  constructor(
    readonly lang: CodeLanguage,
    readonly root: Group,
    source: string,
  ) {
    const resolve = (items: Item[]) => this.resolve(items);
    this.strings = new StringReader(lang, source, resolve);
    this.reader = new MessageReader(lang, this.strings, resolve);
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
  modelValue(items: Item[]): ModelValue | undefined {
    const v = this.resolve(items);
    const s = this.strings.literal(v);
    if (s) return { model: s.text, range: s.range };
    const last = v[v.length - 1];
    if (!isGroup(last, '(') || v.length < 2) return undefined;
    const callee = calleeBefore(v, v.length - 1);
    if (!callee || callee.start !== v[0].start) return undefined;
    const provider = MODEL_CTORS[callee.segs[0]] ?? MODEL_CTORS[callee.segs[callee.segs.length - 1]];
    const args = splitTop(last.children);
    if (!provider || args.length === 0) return undefined;
    const first = args[0];
    const kw = this.lang === 'python' && isIdent(first[0]) && isTok(first[1], '=') ? undefined : first;
    const named = args.find((a) => isIdent(a[0]) && ['model_name', 'model_id'].includes((a[0] as CodeToken).text) && isTok(a[1], '='));
    const arg = kw ?? named?.slice(2);
    const inner = arg && this.strings.literal(this.resolve(arg));
    if (!inner) return undefined;
    return { model: looksLikeModelId(inner.text) ? inner.text : `${provider}:${inner.text}`, range: inner.range, provider };
  }

  /** An integer literal (`1024`, `1_000`) or a name bound to one. */
  intValue(items: Item[]): number | undefined {
    const v = this.resolve(items);
    if (v.length !== 1 || !isTok(v[0]) || v[0].kind !== 'number') return undefined;
    const n = Number(v[0].text.replace(/_/g, ''));
    return Number.isSafeInteger(n) && n >= 0 ? n : undefined;
  }

  /** Python keyword arguments / JS options-object properties, and the positional arguments. */
  private callArgs(spec: CallSpec, args: Item[][]): { positional: Item[][]; named: Map<string, Item[]> } {
    const positional: Item[][] = [];
    const named = new Map<string, Item[]>();
    if (this.lang === 'python') {
      for (const a of args) {
        if (isIdent(a[0]) && isTok(a[1], '=')) named.set(a[0].text, a.slice(2));
        else if (!isTok(a[0], '*') && !isTok(a[0], '**')) positional.push(a);
      }
    } else {
      pushAll(positional, args);
      const opts = positional[spec.optionsArg ?? 0];
      const objItems = opts && this.resolve(opts);
      if (objItems && objItems.length === 1 && isGroup(objItems[0], '{'))
        for (const e of this.reader.entries(objItems[0])) named.set(e.key, e.value);
    }
    return { positional, named };
  }

  private callModel(spec: CallSpec, positional: Item[][], named: Map<string, Item[]>): ModelValue | undefined {
    const modelItems = named.get('model');
    let model = modelItems ? this.modelValue(modelItems) : undefined;
    if (!model && spec.modelArg !== undefined && positional[spec.modelArg]) model = this.modelValue(positional[spec.modelArg]);
    if (model) return model;
    for (const p of positional) {
      const s = this.strings.literal(p);
      if (s && looksLikeModelId(s.text)) return { model: s.text, range: s.range };
    }
    return undefined;
  }

  /** A recognised call: one prompt of its messages, or nothing when no message has literal text. */
  call(spec: CallSpec, segs: string[], args: Item[][], range: OffsetRange, callStart: number): boolean {
    const { positional, named } = this.callArgs(spec, args);
    const system: MessageList = { messages: [], unread: [] };
    const rest: MessageList = { messages: [], unread: [] };
    if (spec.systemArg !== undefined && positional[spec.systemArg])
      this.reader.read(positional[spec.systemArg], 'system', undefined, false, system);
    if (spec.userArg !== undefined && positional[spec.userArg])
      this.reader.read(positional[spec.userArg], spec.role ?? 'user', undefined, false, rest);
    let maxTokens: number | undefined;
    const visit = (key: string, items: Item[], depth: number): void => {
      if (SYSTEM_KEYS.has(key)) this.reader.read(items, 'system', key, false, system);
      else if (USER_KEYS.has(key)) this.reader.read(items, 'user', key, false, rest);
      else if (key === 'messages') this.reader.read(items, 'user', key, true, rest);
      else if (MAX_TOKENS_KEYS.has(key)) maxTokens ??= this.intValue(items);
      else if (CONFIG_KEYS.has(key) && depth < 2) for (const [k, v] of this.configEntries(items)) visit(k, v, depth + 1);
    };
    for (const [key, items] of named) visit(key, items, 0);
    const messages = [...system.messages, ...rest.messages];
    if (!messages.some((m) => !m.unread)) return false;
    const model = this.callModel(spec, positional, named);
    const client = this.clientOf(segs, spec);
    const provider = model?.provider ?? (client ? CLIENT_PROVIDERS[client] : undefined) ?? spec.provider;
    const prompt = this.prompt(messages, range, 'call', spec.chat);
    prompt.call = segs
      .join('.')
      .replace(/\.\(\)/g, '()')
      .replace(/\.\[\]/g, '[]');
    prompt.callStart = callStart;
    prompt.unread = [...system.unread, ...rest.unread];
    if (model) {
      prompt.model = model.model;
      prompt.modelRange = model.range;
    }
    if (provider) prompt.provider = provider;
    if (client) prompt.client = client;
    if (maxTokens !== undefined) prompt.maxTokens = maxTokens;
    for (const m of messages) this.consumed.add(m.range.start);
    this.prompts.push(prompt);
    return true;
  }

  /** `config={...}` / `config=types.GenerateContentConfig(k=v, …)` entries (Gemini's system instruction, max tokens). */
  private configEntries(items: Item[]): [string, Item[]][] {
    const v = this.resolve(items);
    if (v.length === 1 && isGroup(v[0], '{')) return this.reader.entries(v[0]).map((e) => [e.key, e.value]);
    const last = v[v.length - 1];
    if (this.lang !== 'python' || !isGroup(last, '(')) return [];
    return splitTop(last.children)
      .filter((a) => isIdent(a[0]) && isTok(a[1], '='))
      .map((a) => [(a[0] as CodeToken).text, a.slice(2)]);
  }

  /**
   * The client class a call is made on: `client.chat.completions.create` where `client = AzureOpenAI(…)`,
   * `AzureOpenAI().chat…`; else, when the file constructs only platform clients of one kind (a client kept
   * on `self` or passed in), that one.
   */
  private clientOf(segs: string[], spec: CallSpec): string | undefined {
    if (spec.apiDepth === undefined) return undefined;
    let i = segs.length - 1 - spec.apiDepth;
    if (segs[i] === 'beta') i--;
    if (i < 0) return undefined;
    if (segs[i] === '()' && i > 0 && CLIENT_PROVIDERS[segs[i - 1]]) return segs[i - 1];
    const bound = this.clients.get(segs[i]);
    if (bound) return CLIENT_SDK[bound] === spec.provider ? bound : undefined;
    const kinds = new Set([...this.clients.values()].filter((c) => CLIENT_SDK[c] === spec.provider));
    const [only] = kinds;
    return kinds.size === 1 && CLIENT_PROVIDERS[only] !== spec.provider ? only : undefined;
  }

  private prompt(messages: CodeMessage[], range: OffsetRange, source: CodePrompt['source'], chat: boolean): CodePrompt {
    const p: CodePrompt = {
      messages,
      text: messages.map((m) => m.text).join('\n\n'),
      range,
      placeholders: messages.flatMap((m) => m.placeholders),
      source,
      chat,
      unread: [],
    };
    if (messages[0]) p.role = messages[0].role;
    if (messages.length === 1 && messages[0].key) p.key = messages[0].key;
    return p;
  }

  collectBindings(g: Group, depth = 0): void {
    const items = g.children;
    for (let k = 0; k < items.length; k++) {
      const it = items[k];
      if (isGroup(it)) {
        if (this.lang === 'js' && depth < 200) this.collectBindings(it, depth + 1);
        continue;
      }
      this.collectClient(items, k);
      const binding = this.lang === 'python' ? this.pythonBinding(items, k, depth) : this.jsBinding(items, k);
      if (binding && !this.bindings.has(binding.name)) this.bindings.set(binding.name, binding.rhs);
    }
  }

  /** `name = Ctor(…)`, `self.name = mod.Ctor(…)`, `const name = new Ctor(…)` for a known client class. */
  private collectClient(items: Item[], k: number): void {
    if (!isTok(items[k], '=') || !isIdent(items[k - 1])) return;
    let j = k + 1;
    if (isIdent(items[j]) && ((items[j] as CodeToken).text === 'new' || (items[j] as CodeToken).text === 'await')) j++;
    let end = j;
    while (end < items.length && !isGroup(items[end], '(') && (isIdent(items[end]) || isTok(items[end], '.'))) end++;
    if (!isGroup(items[end], '(')) return;
    const callee = calleeBefore(items, end);
    const ctor = callee?.segs[callee.segs.length - 1];
    if (ctor && CLIENT_PROVIDERS[ctor]) this.clients.set((items[k - 1] as CodeToken).text, ctor);
  }

  /** Python `X = …` / `X: str = …` at the start of a line of a block (any depth: bodies are not bracketed). */
  private pythonBinding(items: Item[], k: number, depth: number): { name: string; rhs: Item[] } | undefined {
    const it = items[k];
    if (depth > 0 || !isIdent(it) || !(k === 0 || it.nl || isTok(items[k - 1], ';'))) return undefined;
    let eq = k + 1;
    if (isTok(items[eq], ':') && isIdent(items[eq + 1])) eq += 2; // X: str = ...
    if (!isTok(items[eq], '=')) return undefined;
    const rhs: Item[] = [];
    for (let j = eq + 1; j < items.length; j++) {
      const r = items[j];
      if (j > eq + 1 && isTok(r) && r.nl) break;
      if (isTok(r, ';')) break;
      rhs.push(r);
    }
    return rhs.length ? { name: it.text, rhs } : undefined;
  }

  /** JS `const|let|var X[: T] = …` up to `;`, `,` or a line break that ends the expression. */
  private jsBinding(items: Item[], k: number): { name: string; rhs: Item[] } | undefined {
    const it = items[k];
    if (!isIdent(it) || !(it.text === 'const' || it.text === 'let' || it.text === 'var')) return undefined;
    const name = items[k + 1];
    if (!isIdent(name)) return undefined;
    let eq = k + 2;
    while (eq < items.length && eq < k + 12 && !isTok(items[eq], '=') && !isTok(items[eq], ';')) eq++;
    if (!isTok(items[eq], '=')) return undefined;
    const rhs: Item[] = [];
    for (let j = eq + 1; j < items.length; j++) {
      const r = items[j];
      if (isTok(r, ';') || isTok(r, ',')) break;
      const prev = rhs[rhs.length - 1];
      const nlBreak = (r as CodeToken | Group).nl && j > eq + 1 && !isTok(r, '+') && !isTok(r, '.') && !(prev && isTok(prev, '+'));
      if (nlBreak) break;
      rhs.push(r);
    }
    return rhs.length ? { name: name.text, rhs } : undefined;
  }

  walkCalls(g: Group, depth = 0): void {
    if (depth > 500) return;
    const items = g.children;
    for (let k = 0; k < items.length; k++) {
      const it = items[k];
      if (!isGroup(it)) continue;
      if (it.open === '(') {
        const callee = calleeBefore(items, k);
        const spec = callee && matchCall(callee.segs, this.lang);
        if (callee && spec && this.call(spec, callee.segs, splitTop(it.children), { start: callee.start, end: it.end }, it.start))
          this.callGroups.add(it.start);
      }
      this.walkCalls(it, depth + 1);
    }
  }

  /** Message lists and `{role, content}` dicts outside any call: one prompt per list (or lone dict). */
  walkLoose(g: Group, depth = 0): void {
    if (depth > 500) return;
    for (const it of g.children) {
      if (!isGroup(it) || this.callGroups.has(it.start)) continue;
      if ((it.open === '[' || it.open === '{') && this.loose(it)) continue;
      this.walkLoose(it, depth + 1);
    }
  }

  private loose(g: Group): boolean {
    const list: MessageList = { messages: [], unread: [] };
    if (g.open === '{') {
      const es = this.reader.entries(g);
      const role = es.find((e) => e.key === 'role');
      const r = role && this.strings.literal(role.value);
      if (!r || !ROLE_NAMES[r.text] || !es.some((e) => e.key === 'content')) return false;
      this.reader.dict(g, ROLE_NAMES[r.text], list, 0);
    } else {
      if (!splitTop(g.children).every((el) => this.isMessageElement(el))) return false;
      this.reader.read([g], 'user', undefined, true, list);
    }
    const fresh = list.messages.filter((m) => !m.unread && !this.consumed.has(m.range.start));
    if (!fresh.length) return list.messages.length > 0;
    const p = this.prompt(list.messages, g.open === '{' ? fresh[0].range : { start: g.start, end: g.end }, 'message', true);
    p.unread = list.unread;
    for (const m of list.messages) this.consumed.add(m.range.start);
    this.prompts.push(p);
    return true;
  }

  /** A role dict, a LangChain message or role tuple, or a spread of other messages. */
  private isMessageElement(el: Item[]): boolean {
    if (isTok(el[0], '*') || isTok(el[0], '...')) return true;
    if (this.reader.messageClass(el)) return true;
    const g: Item | undefined = el.length === 1 ? el[0] : undefined;
    if (!isGroup(g)) return false;
    if (g.open === '{') {
      const role = this.reader.entries(g).find((e) => e.key === 'role');
      const r = role && this.strings.literal(role.value);
      return !!r && !!ROLE_NAMES[r.text];
    }
    {
      const first = splitTop(g.children)[0];
      const r = first && this.strings.literal(first);
      return !!r && !!ROLE_NAMES[r.text] && splitTop(g.children).length === 2;
    }
  }

  /** String constants named like a prompt (`SYSTEM_PROMPT = "…"`) that no call sends. */
  promptAssignments(): void {
    for (const [name, rhs] of this.bindings) {
      if (!PROMPT_NAME.test(name)) continue;
      const s = this.strings.literal(rhs);
      if (!s || this.consumed.has(s.range.start)) continue;
      const lower = name.toLowerCase();
      const role: PromptRole = /system|instruction/.test(lower) ? 'system' : 'user';
      const p = this.prompt([{ role, text: s.text, range: s.range, placeholders: s.placeholders }], s.range, 'assignment', false);
      if (!/system|instruction|user/.test(lower)) delete p.role;
      this.consumed.add(s.range.start);
      this.prompts.push(p);
    }
  }
}
