// The e2e scenarios, in order. Each asserts on what is rendered and saves a screenshot.
import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  assert,
  clearNotifications,
  editorText,
  hoverUntilShown,
  loadScaled,
  openFile,
  runCommand,
  setTheme,
  settled,
} from './workbench.mjs';
import { changeScenarios } from './changesScenario.mjs';

export const scenarios = [
  {
    name: 'workbench-prompt-file',
    async run({ page, shot }) {
      await setTheme(page, 'Dark Modern');
      await clearNotifications(page);
      await openFile(page, 'prompts/support-triage.prompt.md');
      // The tab is active before Monaco has rendered the lines: wait for the text, then read it.
      await page
        .locator('.editor-group-container.active .view-line', { hasText: 'support triage assistant' })
        .first()
        .waitFor({ timeout: loadScaled(10_000) });
      const text = await editorText(page);
      assert(text.includes('support triage assistant'), 'the prompt file is shown in the editor');
      // The screenshot shows the estimates: wait for the CodeLens and the status bar item.
      await page
        .locator('.editor-group-container.active .codelens-decoration')
        .first()
        .waitFor({ timeout: loadScaled(20_000) });
      await page
        .locator('.statusbar-item', { hasText: 'tok ·' })
        .first()
        .waitFor({ timeout: loadScaled(10_000) });
      await settled(page);
      await shot('workbench-prompt-file');
    },
  },
  {
    name: 'codelens-and-hover',
    async run({ page, shot }) {
      await openFile(page, 'prompts/support-triage.prompt.md');
      const lens = page.locator('.editor-group-container.active .codelens-decoration').first();
      await lens.waitFor({ timeout: loadScaled(20_000) });
      const lensText = (await lens.innerText()).replace(/\u00a0/g, ' ');
      assert(/[\d,]+ tokens/.test(lensText) && lensText.includes('gpt-4o-mini $'), `CodeLens shows tokens and cost: ${lensText}`);
      // Trusted: the ▶ Run lens and the editor-title Run button are there (the restricted session checks their absence).
      assert(
        lensText.includes('Run') ||
          (await page.locator('.editor-group-container.active .codelens-decoration', { hasText: 'Run' }).count()) > 0,
        'a ▶ Run lens',
      );
      const runButton = page.locator('.editor-group-container.active .editor-actions [aria-label^="Run Prompt"]');
      assert((await runButton.count()) === 1, 'a Run Prompt button in the editor title');
      const status = page.locator('.statusbar-item', { hasText: 'tok ·' }).first();
      await status.waitFor({ timeout: loadScaled(10_000) });
      // Hover the system message body.
      const line = page.locator('.editor-group-container.active .view-line', { hasText: 'support triage assistant' }).first();
      const hover = page.locator('.monaco-hover', { hasText: 'Prompt Cost' }).first();
      await hoverUntilShown(page, line, hover, { position: { x: 60, y: 8 } });
      const hoverText = await hover.innerText();
      assert(
        hoverText.includes('gpt-4o-mini') && hoverText.includes('Monthly'),
        `hover shows the per-model table: ${hoverText.slice(0, 200)}`,
      );
      await settled(page);
      await shot('codelens-hover');
      await page.mouse.move(5, 5);
    },
  },
  {
    // Issue 21: examples/.prompt-cost/runs.jsonl has six gpt-4o-mini runs of this prompt (scripts/example-data.mjs),
    // so the lens and the hover show the output learned from them instead of the file's max_tokens (300).
    name: 'learned-output',
    async run({ page, shot }) {
      await openFile(page, 'prompts/support-triage.prompt.md');
      // The learning worker answers after the first estimate: wait for the lens that says so.
      const lens = page.locator('.editor-group-container.active .codelens-decoration', { hasText: 'runs)' }).first();
      await lens.waitFor({ timeout: loadScaled(30_000) });
      const lensText = (await lens.innerText()).replace(/\u00a0/g, ' ');
      assert(/\+ 88 out \(p50, 6 runs\)/.test(lensText), `the lens shows the learned output: ${lensText}`);
      const status = await page.locator('.statusbar-item', { hasText: 'tok ·' }).first().innerText();
      assert(status.includes('p50, 6 runs'), `the status bar says where the output comes from: ${status}`);
      const line = page.locator('.editor-group-container.active .view-line', { hasText: 'support triage assistant' }).first();
      const hover = page.locator('.monaco-hover', { hasText: 'Learned from' }).first();
      await hoverUntilShown(page, line, hover, { position: { x: 60, y: 8 } });
      const hoverText = await hover.innerText();
      assert(
        /Typical \(p50\)[\s\S]*Budget \(p90\)/.test(hoverText) && hoverText.includes('131 tok'),
        `hover: p50 and p90 rows: ${hoverText.slice(0, 600)}`,
      );
      await settled(page);
      await shot('learned-output');
      await page.mouse.move(5, 5);
      // The Runs view summarises the walk-forward backtest (prompt-cost history accuracy).
      await runCommand(page, 'Prompt Cost: Focus on Runs View');
      const container = page.locator('[id="workbench.view.extension.promptCost"]');
      const accuracy = container.locator('.monaco-list-row', { hasText: /Output ±[\d.]+ %/ }).first(); // the accuracy row: its label is the error, its description the p90 coverage
      await accuracy.waitFor({ timeout: loadScaled(30_000) });
      const accuracyText = await accuracy.innerText();
      assert(/Output ±[\d.]+ %[\s\S]*p90 covers/.test(accuracyText), `the Runs view shows the accuracy: ${accuracyText}`);
      await settled(page);
      await shot('learned-output-runs');
    },
  },
  {
    name: 'flujo-toml-problems',
    async run({ page, shot }) {
      // The example with real mistakes (the clean examples/flujo.toml stays clean).
      await openFile(page, 'with-mistakes/flujo.toml');
      const squiggle = page.locator('.editor-group-container.active .squiggly-error').first();
      await squiggle.waitFor({ timeout: loadScaled(20_000) });
      await runCommand(page, 'View: Focus Problems');
      const problems = page.locator('.markers-panel .monaco-list-row', { hasText: 'gpt-3.5-turbo' }).first();
      await problems.waitFor({ timeout: loadScaled(10_000) });
      const panelText = await page.locator('.markers-panel').innerText();
      assert(panelText.includes('prompt_tokens_per_1k'), 'the typo is reported with its suggestion');
      await page
        .locator('.editor-group-container.active .view-line', { hasText: 'gpt-3.5-turbo' })
        .first()
        .hover({ position: { x: 200, y: 8 } });
      await page
        .locator('.monaco-hover', { hasText: 'dotted' })
        .first()
        .waitFor({ state: 'visible', timeout: loadScaled(10_000) })
        .catch(() => {});
      await settled(page);
      await shot('flujo-toml-problems');
      await page.mouse.move(5, 5);
      await page.keyboard.press('Control+J'); // hide the panel again
    },
  },
  {
    name: 'history-tree',
    async run({ page, shot }) {
      // The example workspace's own history: examples/.prompt-cost/runs.jsonl (runs from the editor) and the
      // Flujo state DB examples/.flujo/state.db (scripts/example-data.mjs), as a new user sees them.
      {
        await openFile(page, 'prompts/support-triage.prompt.md');
        await runCommand(page, 'Prompt Cost: Focus on Runs View');
        const tree = page
          .locator('.pane-body .monaco-list[aria-label*="Runs"], [id="workbench.view.extension.promptCost"] .monaco-list')
          .first();
        await tree
          .locator('.monaco-list-row', { hasText: 'support-triage' })
          .first()
          .waitFor({ timeout: loadScaled(20_000) });
        await tree
          .locator('.monaco-list-row', { hasText: 'support-email' })
          .first()
          .waitFor({ timeout: loadScaled(20_000) });
        // Expand the Flujo run to show its steps.
        await tree.locator('.monaco-list-row', { hasText: 'support-email' }).first().click();
        await page.keyboard.press('ArrowRight');
        await tree
          .locator('.monaco-list-row', { hasText: 'draft_reply' })
          .first()
          .waitFor({ timeout: loadScaled(10_000) });
        const text = await page.locator('[id="workbench.view.extension.promptCost"]').innerText();
        // 2026-11-27: two editor runs ($0.0000882) and the support-email Flujo run ($0.2752217), rounded like everywhere.
        assert(/2026-11-27/.test(text) && text.includes('$0.275'), `the day group shows the day's total: ${text.slice(0, 400)}`);
        assert(text.includes('nightly-report'), 'the Budgets view lists the [budgets] of flujo.toml');
        await clearNotifications(page);
        // Widen the side bar so descriptions are readable.
        const box = await page.locator('.part.sidebar').boundingBox();
        if (box) {
          await page.mouse.move(box.x + box.width + 1, box.y + 200);
          await page.mouse.down();
          await page.mouse.move(660, box.y + 200, { steps: 8 });
          await page.mouse.up();
        }
        await page.mouse.move(900, 600);
        await settled(page);
        await shot('history-tree');
      }
    },
  },
];

