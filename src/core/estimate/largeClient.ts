// The host's side of a large prompt's estimate worker (worker.ts): sends the whole text once, then
// only the edits since the version the worker holds, so a keystroke in a 5 MB prompt never builds,
// copies or re-sends the whole text on the host's thread. Any doubt — a missed change event, a worker
// that restarted or disagrees about the text — and the whole text is sent again.
import type { TextEdit } from '../prompt/incremental';
import type { LatestRequestWorker } from '../worker/latest';
import { LargePromptCounts, LargePromptReply, LargePromptRequest, unpackCounts } from './large';

/** What the client needs of the editor's document (VS Code's TextDocument, or a test's model of it). */
export interface LargeDocumentView {
  version: number;
  /** Length in UTF-16 code units, without building the text. */
  length: number;
  getText(): string;
  /** The text in [start, end), cheaply (a small range). */
  textAt(start: number, end: number): string;
}

/** Edits kept for the next request before the client gives up and sends the whole text. */
const MAX_PENDING_EDITS = 2000;
const MAX_PENDING_CHARS = 1_000_000;
const PROBE_CHARS = 64;

export class LargePromptClient {
  /** The version the worker's copy is at once it has read everything sent; undefined: send the text. */
  private sentVersion: number | undefined;
  private pending: TextEdit[] = [];
  private pendingChars = 0;
  private pendingVersion: number | undefined;

  /** Requests sent with the whole text and with edits only (for tests and the log). */
  readonly sent = { text: 0, edits: 0 };

  constructor(private readonly worker: LatestRequestWorker<LargePromptRequest, LargePromptReply>) {}

  /**
   * Records a change event (in order: VS Code fires one per version). The changes of one event all
   * refer to the text before it and do not overlap: applied from the last offset to the first, each
   * one's offset still holds.
   */
  recordChange(version: number, edits: readonly TextEdit[]): void {
    if (this.sentVersion === undefined) return;
    for (const e of [...edits].sort((a, b) => b.offset - a.offset)) {
      this.pending.push({ offset: e.offset, deleteLength: e.deleteLength, text: e.text });
      this.pendingChars += e.text.length;
    }
    this.pendingVersion = version;
    if (this.pending.length > MAX_PENDING_EDITS || this.pendingChars > MAX_PENDING_CHARS) this.forget();
  }

  /** The estimate's counts for the document as it is now; a newer request supersedes (rejects) this one. */
  async request(doc: LargeDocumentView, fileName: string, models: string[]): Promise<LargePromptCounts> {
    const reply = await this.send(doc, fileName, models, false);
    if (!('needText' in reply)) return unpackCounts(reply);
    const retry = await this.send(doc, fileName, models, true);
    if ('needText' in retry) throw new Error('the estimate worker did not take the document text');
    return unpackCounts(retry);
  }

  private send(doc: LargeDocumentView, fileName: string, models: string[], wholeText: boolean): Promise<LargePromptReply> {
    const version = doc.version;
    const inStep =
      !wholeText &&
      this.sentVersion !== undefined &&
      (this.pending.length === 0 ? this.sentVersion === version : this.pendingVersion === version);
    let req: LargePromptRequest;
    if (inStep) {
      req = { fileName, models, version, baseVersion: this.sentVersion, edits: this.pending, length: doc.length };
      const probe = this.probeFor(doc, this.pending);
      if (probe) req.probe = probe;
      this.sent.edits++;
    } else {
      req = { fileName, models, version, text: doc.getText(), length: doc.length };
      this.sent.text++;
    }
    this.sentVersion = version;
    this.pending = [];
    this.pendingChars = 0;
    this.pendingVersion = undefined;
    return this.worker.request(req);
  }

  /** A piece of the text around the last edit, for the worker to compare with its copy. */
  private probeFor(doc: LargeDocumentView, edits: readonly TextEdit[]): { offset: number; text: string } | undefined {
    const last = edits[edits.length - 1];
    if (!last) return undefined;
    const start = Math.max(0, last.offset - PROBE_CHARS);
    const end = Math.min(doc.length, last.offset + last.text.length + PROBE_CHARS);
    return { offset: start, text: doc.textAt(start, end) };
  }

  /** The next request sends the whole text. */
  forget(): void {
    this.sentVersion = undefined;
    this.pending = [];
    this.pendingChars = 0;
    this.pendingVersion = undefined;
  }
}
