// Which cached provider counts may be shown as exact. `.prompt-cost/provider-counts.json` sits in the
// workspace, so a cloned repository can commit one that claims any count ("1 token, exact" for a
// 5,000-token prompt, or pairs that calibrate every estimate to ×0.001). An entry is trusted only if it
// carries an HMAC-SHA256 made with this user's machine key, a random 256-bit key kept in the user's
// config folder (never in the workspace): only counts written on this machine by this user verify.
// Without the key (or with a damaged one) nothing verifies, and counts are asked for again.
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { O_NOFOLLOW } from '../safeWrite';

/** What the MAC covers: the cache key (a hash of provider, model and messages) and every field shown. */
export interface SignedFields {
  tokens: number;
  provider: string;
  model: string;
  source: string;
  at: string;
  estimate?: number;
}

const KEY_FILE = 'cache-key';
const KEY_HEX = /^[0-9a-f]{64}$/;

/**
 * The user's config folder for Prompt Cost Lens: `PROMPT_COST_CONFIG_DIR` if set, else the platform's
 * (`%APPDATA%\prompt-cost`, `~/Library/Application Support/prompt-cost`, `$XDG_CONFIG_HOME/prompt-cost`
 * or `~/.config/prompt-cost`).
 */
export function userConfigDir(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): string {
  if (env.PROMPT_COST_CONFIG_DIR) return path.resolve(env.PROMPT_COST_CONFIG_DIR);
  const home = env.HOME || os.homedir();
  if (platform === 'win32') return path.join(env.APPDATA || path.join(home, 'AppData', 'Roaming'), 'prompt-cost');
  if (platform === 'darwin') return path.join(home, 'Library', 'Application Support', 'prompt-cost');
  return path.join(
    env.XDG_CONFIG_HOME && path.isAbsolute(env.XDG_CONFIG_HOME) ? env.XDG_CONFIG_HOME : path.join(home, '.config'),
    'prompt-cost',
  );
}

/** Signs and verifies cache entries with the machine key of `configDir`. */
export class CountSigner {
  private key: Buffer | undefined | null = null; // null: not read yet

  constructor(readonly configDir: string = userConfigDir()) {}

  /** The MAC of an entry, creating the key on first use; undefined when no key can be made (read-only home). */
  sign(cacheKey: string, e: SignedFields): string | undefined {
    const key = this.readKey() ?? this.createKey();
    return key && mac(key, cacheKey, e);
  }

  /** True only for an entry signed with this machine's key. */
  verify(cacheKey: string, e: SignedFields & { mac?: unknown }): boolean {
    const key = this.readKey();
    if (!key || typeof e.mac !== 'string' || !KEY_HEX.test(e.mac)) return false;
    return timingSafeEqual(Buffer.from(mac(key, cacheKey, e), 'hex'), Buffer.from(e.mac, 'hex'));
  }

  private get file(): string {
    return path.join(this.configDir, KEY_FILE);
  }

  /** The key if the file is a regular file (not a link) holding 64 hex digits; else undefined. */
  private readKey(): Buffer | undefined {
    if (this.key !== null && this.key !== undefined) return this.key;
    let fd: number | undefined;
    try {
      fd = fs.openSync(this.file, fs.constants.O_RDONLY | O_NOFOLLOW | (fs.constants.O_NONBLOCK ?? 0));
      const st = fs.fstatSync(fd);
      if (!st.isFile() || st.size > 128) return (this.key = undefined);
      const text = fs.readFileSync(fd, 'utf8').trim();
      this.key = KEY_HEX.test(text) ? Buffer.from(text, 'hex') : undefined;
    } catch {
      this.key = undefined;
    } finally {
      if (fd !== undefined) fs.closeSync(fd);
    }
    return this.key;
  }

  /** A new random key, created exclusively (mode 0600 in a 0700 folder); a racing creator's key wins. */
  private createKey(): Buffer | undefined {
    try {
      fs.mkdirSync(this.configDir, { recursive: true, mode: 0o700 });
      const fd = fs.openSync(this.file, fs.constants.O_WRONLY | fs.constants.O_CREAT | fs.constants.O_EXCL | O_NOFOLLOW, 0o600);
      try {
        fs.writeSync(fd, randomBytes(32).toString('hex') + '\n');
        fs.fsyncSync(fd);
      } finally {
        fs.closeSync(fd);
      }
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') return undefined;
    }
    this.key = null;
    return this.readKey();
  }
}

function mac(key: Buffer, cacheKey: string, e: SignedFields): string {
  const fields = [cacheKey, e.tokens, e.provider, e.model, e.source, e.at, e.estimate ?? null];
  return createHmac('sha256', key).update(JSON.stringify(fields)).digest('hex');
}
