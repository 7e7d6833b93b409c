// Worker-thread entry (bundled to dist/estimate-worker.js): parses a large prompt document and counts
// its messages off the extension host's thread. It keeps its own copy of the text: the host sends the
// whole text once, then only the edits (VS Code's change events), which every request applies in
// order — superseded ones too — so the copy stays the host's. The parse is incremental (only the
// edited section is re-derived, prompt/incremental.ts) and so are the counts (messageCounts.ts):
// unchanged messages are not recounted, a long changed one only around the change.
// Protocol: in { id, ...LargePromptRequest } → out { id, result: LargePromptReply } (see latest.ts).
import { IncrementalPromptParser } from '../prompt/incremental';
import { EncodingName } from '../tokenize/encodings';
import { MessageTokenCounts } from './messageCounts';
import { frameFamilyChat } from '../tokenize/framing';
import { framedFormatFor } from '../tokenize/registry';
import { tokenizerForModel } from '../tokenize/models';
import { CancellationError } from '../cancellation';
import { serveLatest } from '../worker/latest';
import { LargePromptCounts, LargePromptReply, LargePromptRequest, packCounts } from './large';

const counters = new Map<EncodingName, MessageTokenCounts>();
let parser: IncrementalPromptParser | undefined;
/** The version of the worker's copy; undefined once it cannot be trusted (the host then sends the text). */
let version: number | undefined;

function countsIn(encoding: EncodingName): MessageTokenCounts {
  let c = counters.get(encoding);
  if (!c) counters.set(encoding, (c = new MessageTokenCounts(encoding)));
  return c;
}

/** Brings the copy to the request's version: the whole text, or the edits on top of the version they start from. */
function accept(req: LargePromptRequest): void {
  if (req.text !== undefined) {
    if (!parser || parser.fileName !== req.fileName) parser = new IncrementalPromptParser(req.fileName);
    parser.setText(req.text);
    version = req.version;
    return;
  }
  if (!parser || parser.fileName !== req.fileName || version === undefined || version !== req.baseVersion) {
    version = undefined;
    return;
  }
  try {
    parser.applyEdits(req.edits ?? []);
  } catch {
    version = undefined; // an edit outside the copy: it is not the host's text
    return;
  }
  const text = parser.currentText;
  const probe = req.probe;
  const same = text.length === req.length && (!probe || text.startsWith(probe.text, probe.offset));
  version = same ? req.version : undefined;
}

serveLatest<LargePromptRequest, LargePromptReply>(
  (req, superseded) => {
    if (!parser || version !== req.version) return { needText: true };
    const document = parser.document;
    if (superseded()) throw new CancellationError('superseded by a newer request');
    const contentTokens: LargePromptCounts['contentTokens'] = {};
    const models = document.model ? [document.model, ...req.models] : req.models;
    for (const encoding of new Set(models.map((m) => tokenizerForModel(m).encoding))) {
      contentTokens[encoding] = countsIn(encoding).count(
        document.messages.map((m) => m.content),
        superseded,
      );
    }
    // Exact open-model families: the whole conversation rendered with the family's chat template and
    // counted here as well (the host would otherwise tokenize the big contents again on its thread).
    // Not incremental: each segment between special tokens is counted once per request.
    const framed: LargePromptCounts['framed'] = {};
    if (document.api !== 'completion' && document.api !== 'embedding' && document.messages.length > 0) {
      for (const model of models) {
        const format = framedFormatFor(model);
        if (!format || framed[format]) continue;
        if (superseded()) throw new CancellationError('superseded by a newer request');
        const { tokens, messageTokens, templateError, templateErrorMessage } = frameFamilyChat(format, document.messages);
        framed[format] =
          templateError === undefined
            ? { tokens, messageTokens }
            : { tokens, messageTokens, templateError, ...(templateErrorMessage === undefined ? {} : { templateErrorMessage }) };
      }
    }
    return packCounts({ document, contentTokens, framed });
  },
  { accept },
);
