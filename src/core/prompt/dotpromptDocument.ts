// A dotprompt `.prompt` file as a PromptDocument: which text dotprompt renders (dotpromptTemplate),
// its Handlebars tokens, the messages they split into, and the notes on what is not counted.
import type { PromptDocument, PromptMessage } from './document';
import type { DotpromptMessage } from './dotprompt';
import { WHOLE_FILE_NOTES, dotpromptMessages, dotpromptTemplate } from './dotprompt';
import { handlebarsPlaceholders, handlebarsTokens } from './handlebars';

function linesBefore(text: string, offset: number): number {
  let n = 0;
  for (let i = text.indexOf('\n'); i >= 0 && i < offset; i = text.indexOf('\n', i + 1)) n++;
  return n;
}

/**
 * The message as the editor shows it. Its content keeps the file's line breaks: dotprompt (JS) reads the
 * file as it is and sends `\r\n` as written.
 */
function dotpromptMessage(text: string, m: DotpromptMessage, bodyStartLine: number): PromptMessage {
  const first = m.segments[0];
  const last = m.segments[m.segments.length - 1];
  const start = first?.start ?? m.marker?.end ?? 0;
  const range = first ? { start: first.start, end: last.end } : { start, end: start };
  const sectionStart = m.marker?.start ?? range.start;
  const line = linesBefore(text, range.start);
  const msg: PromptMessage = {
    role: m.role,
    content: m.content,
    range,
    sectionRange: { start: sectionStart, end: Math.max(range.end, sectionStart) },
    headerLine: m.marker ? linesBefore(text, m.marker.start) : Math.max(line, bodyStartLine),
    startLine: line,
    implicit: !m.marker,
    placeholders: [],
  };
  if (m.marker) msg.headerRange = m.marker;
  return msg;
}

/** Fills `doc.messages` and `doc.placeholders` of a dotprompt file, and says what the count leaves out in `notes`. */
export function readDotprompt(text: string, doc: PromptDocument, notes: string[]): void {
  const yamlFailed = doc.diagnostics.some((d) => d.code === 'front-matter-yaml' && d.severity === 'error');
  const template = dotpromptTemplate(text, doc.body.start, doc.frontMatter, yamlFailed);
  if (template.whole) {
    // What dotprompt does with such a file: no metadata, the whole file is the template.
    delete doc.model;
    delete doc.modelRef;
    delete doc.maxTokens;
    delete doc.tools;
    delete doc.notes;
    doc.body = { start: template.range.start, end: text.length };
    doc.bodyStartLine = 0;
    notes.push(WHOLE_FILE_NOTES[template.whole]);
    if (doc.frontMatter)
      doc.diagnostics.push({
        severity: 'warning',
        code: 'dotprompt-whole-file',
        message: WHOLE_FILE_NOTES[template.whole],
        range: { start: doc.frontMatter.range.start, end: doc.frontMatter.range.start + 3 },
      });
  }
  const tokens = handlebarsTokens(text, template.range.start, template.range.end);
  doc.placeholders = handlebarsPlaceholders(tokens);
  const body = dotpromptMessages(text, tokens);
  for (const m of body.messages) doc.messages.push(dotpromptMessage(text, m, doc.bodyStartLine));
  if (body.history) notes.push('{{history}}: the conversation history is inserted at run time and is not counted.');
  if (body.media) notes.push(`${body.media} {{media}} part(s) (images, audio, video) are not counted: their tokens depend on the file.`);
  if (body.partials.length) notes.push(`Partials are counted as written: ${body.partials.join(', ')}.`);
}
