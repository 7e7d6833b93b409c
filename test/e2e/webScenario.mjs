// VS Code for the Web (issue 27): the example workspace with the extension loaded only as a web extension
// (test/web/webExtension.mjs: no `main`, so it can run nowhere but the browser's web-worker extension host).
// A user opens a prompt file: the CodeLens, the status bar and the hover are there, in dark and light.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { startFakeCountServer } from '../web/fakeCountServer.mjs';
import { assert, clearNotifications, hoverUntilShown, loadScaled, openFile, runCommand, setTheme, settled } from './workbench.mjs';

const TEST_KEY = 'sk-ant-e2e-test-0123456789';
let countServer;

export const webScenarios = [
  {
    name: 'web-lens-hover',
    async run({ page, shot }) {
      await setTheme(page, 'Dark Modern');
      await clearNotifications(page);
      await openFile(page, 'prompts/support-triage.prompt.md');
      const lens = page.locator('.editor-group-container.active .codelens-decoration', { hasText: 'tokens' }).first();
      await lens.waitFor({ timeout: loadScaled(60_000) });
      const lensText = (await page.locator('.editor-group-container.active .codelens-decoration').allInnerTexts())
        .join(' | ')
        .replace(/\u00a0/g, ' ');
      assert(
        /[\d,]+ tokens \+ 300 out/.test(lensText) && lensText.includes('gpt-4o-mini $'),
        `CodeLens shows tokens and cost: ${lensText}`,
      );
      // Running needs the ledger's locked writes: no ▶ Run lens in the browser (docs/user/browser.md).
      assert(!lensText.includes('▶ Run'), `no Run lens in the browser: ${lensText}`);
      await page
        .locator('.statusbar-item', { hasText: 'tok ·' })
        .first()
        .waitFor({ timeout: loadScaled(20_000) });
      for (const theme of ['dark', 'light']) {
        if (theme === 'light') await setTheme(page, 'Light Modern');
        const line = page.locator('.editor-group-container.active .view-line', { hasText: 'support triage assistant' }).first();
        const hover = page.locator('.monaco-hover', { hasText: 'Prompt Cost' }).first();
        // moved onto again until it shows: a CodeLens that arrives late shifts the line from under the mouse
        await hoverUntilShown(page, line, hover, { position: { x: 60, y: 8 } });
        const hoverText = await hover.innerText();
        assert(
          hoverText.includes('gpt-4o-mini') && hoverText.includes('flujo.toml'),
          `hover shows the per-model table: ${hoverText.slice(0, 200)}`,
        );
        await settled(page);
        await shot(`web-lens-hover-${theme}`);
        await page.mouse.move(5, 5);
      }
      await setTheme(page, 'Dark Modern');
    },
  },
  {
    // Count Tokens with Provider… as a user runs it in the browser: the palette offers it, the model is picked, the
    // key is typed into the password box, the workspace's base URL (a loopback server answering as Anthropic's
    // count_tokens does, CORS included: test/web/fakeCountServer.mjs) is approved, and the exact count shows.
    name: 'web-provider-count',
    async prepare({ workspace }) {
      countServer = await startFakeCountServer({ apiKey: TEST_KEY });
      fs.mkdirSync(path.join(workspace, '.vscode'), { recursive: true });
      const settings = { 'promptCost.providers.anthropic.baseUrl': countServer.url };
      fs.writeFileSync(path.join(workspace, '.vscode', 'settings.json'), JSON.stringify(settings, null, 2));
    },
    async cleanup() {
      await countServer?.close();
    },
    async run({ page, shot }) {
      await setTheme(page, 'Dark Modern');
      await clearNotifications(page);
      await openFile(page, 'prompts/support-triage.prompt.md');
      await page
        .locator('.editor-group-container.active .codelens-decoration', { hasText: 'tokens' })
        .first()
        .waitFor({ timeout: loadScaled(60_000) });
      await runCommand(page, 'Prompt Cost: Count Tokens with Provider');
      const pick = page.locator('.quick-input-list .monaco-list-row', { hasText: 'anthropic:claude-sonnet-4-5' }).first();
      await pick.waitFor({ timeout: loadScaled(20_000) });
      await pick.click();
      const keyBox = page.locator('.quick-input-widget input[type="password"]');
      await keyBox.waitFor({ state: 'visible', timeout: loadScaled(20_000) });
      await keyBox.fill(TEST_KEY);
      await page.keyboard.press('Enter');
      // The base URL comes from the workspace's settings: the key goes there only with the user's consent (run/apiKeys.ts).
      const send = page.locator('.monaco-dialog-box .monaco-button', { hasText: 'Send Key' });
      await send.waitFor({ timeout: loadScaled(20_000) });
      await settled(page);
      await shot('web-provider-count-consent-dark');
      await send.click();
      const toast = page.locator('.notifications-toasts .notification-list-item-message', {
        hasText: 'input tokens for anthropic:claude-sonnet-4-5',
      });
      await toast.first().waitFor({ timeout: loadScaled(30_000) });
      const text = (await toast.first().innerText()).replace(/\u00a0/g, ' ');
      const answered = countServer.log.filter((e) => e.method === 'POST' && e.status === 200);
      assert(answered.length === 1, `one count request answered: ${JSON.stringify(countServer.log)}`);
      assert(
        answered[0].optIn === 'true' && answered[0].origin,
        `a browser request with the opt-in header: ${JSON.stringify(answered[0])}`,
      );
      assert(
        text.includes(
          `${answered[0].answer.toLocaleString('en-US')} input tokens for anthropic:claude-sonnet-4-5 — exact, Anthropic count_tokens API`,
        ),
        `the notification shows the server's count ${answered[0].answer}: ${text}`,
      );
      // The progress notification goes once the answer is in (VS Code may keep it a moment).
      await page
        .locator('.notifications-toasts .notification-list-item-message', { hasText: 'asking the Anthropic' })
        .waitFor({ state: 'detached', timeout: loadScaled(20_000) });
      await settled(page);
      await shot('web-provider-count-dark');
      await clearNotifications(page);
    },
  },
];
