// A Flujo run's `workflow_state.step_history` (a JSON list of StepResult objects, flujo/domain/models.py)
// read one step at a time. JSON.parse of the whole list built every StepResult at once — output, feedback,
// metadata and all — though only five fields are used: a 10.8 MB history of 240,000 steps took 266 MB
// (issue 24 item 9). Here the list is split at its top-level commas by a linear scan (strings and nesting
// tracked), each element parsed alone and reduced to a FlujoStep at once. The first MAX_STEPS_PER_RUN steps
// are kept one by one; the rest are summed into one step that says so, so the run's cost and tokens are
// exactly what the whole list adds up to, while the ledger line, the Runs view and an OTLP export stay small.
import { Decimal } from '../../pricing/decimal';
import type { FlujoStep } from './model';
import {
  clip,
  count,
  duration,
  MAX_ID_CHARS,
  MAX_ROW_WARNINGS,
  MAX_STEP_HISTORY_CHARS,
  money,
  preview,
  Problem,
  RowWarnings,
  str,
  tokens,
} from './values';

/** Steps of one run kept one by one; the others are summed into one step (cost and tokens stay exact). */
export const MAX_STEPS_PER_RUN = 1000;
/** A history that is not a list is parsed whole only up to this size, to tell "not a list" from "not JSON". */
const MAX_WHOLE_PARSE_CHARS = 1024 * 1024;

const isWs = (c: number) => c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d;

/**
 * Calls `each(start, end)` for every top-level element of the JSON array in `text`, in order; false when the
 * text is not one JSON array (what an element holds is checked by its own JSON.parse, in `each`). Linear:
 * one pass, a string's escapes skipped in place.
 */
export function forEachArrayElement(text: string, each: (start: number, end: number) => boolean): boolean {
  let i = 0;
  const n = text.length;
  while (i < n && isWs(text.charCodeAt(i))) i++;
  if (text.charCodeAt(i) !== 0x5b /* [ */) return false;
  i++;
  let expectElement = true; // after "[" or ","
  let first = true;
  for (;;) {
    while (i < n && isWs(text.charCodeAt(i))) i++;
    if (i >= n) return false;
    const c = text.charCodeAt(i);
    if (c === 0x5d /* ] */) {
      if (expectElement && !first) return false; // "[1,]"
      i++;
      break;
    }
    if (!expectElement) {
      if (c !== 0x2c /* , */) return false;
      i++;
      expectElement = true;
      continue;
    }
    const end = elementEnd(text, i);
    if (end < 0 || !each(i, end)) return false;
    i = end;
    expectElement = false;
    first = false;
  }
  while (i < n && isWs(text.charCodeAt(i))) i++;
  return i === n;
}

/** Where the element starting at `start` ends (exclusive): brackets balanced outside strings; -1 if it never does. */
function elementEnd(text: string, start: number): number {
  const n = text.length;
  let depth = 0;
  for (let i = start; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x22 /* " */) {
      for (i++; i < n && text.charCodeAt(i) !== 0x22; i++) if (text.charCodeAt(i) === 0x5c /* \ */) i++;
      if (i >= n) return -1;
      if (depth === 0) return i + 1;
    } else if (c === 0x7b || c === 0x5b) depth++;
    else if (c === 0x7d || c === 0x5d) {
      if (depth === 0) return i; // the enclosing list's "]" ends a scalar
      if (--depth === 0) return i + 1;
    } else if (depth === 0 && (c === 0x2c || isWs(c))) return i; // a scalar ends at "," or white space
  }
  return depth === 0 ? n : -1;
}

/** What the steps beyond MAX_STEPS_PER_RUN add up to. */
class StepSum {
  count = 0;
  private cost = Decimal.ZERO;
  private costUnusable = false;
  private tokens: number | undefined = 0;
  private latencyMs: number | undefined = 0;
  private failed = false;
  private allSucceeded = true;

  add(s: FlujoStep): void {
    this.count++;
    this.cost = this.cost.plus(s.costUsd ?? Decimal.ZERO); // a key left out is 0.0, as in finish()
    if (s.costUnusable) this.costUnusable = true;
    this.tokens = this.tokens === undefined || s.tokens === undefined ? undefined : this.tokens + s.tokens;
    this.latencyMs = this.latencyMs === undefined || s.latencyMs === undefined ? undefined : this.latencyMs + s.latencyMs;
    if (s.success === false) this.failed = true;
    if (s.success !== true) this.allSucceeded = false;
  }