// ---- comparison panel (issue 7): reaches into the webview iframe, sorts, changes output tokens ----
{
  /** The comparison panel's document inside VS Code's two nested webview iframes. */
  const compareFrame = (page) => page.frameLocator('iframe.webview.ready').frameLocator('iframe#active-frame');
  const rowIds = (frame) => frame.locator('#compare-table tbody tr').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-id')));
  const cellTexts = (frame, key) =>
    frame.locator('#compare-table').evaluate((table, key) => {
      const col = [...table.querySelectorAll('thead th')].findIndex((th) => th.querySelector(`button[data-key="${key}"]`));
      return [...table.querySelectorAll('tbody tr')].map((tr) => tr.children[col].textContent);
    }, key);
  const waitUntil = async (page, what, probe, timeoutMs = 10_000) => {
    const deadline = Date.now() + loadScaled(timeoutMs);
    for (;;) {
      if (await probe().catch(() => false)) return;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await page.waitForTimeout(100);
    }
  };

  scenarios.push(
    {
      name: 'compare-panel-sort-and-output-tokens',
      async run({ page, shot }) {
        const { runCommand } = await import('./workbench.mjs');
        await setTheme(page, 'Dark Modern');
        await clearNotifications(page);
        await openFile(page, 'prompts/support-triage.prompt.md');
        await runCommand(page, 'Prompt Cost: Compare Models for This Prompt');
        const frame = compareFrame(page);
        await frame
          .locator('#compare-table tbody tr')
          .nth(1)
          .waitFor({ timeout: loadScaled(20_000) });
        const tab = page.locator('.tabs-container .tab[aria-label^="Compare: support-triage.prompt.md"]');
        // The title follows the first update: wait for it rather than sampling once.
        const tabShown = await tab
          .first()
          .waitFor({ timeout: loadScaled(15_000) })
          .then(
            () => true,
            () => false,
          );
        assert(tabShown, 'a "Compare: support-triage.prompt.md" editor tab');

        // Configured order first: the prompt's own model leads.
        const initial = await rowIds(frame);
        assert(initial[0] === 'openai:gpt-4o-mini', `the prompt's model first: ${initial.join(', ')}`);
        assert(initial.length >= 3, `at least three models: ${initial.join(', ')}`);

        // Sort by total (click), then descending (click again): the order follows the exact totals.
        const totalHeader = frame.locator('th:has(button[data-key="totalUsd"])');
        assert((await totalHeader.getAttribute('aria-sort')) === 'none', 'unsorted at first');
        await frame.locator('button.sort[data-key="totalUsd"]').click();
        await waitUntil(page, 'aria-sort ascending', async () => (await totalHeader.getAttribute('aria-sort')) === 'ascending');
        const asc = await rowIds(frame);
        const ascTotals = (await cellTexts(frame, 'totalUsd')).map((t) => Number(t.replace(/[^\d.]/g, '')));
        assert(
          ascTotals.every((v, i) => i === 0 || ascTotals[i - 1] <= v),
          `ascending totals: ${ascTotals.join(', ')}`,
        );
        await frame.locator('button.sort[data-key="totalUsd"]').click();
        await waitUntil(page, 'aria-sort descending', async () => (await totalHeader.getAttribute('aria-sort')) === 'descending');
        const desc = await rowIds(frame);
        assert(desc.join() !== asc.join(), 'sorting descending changed the order');
        assert(desc[0] === asc[asc.length - 1], `most expensive first: ${desc.join(', ')}`);
        // The cheapest row is marked, in text too (not colour only).
        const cheapest = frame.locator('#compare-table tbody tr.cheapest');
        assert(
          (await cheapest.count()) >= 1 && (await cheapest.first().getAttribute('data-id')) === asc[0],
          'the cheapest row is highlighted',
        );
        assert((await cheapest.first().innerText()).includes('cheapest'), 'the cheapest row says so');

        // Keyboard: focus a header button and press Enter.
        await frame.locator('button.sort[data-key="model"]').focus();
        await page.keyboard.press('Enter');
        await waitUntil(
          page,
          'keyboard sort',
          async () => (await frame.locator('th:has(button[data-key="model"])').getAttribute('aria-sort')) === 'ascending',
        );

        // Output tokens: type a new value, the output and total columns change.
        await frame.locator('button.sort[data-key="totalUsd"]').click();
        const outputBefore = await cellTexts(frame, 'outputUsd');
        const totalBefore = await cellTexts(frame, 'totalUsd');
        const input = frame.locator('#output-tokens');
        // The example's run history teaches support-triage's output length (learned output): the field shows
        // the learned number with its source; without history it is the prompt's max_tokens, 300.
        const shownOutput = await input.inputValue();
        const shownSource = await frame.locator('#output-tokens-source').innerText();
        assert(
          shownOutput === '300' || (/^\d+$/.test(shownOutput) && /learned/.test(shownSource)),
          `output tokens from the prompt (max_tokens: 300) or learned from runs: ${shownOutput} (${shownSource})`,
        );
        await input.fill('4000');
        await input.press('Enter');
        await waitUntil(page, 'the output column header to follow', async () =>
          (await frame.locator('button.sort[data-key="outputUsd"]').innerText()).includes('4,000'),
        );
        await waitUntil(page, 'new output costs', async () => (await cellTexts(frame, 'outputUsd')).join() !== outputBefore.join());
        const totalAfter = await cellTexts(frame, 'totalUsd');
        assert(totalAfter.join() !== totalBefore.join(), 'totals changed');
        assert((await frame.locator('#output-tokens-source').innerText()) === 'set here', 'the source says the panel overrides it');
        // The chart has one bar per model.
        assert((await frame.locator('.chart svg g.bar').count()) === (await rowIds(frame)).length, 'one bar per model');

        // Add a model through the searchable picker (a workbench quick pick), as a user does.
        await frame.locator('button', { hasText: 'Add model…' }).click();
        const pick = page.locator('.quick-input-widget input.input');
        await pick.waitFor({ state: 'visible', timeout: loadScaled(10_000) });
        await pick.fill('google:gemini-2.5-flash');
        await page
          .locator('.quick-input-list .monaco-list-row', { hasText: 'google:gemini-2.5-flash' })
          .first()
          .waitFor({ timeout: loadScaled(10_000) });
        await page.keyboard.press('Enter');
        const addedRow = frame.locator('#compare-table tbody tr[data-id="google:gemini-2.5-flash"]');
        await addedRow.waitFor({ timeout: loadScaled(10_000) });
        assert((await addedRow.innerText()).includes('added'), 'the added row is labelled');
        assert(/reference · \d{4}-\d{2}-\d{2}/.test(await addedRow.textContent()), 'a reference price shows its date'); // textContent: the column may be hidden to fit
        assert((await addedRow.locator('button[aria-label^="Remove"]').count()) === 1, 'an added row can be removed');

        // A bigger view for the screenshots: a wider window, no side bar, the panel's group maximised.
        // (Narrower panels scroll the table sideways with the model column pinned.)
        await page.setViewportSize({ width: 1680, height: 900 });
        await runCommand(page, 'View: Toggle Primary Side Bar Visibility');
        await runCommand(page, 'View: Toggle Maximize Editor Group');
        await page.mouse.move(1000, 760);
        await frame.locator('.table-wrap').evaluate((el) => (el.scrollLeft = 0));
        // The panel grows as the side bar closes and the group maximises: wait for the layout to get there.
        await waitUntil(page, 'the whole table to fit a 1680 px window', () =>
          frame.locator('.table-wrap').evaluate((el) => el.scrollWidth <= el.clientWidth),
        );
        await settled(page);
        await shot('compare-dark');
      },
    },
    {
      name: 'compare-panel-light-theme',
      async run({ page, shot }) {
        await setTheme(page, 'Light Modern');
        const frame = compareFrame(page);
        await frame
          .locator('#compare-table tbody tr')
          .first()
          .waitFor({ timeout: loadScaled(10_000) });
        await frame
          .locator('body.vscode-light')
          .waitFor({ timeout: loadScaled(10_000) })
          .catch(() => undefined); // asserted below
        const bodyClass = await frame.locator('body').getAttribute('class');
        assert(/vscode-light/.test(bodyClass ?? ''), `the webview follows the light theme: ${bodyClass}`);
        await settled(page);
        await shot('compare-light');
        await setTheme(page, 'Dark High Contrast');
        await frame.locator('body.vscode-high-contrast').waitFor({ timeout: loadScaled(10_000) });
        await settled(page);
        await shot('compare-high-contrast');
        await setTheme(page, 'Dark Modern');
        await page.setViewportSize({ width: 1400, height: 900 });
      },
    },
    {
      name: 'compare-panel-restores-after-reload',
      async run({ page }) {
        const { runCommand } = await import('./workbench.mjs');
        // The serializer brings the panel back with its state: added model, output tokens, sort.
        await runCommand(page, 'Developer: Reload Window');
        await page.waitForSelector('.monaco-workbench .part.editor', { timeout: loadScaled(60_000) });
        const frame = compareFrame(page);
        await frame.locator('#compare-table tbody tr[data-id="google:gemini-2.5-flash"]').waitFor({ timeout: loadScaled(60_000) });
        assert((await frame.locator('#output-tokens').inputValue()) === '4000', 'the output tokens set in the panel survive a reload');
        assert(
          (await frame.locator('th:has(button[data-key="totalUsd"])').getAttribute('aria-sort')) === 'ascending',
          'the sort survives a reload',
        );
        const tab = page.locator('.tabs-container .tab[aria-label^="Compare: support-triage.prompt.md"]');
        assert((await tab.count()) > 0, 'the restored panel still compares support-triage.prompt.md');
        // Reset: back to the default the editor uses, and remove the added model through its button. With the
        // example history that default is the output learned from the prompt's runs — README step 1: 88, the
        // p50 of its six runs (scripts/example-data.mjs) — not its max_tokens (300); after the reload the
        // learning worker may answer a little later.
        await frame.locator('#output-tokens ~ button.reset').click();
        await waitUntil(
          page,
          'output tokens back to the learned default (88, learned from runs)',
          async () =>
            (await frame.locator('#output-tokens').inputValue()) === '88' &&
            (await frame.locator('#output-tokens-source').innerText()) === 'learned from runs (per model)',
          30_000,
        );
        await frame.locator('tr[data-id="google:gemini-2.5-flash"] button[aria-label^="Remove"]').click();
        await waitUntil(
          page,
          'the added model to go',
          async () => (await frame.locator('tr[data-id="google:gemini-2.5-flash"]').count()) === 0,
        );
        await runCommand(page, 'View: Close All Editors');
        if (!(await page.locator('.part.sidebar').isVisible())) await runCommand(page, 'View: Toggle Primary Side Bar Visibility');
      },
    },
    {
      // Embedding models return no output tokens (OpenAI embeddings usage: prompt_tokens only, openai/openai-openapi
      // CreateEmbeddingResponse.usage; Voyage AI serves only embedding and reranking models, mongodb.com/docs/voyageai/models).
      name: 'compare-panel-embeddings-no-output',
      async run({ page, shot, workspace }) {
        // Written here, not in prepare(): other scenarios (the explorer in their screenshots, the git changes) see no trace.
        const promptFile = path.join(workspace, 'prompts', 'embed-compare.prompt.md');
        const body = 'Represent this release note for retrieval: exports to CSV now keep the sort order.';
        fs.writeFileSync(promptFile, `---\nmodel: openai:text-embedding-3-small\n---\n${body}\n`);
        const vscodeDir = path.join(workspace, '.vscode');
        const madeDir = !fs.existsSync(vscodeDir);
        fs.mkdirSync(vscodeDir, { recursive: true });
        const settingsFile = path.join(vscodeDir, 'settings.json');
        const settings = { 'promptCost.models': ['voyageai:voyage-3'] };
        fs.writeFileSync(settingsFile, JSON.stringify(settings));
        try {
          await setTheme(page, 'Dark Modern');
          await clearNotifications(page);
          await openFile(page, 'prompts/embed-compare.prompt.md');
          await runCommand(page, 'Prompt Cost: Compare Models for This Prompt');
          const frame = compareFrame(page);
          const field = frame.locator('#output-tokens');
          // Both embedding models compared (the prompt's and the configured one): the field is disabled and says why.
          for (let attempt = 1; ; attempt++) {
            const ready = await waitUntil(
              page,
              'the two embedding rows and a disabled output field',
              async () => (await rowIds(frame)).length === 2 && (await field.isDisabled()),
              20_000,
            ).then(
              () => true,
              () => false,
            );
            if (ready) break;
            if (attempt === 3) throw new Error(`the panel never compared only embedding models: ${(await rowIds(frame)).join(', ')}`);
            fs.writeFileSync(settingsFile, JSON.stringify(settings, null, 2 * attempt)); // same settings, new bytes
          }
          assert((await rowIds(frame)).sort().join() === 'openai:text-embedding-3-small,voyageai:voyage-3', 'the two embedding models');
          const source = await frame.locator('#output-tokens-source').innerText();
          assert(source === 'none: embedding models return no output tokens', `the field says why: ${source}`);
          assert((await frame.locator('#output-tokens ~ button.reset').isVisible()) === false, 'nothing to reset');
          const header = await frame.locator('button.sort[data-key="outputUsd"]').innerText();
          assert(header.includes('none: embeddings'), `the Output column says none: ${header}`);
          const totals = await cellTexts(frame, 'totalUsd');
          const inputs = await cellTexts(frame, 'inputUsd');
          assert(totals.join() === inputs.join(), `each total is its input: ${totals.join()} vs ${inputs.join()}`);
          await settled(page);
          await shot('compare-embeddings-dark');
          await runCommand(page, 'View: Close All Editors');
        } finally {
          fs.rmSync(settingsFile, { force: true });
          fs.rmSync(promptFile, { force: true });
          if (madeDir) fs.rmSync(vscodeDir, { recursive: true, force: true });
        }
      },
    },
  );
}

