// One way to own and release disposables (after markdown-language-features' util/dispose.ts): a class
// extends `Disposable` and `_register`s what it owns; `disposeAll` releases a list, disposing every
// item even when one throws, then rethrows what was thrown.
import type * as vscode from 'vscode';

/** Disposes every item, even after one throws; then rethrows (one error as is, several as an AggregateError). */
export function disposeAll(disposables: Iterable<vscode.Disposable>): void {
  const errors: unknown[] = [];
  for (const d of disposables) {
    try {
      d.dispose();
    } catch (err) {
      errors.push(err);
    }
  }
  if (errors.length === 1) throw errors[0];
  if (errors.length > 1) throw new AggregateError(errors, 'several disposables failed to dispose');
}

export abstract class Disposable implements vscode.Disposable {
  private disposed = false;
  private readonly owned: vscode.Disposable[] = [];

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    disposeAll(this.owned.splice(0));
  }

  protected get isDisposed(): boolean {
    return this.disposed;
  }

  /** Owns `value`: it is disposed with this object (at once, if this object is already disposed). */
  protected _register<T extends vscode.Disposable>(value: T): T {
    if (this.disposed) value.dispose();
    else this.owned.push(value);
    return value;
  }
}
