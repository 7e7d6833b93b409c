// The one debouncer: runs a callback once calls pause. Keys keep independent timers (one per
// document, say); without a key there is one timer. Disposing cancels everything pending.
import type * as vscode from 'vscode';

export class Debouncer implements vscode.Disposable {
  private readonly timers = new Map<string, NodeJS.Timeout>();

  constructor(private readonly delayMs: number) {}

  /** Runs `fn` once `delayMs` (default: the constructor's) passed without another call for the same key. */
  schedule(fn: () => void, { key = '', delayMs = this.delayMs }: { key?: string; delayMs?: number } = {}): void {
    clearTimeout(this.timers.get(key));
    this.timers.set(
      key,
      setTimeout(() => {
        this.timers.delete(key);
        fn();
      }, delayMs),
    );
  }

  cancel(key = ''): void {
    clearTimeout(this.timers.get(key));
    this.timers.delete(key);
  }

  dispose(): void {
    for (const t of this.timers.values()) clearTimeout(t);
    this.timers.clear();
  }
}
