// Worker-thread entry (bundled to dist/estimate-worker.js): parses a large prompt document and counts
// its messages off the extension host's thread. One IncrementalCounter per (encoding, message), so
// after an edit only the changed chunks of the edited message are recounted.
// Protocol: in { id, text, fileName, models } → out { id, result: LargePromptCounts } (see latest.ts).
import { parsePromptDocument } from '../prompt/document';
import { EncodingName } from '../tokenize/encodings';
import { IncrementalCounter } from '../tokenize/incremental';
import { frameFamilyChat } from '../tokenize/framing';
import { tokenizerForModel } from '../tokenize/models';
import { CancellationError } from '../cancellation';
import { serveLatest } from '../worker/latest';
import { LargePromptCounts, LargePromptRequest, slimDocument } from './large';

const counters = new Map<string, IncrementalCounter>();

function counterFor(encoding: EncodingName, message: number): IncrementalCounter {
  const key = `${encoding}:${message}`;
  let c = counters.get(key);
  if (!c) counters.set(key, (c = new IncrementalCounter(encoding)));
  return c;
}

serveLatest<LargePromptRequest, LargePromptCounts>((req, superseded) => {
  const document = parsePromptDocument(req.text, req.fileName);
  if (superseded()) throw new CancellationError('superseded by a newer request');
  const contentTokens: LargePromptCounts['contentTokens'] = {};
  const models = document.model ? [document.model, ...req.models] : req.models;
  for (const encoding of new Set(models.map((m) => tokenizerForModel(m).encoding))) {
    contentTokens[encoding] = document.messages.map((m, i) =>
      m.content.length === 0 ? 0 : counterFor(encoding, i).setText(m.content, superseded),
    );
  }
  // Exact open-model families: the whole conversation rendered with the family's chat template and
  // counted here as well (the host would otherwise tokenize the big contents again on its thread).
  // Not incremental: each segment between special tokens is counted once per request.
  const framed: LargePromptCounts['framed'] = {};
  if (document.api !== 'completion' && document.api !== 'embedding' && document.messages.length > 0) {
    for (const model of models) {
      const t = tokenizerForModel(model);
      if (!t.family || t.approximate || framed[t.family]) continue;
      if (superseded()) throw new CancellationError('superseded by a newer request');
      const { tokens, messageTokens } = frameFamilyChat(t.family, document.messages);
      framed[t.family] = { tokens, messageTokens };
    }
  }
  // Counters of messages that no longer exist are dropped.
  for (const key of counters.keys()) if (Number(key.split(':')[1]) >= document.messages.length) counters.delete(key);
  return { document: slimDocument(document), contentTokens, framed };
});
