// The host's half of keeping a worker's copy of an editor document: the whole text once, then only the
// edits since the version the worker holds, so a keystroke in a big document never builds, copies or
// re-sends its whole text on the host's thread. Any doubt — a missed change event, a worker that
// restarted or disagrees about the text — and the whole text is sent again. The worker checks each
// batch against the text's length and a piece of it around the last edit (the probe).
import type { TextEdit } from '../prompt/incremental';

/** What the sync needs of the editor's document (VS Code's TextDocument, or a test's model of it). */
export interface DocumentView {
  version: number;
  /** Length in UTF-16 code units, without building the text. */
  length: number;
  getText(): string;
  /** The text in [start, end), cheaply (a small range). */
  textAt(start: number, end: number): string;
}

/** The part of a request that brings the worker's copy to `version`: the whole text, or the edits since `baseVersion`. */
export interface DocumentPart {
  version: number;
  length: number;
  text?: string;
  baseVersion?: number;
  edits?: TextEdit[];
  probe?: { offset: number; text: string };
}

/** Edits kept for the next request before the sync gives up and sends the whole text. */
const MAX_PENDING_EDITS = 2000;
const MAX_PENDING_CHARS = 1_000_000;
const PROBE_CHARS = 64;

export class DocumentEditSync {
  /** The version the worker's copy is at once it has read everything sent; undefined: send the text. */
  private sentVersion: number | undefined;
  private pending: TextEdit[] = [];
  private pendingChars = 0;
  private pendingVersion: number | undefined;
  /** Requests sent with the whole text and with edits only (for tests and the log). */
  readonly sent = { text: 0, edits: 0 };

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

  /** What the next request carries for `doc` (and the sync now assumes the worker holds that version). */
  next(doc: DocumentView, wholeText: boolean): DocumentPart {
    const version = doc.version;
    const inStep =
      !wholeText &&
      this.sentVersion !== undefined &&
      (this.pending.length === 0 ? this.sentVersion === version : this.pendingVersion === version);
    let part: DocumentPart;
    if (inStep) {
      part = { version, baseVersion: this.sentVersion, edits: this.pending, length: doc.length };
      const last = this.pending[this.pending.length - 1];
      if (last) {
        const start = Math.max(0, last.offset - PROBE_CHARS);
        const end = Math.min(doc.length, last.offset + last.text.length + PROBE_CHARS);
        part.probe = { offset: start, text: doc.textAt(start, end) };
      }
      this.sent.edits++;
    } else {
      part = { version, text: doc.getText(), length: doc.length };
      this.sent.text++;
    }
    this.sentVersion = version;
    this.pending = [];
    this.pendingChars = 0;
    this.pendingVersion = undefined;
    return part;
  }

  /** The next request sends the whole text. */
  forget(): void {
    this.sentVersion = undefined;
    this.pending = [];
    this.pendingChars = 0;
    this.pendingVersion = undefined;
  }
}
