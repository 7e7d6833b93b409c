// The run ledger: an append-only JSON Lines file shared by every VS Code window and the CLI.
//
// Durability rules:
// - Entries go in batches of complete lines (one entry, or up to 1 MB for an import), each ONE write()
//   on a descriptor opened with O_APPEND, then fsync before the promise resolves ("acknowledged"). O_APPEND makes the kernel pick the
//   offset atomically, so concurrent writers (processes) never overwrite each other.
// - If the file does not end with '\n' (a writer died mid-line, a disk filled up), the next
//   writer first ends that fragment with one '\n', so a torn fragment can never swallow a good record.
//   The check and the write happen under `<ledger>.lock` (see withLedgerLock), so racing writers add
//   exactly one '\n' and never take another's write in progress for a torn line: no blank lines.
// - Readers never drop silently: lines that are not valid entries are returned as `corrupt`
//   with their 1-based line numbers; an unterminated last line is `tornTail` (it may still be
//   being written) and is retried by the incremental reader.
// - Nothing is rewritten: delete appends a `delete` entry, undo appends a `restore` entry, and a
//   later `run` line with the same id supersedes the earlier one.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { O_NOFOLLOW, checkWriteTarget, noFollowError } from '../safeWrite';
import { formatBytes } from '../format';
import {
  DeleteEntry,
  EntryProblem,
  LedgerEntry,
  RestoreEntry,
  RunRecord,
  checkEntry,
  newRunId,
  problemMessage,
  validateEntry,
} from './record';
import { pushAll } from '../arrays';

export interface CorruptLine {
  /** 1-based line number in the file. */
  line: number;
  /** Byte offset of the line start. */
  offset: number;
  /** Why, with the field first when one field is at fault: `costUsd: must be a decimal string …`. */
  reason: string;
  /** Dotted path of the offending field (`usage.inputTokens`), when one field is at fault. */
  field?: string;
  /** The entry is from a newer ledger version (its `v`): skipped, not read as v1. */
  newerVersion?: number;
  /** The first 120 characters, for the message. */
  preview: string;
}

export interface LedgerChunk {
  /** Entries with their 1-based line numbers, in file order. */
  entries: { line: number; entry: LedgerEntry }[];
  corrupt: CorruptLine[];
  /** Offset just past the last complete line consumed; pass it to the next call. */
  nextOffset: number;
  /** Line number of the next line (1-based). */
  nextLine: number;
  /** Bytes after the last '\n' (an unterminated, possibly still-being-written line). */
  pendingBytes: number;
  /** File size seen. */
  size: number;
  /** Identity of the file read (dev:ino), to notice a replaced file. */
  fileId?: string;
}

/** Serialises an entry as one line. JSON.stringify escapes control characters, so the line has no raw '\n'. */
export function serializeEntry(entry: LedgerEntry): string {
  return `${JSON.stringify(entry)}\n`;
}

/**
 * Appends one entry: one O_APPEND write of the whole line, then fsync. Creates the file and its
 * directory when missing. Resolves once the entry is on disk.
 */
export async function appendEntry(file: string, entry: LedgerEntry, options: AppendOptions = {}): Promise<void> {
  await appendEntries(file, [entry], options);
}

export interface AppendOptions {
  /**
   * The workspace/repository folder: a ledger inside it as written must stay inside it once symlinks
   * are resolved (a committed `.prompt-cost` → `../..` is refused). See safeWrite.checkWriteTarget.
   */
  root?: string;
  batchBytes?: number;
}

/** Most bytes one append write() carries: whole lines only, so a batch never leaves a torn line between writers. */
export const APPEND_BATCH_BYTES = 1024 * 1024;

/**
 * Appends many entries with one fsync per batch instead of one per entry (a 100k-run import). Each batch
 * is whole lines of at most APPEND_BATCH_BYTES (a longer single line is its own batch) written with ONE
 * write() on an O_APPEND descriptor: the kernel places it atomically at the end, so concurrent writers'
 * lines never interleave with ours. Resolves once every entry is on disk; a crash can lose only the
 * batches not yet acknowledged (and leave at most an incomplete last line, which readers skip).
 */
