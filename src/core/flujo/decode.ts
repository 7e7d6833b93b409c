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
        // CPython tomllib.load: `b.decode()` raises UnicodeDecodeError, a ValueError, which
        // flujo/infra/config_manager.py:508-509 turns into ConfigurationError ("Error loading configuration").
        message:
          "TOML syntax error: the file is not valid UTF-8 (TOML files must be UTF-8). Flujo's tomllib cannot decode it (UnicodeDecodeError), so Flujo cannot load the file: none of its settings, budgets or prices apply and it records $0.",
        range: { start: pos, end: { line: pos.line, character: pos.character + 1 } },
      },
    };
  }
}
