// Entry point loaded by VS Code's test runner (the offline host harness or @vscode/test-electron):
// runs every *.test.js beside it with mocha and writes a results file the harness prints.
import * as fs from 'node:fs';
import * as path from 'node:path';
import Mocha from 'mocha';
import * as vscode from 'vscode';
import { scaled } from './helpers';

interface TestResult {
  title: string;
  state: 'passed' | 'failed' | 'skipped';
  duration?: number;
  error?: string;
}

export async function run(): Promise<void> {
  // A test's time budget stretches with the machine's load, as every wait in the suites does (helpers.scaled).
  const mocha = new Mocha({ ui: 'bdd', timeout: scaled(60_000), color: false });
  const grep = process.env.PCL_HOST_GREP;
  if (grep) mocha.grep(grep);
  for (const file of fs
    .readdirSync(__dirname)
    .filter((f) => f.endsWith('.test.js'))
    .sort()) {
    mocha.addFile(path.join(__dirname, file));
  }
  const tests: TestResult[] = [];
  const failures = await new Promise<number>((resolve, reject) => {
    try {
      const runner = mocha.run(resolve);
      runner.on('pass', (t) => tests.push({ title: t.fullTitle(), state: 'passed', duration: t.duration }));
      // A pending test (a suite that cannot run here, e.g. no PostgreSQL) says why in its title.
      runner.on('pending', (t) => tests.push({ title: t.fullTitle(), state: 'skipped' }));
      runner.on('fail', (t, err: Error) => tests.push({ title: t.fullTitle(), state: 'failed', error: err.stack ?? String(err) }));
    } catch (err) {
      reject(err);
    }
  });
  fs.writeFileSync(path.join(__dirname, 'host-results.json'), JSON.stringify({ vscodeVersion: vscode.version, tests }, null, 2));
  if (failures > 0) throw new Error(`${failures} VS Code host test(s) failed`);
}
