// Following a Flujo PostgreSQL state database live. Flujo sends no NOTIFY (flujo/state/backends/postgres.py
// has no LISTEN/NOTIFY; it sets updated_at on every save), so the follower polls flujoPostgresChangeMark and
// asks for a re-read only when the mark moves. Bounded: one poll at a time (a slow server never stacks
// connections), a short connect and statement timeout per poll, an interval with a floor, and on errors an
// exponential back-off up to a ceiling; `stop()` ends it for good. Whether to follow at all (Workspace Trust,
// the user's own import) is the caller's decision: this file only polls what it is given.
import { FlujoPostgresOptions, flujoPostgresChangeMark } from './postgres';

export interface FlujoPostgresFollowOptions {
  /** Between polls while all is well (default 15 s; at least 50 ms). */
  intervalMs?: number;
  /** The back-off ceiling after failed polls (default 5 min). */
  maxIntervalMs?: number;
  /** Connection options of each poll; the timeouts default to 5 s (not the import's 30 s). */
  connection?: FlujoPostgresOptions;
  /** The mark reader (tests may count calls); default flujoPostgresChangeMark. */
  readMark?: (uri: string, options: FlujoPostgresOptions) => Promise<string>;
  /** Called when the mark moved since the last poll (not for the first mark). A re-read happens here. */
  onChange: (mark: string) => Promise<void> | void;
  /** Called once per failed poll with its message (no password: the driver's errors are redacted by the reader). */
  onError?: (message: string) => void;
  /** Asked before each poll: false stops following (e.g. the workspace is no longer trusted). */
  allowed?: () => boolean;
}

export type FollowState = 'idle' | 'polling' | 'stopped';

export class FlujoPostgresFollower {
  private timer: ReturnType<typeof setTimeout> | undefined;
  private mark: string | undefined;
  private failures = 0;
  private stateNow: FollowState = 'idle';
  private readonly interval: number;
  private readonly ceiling: number;
  private readonly connection: FlujoPostgresOptions;

  constructor(
    readonly uri: string,
    private readonly options: FlujoPostgresFollowOptions,
  ) {
    this.interval = Math.max(50, options.intervalMs ?? 15_000);
    this.ceiling = Math.max(this.interval, options.maxIntervalMs ?? 300_000);
    this.connection = { statementTimeoutMs: 5_000, connectTimeoutMs: 5_000, ...options.connection };
  }

  get state(): FollowState {
    return this.stateNow;
  }

  /** The wait before the next poll: the interval, doubled per consecutive failure up to the ceiling. */
  get nextDelayMs(): number {
    return Math.min(this.ceiling, this.interval * 2 ** Math.min(this.failures, 30));
  }

  /** Starts polling; `knownMark` is the mark of what the caller already read (its import). */
  start(knownMark?: string): void {
    if (this.stateNow === 'stopped') return;
    this.mark = knownMark ?? this.mark;
    if (this.mark === undefined) void this.poll().then(() => this.schedule());
    else this.schedule();
  }

  stop(): void {
    this.stateNow = 'stopped';
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }

  /** One poll now (none while another runs or after stop): 'changed', 'same', 'error' or 'skipped'. */
  async poll(): Promise<'changed' | 'same' | 'error' | 'skipped'> {
    if (this.stateNow !== 'idle') return 'skipped';
    if (this.options.allowed && !this.options.allowed()) {
      this.stop();
      return 'skipped';
    }
    this.stateNow = 'polling';
    try {
      const mark = await (this.options.readMark ?? flujoPostgresChangeMark)(this.uri, this.connection);
      this.failures = 0;
      const before = this.mark;
      this.mark = mark;
      if (before === undefined || before === mark) return 'same';
      if (this.stateNow === 'polling') await this.options.onChange(mark);
      return 'changed';
    } catch (err) {
      this.failures++;
      this.options.onError?.(err instanceof Error ? err.message : String(err));
      return 'error';
    } finally {
      if (this.stateNow === 'polling') this.stateNow = 'idle';
    }
  }

  private schedule(): void {
    if (this.stateNow === 'stopped') return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.poll().then(() => this.schedule());
    }, this.nextDelayMs);
    // A follower never keeps the process (the CLI, a test) alive on its own.
    this.timer.unref?.();
  }
}
