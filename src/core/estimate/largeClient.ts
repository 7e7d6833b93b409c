// The host's side of a large prompt's estimate worker (worker.ts): the document travels as the whole
// text once, then only as edits (worker/documentSync.ts), so a keystroke in a 5 MB prompt never builds,
// copies or re-sends the whole text on the host's thread.
import type { TextEdit } from '../prompt/incremental';
import type { LatestRequestWorker } from '../worker/latest';
import { DocumentEditSync, type DocumentView } from '../worker/documentSync';
import { LargePromptCounts, LargePromptReply, LargePromptRequest, unpackCounts } from './large';

/** What the client needs of the editor's document. */
export type LargeDocumentView = DocumentView;

export class LargePromptClient {
  private readonly sync = new DocumentEditSync();

  constructor(private readonly worker: LatestRequestWorker<LargePromptRequest, LargePromptReply>) {}

  /** Requests sent with the whole text and with edits only (for tests and the log). */
  get sent(): { text: number; edits: number } {
    return this.sync.sent;
  }

  /** Records a change event of the document (see DocumentEditSync.recordChange). */
  recordChange(version: number, edits: readonly TextEdit[]): void {
    this.sync.recordChange(version, edits);
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
    return this.worker.request({ fileName, models, ...this.sync.next(doc, wholeText) });
  }

  /** The next request sends the whole text. */
  forget(): void {
    this.sync.forget();
  }
}
