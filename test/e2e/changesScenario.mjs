// e2e: the cost of a change as a person sees it — the workspace becomes a git repository, a prompt is
// edited past its front matter budget: the "+N tokens · +$X/month vs HEAD" lens, the budget squiggle
// and the Changed Prompts view. Runs last in its session and restores the workspace afterwards.
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { assert, loadScaled, openFile, runCommand, settled } from './workbench.mjs';

const PROMPT = 'prompts/support-triage.prompt.md';

export const changeScenarios = [
  {
    name: 'change-vs-head-lens-view-budget',
    async run({ page, shot, workspace }) {
      const git = (...args) => execFileSync('git', args, { cwd: workspace, encoding: 'utf8' });
      const file = path.join(workspace, PROMPT);
      const original = fs.readFileSync(file, 'utf8');
      try {
        git('init', '-q', '-b', 'main');
        git('config', 'user.email', 'e2e@example.invalid');
        git('config', 'user.name', 'e2e');
        git('add', '-A');
        git('commit', '-q', '-m', 'base');
        fs.writeFileSync(
          file,
          original
            .replace('max_tokens: 300\n', 'max_tokens: 300\nbudget:\n  max_input_tokens: 120\n')
            .replace(
              'Never invent account details.',
              "Never invent account details. Quote the customer's own words and apologise when they are upset.",
            ),
        );
        await runCommand(page, 'View: Close All Editors');
        await openFile(page, PROMPT);
        const lens = page.locator('.editor-group-container.active .codelens-decoration', { hasText: 'vs HEAD' }).first();
        await lens.waitFor({ timeout: loadScaled(45_000) });
        const text = (await lens.innerText()).replace(/\u00a0/g, ' ');
        assert(/\+\d+ tokens · \+\$[\d.]+\/month vs HEAD/.test(text), `the Δ lens: ${text}`);
        await page
          .locator('.editor-group-container.active .squiggly-error')
          .first()
          .waitFor({ timeout: loadScaled(20_000) });
        await runCommand(page, 'Focus on Changed Prompts View');
        const pane = page.locator('.pane', { has: page.locator('.pane-header', { hasText: 'Changed Prompts' }) });
        const row = pane.locator('.monaco-list-row', { hasText: 'support-triage.prompt.md' }).first();
        await row.waitFor({ timeout: loadScaled(30_000) });
        const rowText = (await row.innerText()).replace(/\u00a0/g, ' ');
        assert(/\+\d+ tokens · \+\$[\d.]+\/month · modified/.test(rowText), `the view row: ${rowText}`);
        // Hover the squiggle on the `budget:` key: the diagnostic names both numbers.
        const budgetKey = page.locator('.editor-group-container.active .view-line', { hasText: /^budget:$/ }).first();
        await budgetKey.hover({ position: { x: 20, y: 8 } });
        const hover = page.locator('.monaco-hover', { hasText: 'exceed max_input_tokens 120' }).first();
        await hover.waitFor({ state: 'visible', timeout: loadScaled(10_000) });
        await settled(page);
        await shot('change-vs-head');
        await page.mouse.move(5, 5);
      } finally {
        fs.writeFileSync(file, original);
        fs.rmSync(path.join(workspace, '.git'), { recursive: true, force: true });
      }
    },
  },
];