  step(): FlujoStep {
    const step: FlujoStep = {
      name: `(${this.count.toLocaleString('en-US')} more steps, summed)`,
      tokens: this.tokens,
      costUsd: this.cost,
    };
    if (this.costUnusable) step.costUnusable = true;
    if (this.latencyMs !== undefined) step.latencyMs = this.latencyMs;
    if (this.failed) step.success = false;
    else if (this.allSucceeded) step.success = true;
    return step;
  }
}

/** One StepResult object as a FlujoStep; undefined for a list item that is not an object (skipped, as before). */
function toStep(s: unknown, problem: Problem): FlujoStep | undefined {
  if (typeof s !== 'object' || s === null || Array.isArray(s)) return undefined;
  const o = s as Record<string, unknown>;
  const step: FlujoStep = {
    name: clip(str(o.name), MAX_ID_CHARS) ?? '(unnamed step)',
    tokens: tokens(o.token_counts, problem, 'token_counts'),
    costUsd: money(o.cost_usd, problem, 'cost_usd'),
  };
  // A JSON null is unknown, not $0 (Flujo's StepResult.cost_usd is a float defaulting to 0.0, flujo/domain/models.py:320:
  // only a key left out means 0.0; null is not something Flujo writes, so its cost cannot be known).
  if (step.costUsd === undefined && o.cost_usd !== undefined) step.costUnusable = true;
  if (typeof o.success === 'boolean') step.success = o.success;
  else if (typeof o.success === 'number') step.success = o.success !== 0;
  const latency = duration(o.latency_s, problem, 'latency_s', 1000);
  if (latency !== undefined) step.latencyMs = latency;
  const attempts = count(o.attempts, problem, 'attempts');
  if (attempts !== undefined) step.attempts = attempts;
  return step;
}

/** Why a history that is not a JSON list is skipped (parsed whole only when small). */
function notAList(text: string): string {
  if (text.length > MAX_WHOLE_PARSE_CHARS) return 'not a list';
  try {
    JSON.parse(text);
    return 'not a list';
  } catch {
    return 'not valid JSON';
  }
}

/**
 * The top-level steps of a `step_history` value (a loop/parallel step's own cost_usd already aggregates its
 * children); undefined, with a located warning, when it is too large, not JSON or not a list. Value problems
 * inside are reported (located by step index) only when the whole list is valid, as with one JSON.parse.
 */
export function parseSteps(raw: unknown, warn: (m: string) => void, where: string, problems: RowWarnings): FlujoStep[] | undefined {
  const size = raw instanceof Uint8Array ? raw.length : typeof raw === 'string' ? raw.length : 0;
  if (size > MAX_STEP_HISTORY_CHARS) {
    warn(`${where}, step_history: ${(size / 1048576).toFixed(0)} MB is more than ${MAX_STEP_HISTORY_CHARS / 1048576} MB; steps skipped`);
    return undefined;
  }
  const text = str(raw);
  if (!text || !text.trim()) return undefined;
  const steps: FlujoStep[] = [];
  const rest = new StepSum();
  const pending: [string, string][] = []; // value problems, reported once the list proved valid
  let morePending = 0;
  let index = 0;
  const ok = forEachArrayElement(text, (start, end) => {
    let value: unknown;
    try {
      value = JSON.parse(text.slice(start, end));
    } catch {
      return false;
    }
    const i = index++;
    const problem: Problem = (column, v, why) => {
      if (pending.length < MAX_ROW_WARNINGS)
        pending.push([`${where}, step_history[${i}].${column}`, `${preview(v)} is ${why}; left unknown`]);
      else morePending++;
    };
    const step = toStep(value, problem);
    if (step && steps.length < MAX_STEPS_PER_RUN) steps.push(step);
    else if (step) rest.add(step);
    return true;
  });
  if (!ok) {
    warn(`${where}, step_history: ${text.trimStart().startsWith('[') ? 'not valid JSON' : notAList(text)}; steps skipped`);
    return undefined;
  }
  for (const [at, message] of pending) problems.add(at, message);
  problems.addUncounted(morePending);
  if (rest.count) {
    steps.push(rest.step());
    warn(
      `${where}, step_history: ${(steps.length - 1 + rest.count).toLocaleString('en-US')} steps; the first ${MAX_STEPS_PER_RUN.toLocaleString('en-US')} ` +
        `are kept one by one and the other ${rest.count.toLocaleString('en-US')} summed into one step (the run's cost and tokens are unchanged)`,
    );
  }
  return steps;
}