// The cost of a change (git in the workspace) runs last: it makes the folder a repository for a while.
scenarios.push(...changeScenarios);

/** Scenarios for a session with Workspace Trust on, in which the user does not trust the folder. */
export const restrictedScenarios = [
  {
    name: 'restricted-mode-no-run',
    async run({ page, shot }) {
      // VS Code asks whether to trust the folder: decline, as a cautious user would.
      const decline = page.getByRole('button', { name: /No, I don.t trust the authors/ });
      await decline.waitFor({ timeout: loadScaled(30_000) });
      await decline.click();
      await clearNotifications(page);
      await openFile(page, 'prompts/support-triage.prompt.md');
      const lenses = page.locator('.editor-group-container.active .codelens-decoration');
      await lenses.first().waitFor({ timeout: loadScaled(20_000) });
      const text = (await lenses.allInnerTexts()).join(' | ').replace(/\u00a0/g, ' ');
      assert(/\d+ tokens/.test(text), `estimates still work in Restricted Mode: ${text}`);
      assert(!text.includes('Run'), `no ▶ Run lens in Restricted Mode: ${text}`);
      const runButton = page.locator('.editor-group-container.active .editor-actions [aria-label^="Run Prompt"]');
      assert((await runButton.count()) === 0, 'no Run Prompt button in the editor title in Restricted Mode');
      // Nothing else in the picture (issue 29: VS Code's theme notification and a stray tooltip were).
      await clearNotifications(page);
      await page.mouse.move(250, 14);
      await page
        .locator('.monaco-hover:visible, .workbench-hover:visible')
        .first()
        .waitFor({ state: 'detached', timeout: loadScaled(5_000) })
        .catch(() => undefined);
      await settled(page);
      assert((await page.locator('.notification-toast:visible').count()) === 0, 'no notification left in the picture');
      assert((await page.locator('.monaco-hover:visible, .workbench-hover:visible').count()) === 0, 'no tooltip left in the picture');
      await shot('restricted-mode');
    },
  },
];

