// Token engine: exact local tokenization for OpenAI encodings (identical to tiktoken's
// encode_ordinary), labelled estimates for other model families, incremental counting for
// live editing and a worker-thread counter for big documents.
import { EncodingName } from './encodings';
import { getEncoder } from './bpe';
import { applyFactor, tokenizerForModel } from './models';

export { EncodingName, ENCODING_NAMES, isEncodingName } from './encodings';
export { ModelTokenizer, tokenizerForModel, splitModelId, applyFactor } from './models';
export { ChatMessage, chatTokens, TOKENS_PER_MESSAGE, TOKENS_PER_NAME, REPLY_PRIMING_TOKENS } from './chat';
export { IncrementalCounter, isChunkBoundary, splitChunks, chunkStarts, DEFAULT_CHUNK_SIZE } from './incremental';
export { ShouldStop, getEncoder } from './bpe';
export { setEncodingDataDir, encodingDataDir, loadedRankTables } from './ranks';
export { WorkerTokenCounter, WorkerTokenCounterOptions } from './workerClient';
/** What a superseded count rejects with (re-exported for the tokenizer's bundle users, e.g. bench/). */
export { CancellationError, isCancellationError } from '../cancellation';

/** Exact tiktoken `encode_ordinary` token count; loads only this encoding's table, on first use. */
export function countTokens(text: string, encoding: EncodingName): number {
  return getEncoder(encoding).count(text);
}

/** Token count for a model: exact for OpenAI models, an estimate (approximate: true) otherwise. */
export function countForModel(text: string, modelId: string): { tokens: number; encoding: EncodingName; approximate: boolean } {
  const t = tokenizerForModel(modelId);
  return { tokens: applyFactor(countTokens(text, t.encoding), t), encoding: t.encoding, approximate: t.approximate };
}
