// Walking a folder tree a cloned repository shaped. A repository can commit symbolic links: two links
// to `.` under each other make a naive walk visit 2^depth paths (issue 24 item 13: 2^20 for `check`),
// and a link to a missing target must not abort the whole walk. So: every folder is entered once per
// real path (a visited set of realpaths), links are followed to files and folders alike (as VS Code's
// search does), a dangling or looping link is skipped and reported, and depth and file count are capped.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { errorText } from './errors';

export interface WalkOptions {
  /** Folders below the start deeper than this are not entered. */
  maxDepth: number;
  /** Stop after this many files (the result says `truncated`). */
  maxFiles?: number;
  /** False: do not enter this folder (`name` is its entry name, `abs` its path as walked). */
  enterFolder?(name: string, abs: string): boolean;
  /** False: leave this file out (not counted against maxFiles). */
  acceptFile?(name: string, abs: string): boolean;
}

export interface WalkResult {
  /** Absolute paths as walked (through links), in directory order. */
  files: string[];
  /** Entries not followed, with why (a dangling link, a link loop, an unreadable folder). */
  skipped: { path: string; reason: string }[];
  /** maxFiles was reached. */
  truncated: boolean;
}

/**
 * The files under `start` (a folder, or a file: then just it). Throws only if `start` itself cannot be
 * read (the caller names it); everything below is skipped with a reason instead.
 */
export function walkFiles(start: string, opts: WalkOptions): WalkResult {
  const result: WalkResult = { files: [], skipped: [], truncated: false };
  const visited = new Set<string>();
  const maxFiles = opts.maxFiles ?? Infinity;
  const walk = (dir: string, depth: number): void => {
    let real: string;
    let entries: fs.Dirent[];
    try {
      real = fs.realpathSync(dir);
      if (visited.has(real)) return; // a second way into a folder already walked (a link loop or a twin link)
      visited.add(real);
      entries = fs.readdirSync(dir, { withFileTypes: true });
    } catch (err) {
      result.skipped.push({ path: dir, reason: reasonOf(err) });
      return;
    }
    for (const e of entries) {
      if (result.files.length >= maxFiles) {
        result.truncated = true;
        return;
      }
      const abs = path.join(dir, e.name);
      let kind: 'file' | 'folder' | undefined = e.isFile() ? 'file' : e.isDirectory() ? 'folder' : undefined;
      if (e.isSymbolicLink()) {
        try {
          const st = fs.statSync(abs);
          kind = st.isFile() ? 'file' : st.isDirectory() ? 'folder' : undefined;
        } catch (err) {
          result.skipped.push({ path: abs, reason: `a symbolic link to ${linkTarget(abs)} that ${reasonOf(err)}` });
          continue;
        }
      }
      if (kind === 'folder') {
        if (depth < opts.maxDepth && (opts.enterFolder?.(e.name, abs) ?? true)) walk(abs, depth + 1);
      } else if (kind === 'file' && (opts.acceptFile?.(e.name, abs) ?? true)) result.files.push(abs);
    }
  };
  const st = fs.statSync(start);
  if (st.isDirectory()) walk(start, 0);
  else if (st.isFile()) result.files.push(start);
  return result;
}

function linkTarget(abs: string): string {
  try {
    return fs.readlinkSync(abs);
  } catch {
    return '?';
  }
}

function reasonOf(err: unknown): string {
  switch ((err as NodeJS.ErrnoException).code) {
    case 'ENOENT':
      return 'does not exist';
    case 'ELOOP':
      return 'loops';
    default:
      return `cannot be read: ${errorText(err, 'code')}`;
  }
}
