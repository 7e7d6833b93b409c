// The bracket tree of a lexed source file: every `(`, `[`, `{` group with its tokens, tolerant of
// unbalanced brackets (incomplete code while typing). Linear in the number of tokens.
import type { CodeToken } from '../lexer';

export interface Group {
  kind: 'group';
  open: '(' | '[' | '{';
  start: number;
  end: number;
  nl: boolean;
  closed: boolean;
  children: Item[];
}
export type Item = CodeToken | Group;

const CLOSER: Record<string, '(' | '[' | '{'> = { ')': '(', ']': '[', '}': '{' };

export function buildTree(toks: CodeToken[], len: number): Group {
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

export function isGroup(x: Item | undefined, open?: string): x is Group {
  return !!x && (x as Group).kind === 'group' && (open === undefined || (x as Group).open === open);
}
export function isTok(x: Item | undefined, text?: string): x is CodeToken {
  return !!x && (x as Group).kind !== 'group' && (text === undefined || (x as CodeToken).text === text);
}
export function isIdent(x: Item | undefined): x is CodeToken {
  return isTok(x) && x.kind === 'ident';
}
export function isStr(x: Item | undefined): x is CodeToken {
  return isTok(x) && x.kind === 'string';
}

/** Offsets covered by a run of items. */
export function itemsRange(items: Item[]): { start: number; end: number } {
  return { start: items[0].start, end: items[items.length - 1].end };
}

export function splitTop(items: Item[], sep = ','): Item[][] {
  const out: Item[][] = [[]];
  for (const it of items) {
    if (isTok(it, sep) && it.kind === 'punct') out.push([]);
    else out[out.length - 1].push(it);
  }
  return out.filter((a) => a.length > 0);
}

/** Callee segments before a `(` group at `idx`: `client.chat.completions.create` → ['client','chat','completions','create']. */
export function calleeBefore(items: Item[], idx: number): { segs: string[]; start: number } | undefined {
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

/** Python keyword arguments / JS properties of a call's argument list, and its positional arguments. */
export interface CallArgs {
  positional: Item[][];
  named: Map<string, Item[]>;
}
