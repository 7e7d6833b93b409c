// `prompt-cost lint [FILE|DIR] [--json]`: flujo.toml diagnostics; exit 1 if any error.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { CliIO, EXIT_FINDINGS, EXIT_OK, UsageError, printJson } from './io';
import { parseArgs, readTomlInput } from './args';
import { FlujoDiagnostic, ModelUsage, analyzeFlujoToml } from '../core/flujo/analyze';
import { findFlujoConfig } from '../core/flujo/config';
import { scanModelUsages, summarizeUsages } from '../core/flujo/usage';
import { readRegularFileSync } from '../core/files';
import { pushAll } from '../core/arrays';
import { walkFiles } from '../core/walk';
import { errorText } from '../core/errors';
import { SCAN_POLICY, isModelUsageFile, isSkippedFolder } from '../core/prompt/codeLanguages';

/**
 * `provider:model` strings in code and YAML files under `root` (the shared SCAN_POLICY: 5,000 files of 5 MB at most),
 * leaving out sub-folders with their own flujo.toml: their code belongs to that one (owningConfigDir).
 */
export function collectWorkspaceUsages(
  root: string,
  limits = { files: SCAN_POLICY.maxFiles, bytes: SCAN_POLICY.maxFileBytes },
): ModelUsage[] {
  const out: ModelUsage[] = [];
  let walked;
  try {
    walked = walkFiles(root, {
      maxDepth: SCAN_POLICY.maxDepth,
      maxFiles: limits.files,
      enterFolder: (name, abs) => !isSkippedFolder(name) && !isFile(path.join(abs, 'flujo.toml')),
      acceptFile: (name) => isModelUsageFile(name),
    });
  } catch {
    return out; // the folder went away
  }
  for (const p of walked.files) {
    try {
      // one file at a time, and only a few locations per model kept: memory stays bounded by the file cap
      const text = readRegularFileSync(p, limits.bytes).toString('utf8');
      pushAll(out, summarizeUsages(scanModelUsages(text), path.relative(root, p)));
    } catch {
      // unreadable, oversized or not a regular file: skip
    }
  }
  return out;
}

function isFile(p: string): boolean {
  try {
    return fs.statSync(p).isFile();
  } catch {
    return false;
  }
}

export function diagnosticToJson(d: FlujoDiagnostic) {
  return {
    severity: d.severity,
    code: d.code,
    message: d.message,
    line: d.range.start.line + 1,
    column: d.range.start.character + 1,
    endLine: d.range.end.line + 1,
    endColumn: d.range.end.character + 1,
  };
}

export async function runLint(argv: string[], io: CliIO): Promise<number> {
  const { positional, flags } = parseArgs(argv, { valued: [], booleans: ['json'] });
  if (positional.length > 1) throw new UsageError('expected at most one FILE or DIR');
  let file: string;
  if (positional.length === 1) {
    const target = path.resolve(io.cwd, positional[0]);
    let stat: fs.Stats;
    try {
      stat = fs.statSync(target);
    } catch (err) {
      throw new UsageError(`cannot read ${positional[0]}: ${errorText(err, 'code')}`);
    }
    if (stat.isDirectory()) {
      const loc = findFlujoConfig({ startDir: target });
      if (!loc) throw new UsageError(`no flujo.toml in ${positional[0]} or its parents`);
      file = loc.path;
    } else file = target;
  } else {
    const loc = findFlujoConfig({ env: io.env, startDir: io.cwd });
    if (!loc) throw new UsageError('no flujo.toml found (looked at FLUJO_CONFIG_PATH, then the current folder and its parents)');
    file = loc.path;
  }
  const { text, encodingError } = readTomlInput(file, path.relative(io.cwd, file) || file);
  const usedModels = collectWorkspaceUsages(path.dirname(file));
  const analysis = analyzeFlujoToml(text, { usedModels, path: file, encodingError });
  const diagnostics = analysis.diagnostics;
  const shown = path.relative(io.cwd, file) || file;
  if (flags.has('json')) {
    printJson(io, { file: shown, diagnostics: diagnostics.map(diagnosticToJson) });
  } else if (diagnostics.length === 0) {
    io.stdout(`${shown}: no problems\n`);
  } else {
    for (const d of diagnostics) {
      io.stdout(`${shown}:${d.range.start.line + 1}:${d.range.start.character + 1}: ${d.severity} ${d.code}: ${d.message}\n`);
    }
    const count = (s: string) => diagnostics.filter((d) => d.severity === s).length;
    io.stdout(`${count('error')} error(s), ${count('warning')} warning(s), ${count('info')} info\n`);
  }
  return diagnostics.some((d) => d.severity === 'error') ? EXIT_FINDINGS : EXIT_OK;
}
