// ESLint rule `layers/imports`: the architecture as code. Every import in src/ (static, dynamic,
// `import('…').Type`, re-export, require) may only point to a layer its own layer is allowed to use:
//
//   core      → core (and npm/Node packages; never `vscode`)
//   cli       → cli, core
//   features  → features, core, protocol, vscode
//   extension → features, core, protocol, vscode (src/extension.ts, the composition root)
//   protocol  → protocol only (the webview's message types; runs in both Node and the browser)
//   webview   → webview, protocol (no packages, no Node, no vscode: it is a browser script)
import * as path from 'node:path';

const ALLOWED = {
  core: ['core'],
  cli: ['cli', 'core'],
  features: ['features', 'core', 'protocol', 'vscode'],
  extension: ['features', 'core', 'protocol', 'vscode'],
  protocol: ['protocol'],
  webview: ['webview', 'protocol'],
};
/**
 * Leaf modules every layer may import (the webview included): pure functions with no imports at all, so
 * sharing them pulls nothing else across a boundary. src/core/format.ts: how money and Δ are written;
 * src/core/compareColumns.ts: the order in which the comparison panel and `prompt-cost compare` hide columns.
 */
const SHARED_LEAVES = new Set(['core/format.ts', 'core/compareColumns.ts']);

/** Layers that may import npm packages and Node built-ins. */
const PACKAGES_ALLOWED = new Set(['core', 'cli', 'features', 'extension']);

/** The layer of a file under `src/` (undefined outside src/: tests, scripts and benches are not layered). */
export function layerOf(file, srcDir) {
  const rel = path.relative(srcDir, file).split(path.sep).join('/');
  if (rel.startsWith('..') || path.isAbsolute(rel)) return undefined;
  if (rel === 'extension.ts') return 'extension';
  const top = rel.split('/')[0];
  return top in ALLOWED ? top : 'src';
}

const rule = {
  meta: {
    type: 'problem',
    docs: { description: 'Keep the layers of src/ (core, cli, features, protocol, webview) importing only downward.' },
    schema: [],
    messages: {
      layer: "src/{{from}} must not import {{target}} ('{{source}}'): {{from}} may use {{allowed}}.",
    },
  },
  create(context) {
    const filename = context.filename ?? context.getFilename();
    const srcDir = path.join(context.cwd ?? context.getCwd(), 'src');
    const from = layerOf(filename, srcDir);
    if (!from || !(from in ALLOWED)) return {};
    const relFile = path.relative(srcDir, filename).split(path.sep).join('/');
    const isSharedLeaf = (source) =>
      source.startsWith('.') &&
      SHARED_LEAVES.has(
        path
          .relative(srcDir, path.resolve(path.dirname(filename), source))
          .split(path.sep)
          .join('/')
          .replace(/(\.ts)?$/, '.ts'),
      );
    const allowed = ALLOWED[from];
    const check = (node, source) => {
      if (typeof source !== 'string') return;
      if (SHARED_LEAVES.has(relFile)) {
        context.report({
          node,
          messageId: 'layer',
          data: { from: relFile, target: 'anything', source, allowed: 'nothing (a shared leaf)' },
        });
        return;
      }
      if (isSharedLeaf(source)) return;
      let target;
      if (source === 'vscode') target = 'vscode';
      else if (source.startsWith('.')) target = layerOf(path.resolve(path.dirname(filename), source), srcDir) ?? 'outside';
      else target = PACKAGES_ALLOWED.has(from) ? from : 'package';
      if (target === from || allowed.includes(target)) return;
      const what =
        target === 'vscode' ? 'vscode' : target === 'package' ? 'packages' : target === 'outside' ? 'files outside src/' : `src/${target}`;
      context.report({ node, messageId: 'layer', data: { from, target: what, source, allowed: allowed.join(', ') } });
    };
    const literal = (node) => (node && node.type === 'Literal' ? node.value : undefined);
    return {
      ImportDeclaration: (node) => check(node, node.source.value),
      ExportAllDeclaration: (node) => check(node, node.source.value),
      ExportNamedDeclaration: (node) => node.source && check(node, node.source.value),
      ImportExpression: (node) => check(node, literal(node.source)),
      TSImportType: (node) => check(node, literal(node.argument?.literal ?? node.argument)),
      TSExternalModuleReference: (node) => check(node, literal(node.expression)),
      CallExpression: (node) => {
        if (node.callee.type === 'Identifier' && node.callee.name === 'require') check(node, literal(node.arguments[0]));
      },
    };
  },
};

export default { rules: { imports: rule } };
