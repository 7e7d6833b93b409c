import type * as vscode from 'vscode';

/** flujo.toml whatever language it opened as: TOML (Even Better TOML or ours) or Plain Text. */
export const FLUJO_SELECTOR: vscode.DocumentSelector = [{ pattern: '**/flujo.toml' }];