// ---- the first five minutes (issue 13): each fixed rough edge, in the dark and the light theme ----
{
  const compareFrame = (page) => page.frameLocator('iframe.webview.ready').frameLocator('iframe#active-frame');
  const lensTexts = async (page) =>
    (await page.locator('.editor-group-container.active .codelens-decoration').allInnerTexts()).map((t) => t.replace(/\u00a0/g, ' '));
  /** Runs `body` and saves `<name>-dark.png`, then switches to Light Modern and saves `<name>-light.png`. */
  const bothThemes = async (page, shot, name, settle = () => settled(page)) => {
    await settle();
    await shot(`${name}-dark`);
    await setTheme(page, 'Light Modern');
    await settle();
    await shot(`${name}-light`);
    await setTheme(page, 'Dark Modern');
  };

  scenarios.push(
    {
      name: 'i13-codelens-says-what-it-includes',
      async run({ page, shot }) {
        await setTheme(page, 'Dark Modern');
        await runCommand(page, 'View: Close All Editors');
        await openFile(page, 'prompts/support-triage.prompt.md');
        await page
          .locator('.editor-group-container.active .codelens-decoration', { hasText: 'more…' })
          .first()
          .waitFor({ timeout: loadScaled(20_000) });
        // Section lenses are titled when VS Code resolves them (on screen): wait for the system section's.
        await page
          .locator('.editor-group-container.active .codelens-decoration', { hasText: 'system:' })
          .first()
          .waitFor({ timeout: loadScaled(20_000) });
        const lenses = (await lensTexts(page)).join(' | ');
        // Edge 4: the top line says it adds the expected output; section lenses say "input".
        // (300 = max_tokens until the example history is learned, then 88 learned from its runs: scenario learned-output)
        assert(/[\d,]+ tokens \+ (300|88) out/.test(lenses), `top lens names the expected output: ${lenses}`);
        assert(/system: [\d,]+ tokens · gpt-4o-mini \$[\d.]+ input/.test(lenses), `section lens says input: ${lenses}`);
        // Edge 3: four priced models → three on the line and "+1 more…".
        assert(lenses.includes('+1 more…'), `the fourth model is behind +1: ${lenses}`);
        // Edge 2: three significant digits (gpt-4o was "$0.00" style before).
        assert(/gpt-4o \$0\.00\d{3}\b/.test(lenses), `three significant digits: ${lenses}`);
        const status = await page.locator('.statusbar-item', { hasText: 'tok ·' }).first().innerText();
        assert(/\d+ \+ (300|88) tok · \$0\.000\d+/.test(status), `status bar shows input + output tokens: ${status}`);
        // Edge 8: the hover says "mouse over", not "cursor".
        const line = page.locator('.editor-group-container.active .view-line', { hasText: 'support triage assistant' }).first();
        const showHover = () =>
          hoverUntilShown(page, line, page.locator('.monaco-hover', { hasText: 'Prompt Cost' }).first(), { position: { x: 60, y: 8 } });
        await showHover();
        const hoverText = await page.locator('.monaco-hover', { hasText: 'Prompt Cost' }).first().innerText();
        assert(
          hoverText.includes('mouse over the system message') && !hoverText.includes('cursor'),
          `hover wording: ${hoverText.slice(0, 120)}`,
        );
        assert(/\$\d+\.\d\d\b/.test(hoverText), `monthly figures in cents: ${hoverText}`);
        await bothThemes(page, shot, 'i13-codelens-hover', async () => {
          await showHover();
          await settled(page);
        });
        await page.mouse.move(5, 5);
      },
    },
    {
      name: 'i13-compare-panel-fits-beside-an-editor',
      async run({ page, shot }) {
        await runCommand(page, 'View: Close All Editors');
        await runCommand(page, 'View: Close Primary Side Bar');
        await openFile(page, 'prompts/support-triage.prompt.md');
        await runCommand(page, 'Prompt Cost: Compare Models for This Prompt');
        const frame = compareFrame(page);
        await frame
          .locator('#compare-table tbody tr')
          .nth(1)
          .waitFor({ timeout: loadScaled(20_000) });
        // Beside the editor in a 1400 px window: the panel gets half the editor area.
        const layout = await frame.locator('.table-wrap').evaluate((el) => {
          const visible = [...el.querySelectorAll('thead th')].filter(
            (th) => th.ownerDocument.defaultView.getComputedStyle(th).display !== 'none',
          );
          return {
            fits: el.scrollWidth <= el.clientWidth + 1,
            width: el.clientWidth,
            keys: visible.map((th) => th.querySelector('button')?.getAttribute('data-key')).filter(Boolean),
          };
        });
        assert(layout.fits, `the table fits the panel (${layout.width} px)`);
        for (const key of ['model', 'totalUsd', 'monthlyUsd'])
          assert(layout.keys.includes(key), `${key} is always visible: ${layout.keys.join(', ')}`);
        const note = await frame.locator('.fit-note').innerText();
        assert(/hidden to fit the panel/.test(note), `says which columns are hidden: ${note}`);
        await bothThemes(page, shot, 'i13-compare-narrow');
        // Light theme: the number inputs have a visible border.
        await setTheme(page, 'Light Modern');
        const border = await frame
          .locator('#output-tokens')
          .evaluate((el) => el.ownerDocument.defaultView.getComputedStyle(el).borderTopColor);
        const bg = await frame.locator('body').evaluate((el) => el.ownerDocument.defaultView.getComputedStyle(el).backgroundColor);
        assert(border !== bg && !/rgba\(0, 0, 0, 0\)/.test(border), `a visible input border in the light theme: ${border} on ${bg}`);
        await setTheme(page, 'Dark Modern');
        // "Show all columns" scrolls sideways instead.
        await frame.locator('.fit-note button').click();
        const all = await frame.locator('.table-wrap').evaluate((el) => el.scrollWidth > el.clientWidth);
        assert(all, 'all columns shown: the table scrolls');
        await frame.locator('.fit-note button').click();
        await runCommand(page, 'View: Close All Editors');
      },
    },
    {
      name: 'i13-runs-and-budgets',
      async run({ page, shot }) {
        await openFile(page, 'prompts/support-triage.prompt.md');
        await runCommand(page, 'Prompt Cost: Focus on Runs View');
        const container = page.locator('[id="workbench.view.extension.promptCost"]');
        await container
          .locator('.monaco-list-row', { hasText: 'support-email' })
          .first()
          .waitFor({ timeout: loadScaled(20_000) });
        await container
          .locator('.monaco-list-row', { hasText: 'nightly-report' })
          .first()
          .waitFor({ timeout: loadScaled(20_000) });
        const text = await container.innerText();
        // Edge 8: one minus sign for Δ; descriptions lead with the cost.
        assert(/Δ −\d/.test(text) && !/Δ -\d/.test(text), `Δ uses one minus sign: ${text.slice(0, 300)}`);
        // Edge 7: editor runs count against [budgets.default]; the nightly report is near its limit.
        assert(/default[\s\S]*% of the cost limit/.test(text), `the default budget counts editor runs: ${text}`);
        assert(/nightly-report[\s\S]*8[0-9] %/.test(text), `a budget near its limit: ${text}`);
        await clearNotifications(page);
        const box = await page.locator('.part.sidebar').boundingBox();
        if (box) {
          await page.mouse.move(box.x + box.width + 1, box.y + 200);
          await page.mouse.down();
          await page.mouse.move(620, box.y + 200, { steps: 8 });
          await page.mouse.up();
        }
        await page.mouse.move(900, 600);
        await bothThemes(page, shot, 'i13-runs-budgets');
      },
    },
    {
      name: 'i13-run-prompt-asks-for-the-key-first',
      async run({ page, shot }) {
        await clearNotifications(page);
        await openFile(page, 'prompts/support-triage.prompt.md');
        const row = page.locator('.quick-input-list .monaco-list-row', { hasText: 'openai:gpt-4o-mini' }).first();
        const toast = page.locator('.notification-toast', { hasText: 'API key' }).first();
        const runIt = async () => {
          await runCommand(page, 'Prompt Cost: Run Prompt…');
          await row.waitFor({ timeout: loadScaled(10_000) });
          assert((await row.innerText()).includes('no API key yet'), 'the model picker says which models have no key yet');
          await row.click();
          await toast.waitFor({ timeout: loadScaled(10_000) });
        };
        await runIt();
        // Edge 6: the key is checked before the {{plan}} / {{message}} placeholders are asked for.
        const title = await page.locator('.quick-input-widget').isVisible();
        assert(!title, 'no placeholder input box before the key message');
        assert((await toast.innerText()).includes('Set API Key'), 'the message offers to set the key');
        // The theme picker can hide the toast (issue 29: the light picture had none): each picture is checked.
        await bothThemes(page, shot, 'i13-run-no-key', async () => {
          if (!(await toast.isVisible())) await runIt();
          await page.mouse.move(250, 14);
          await settled(page);
          assert(await toast.isVisible(), 'the "no API key" message is in the picture');
        });
        await clearNotifications(page);
      },
    },
    {
      name: 'i13-flujo-toml-mistakes-and-quick-fix',
      async run({ page, shot }) {
        await runCommand(page, 'View: Close All Editors');
        await runCommand(page, 'View: Close Primary Side Bar');
        await openFile(page, 'with-mistakes/flujo.toml');
        await page
          .locator('.editor-group-container.active .squiggly-error')
          .first()
          .waitFor({ timeout: loadScaled(20_000) });
        // Put the cursor on the typo'd key and open the quick fixes (Ctrl+.).
        const typo = page.locator('.editor-group-container.active .view-line', { hasText: 'prompt_token_per_1k' }).first();
        const fixes = page.locator('.action-widget', { hasText: 'prompt_tokens_per_1k' }).first();
        // After a theme switch the editor may not have the focus back: put the cursor on the typo each time,
        // and ask again if the widget did not open (a full CI run once missed it).
        const showFixes = async () => {
          for (let attempt = 1; ; attempt++) {
            await page.keyboard.press('Escape');
            await typo.click();
            await page.keyboard.press('Home');
            await page.keyboard.press('Control+.');
            const shown = await fixes.waitFor({ timeout: loadScaled(10_000) }).then(
              () => true,
              () => false,
            );
            if (shown) return;
            if (attempt === 3) throw new Error('the quick fixes for prompt_token_per_1k did not open (3 tries)');
          }
        };
        await showFixes();
        await bothThemes(page, shot, 'i13-flujo-quick-fix', async () => {
          await showFixes();
          await settled(page);
        });
        await page.keyboard.press('Escape');
      },
    },
    {
      name: 'i13-import-flujo-runs-file-picker',
      async run({ page, shot, workspace }) {
        const fs = await import('node:fs');
        const path = await import('node:path');
        // No state DB where Flujo keeps it: the command offers a file picker instead of a dead end.
        const db = path.join(workspace, '.flujo', 'state.db');
        fs.renameSync(db, `${db}.moved`);
        try {
          const dialog = page.locator('.quick-input-widget', { hasText: 'Import Flujo Runs' });
          const deadline = Date.now() + loadScaled(30_000);
          for (;;) {
            await page.waitForTimeout(1000); // the DB watcher reports the file gone
            await runCommand(page, 'Prompt Cost: Import Flujo Runs');
            const shown = await dialog.waitFor({ state: 'visible', timeout: loadScaled(3_000) }).then(
              () => true,
              () => false,
            );
            if (shown) break;
            if (Date.now() > deadline) throw new Error('no file picker once the state DB is gone');
            await clearNotifications(page);
          }
          assert((await dialog.innerText()).includes('.flujo/state.db'), `the picker says where it looked: ${await dialog.innerText()}`);
          await bothThemes(page, shot, 'i13-import-picker', async () => {
            if (!(await dialog.isVisible())) {
              await runCommand(page, 'Prompt Cost: Import Flujo Runs');
              await dialog.waitFor({ state: 'visible', timeout: loadScaled(10_000) });
            }
            await settled(page);
          });
          await page.keyboard.press('Escape');
        } finally {
          fs.renameSync(`${db}.moved`, db);
        }
      },
    },
  );
}

