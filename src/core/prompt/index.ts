// Prompt file formats and prompts inside code: pure text → structure with offsets.
export * from './types';
export { findPlaceholders, matchFormatField, MAX_TAG_LENGTH, type PlaceholderStyles } from './placeholders';
export { looksLikeModelId, makeModelRef, modelFromDisplayName, providerForConfigType, KNOWN_PROVIDERS } from './model';
export { compileGlob, matchGlob, matchSegment, expandBraces, isPromptFile, DEFAULT_PROMPT_GLOBS, type GlobOptions } from './glob';
export {
  PROMPT_FORMATS,
  PROMPT_FILE_SUFFIXES,
  detectPromptFormat,
  defaultPlaceholderStyles,
  type PromptFormat,
  type PromptFormatSpec,
} from './formats';
export {
  parsePromptDocument,
  parseRoleLine,
  parseRoleHeading,
  messageAt,
  LineIndex,
  type PromptDocument,
  type PromptMessage,
  type FrontMatter,
  type ParseOptions,
} from './document';
export {
  findPromptsInCode,
  findModelIdsInCode,
  promptAt,
  codePromptModelId,
  codeLanguageFor,
  type CodePrompt,
  type CodeModelId,
} from './code';
export {
  summarizePrompt,
  openAiMessageOverhead,
  openAiChatTokens,
  TOKENS_PER_MESSAGE,
  TOKENS_PER_NAME,
  REPLY_PRIMING_TOKENS,
  type CountFn,
  type ChatMessageLike,
  type SummaryOptions,
  type MessageSummary,
  type PromptSummary,
} from './summary';