export async function appendEntries(
  file: string,
  entries: readonly LedgerEntry[],
  batchBytesOrOptions: number | AppendOptions = {},
): Promise<void> {
  if (!entries.length) return;
  const options = typeof batchBytesOrOptions === 'number' ? { batchBytes: batchBytesOrOptions } : batchBytesOrOptions;
  const batchBytes = options.batchBytes ?? APPEND_BATCH_BYTES;
  // A committed symlink (runs.jsonl → ~/.bashrc) must never be appended through: refused, and the
  // open itself does not follow a link in the last component (O_NOFOLLOW) should one appear meanwhile.
  checkWriteTarget(file, options.root);
  await fs.promises.mkdir(path.dirname(file), { recursive: true });
  checkWriteTarget(file, options.root);
  const existed = fs.existsSync(file);
  // O_APPEND | O_CREAT | O_RDWR ('a+'): appends, and lets us peek at the last byte.
  let fh: fs.promises.FileHandle;
  try {
    fh = await fs.promises.open(file, fs.constants.O_APPEND | fs.constants.O_CREAT | fs.constants.O_RDWR | O_NOFOLLOW, 0o644);
  } catch (err) {
    throw noFollowError(file, err);
  }
  try {
    const writeBatch = async (lines: Buffer[]) => {
      const buf = Buffer.concat(lines);
      // Check-and-write under the lock: the last byte we check is another writer's finished write, never
      // one still being copied in (a reader can see the size of a write in progress, page by page).
      await withLedgerLock(file, async () => {
        // A failed write (ENOSPC, EIO) must not leave a torn fragment: cut the file back to where it was.
        // Under the lock no other writer appends meanwhile, so only our own bytes are removed.
        const before = (await fh.stat()).size;
        try {
          if (!(await endsWithNewline(fh))) await writeAll(fh, Buffer.from('\n'));
          await writeAll(fh, buf);
        } catch (err) {
          await fh.truncate(before).catch(() => undefined);
          throw err;
        }
      });
      await fh.sync();
    };
    let batch: Buffer[] = [];
    let bytes = 0;
    for (const entry of entries) {
      const line = Buffer.from(serializeEntry(entry), 'utf8');
      if (batch.length && bytes + line.length > batchBytes) {
        await writeBatch(batch);
        batch = [];
        bytes = 0;
      }
      batch.push(line);
      bytes += line.length;
    }
    await writeBatch(batch);
  } finally {
    await fh.close();
  }
  if (!existed && process.platform !== 'win32') {
    // Make the new directory entry durable too.
    try {
      const dir = await fs.promises.open(path.dirname(file), 'r');
      try {
        await dir.sync();
      } finally {
        await dir.close();
      }
    } catch {
      /* best effort */
    }
  }
}

async function writeAll(fh: fs.promises.FileHandle, buf: Buffer): Promise<void> {
  let off = 0;
  while (off < buf.length) {
    // position null: the kernel appends at the current end (O_APPEND).
    const { bytesWritten } = await fh.write(buf, off, buf.length - off, null);
    off += bytesWritten;
  }
}

async function endsWithNewline(fh: fs.promises.FileHandle): Promise<boolean> {
  const { size } = await fh.stat();
  if (size === 0) return true;
  const last = Buffer.alloc(1);
  await fh.read(last, 0, 1, size - 1);
  return last[0] === 0x0a;
}

/** A lock older than this belongs to a writer that died holding it (a batch write takes milliseconds). */
const STALE_LOCK_MS = 5000;
/** After this long without the lock a writer appends anyway: a blank line is better than a lost run. */
const LOCK_WAIT_MS = 10_000;

/**
 * Runs `fn` holding `<ledger>.lock` (created with O_EXCL, removed after). Appenders take it only for the
 * check of the last byte and their write() — not for fsync — so a torn last line (a writer died
 * mid-line) is ended with exactly one '\n' however many writers find it at once, and no writer mistakes
 * another's write in progress for a torn line (both used to leave blank lines). A lock that cannot be a
 * live writer's is taken over (takeStaleLock): older than STALE_LOCK_MS, dated in the future, or not a
 * regular file (a directory or symlink committed under that name). Without the lock after LOCK_WAIT_MS
 * (or when no lock file can be created) `fn` runs anyway.
 */
async function withLedgerLock(file: string, fn: () => Promise<void>): Promise<void> {
  const lock = `${file}.lock`;
  const deadline = Date.now() + LOCK_WAIT_MS;
  let held: fs.promises.FileHandle | undefined;
  for (;;) {
    try {
      // O_EXCL never follows a symlink: a link named .lock is EEXIST, then taken over below
      held = await fs.promises.open(lock, 'wx');
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST' || Date.now() > deadline) break;
    }
    await takeStaleLock(lock);
    await new Promise((resolve) => setTimeout(resolve, 1 + Math.random() * 4));
  }
  try {
    await fn();
  } finally {
    if (held) {
      await held.close();
      await fs.promises.rm(lock, { force: true });
    }
  }
}