// ---- hostile input (issue 17): a server reply whose usage cannot be used ----
scenarios.push({
  name: 'i17-run-with-unusable-usage',
  async run({ page, shot, workspace, root }) {
    const fs = await import('node:fs');
    const path = await import('node:path');
    const { startFakeProviderServer } = await import(path.join(root, 'out', 'test', 'support', 'fakeProviderServer.js'));
    // A local OpenAI-compatible server needs no key; its usage counts arrive as a string and a negative number.
    const server = await startFakeProviderServer();
    server.enqueue({ openaiUsage: { prompt_tokens: '12', completion_tokens: -3 } });
    const settingsFile = path.join(workspace, '.vscode', 'settings.json');
    fs.mkdirSync(path.dirname(settingsFile), { recursive: true });
    const settings = { 'promptCost.providers.openai.baseUrl': server.openaiBaseUrl, 'promptCost.models': ['openai:fake-model'] };
    fs.writeFileSync(settingsFile, JSON.stringify(settings));
    try {
      await setTheme(page, 'Dark Modern');
      await runCommand(page, 'View: Close All Editors');
      await clearNotifications(page);
      await openFile(page, 'prompts/summarize.txt');
      // The workspace settings are read: the lens prices the configured fake model. .vscode/ was made a moment
      // before settings.json was written into it, and a file written into a folder that new can raise no
      // watcher event (inotify): written again (a change of a file in a watched folder) until the lens shows it.
      const fakeLens = page.locator('.codelens-decoration', { hasText: 'fake-model' }).first();
      for (let attempt = 1; ; attempt++) {
        if (
          await fakeLens.waitFor({ timeout: loadScaled(10_000) }).then(
            () => true,
            () => false,
          )
        )
          break;
        if (attempt === 3) throw new Error('the lens never priced openai:fake-model from .vscode/settings.json');
        fs.writeFileSync(settingsFile, JSON.stringify(settings, null, 2 * attempt)); // same settings, new bytes
      }
      const row = page.locator('.quick-input-list .monaco-list-row', { hasText: 'openai:fake-model' }).first();
      for (let attempt = 1; ; attempt++) {
        await runCommand(page, 'Prompt Cost: Run Prompt…');
        const shown = await row.waitFor({ timeout: loadScaled(10_000) }).then(
          () => true,
          () => false,
        );
        if (shown) break;
        if (attempt === 3) throw new Error('the Run Prompt model picker did not list openai:fake-model');
      }
      await row.click();
      // Each template variable's input box, until the run reports: Enter keeps the value as written. (It was
      // "no box within 500 ms: none coming" — on a loaded machine the box came later and the run never started.)
      const box = page.locator('.quick-input-widget', { hasText: 'value of' });
      const toast = page.locator('.notification-toast', { hasText: 'usage could not be used' }).first();
      const deadline = Date.now() + loadScaled(30_000);
      while (!(await toast.isVisible().catch(() => false))) {
        if (await box.isVisible().catch(() => false)) {
          await page.keyboard.press('Enter');
          await box.waitFor({ state: 'hidden', timeout: loadScaled(5_000) }).catch(() => undefined);
        }
        if (Date.now() > deadline) throw new Error('the run did not report the unusable usage');
        await page.waitForTimeout(200);
      }
      const message = await toast.innerText();
      assert(
        message.includes('usage.prompt_tokens: expected a whole number ≥ 0, got "12"'),
        `the warning names the field and the value: ${message}`,
      );
      await page
        .locator('.editor-group-container .view-line', { hasText: 'usage unusable' })
        .first()
        .waitFor({ timeout: loadScaled(10_000) });
      await settled(page);
      await shot('i17-run-unusable-usage-dark');
      await setTheme(page, 'Light Modern');
      await settled(page);
      await shot('i17-run-unusable-usage-light');
      await setTheme(page, 'Dark Modern');
    } finally {
      fs.rmSync(settingsFile, { force: true });
      await clearNotifications(page);
      await server.close();
    }
  },
});

