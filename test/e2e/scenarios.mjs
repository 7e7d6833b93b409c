// The e2e scenarios, in order. Each asserts on what is rendered and saves a screenshot.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { assert, clearNotifications, editorText, openFile, runCommand, setTheme, settled } from './workbench.mjs';
import { changeScenarios } from './changesScenario.mjs';

export const scenarios = [
  {
    name: 'workbench-prompt-file',
    async run({ page, shot }) {
      await setTheme(page, 'Dark Modern');
      await clearNotifications(page);
      await openFile(page, 'prompts/support-triage.prompt.md');
      const text = await editorText(page);
      assert(text.includes('support triage assistant'), 'the prompt file is shown in the editor');
      // The screenshot shows the estimates: wait for the CodeLens and the status bar item.
      await page.locator('.editor-group-container.active .codelens-decoration').first().waitFor({ timeout: 20_000 });
      await page.locator('.statusbar-item', { hasText: 'tok ·' }).first().waitFor({ timeout: 10_000 });
      await settled(page);
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
      // Trusted: the ▶ Run lens and the editor-title Run button are there (the restricted session checks their absence).
      assert(
        lensText.includes('Run') ||
          (await page.locator('.editor-group-container.active .codelens-decoration', { hasText: 'Run' }).count()) > 0,
        'a ▶ Run lens',
      );
      const runButton = page.locator('.editor-group-container.active .editor-actions [aria-label^="Run Prompt"]');
      assert((await runButton.count()) === 1, 'a Run Prompt button in the editor title');
      const status = page.locator('.statusbar-item', { hasText: 'tok ·' }).first();
      await status.waitFor({ timeout: 10_000 });
      // Hover the system message body.
      const line = page.locator('.editor-group-container.active .view-line', { hasText: 'support triage assistant' }).first();
      await line.hover({ position: { x: 60, y: 8 } });
      const hover = page.locator('.monaco-hover', { hasText: 'Prompt Cost' }).first();
      await hover.waitFor({ state: 'visible', timeout: 10_000 });
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
      await page
        .locator('.editor-group-container.active .view-line', { hasText: 'gpt-3.5-turbo' })
        .first()
        .hover({ position: { x: 200, y: 8 } });
      await page
        .locator('.monaco-hover', { hasText: 'dotted' })
        .first()
        .waitFor({ state: 'visible', timeout: 10_000 })
        .catch(() => {});
      await settled(page);
      await shot('flujo-toml-problems');
      await page.mouse.move(5, 5);
      await page.keyboard.press('Control+J'); // hide the panel again
    },
  },
  {
    name: 'history-tree',
    async run({ page, shot, workspace }) {
      // A ledger with a day and a half of runs, and a Flujo state DB in WAL mode (as a running Flujo leaves it).
      const at = (daysAgo, h, m) => {
        const d = new Date();
        d.setDate(d.getDate() - daysAgo);
        d.setHours(h, m, 7, 0);
        return d.toISOString();
      };
      const u = (inputTokens, outputTokens, cachedInputTokens = 0) => ({
        inputTokens,
        cachedInputTokens,
        cacheWrite5mTokens: 0,
        cacheWrite1hTokens: 0,
        outputTokens,
      });
      const base = { v: 1, type: 'run', source: 'vscode', status: 'ok' };
      const runs = [
        {
          ...base,
          id: 'e2e-1',
          time: at(0, 9, 12),
          provider: 'openai',
          model: 'gpt-4o-mini',
          promptFile: 'prompts/support-triage.prompt.md',
          usage: u(412, 86),
          costUsd: '0.0001134',
          estimate: { inputTokens: 405, outputTokens: 300, costUsd: '0.00024075', priceSource: 'flujo.toml' },
          latencyMs: 1840,
        },
        {
          ...base,
          id: 'e2e-2',
          time: at(0, 10, 47),
          provider: 'openai',
          model: 'gpt-4.1',
          promptFile: 'prompts/release-notes.prompty',
          usage: u(906, 612, 1024),
          costUsd: '0.00722',
          estimate: { inputTokens: 1925, outputTokens: 800, costUsd: '0.01025', priceSource: 'flujo.toml' },
          latencyMs: 6310,
        },
        {
          ...base,
          id: 'e2e-3',
          time: at(0, 11, 30),
          provider: 'anthropic',
          model: 'claude-3-5-sonnet-20241022',
          promptFile: 'prompts/support-triage.prompt.md',
          usage: u(431, 97),
          costUsd: '0.002748',
          estimate: { inputTokens: 425, outputTokens: 300, costUsd: '0.005775', approximate: true, priceSource: 'flujo.toml' },
          latencyMs: 2970,
        },
        {
          ...base,
          id: 'e2e-4',
          time: at(0, 11, 34),
          status: 'error',
          provider: 'openai',
          model: 'gpt-4o',
          promptFile: 'prompts/summarize.txt',
          estimate: { inputTokens: 2176, outputTokens: 300, costUsd: '0.00844', priceSource: 'flujo.toml' },
          latencyMs: 412,
          error: { kind: 'rate_limit', message: 'Rate limit reached for gpt-4o (HTTP 429)', status: 429 },
        },
        {
          ...base,
          id: 'e2e-5',
          time: at(1, 16, 5),
          provider: 'openai',
          model: 'gpt-4o',
          promptFile: 'prompts/summarize.txt',
          usage: u(2180, 190),
          costUsd: '0.00735',
          estimate: { inputTokens: 2176, outputTokens: 300, costUsd: '0.00844', priceSource: 'flujo.toml' },
          latencyMs: 4120,
        },
        {
          ...base,
          id: 'e2e-6',
          time: at(1, 16, 9),
          status: 'cancelled',
          provider: 'openai',
          model: 'gpt-4o-mini',
          promptFile: 'prompts/summarize.txt',
          latencyMs: 2200,
          error: { kind: 'cancelled', message: 'The run was cancelled.' },
        },
      ];
      fs.mkdirSync(path.join(workspace, '.prompt-cost'), { recursive: true });
      fs.writeFileSync(path.join(workspace, '.prompt-cost', 'runs.jsonl'), runs.map((r) => JSON.stringify(r) + '\n').join(''));
      const { createRequire } = await import('node:module');
      const Database = createRequire(import.meta.url)('better-sqlite3');
      fs.mkdirSync(path.join(workspace, '.flujo'), { recursive: true });
      const db = new Database(path.join(workspace, '.flujo', 'state.db'));
      try {
        db.pragma('journal_mode = WAL');
        db.pragma('wal_autocheckpoint = 0');
        db.exec(`CREATE TABLE runs (run_id TEXT PRIMARY KEY, pipeline_id TEXT NOT NULL, pipeline_name TEXT NOT NULL, pipeline_version TEXT NOT NULL, status TEXT NOT NULL, created_at TEXT NOT NULL, updated_at TEXT NOT NULL, execution_time_ms INTEGER, memory_usage_mb REAL, total_steps INTEGER DEFAULT 0, error_message TEXT);
          CREATE TABLE workflow_state (run_id TEXT PRIMARY KEY, pipeline_id TEXT NOT NULL, pipeline_name TEXT NOT NULL, pipeline_version TEXT NOT NULL, current_step_index INTEGER NOT NULL, pipeline_context TEXT, last_step_output TEXT, step_history TEXT, status TEXT NOT NULL, created_at TEXT NOT NULL, updated_at TEXT NOT NULL, total_steps INTEGER DEFAULT 0, error_message TEXT, execution_time_ms INTEGER, memory_usage_mb REAL, metadata TEXT, is_background_task INTEGER DEFAULT 0, parent_run_id TEXT, task_id TEXT, background_error TEXT);`);
        const flujoRun = (id, pipeline, status, created, ms, steps) => {
          const history = JSON.stringify(
            steps.map(([name, cost, tokens, latency]) => ({
              name,
              success: true,
              attempts: 1,
              latency_s: latency,
              token_counts: tokens,
              cost_usd: cost,
            })),
          );
          db.prepare('INSERT INTO runs VALUES (?,?,?,?,?,?,?,?,NULL,?,NULL)').run(
            id,
            `pid-${pipeline}`,
            pipeline,
            '1.0',
            status,
            created,
            created,
            ms,
            steps.length,
          );
          db.prepare(
            'INSERT INTO workflow_state (run_id, pipeline_id, pipeline_name, pipeline_version, current_step_index, step_history, status, created_at, updated_at, execution_time_ms) VALUES (?,?,?,?,?,?,?,?,?,?)',
          ).run(id, `pid-${pipeline}`, pipeline, '1.0', steps.length, history, status, created, created, ms);
        };
        flujoRun('run-7f3a', 'support-email', 'completed', at(0, 8, 2), 14_200, [
          ['classify', 0.42, 1310, 2.1],
          ['draft_reply', 0.81, 3420, 11.7],
        ]);
        flujoRun('run-51c9', 'nightly-report', 'completed', at(1, 2, 0), 96_400, [
          ['collect', 0.12, 8200, 20.4],
          ['summarize', 1.9, 41_800, 61.2],
          ['publish', 0.35, 2900, 14.8],
        ]);
        await openFile(page, 'prompts/support-triage.prompt.md');
        await runCommand(page, 'Prompt Cost: Focus on Runs View');
        const tree = page
          .locator('.pane-body .monaco-list[aria-label*="Runs"], [id="workbench.view.extension.promptCost"] .monaco-list')
          .first();
        await tree.locator('.monaco-list-row', { hasText: 'support-triage.prompt.md' }).first().waitFor({ timeout: 20_000 });
        await tree.locator('.monaco-list-row', { hasText: 'support-email' }).first().waitFor({ timeout: 20_000 });
        // Expand the Flujo run to show its steps.
        await tree.locator('.monaco-list-row', { hasText: 'support-email' }).first().click();
        await page.keyboard.press('ArrowRight');
        await tree.locator('.monaco-list-row', { hasText: 'draft_reply' }).first().waitFor({ timeout: 10_000 });
        const text = await page.locator('[id="workbench.view.extension.promptCost"]').innerText();
        assert(/today/.test(text) && text.includes('$1.2400814'), `the day group shows today's exact total: ${text.slice(0, 400)}`);
        assert(text.includes('support-*'), 'the Budgets view lists the [budgets] of flujo.toml');
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
      } finally {
        db.close();
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
    const deadline = Date.now() + timeoutMs;
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
        await frame.locator('#compare-table tbody tr').nth(1).waitFor({ timeout: 20_000 });
        const tab = page.locator('.tabs-container .tab[aria-label^="Compare: support-triage.prompt.md"]');
        // The title follows the first update: wait for it rather than sampling once.
        const tabShown = await tab
          .first()
          .waitFor({ timeout: 15_000 })
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
        assert((await input.inputValue()) === '300', 'output tokens from the prompt (max_tokens: 300)');
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
        await pick.waitFor({ state: 'visible', timeout: 10_000 });
        await pick.fill('google:gemini-2.5-flash');
        await page
          .locator('.quick-input-list .monaco-list-row', { hasText: 'google:gemini-2.5-flash' })
          .first()
          .waitFor({ timeout: 10_000 });
        await page.keyboard.press('Enter');
        const addedRow = frame.locator('#compare-table tbody tr[data-id="google:gemini-2.5-flash"]');
        await addedRow.waitFor({ timeout: 10_000 });
        assert((await addedRow.innerText()).includes('added'), 'the added row is labelled');
        assert(/reference · \d{4}-\d{2}-\d{2}/.test(await addedRow.innerText()), 'a reference price shows its date');
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
        await frame.locator('#compare-table tbody tr').first().waitFor({ timeout: 10_000 });
        await frame
          .locator('body.vscode-light')
          .waitFor({ timeout: 10_000 })
          .catch(() => undefined); // asserted below
        const bodyClass = await frame.locator('body').getAttribute('class');
        assert(/vscode-light/.test(bodyClass ?? ''), `the webview follows the light theme: ${bodyClass}`);
        await settled(page);
        await shot('compare-light');
        await setTheme(page, 'Dark High Contrast');
        await frame.locator('body.vscode-high-contrast').waitFor({ timeout: 10_000 });
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
        await page.waitForSelector('.monaco-workbench .part.editor', { timeout: 60_000 });
        const frame = compareFrame(page);
        await frame.locator('#compare-table tbody tr[data-id="google:gemini-2.5-flash"]').waitFor({ timeout: 60_000 });
        assert((await frame.locator('#output-tokens').inputValue()) === '4000', 'the output tokens set in the panel survive a reload');
        assert(
          (await frame.locator('th:has(button[data-key="totalUsd"])').getAttribute('aria-sort')) === 'ascending',
          'the sort survives a reload',
        );
        const tab = page.locator('.tabs-container .tab[aria-label^="Compare: support-triage.prompt.md"]');
        assert((await tab.count()) > 0, 'the restored panel still compares support-triage.prompt.md');
        // Reset: back to the prompt's max_tokens, and remove the added model through its button.
        await frame.locator('#output-tokens ~ button.reset').click();
        await waitUntil(
          page,
          'output tokens back to max_tokens',
          async () => (await frame.locator('#output-tokens').inputValue()) === '300',
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
      await decline.waitFor({ timeout: 30_000 });
      await decline.click();
      await clearNotifications(page);
      await openFile(page, 'prompts/support-triage.prompt.md');
      const lenses = page.locator('.editor-group-container.active .codelens-decoration');
      await lenses.first().waitFor({ timeout: 20_000 });
      const text = (await lenses.allInnerTexts()).join(' | ').replace(/\u00a0/g, ' ');
      assert(/\d+ tokens/.test(text), `estimates still work in Restricted Mode: ${text}`);
      assert(!text.includes('Run'), `no ▶ Run lens in Restricted Mode: ${text}`);
      const runButton = page.locator('.editor-group-container.active .editor-actions [aria-label^="Run Prompt"]');
      assert((await runButton.count()) === 0, 'no Run Prompt button in the editor title in Restricted Mode');
      await shot('restricted-mode');
    },
  },
];