/**
 * Removes `lock` when it cannot belong to a live writer: not a regular file, modified more than
 * STALE_LOCK_MS ago, or dated more than STALE_LOCK_MS in the future (a clock jump, or a forged file).
 * Taken over safely: the stale lock is renamed to a unique name (atomic, so of racing writers only one
 * gets it), and if what was renamed is no longer the stale file we judged (another writer replaced it
 * with its live lock meanwhile) it is linked back, so a live lock is never lost.
 */
async function takeStaleLock(lock: string): Promise<void> {
  let st: fs.Stats;
  try {
    st = await fs.promises.lstat(lock);
  } catch {
    return; // released meanwhile
  }
  const now = Date.now();
  const stale = !st.isFile() || now - st.mtimeMs > STALE_LOCK_MS || st.mtimeMs - now > STALE_LOCK_MS;
  if (!stale) return;
  const aside = `${lock}.stale-${process.pid}-${Math.random().toString(36).slice(2, 10)}`;
  try {
    await fs.promises.rename(lock, aside);
  } catch {
    return; // another writer took it over first
  }
  try {
    const moved = await fs.promises.lstat(aside);
    if (moved.ino !== st.ino || moved.dev !== st.dev) await fs.promises.link(aside, lock).catch(() => undefined);
  } finally {
    await fs.promises.rm(aside, { recursive: true, force: true }).catch(() => undefined);
  }
}

/** Appends a run record (validated first, so the ledger never receives a line its readers would reject). */
export async function appendRun(file: string, record: RunRecord, options: AppendOptions = {}): Promise<void> {
  const reason = validateEntry(record);
  if (reason) throw new Error(`invalid run record: ${reason}`);
  await appendEntry(file, record, options);
}

/** Hides a run; returns the entry (keep it to offer undo). */
export async function deleteRun(file: string, target: string, options: AppendOptions = {}): Promise<DeleteEntry> {
  const entry: DeleteEntry = { v: 1, type: 'delete', id: newRunId(), time: new Date().toISOString(), target };
  await appendEntry(file, entry, options);
  return entry;
}

/** Undoes deleteRun. */
export async function restoreRun(file: string, target: string, options: AppendOptions = {}): Promise<RestoreEntry> {
  const entry: RestoreEntry = { v: 1, type: 'restore', id: newRunId(), time: new Date().toISOString(), target };
  await appendEntry(file, entry, options);
  return entry;
}

/** Parses complete lines of `text` (which starts at byte `offset`, line `firstLine`). */
export function parseLedgerLines(bytes: Buffer, offset: number, firstLine: number): Omit<LedgerChunk, 'size'> {
  const entries: LedgerChunk['entries'] = [];
  const corrupt: CorruptLine[] = [];
  let start = 0;
  let line = firstLine;
  for (;;) {
    const nl = bytes.indexOf(0x0a, start);
    if (nl < 0) break;
    const raw = bytes.subarray(start, nl).toString('utf8');
    const text = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (text.trim()) {
      const r = parseLine(text);
      if ('entry' in r) entries.push({ line, entry: r.entry });
      else
        corrupt.push({
          line,
          offset: offset + start,
          reason: r.reason,
          ...(r.field ? { field: r.field } : {}),
          ...(r.newerVersion ? { newerVersion: r.newerVersion } : {}),
          preview: text.slice(0, 120),
        });
    }
    start = nl + 1;
    line++;
  }
  return { entries, corrupt, nextOffset: offset + start, nextLine: line, pendingBytes: bytes.length - start };
}

function parseLine(text: string): { entry: LedgerEntry } | (EntryProblem & { reason: string }) {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { reason: 'not valid JSON (torn or hand-edited line)' };
  }
  const problem = checkEntry(value);
  if (!problem) return { entry: value as LedgerEntry };
  return { ...problem, reason: problemMessage(problem) };
}

/**
 * Reads only the bytes added since `offset` (watch-friendly: call on every file change).
 * Consumes complete lines only; an unterminated tail stays pending for the next call.
 * A missing file reads as empty.
 */
/** Most bytes one ledger read takes (the CLI refuses larger ledgers too): ~500k runs. */
export const MAX_LEDGER_READ_BYTES = 256 * 1024 * 1024;

