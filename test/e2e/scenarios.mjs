// The e2e scenarios, in order. Each asserts on what is rendered and saves a screenshot.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { assert, clearNotifications, editorText, openFile, runCommand, setTheme } from './workbench.mjs';

export const scenarios = [
  {
    name: 'workbench-prompt-file',
    async run({ page, shot }) {
      await setTheme(page, 'Dark Modern');
      await clearNotifications(page);
      await openFile(page, 'prompts/support-triage.prompt.md');
      const text = await editorText(page);
      assert(text.includes('support triage assistant'), 'the prompt file is shown in the editor');
      await page.waitForTimeout(800);
      await shot('workbench-prompt-file');
    },
  },
  {
    name: 'codelens-and-hover',
    async run({ page, shot }) {
      await openFile(page, 'prompts/support-triage.prompt.md');
      const lens = page.locator('.editor-group-container.active .codelens-decoration').first();
      await lens.waitFor({ timeout: 20_000 });
      const lensText = (await lens.innerText()).replace(/\u00a0/g, ' ');
      assert(/[\d,]+ tokens/.test(lensText) && lensText.includes('gpt-4o-mini $'), `CodeLens shows tokens and cost: ${lensText}`);
      const status = page.locator('.statusbar-item', { hasText: 'tok ·' }).first();
      await status.waitFor({ timeout: 10_000 });
      // Hover the system message body.
      const line = page.locator('.editor-group-container.active .view-line', { hasText: 'support triage assistant' }).first();
      await line.hover({ position: { x: 60, y: 8 } });
      const hover = page.locator('.monaco-hover', { hasText: 'Prompt Cost' }).first();
      await hover.waitFor({ state: 'visible', timeout: 10_000 });
      const hoverText = await hover.innerText();
      assert(hoverText.includes('gpt-4o-mini') && hoverText.includes('Monthly'), `hover shows the per-model table: ${hoverText.slice(0, 200)}`);
      await page.waitForTimeout(300);
      await shot('codelens-hover');
      await page.mouse.move(5, 5);
    },
  },
  {
    name: 'flujo-toml-problems',
    async run({ page, shot, workspace }) {
      const dir = path.join(workspace, 'staging');
      fs.mkdirSync(dir, { recursive: true });
      fs.writeFileSync(
        path.join(dir, 'flujo.toml'),
        '[cost]\nstrict = true\n\n[cost.providers.openai.gpt-3.5-turbo]\nprompt_tokens_per_1k = 0.0005\ncompletion_tokens_per_1k = 0.0015\n\n[cost.providers.openai."gpt-4o"]\nprompt_tokens_per_1k = 2.5\ncompletion_tokens_per_1k = 0.01\n\n[cost.providers.openai."gpt-4o-mini"]\nprompt_token_per_1k = 0.00015\ncompletion_tokens_per_1k = 0.0006\n\n[budgets.default]\ntotal_cost_usd_limit = -1\n',
      );
      await openFile(page, 'staging/flujo.toml');
      const squiggle = page.locator('.editor-group-container.active .squiggly-error').first();
      await squiggle.waitFor({ timeout: 20_000 });
      await runCommand(page, 'View: Focus Problems');
      const problems = page.locator('.markers-panel .monaco-list-row', { hasText: 'gpt-3.5-turbo' }).first();
      await problems.waitFor({ timeout: 10_000 });
      const panelText = await page.locator('.markers-panel').innerText();
      assert(panelText.includes('prompt_tokens_per_1k'), 'the typo is reported with its suggestion');
      await page.locator('.editor-group-container.active .view-line', { hasText: 'gpt-3.5-turbo' }).first().hover({ position: { x: 200, y: 8 } });
      await page.locator('.monaco-hover', { hasText: 'dotted' }).first().waitFor({ state: 'visible', timeout: 10_000 }).catch(() => {});
      await page.waitForTimeout(300);
      await shot('flujo-toml-problems');
      await page.mouse.move(5, 5);
      await page.keyboard.press('Control+J'); // hide the panel again
    },
  },
];
