// Token engine: exact local tokenization for OpenAI encodings (identical to tiktoken's
// encode_ordinary), labelled estimates for other model families, incremental counting for
// live editing and a worker-thread counter for big documents.
import { EncodingName } from './encodings';
import { getEncoder } from './bpe';
import { ModelTokenizer, applyFactor, tokenizerForModel } from './models';
import { ChatMessage, chatTokens } from './chat';
import { claudeChat } from './claudeCount';

export {
  EncodingName,
  OpenAiEncodingName,
  RankEncodingName,
  ENCODING_NAMES,
  TOKENIZER_NAMES,
  isEncodingName,
  isOpenAiEncoding,
} from './encodings';
export { FamilyName, FAMILY_NAMES, FAMILIES, isFamilyName } from './families';
export { loadedVocabularies } from './vocab';
export {
  ModelTokenizer,
  tokenizerForModel,
  familyForModel,
  splitModelId,
  applyFactor,
  isEmbeddingModel,
  approximateFamilyBands,
} from './models';
export { ChatCount, FramedChat, countChat, countFamilyChat, frameFamilyChat, renderChat } from './framing';
export { ChatFormatName, CHAT_FORMATS, CHAT_FORMAT_NAMES, formatFamily, isChatFormatName } from './chatFormats';
export { claudeChat, claudeContentTokens } from './claudeCount';
export { ChatMessage, chatTokens, TOKENS_PER_MESSAGE, TOKENS_PER_NAME, REPLY_PRIMING_TOKENS } from './chat';
export { IncrementalCounter, isChunkBoundary, splitChunks, chunkStarts, DEFAULT_CHUNK_SIZE } from './incremental';
export { ShouldStop, TokenCounter, getEncoder } from './bpe';
export { setEncodingDataDir, encodingDataDir, loadedRankTables } from './ranks';
export { WorkerTokenCounter, WorkerTokenCounterOptions } from './workerClient';
/** What a superseded count rejects with (re-exported for the tokenizer's bundle users, e.g. bench/). */
export { CancellationError, isCancellationError } from '../cancellation';

/** Exact token count of ordinary text (tiktoken `encode_ordinary`; Hugging Face `encode` without added tokens for the open families); loads only this tokenizer's table, on first use. */
export function countTokens(text: string, encoding: EncodingName): number {
  return getEncoder(encoding).count(text);
}

/**
 * Token count for a model: exact for OpenAI models, an estimate (approximate: true) otherwise. `count`
 * counts in the model's encoding (default: here, on this thread; the extension passes a worker's count).
 */
export function countForModel(
  text: string,
  modelId: string,
  count: (text: string, encoding: EncodingName) => number = countTokens,
): { tokens: number; encoding: EncodingName; approximate: boolean; tokenizer: ModelTokenizer } {
  const t = tokenizerForModel(modelId);
  return { tokens: applyFactor(count(text, t.encoding), t), encoding: t.encoding, approximate: t.approximate, tokenizer: t };
}

/** A chat's offline estimate for a model's tokenizer (no chat template): Claude as ai-tokenizer counts it, others by OpenAI's rule × factor. */
export function approximateChatTokens(messages: ChatMessage[], t: ModelTokenizer): number {
  if (t.encoding === 'claude') return claudeChat(messages, (text) => countTokens(text, 'claude')).tokens;
  return applyFactor(chatTokens(messages, t.encoding), t);
}