export async function readLedgerSince(file: string, offset = 0, firstLine = 1): Promise<LedgerChunk> {
  let fh: fs.promises.FileHandle;
  try {
    fh = await fs.promises.open(file, 'r');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT')
      return { entries: [], corrupt: [], nextOffset: 0, nextLine: 1, pendingBytes: 0, size: 0 };
    throw err;
  }
  try {
    const st = await fh.stat();
    const fileId = `${st.dev}:${st.ino}`;
    if (st.size <= offset)
      return { entries: [], corrupt: [], nextOffset: offset, nextLine: firstLine, pendingBytes: 0, size: st.size, fileId };
    // the editor follows this file on every change: a 300 MB file of junk must not stall the host
    if (st.size - offset > MAX_LEDGER_READ_BYTES)
      throw new Error(
        `${file} has ${formatBytes(st.size - offset)} of new data, more than the ${formatBytes(MAX_LEDGER_READ_BYTES)} a ledger read takes; not read (a run ledger of that size is not one we wrote)`,
      );
    const buf = Buffer.alloc(st.size - offset);
    let got = 0;
    while (got < buf.length) {
      const { bytesRead } = await fh.read(buf, got, buf.length - got, offset + got);
      if (bytesRead === 0) break;
      got += bytesRead;
    }
    return { ...parseLedgerLines(buf.subarray(0, got), offset, firstLine), size: st.size, fileId };
  } finally {
    await fh.close();
  }
}

/** The ledger folded into what the user sees. */
export interface LedgerState {
  /** Visible runs, latest version of each id, in order of first appearance. */
  runs: RunRecord[];
  /** Deleted runs (latest version), for undo. */
  deleted: RunRecord[];
}

/** Folds entries incrementally: runs by id (last version wins), delete/restore toggles. */
export class LedgerFold {
  private readonly byId = new Map<string, RunRecord>();
  private readonly deletedIds = new Set<string>();

  apply(entries: Iterable<LedgerEntry | { entry: LedgerEntry }>): void {
    for (const item of entries) {
      const e = 'entry' in item ? item.entry : item;
      if (e.type === 'run') {
        // Map keeps first-insertion order; a newer version replaces the value in place.
        this.byId.set(e.id, e);
      } else if (e.type === 'delete') this.deletedIds.add(e.target);
      else if (e.type === 'restore') this.deletedIds.delete(e.target);
    }
  }

  get(id: string): RunRecord | undefined {
    return this.byId.get(id);
  }

  isDeleted(id: string): boolean {
    return this.deletedIds.has(id);
  }

  state(): LedgerState {
    const runs: RunRecord[] = [];
    const deleted: RunRecord[] = [];
    for (const r of this.byId.values()) (this.deletedIds.has(r.id) ? deleted : runs).push(r);
    return { runs, deleted };
  }
}

export interface LedgerReadResult extends LedgerState {
  corrupt: CorruptLine[];
  /** An unterminated last line that is not a valid entry (a writer died mid-line, or is still writing). */
  tornTail?: { line: number; offset: number; bytes: number };
  /** Bytes consumed (pass to readLedgerSince / LedgerFollower). */
  size: number;
}

