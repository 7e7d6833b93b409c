// Bytes → text for flujo.toml, with a located diagnostic for invalid UTF-8 (TOML must be UTF-8).
import { FlujoDiagnostic } from './analyze';
import { lineStartsOf, positionAt } from './scanner';

export interface DecodedToml {
  text: string;
  /** A `toml-syntax` diagnostic at the first invalid byte, if the bytes are not valid UTF-8. */
  encodingError?: FlujoDiagnostic;
}

export function decodeTomlBytes(bytes: Uint8Array): DecodedToml {
  try {
    return { text: new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes) };
  } catch {
    const text = new TextDecoder('utf-8', { fatal: false, ignoreBOM: true }).decode(bytes);
    const at = text.indexOf('\ufffd');
    const pos = positionAt(lineStartsOf(text), Math.max(0, at));
    return {
      text,
      encodingError: {
        severity: 'error',
        code: 'toml-syntax',
        message: 'TOML syntax error: the file is not valid UTF-8 (TOML files must be UTF-8).',
        range: { start: pos, end: { line: pos.line, character: pos.character + 1 } },
      },
    };
  }
}