// ---- team history (issue 26): runs of other members, shared as an OTLP JSON Lines file and imported ----
scenarios.push({
  name: 'i26-team-runs-in-the-runs-view',
  async run({ page, shot, workspace, root }) {
    const fs = await import('node:fs');
    const path = await import('node:path');
    const { execFileSync } = await import('node:child_process');
    const { runsToJsonLines } = await import(path.join(root, 'out', 'src', 'core', 'history', 'otel', 'jsonl.js'));
    const now = Date.now();
    const teamRun = (i, member, model, file, cost, input, output) => ({
      v: 1,
      type: 'run',
      id: `team-${member}-${i}`,
      time: new Date(now - i * 60_000).toISOString(),
      source: 'vscode',
      status: 'ok',
      provider: model.split(':')[0],
      model: model.split(':')[1],
      promptFile: file,
      usage: { inputTokens: input, cachedInputTokens: 0, cacheWrite5mTokens: 0, cacheWrite1hTokens: 0, outputTokens: output },
      costUsd: cost,
      latencyMs: 1200 + i * 100,
    });
    // What two teammates exported with `prompt-cost history export --otlp-file team/<name>.jsonl`.
    const team = path.join(workspace, 'team');
    fs.mkdirSync(team, { recursive: true });
    fs.writeFileSync(
      path.join(team, 'bob.jsonl'),
      runsToJsonLines(
        [
          teamRun(1, 'bob', 'openai:gpt-4o-mini', 'prompts/support-triage.prompt.md', '0.000219', 1100, 90),
          teamRun(2, 'bob', 'openai:gpt-4o', 'prompts/support-triage.prompt.md', '0.00365', 1100, 90),
        ],
        { member: 'bob' },
      ),
    );
    fs.writeFileSync(
      path.join(team, 'carla.jsonl'),
      runsToJsonLines([teamRun(3, 'carla', 'anthropic:claude-3-5-haiku', 'prompts/summarize.txt', '0.00092', 600, 110)], {
        member: 'carla',
      }),
    );
    try {
      const out = execFileSync(
        process.execPath,
        [path.join(root, 'dist', 'cli.js'), 'history', 'import', '--otlp-file', 'team', '--json'],
        {
          cwd: workspace,
          encoding: 'utf8',
        },
      );
      assert(JSON.parse(out).added === 3, `the import adds the three team runs: ${out}`);
      await runCommand(page, 'View: Close All Editors');
      await clearNotifications(page);
      await runCommand(page, 'Prompt Cost: Focus on Runs View');
      await runCommand(page, 'Prompt Cost: Refresh Runs');
      const view = page.locator('[id="workbench.view.extension.promptCost"]');
      await view
        .locator('.monaco-list-row', { hasText: 'bob' })
        .first()
        .waitFor({ timeout: loadScaled(30_000) });
      await view
        .locator('.monaco-list-row', { hasText: 'carla' })
        .first()
        .waitFor({ timeout: loadScaled(10_000) });
      const text = await view.innerText();
      assert(text.includes('· bob') && text.includes('· carla'), `team runs name their member: ${text.slice(0, 500)}`);
      // Widen the side bar so the descriptions (cost · member) are readable.
      const box = await page.locator('.part.sidebar').boundingBox();
      if (box) {
        await page.mouse.move(box.x + box.width + 1, box.y + 200);
        await page.mouse.down();
        await page.mouse.move(560, box.y + 200, { steps: 8 });
        await page.mouse.up();
      }
      await page.mouse.move(900, 600);
      await settled(page);
      await shot('i26-team-runs');
    } finally {
      fs.rmSync(team, { recursive: true, force: true });
    }
  },
});
