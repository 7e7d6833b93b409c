// Completion and hover inside flujo.toml: sections, keys with their docs, model ids from the catalog.
import * as vscode from 'vscode';
import type { Services } from '../services';
import { FLUJO_SELECTOR } from './selector';
import { toRange } from '../vscodeConvert';

const KIND: Record<string, vscode.CompletionItemKind> = {
  section: vscode.CompletionItemKind.Module,
  key: vscode.CompletionItemKind.Property,
  provider: vscode.CompletionItemKind.Folder,
  model: vscode.CompletionItemKind.Value,
  value: vscode.CompletionItemKind.Constant,
};

export function registerFlujoLanguage(services: Services): vscode.Disposable {
  const completion: vscode.CompletionItemProvider = {
    async provideCompletionItems(document, position) {
      const { completeFlujoToml } = await import('../../core/flujo');
      const reference = await services.pricing.referenceCatalog();
      return completeFlujoToml(document.getText(), position, { reference }).map((c) => {
        const item = new vscode.CompletionItem(c.label, KIND[c.kind] ?? vscode.CompletionItemKind.Text);
        item.insertText = c.insertText;
        item.range = toRange(c.range);
        item.detail = c.detail;
        if (c.documentation) item.documentation = new vscode.MarkdownString(c.documentation);
        item.sortText = c.sortText;
        return item;
      });
    },
  };
  const hover: vscode.HoverProvider = {
    async provideHover(document, position) {
      const { hoverFlujoToml } = await import('../../core/flujo');
      const reference = await services.pricing.referenceCatalog();
      const info = hoverFlujoToml(document.getText(), position, { reference });
      return info ? new vscode.Hover(new vscode.MarkdownString(info.markdown), toRange(info.range)) : undefined;
    },
  };
  return vscode.Disposable.from(
    vscode.languages.registerCompletionItemProvider(FLUJO_SELECTOR, completion, '[', '.', '"', ':'),
    vscode.languages.registerHoverProvider(FLUJO_SELECTOR, hover),
  );
}
