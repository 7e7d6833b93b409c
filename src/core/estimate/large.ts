// Large prompt documents are parsed and counted in a worker (worker.ts); this is what travels back.
import type { PromptDocument } from '../prompt';
import type { EncodingName } from '../tokenize/encodings';
import type { FamilyName } from '../tokenize/families';
import { frameFamilyChat } from '../tokenize/framing';
import type { Counters, FamilyFraming } from './index';

export interface LargePromptRequest {
  text: string;
  fileName: string;
  /** Models to count for; the document's own `model` is added by the worker once it has parsed it. */
  models: string[];
}

export interface LargePromptCounts {
  document: PromptDocument;
  /** Content tokens per message index, per encoding counted. */
  contentTokens: Partial<Record<EncodingName, number[]>>;
  /** The conversation framed by each exact open-model family's chat template (see SummaryKey), counted in the worker too. */
  framed?: Partial<Record<FamilyName, { tokens: number; messageTokens: number[] }>>;
}

/** Placeholders kept per message (and for the document): enough for the hover, cheap to send. */
export const MAX_PLACEHOLDERS = 200;

/** The document without its long placeholder lists, for the trip between threads. */
export function slimDocument(doc: PromptDocument): PromptDocument {
  return {
    ...doc,
    placeholders: doc.placeholders.slice(0, MAX_PLACEHOLDERS),
    messages: doc.messages.map((m) => ({ ...m, placeholders: m.placeholders.slice(0, MAX_PLACEHOLDERS) })),
  };
}

/**
 * Count functions that answer message contents from the worker's counts and count anything else
 * (role names, a few tokens) directly.
 */
export function countersFromWorker(result: LargePromptCounts, count: (text: string, encoding: EncodingName) => number): Counters {
  return (encoding) => {
    const known = new Map<string, number>();
    const counts = result.contentTokens[encoding];
    if (counts) result.document.messages.forEach((m, i) => known.set(m.content, counts[i]));
    return (text) => known.get(text) ?? count(text, encoding);
  };
}

/** The worker's chat-framed counts; a family it did not frame (a model added later) is framed here. */
export function framingFromWorker(result: LargePromptCounts): FamilyFraming {
  return (family, messages) => result.framed?.[family] ?? frameFamilyChat(family, messages);
}