/** Reads the whole ledger. A missing file is an empty ledger. */
export async function readLedger(file: string): Promise<LedgerReadResult> {
  let bytes: Buffer;
  try {
    bytes = await fs.promises.readFile(file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { runs: [], deleted: [], corrupt: [], size: 0 };
    throw err;
  }
  const chunk = parseLedgerLines(bytes, 0, 1);
  const fold = new LedgerFold();
  fold.apply(chunk.entries);
  let tornTail: LedgerReadResult['tornTail'];
  if (chunk.pendingBytes > 0) {
    // A complete entry missing only its '\n' is accepted; anything else is a torn tail.
    const tail = bytes.subarray(chunk.nextOffset).toString('utf8').trim();
    const r = tail ? parseLine(tail) : undefined;
    if (r && 'entry' in r) fold.apply([r.entry]);
    else if (tail) tornTail = { line: chunk.nextLine, offset: chunk.nextOffset, bytes: chunk.pendingBytes };
  }
  return { ...fold.state(), corrupt: chunk.corrupt, tornTail, size: chunk.nextOffset };
}

export interface FollowUpdate {
  /** New entries since the previous poll. */
  entries: LedgerEntry[];
  /** Newly found corrupt lines. */
  corrupt: CorruptLine[];
  /** The file shrank or was replaced: the state was rebuilt from scratch. */
  reset: boolean;
  changed: boolean;
}

/**
 * Follows a ledger for a live view: call poll() whenever a watcher reports a change (or on a
 * timer). Reads only new bytes; rebuilds from scratch if the file shrank or was replaced.
 */
/** Reads a ledger's bytes from `offset` on (readLedgerSince on disk; ledgerChunkFromBytes over a fetched file). */
export type LedgerReader = (file: string, offset: number, firstLine: number) => Promise<LedgerChunk>;

/**
 * The chunk of a whole ledger file's bytes from `offset` on, for readers that get whole files (VS Code for the
 * Web reads through vscode.workspace.fs): the same lines and corrupt-line reports as readLedgerSince.
 */
export function ledgerChunkFromBytes(bytes: Uint8Array, offset: number, firstLine: number): LedgerChunk {
  if (bytes.byteLength > MAX_LEDGER_READ_BYTES)
    throw new Error(`the ledger is ${bytes.byteLength} bytes, more than the ${MAX_LEDGER_READ_BYTES} bytes read at once`);
  if (bytes.byteLength < offset) return { entries: [], corrupt: [], nextOffset: 0, nextLine: 1, pendingBytes: 0, size: bytes.byteLength };
  return { ...parseLedgerLines(Buffer.from(bytes.subarray(offset)), offset, firstLine), size: bytes.byteLength };
}

export class LedgerFollower {
  private offset = 0;
  private line = 1;
  private fileId: string | undefined;
  private fold = new LedgerFold();
  private corruptSeen: CorruptLine[] = [];

  constructor(
    readonly file: string,
    private readonly read: LedgerReader = readLedgerSince,
  ) {}

  async poll(): Promise<FollowUpdate> {
    let chunk = await this.read(this.file, this.offset, this.line);
    let reset = false;
    if ((this.fileId && chunk.fileId && chunk.fileId !== this.fileId) || chunk.size < this.offset) {
      reset = true;
      this.fold = new LedgerFold();
      this.corruptSeen = [];
      chunk = await this.read(this.file, 0, 1);
    }
    this.fileId = chunk.fileId;
    this.offset = chunk.nextOffset;
    this.line = chunk.nextLine;
    this.fold.apply(chunk.entries);
    pushAll(this.corruptSeen, chunk.corrupt);
    return {
      entries: chunk.entries.map((e) => e.entry),
      corrupt: chunk.corrupt,
      reset,
      changed: reset || chunk.entries.length > 0 || chunk.corrupt.length > 0,
    };
  }

  state(): LedgerState {
    return this.fold.state();
  }

  get corrupt(): readonly CorruptLine[] {
    return this.corruptSeen;
  }

  isDeleted(id: string): boolean {
    return this.fold.isDeleted(id);
  }
}

/** A skipped ledger line as the user reads it: where, which field, why. */
export interface LedgerWarning {
  file: string;
  /** 1-based line number. */
  line: number;
  /** Dotted path of the offending field, when one field is at fault. */
  field?: string;
  /** The entry is from a newer ledger version. */
  newerVersion?: number;
  /** `runs.jsonl:7: skipped: costUsd: must be a decimal string such as "0.0123", not the JSON number 0.5` */
  message: string;
}

/** The located warnings for what a read skipped (invalid lines, newer-version entries, a torn last line). */
export function ledgerWarnings(file: string, corrupt: readonly CorruptLine[], tornTail?: LedgerReadResult['tornTail']): LedgerWarning[] {
  const out: LedgerWarning[] = corrupt.map((c) => ({
    file,
    line: c.line,
    ...(c.field ? { field: c.field } : {}),
    ...(c.newerVersion ? { newerVersion: c.newerVersion } : {}),
    message: `${file}:${c.line}: skipped ${c.newerVersion ? 'an entry from a newer version' : 'an invalid entry'}: ${c.reason}`,
  }));
  if (tornTail)
    out.push({
      file,
      line: tornTail.line,
      message: `${file}:${tornTail.line}: incomplete last line (a write was interrupted, or is still under way) ignored`,
    });
  return out;
}

/** Resolves the ledger path: an absolute setting as is, a relative one (or the default) under the workspace folder. */
export function resolveLedgerPath(workspaceFolder: string, setting?: string): string {
  return path.resolve(workspaceFolder, setting && setting.trim() ? setting : '.prompt-cost/runs.jsonl');
}
