// flujo.toml's text as Flujo reads it when an editor holds the file: VS Code drops a UTF-8 byte-order mark from
// the document (and writes it back on save) and shows invalid UTF-8 as U+FFFD, while Flujo's tomllib fails on
// both (config_manager.py: `tomllib.load` on the bytes). So the bytes on disk are asked what the text hides.
// flujoTomlText is the one way features read a flujo.toml (prices, the Runs/Budgets views, desktop and browser).
import * as fs from 'node:fs';
import * as vscode from 'vscode';
import type { DecodedToml } from '../../core/flujo/decode';
import { IN_BROWSER } from '../platform';
import { findOpenDocument } from '../vscodeConvert';

/**
 * flujo.toml's text as Flujo reads it: an open editor's text with what it hides put back (documentTomlText),
 * else the file's bytes decoded as tomllib does (a BOM kept, invalid UTF-8 located). Undefined when the file is
 * not a regular file (a FIFO would hold a thread forever) or cannot be read.
 */
export async function flujoTomlText(uri: vscode.Uri): Promise<DecodedToml | undefined> {
  const open = findOpenDocument(uri);
  if (open) return documentTomlText(open);
  try {
    if (!(await isRegularFile(uri))) return undefined;
    const bytes = await vscode.workspace.fs.readFile(uri);
    const { decodeTomlBytes } = await import('../../core/flujo/decode');
    return decodeTomlBytes(bytes);
  } catch {
    return undefined;
  }
}

/** A regular file (symlinks followed)? A FIFO, socket or device is not: opening one can block. */
async function isRegularFile(uri: vscode.Uri): Promise<boolean> {
  if (!IN_BROWSER && uri.scheme === 'file') return (await fs.promises.stat(uri.fsPath)).isFile();
  // Other file systems say File, Directory, SymbolicLink (with the target's kind) or Unknown (a FIFO, a device).
  return ((await vscode.workspace.fs.stat(uri)).type & vscode.FileType.File) !== 0;
}

/** What a document's file bytes say that its text does not: `byteOrderMark`, and `encodingError` (invalid UTF-8). */
export interface DiskEncoding {
  byteOrderMark: boolean;
  encodingError?: DecodedToml['encodingError'];
}

/**
 * The byte-order mark from the file's first bytes; invalid UTF-8 only when `text` (the document's, for files
 * small enough to hold it on this thread) shows U+FFFD, the character VS Code puts in for an invalid byte.
 */
export async function diskEncoding(uri: vscode.Uri, text?: string): Promise<DiskEncoding> {
  const hasReplacement = text?.includes('\ufffd') ?? false;
  try {
    const bytes = await readBytes(uri, hasReplacement);
    const byteOrderMark = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf;
    if (!hasReplacement) return { byteOrderMark };
    const { decodeTomlBytes } = await import('../../core/flujo/decode');
    return { byteOrderMark, encodingError: decodeTomlBytes(bytes).encodingError };
  } catch {
    return { byteOrderMark: false }; // not on disk (untitled, deleted) or unreadable: the text is all there is
  }
}

/** An open document's text as Flujo reads the file: the byte-order mark put back (for whole-file judgements, not ranges). */
export async function documentTomlText(doc: vscode.TextDocument): Promise<DecodedToml> {
  const text = doc.getText();
  const { byteOrderMark, encodingError } = await diskEncoding(doc.uri, text);
  return { text: byteOrderMark ? `\ufeff${text}` : text, encodingError };
}

/** The first three bytes are enough for the byte-order mark; the whole file only when the text shows U+FFFD. */
async function readBytes(uri: vscode.Uri, whole: boolean): Promise<Uint8Array> {
  if (!(await isRegularFile(uri))) throw new Error('not a regular file');
  if (whole || IN_BROWSER || uri.scheme !== 'file') return vscode.workspace.fs.readFile(uri);
  const handle = await fs.promises.open(uri.fsPath, 'r');
  try {
    const head = new Uint8Array(3);
    const { bytesRead } = await handle.read(head, 0, 3, 0);
    return head.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}
