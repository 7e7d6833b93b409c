// The e2e scenarios, in order. Each asserts on what is rendered and saves a screenshot.
import { assert, clearNotifications, editorText, openFile, setTheme } from './workbench.mjs';

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
];
