// VS Code for the Web (issue 27): the example workspace with the extension loaded only as a web extension
// (test/web/webExtension.mjs: no `main`, so it can run nowhere but the browser's web-worker extension host).
// A user opens a prompt file: the CodeLens, the status bar and the hover are there, in dark and light.
import { assert, clearNotifications, hoverUntilShown, loadScaled, openFile, setTheme, settled } from './workbench.mjs';

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
];
