// The README tour ("The first five minutes"), step by step, as a new user walks it in a 1600×1000 window:
// each step asserts what the README promises and is photographed in the dark and the light theme
// (tour-NN-<step>-dark.png / -light.png). Numbers are the README's own (examples/ prices in flujo.toml).
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { assert, clearNotifications, hoverUntilShown, loadScaled, openFile, runCommand, setTheme, settled } from './workbench.mjs';

const PROMPT = 'prompts/support-triage.prompt.md';
const THEMES = [
  ['dark', 'Dark Modern'],
  ['light', 'Light Modern'],
];

const clean = (s) => s.replace(/\u00a0/g, ' ');
const README = fs.readFileSync(path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'README.md'), 'utf8');
/**
 * The first code span of the README tour's step `n` (`1. **CodeLens** … \`…\``), word for word: the tour checks
 * the README itself, so a changed example (e.g. the learned output of its run history) cannot leave a stale copy here.
 */
function readmeStep(n) {
  const step = new RegExp(`^${n}\\. \\*\\*[^*]+\\*\\*[^\`]*\`([^\`]+)\``, 'm').exec(README);
  assert(step, `README step ${n} has a code span`);
  return step[1];
}
const lensTexts = async (page, group = '.editor-group-container.active') =>
  (await page.locator(`${group} .codelens-decoration`).allInnerTexts()).map(clean);
const compareFrame = (page) => page.frameLocator('iframe.webview.ready').frameLocator('iframe#active-frame');
const statusText = async (page) => clean(await page.locator('.statusbar-item', { hasText: 'tok ·' }).first().innerText()).trim();
/** The tour's window: 1600×1000, the size the issue measured the hover in. */
const tourWindow = (page) => page.setViewportSize({ width: 1600, height: 1000 });
/** Clicks at the start of a line of the active editor: the cursor there, no selection. */
async function cursorTo(page, text) {
  await page
    .locator('.editor-group-container.active .view-line', { hasText: text })
    .first()
    .click({ position: { x: 2, y: 8 } });
  await page.keyboard.press('Home');
}

/** Polls `probe` (an async function returning a truthy value when done) until it succeeds or `timeoutMs` passes. */
async function until(page, what, probe, timeoutMs = 20_000) {
  const deadline = Date.now() + loadScaled(timeoutMs);
  for (;;) {
    const found = await probe().catch(() => undefined);
    if (found) return found;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await page.waitForTimeout(200);
  }
}

/**
 * No toast, hover or tooltip left over from an earlier step (they would end up in the picture). The mouse
 * rests on the empty title bar: anywhere on the activity bar it shows a tooltip.
 */
async function nothingStray(page, { toasts = true } = {}) {
  await page.mouse.move(250, 14);
  if (toasts) await clearNotifications(page);
  await page
    .locator('.monaco-hover:visible, .workbench-hover:visible, .custom-hover:visible')
    .first()
    .waitFor({ state: 'detached', timeout: loadScaled(5_000) })
    .catch(() => undefined);
  const stray = await page.locator('.monaco-hover:visible, .workbench-hover:visible, .custom-hover:visible').count();
  assert(stray === 0, `no tooltip left in the picture (${stray})`);
}

/**
 * Photographs a step in both themes. `show` puts on screen what the picture is about (after the theme
 * switch, which closes hovers, pickers and may hide toasts) and `check` asserts it is there, in each theme.
 */
async function bothThemes(page, shot, name, { show = async () => {}, check = async () => {} } = {}) {
  for (const [suffix, theme] of THEMES) {
    await setTheme(page, theme);
    await show();
    await check(suffix);
    await settled(page);
    await shot(`${name}-${suffix}`);
  }
  await setTheme(page, 'Dark Modern');
}

/** The top lens line of the active editor: its text and whether every link on it is within the editor's width. */
async function topLens(page, group = '.editor-group-container.active') {
  return page
    .locator(`${group} .monaco-editor`)
    .first()
    .evaluate((editor) => {
      const right = editor.querySelector('.lines-content')?.getBoundingClientRect().right ?? 0;
      const visibleRight = editor.getBoundingClientRect().right - 14; // the vertical scrollbar
      const lens = [...editor.querySelectorAll('.codelens-decoration')].sort(
        (a, b) => a.getBoundingClientRect().top - b.getBoundingClientRect().top,
      )[0];
      if (!lens) return undefined;
      const links = [...lens.querySelectorAll('a')];
      return {
        text: lens.innerText.replace(/\u00a0/g, ' '),
        links: links.length,
        clipped: links.filter((a) => a.getBoundingClientRect().right > Math.min(right || Infinity, visibleRight)).map((a) => a.innerText),
      };
    });
}

export const tourScenarios = [
  {
    name: 'tour-01-codelens',
    async run({ page, shot }) {
      await tourWindow(page);
      await setTheme(page, 'Dark Modern');
      await runCommand(page, 'View: Close All Editors');
      await runCommand(page, 'View: Close Primary Side Bar');
      await openFile(page, PROMPT);
      // README step 1, word for word, once the example history is learned (the lens shows max_tokens until then).
      const expected = readmeStep(1);
      const top = await until(
        page,
        `the top lens as the README writes it (${expected})`,
        async () => {
          const t = await topLens(page);
          return t?.text === expected ? t : undefined;
        },
        60_000,
      ).catch(async (err) => {
        throw new Error(`${err.message}; shown: ${(await topLens(page))?.text}`);
      });
      assert(top.links === 6 && top.clipped.length === 0, `six links, none clipped: ${JSON.stringify(top)}`);
      const lenses = await lensTexts(page);
      assert(lenses.includes('system: 93 tokens · gpt-4o-mini $0.0000140 input'), `the system section's lens: ${lenses.join(' | ')}`);
      await bothThemes(page, shot, 'tour-01-codelens', { show: () => nothingStray(page) });
    },
  },
  {
    name: 'tour-02-hover-and-selection',
    async run({ page, shot }) {
      await tourWindow(page);
      await openFile(page, PROMPT);
      const line = page.locator('.editor-group-container.active .view-line', { hasText: 'support triage assistant' }).first();
      const hover = page.locator('.monaco-hover', { hasText: 'Prompt Cost' }).first();
      const showHover = async () => {
        await hoverUntilShown(page, line, hover, { position: { x: 60, y: 8 } });
        await settled(page);
      };
      // Fits: VS Code caps a hover at max(¼ of the editor's height, 250 px) and scrolls beyond that.
      const checkHover = async () => {
        const fit = await hover.evaluate((el) => {
          // The hover's rows live in .monaco-hover-content inside a scrollable frame of capped height.
          const frame = el.querySelector('.monaco-scrollable-element') ?? el;
          const content = el.querySelector('.monaco-hover-content') ?? el;
          const box = el.getBoundingClientRect();
          return { scroll: content.scrollHeight, client: frame.clientHeight, bottom: box.bottom, height: box.height, text: el.innerText };
        });
        assert(fit.scroll <= fit.client + 1, `the hover needs no scrolling (${fit.scroll} px of content in ${fit.client} px)`);
        assert(fit.bottom <= 1000, `the hover is inside the window: ${JSON.stringify(fit)}`);
        assert(
          /input only/.test(fit.text) && /whole request/.test(fit.text),
          `cached says input only, Batch says whole request: ${fit.text}`,
        );
        assert(/^\s*gpt-4o-mini\s/m.test(fit.text.split('Model')[1] ?? ''), `the prompt's model first: ${fit.text}`);
        assert(/Monthly \(1,000\/day\)/.test(fit.text), `monthly at promptCost.requestsPerDay: ${fit.text}`);
      };
      // The README's window as tour-01 leaves it (no side bar), then with the explorer open: the editor is
      // ~300 px narrower there, so the hover's tables wrap sooner (it scrolled ~35 px there, issue 29 item 6).
      if (await page.locator('.part.sidebar').isVisible()) await runCommand(page, 'View: Close Primary Side Bar');
      await showHover();
      await checkHover();
      await bothThemes(page, shot, 'tour-02-hover', { show: showHover, check: checkHover });
      await runCommand(page, 'View: Show Explorer');
      await page.locator('.part.sidebar').waitFor({ state: 'visible', timeout: loadScaled(10_000) });
      await bothThemes(page, shot, 'tour-02-hover-explorer', { show: showHover, check: checkHover });
      await runCommand(page, 'View: Close Primary Side Bar');

      // "Select a few lines and hover the selection: it prices exactly that text" — with the prompt's model.
      const select = async () => {
        await page.mouse.move(250, 14);
        await line.click({ position: { x: 2, y: 8 } });
        await page.keyboard.press('Home');
        await page.keyboard.press('Shift+ArrowDown');
        await page.keyboard.press('Shift+ArrowDown');
      };
      const selectionHover = page.locator('.monaco-hover', { hasText: 'selection' }).first();
      const showSelection = async () => {
        await select();
        await until(page, 'the status bar to price the selection', async () => (await statusText(page)).match(/^\d[\d,]* tok · /));
        await hoverUntilShown(page, line, selectionHover, { position: { x: 80, y: 8 } });
        await settled(page);
      };
      const checkSelection = async () => {
        const status = await statusText(page);
        assert(/ tok · \$[\d.]+ gpt-4o-mini$/.test(status), `the selection is priced with the prompt's model: ${status}`);
        const rows = await selectionHover.locator('tbody tr').allInnerTexts();
        assert(
          rows.length >= 4 && /^gpt-4o-mini\t/.test(rows[0]) && !rows.some((r) => r.includes(':')),
          `same order and names as the whole-prompt hover: ${rows}`,
        );
      };
      await showSelection();
      await checkSelection();
      await bothThemes(page, shot, 'tour-02-selection', { show: showSelection, check: checkSelection });
      await page.keyboard.press('Escape');
      await cursorTo(page, 'support triage assistant');
    },
  },
  {
    name: 'tour-03-status-bar-and-model-picker',
    async run({ page, shot }) {
      await tourWindow(page);
      await openFile(page, PROMPT);
      await cursorTo(page, 'support triage assistant');
      // README step 3, word for word (the learned output of the example history included).
      const expected = readmeStep(3);
      await until(
        page,
        `the whole-prompt status bar as the README writes it (${expected})`,
        async () => (await statusText(page)) === expected,
        60_000,
      ).catch(async (err) => {
        throw new Error(`${err.message}; shown: ${await statusText(page)}`);
      });
      // Click it to pick the model: the model shown is the one marked current.
      const current = page.locator('.quick-input-list .monaco-list-row', { hasText: 'current' });
      const openPicker = async () => {
        await page.keyboard.press('Escape');
        await page.locator('.statusbar-item', { hasText: 'tok ·' }).first().click();
        await current.first().waitFor({ timeout: loadScaled(10_000) });
        await settled(page);
      };
      const checkPicker = async () => {
        const rows = await current.allInnerTexts();
        assert(rows.length === 1 && rows[0].includes('openai:gpt-4o-mini'), `the current model is the one the bar shows: ${rows}`);
      };
      await openPicker();
      await checkPicker();
      await bothThemes(page, shot, 'tour-03-model-picker', { show: openPicker, check: checkPicker });
      await page.keyboard.press('Escape');
    },
  },
  {
    name: 'tour-04-compare-narrow',
    async run({ page, shot }) {
      await tourWindow(page);
      await runCommand(page, 'View: Close All Editors');
      await openFile(page, PROMPT);
      // "click +1 more…": the panel opens beside the prompt.
      await page.locator('.editor-group-container.active .codelens-decoration a', { hasText: '+1 more…' }).first().click();
      const frame = compareFrame(page);
      await frame
        .locator('#compare-table tbody tr')
        .nth(1)
        .waitFor({ timeout: loadScaled(30_000) });
      // Beside the editor, the prompt's lens line keeps its links (one model, then +N more… and ▶ Run).
      const promptGroup = '.editor-group-container:has(.tab.active[aria-label^="support-triage.prompt.md"])';
      const lens = await until(page, 'the lens line in the narrower editor', async () => {
        const l = await topLens(page, promptGroup);
        return l && /\+3 more…/.test(l.text) ? l : undefined;
      });
      assert(lens.clipped.length === 0 && lens.text.includes('▶ Run'), `nothing clipped beside the panel: ${JSON.stringify(lens)}`);
      // A narrow window: the panel is about 360 px wide. The chart's text stays ≥ 11 px there.
      await page.setViewportSize({ width: 800, height: 1000 });
      const chartCheck = async () => {
        const chart = await until(page, 'the chart redrawn at its width', async () => {
          const c = await frame.locator('.chart svg').evaluate((svg) => {
            const scale = svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
            const sizes = [...svg.querySelectorAll('text')].map(
              (t) => parseFloat(t.ownerDocument.defaultView.getComputedStyle(t).fontSize) * scale,
            );
            const overflow = [...svg.querySelectorAll('text')].some(
              (t) => t.getBoundingClientRect().right > svg.getBoundingClientRect().right + 1,
            );
            return { width: svg.getBoundingClientRect().width, minFont: Math.min(...sizes), overflow };
          });
          return c.minFont >= 11 ? c : undefined;
        });
        assert(chart.width <= 400, `the panel is narrow: ${JSON.stringify(chart)}`);
        assert(!chart.overflow, `no label runs off the chart: ${JSON.stringify(chart)}`);
      };
      await chartCheck();
      // Sorted: the screen reader caption says so in words.
      await frame.locator('button.sort[data-key="totalUsd"]').click();
      const caption = await until(page, 'the caption', async () => {
        const c = await frame.locator('#compare-table caption').textContent();
        return c.includes('sorted') ? c : undefined;
      });
      assert(caption.includes('sorted by Total / request, ascending') && !caption.includes('totalUsd'), `caption in words: ${caption}`);
      await frame.locator('.chart').scrollIntoViewIfNeeded();
      await bothThemes(page, shot, 'tour-04-compare-narrow', {
        show: async () => {
          await page.mouse.move(250, 14);
          await frame.locator('.chart').scrollIntoViewIfNeeded();
        },
        check: chartCheck,
      });
      await page.setViewportSize({ width: 1600, height: 1000 });
      // Add model: current models first, deprecated ones after them.
      await frame.locator('button', { hasText: 'Add model…' }).first().click();
      const rows = page.locator('.quick-input-widget .quick-input-list .monaco-list-row');
      await rows.first().waitFor({ timeout: loadScaled(10_000) });
      const first = await rows.first().innerText();
      assert(!first.includes('deprecated'), `the first model offered is not deprecated: ${first}`);
      await page.keyboard.press('Escape');
      await runCommand(page, 'View: Close All Editors');
    },
  },
  {
    name: 'tour-05-flujo-toml-checks',
    async run({ page, shot, workspace, root }) {
      await tourWindow(page);
      await runCommand(page, 'View: Close All Editors');
      await openFile(page, 'with-mistakes/flujo.toml');
      await runCommand(page, 'View: Focus Problems');
      const panel = page.locator('.markers-panel');
      // The six promised findings on sight, the strict-mode one (agent.py's model) among them.
      await panel
        .locator('.monaco-list-row', { hasText: 'gpt-4.1-mini' })
        .first()
        .waitFor({ timeout: loadScaled(30_000) });
      const text = clean(await panel.innerText());
      for (const what of [
        'gpt-3.5-turbo',
        'per 1M',
        "Did you mean 'prompt_tokens_per_1k'",
        'has no completion_tokens_per_1k',
        'total_cost_usd_limit',
        'Used in with-mistakes/agent.py:4',
      ])
        assert(text.includes(what), `Problems lists "${what}": ${text.slice(0, 2000)}`);
      // The editor and `prompt-cost lint with-mistakes` agree: the same number of findings.
      const editorCount = await page
        .locator('.markers-panel .monaco-list-row[aria-label*="flujo.toml"]')
        .evaluateAll((rows) => rows.length);
      let cli = '';
      try {
        execFileSync(process.execPath, [path.join(root, 'dist', 'cli.js'), 'lint', 'with-mistakes', '--json'], {
          cwd: workspace,
          encoding: 'utf8',
        });
      } catch (err) {
        assert(err.status === 1, `lint exits 1: ${err.status} ${err.stderr}`);
        cli = err.stdout;
      }
      const found = JSON.parse(cli).diagnostics;
      assert(found.length === 8 && found.some((d) => d.code === 'unpriced-model'), `8 findings from the CLI: ${cli}`);
      assert(editorCount === 0 || editorCount >= found.length, `Problems shows them all (${editorCount} rows, CLI ${found.length})`);
      // The clean flujo.toml at the top: no findings (with-mistakes/ has its own flujo.toml).
      // Quick Open lists with-mistakes/flujo.toml too (recently opened): pick the one at the top.
      await page.keyboard.press('Control+P');
      await page.locator('.quick-input-widget input.input').fill('flujo.toml');
      await page.locator('.quick-input-list .monaco-list-row', { hasText: 'flujo.toml', hasNotText: 'with-mistakes' }).first().click();
      await page
        .locator('.editor-group-container.active .view-line', { hasText: 'strict = false' })
        .first()
        .waitFor({ timeout: loadScaled(10_000) });
      const squiggles = await page
        .locator('.editor-group-container.active .squiggly-error, .editor-group-container.active .squiggly-warning')
        .count();
      assert(squiggles === 0, `no squiggles in the clean flujo.toml: ${squiggles}`);
      const cleanCli = execFileSync(process.execPath, [path.join(root, 'dist', 'cli.js'), 'lint'], { cwd: workspace, encoding: 'utf8' });
      assert(cleanCli.includes('no problems'), `prompt-cost lint at the top: ${cleanCli}`);
      await openFile(page, 'with-mistakes/flujo.toml');
      await bothThemes(page, shot, 'tour-05-flujo-problems', {
        show: async () => {
          await nothingStray(page);
          await panel
            .locator('.monaco-list-row', { hasText: 'gpt-4.1-mini' })
            .first()
            .waitFor({ timeout: loadScaled(10_000) });
        },
      });
      await page.keyboard.press('Control+J');
    },
  },
  {
    name: 'tour-06-runs-and-budgets',
    async run({ page, shot }) {
      await tourWindow(page);
      await runCommand(page, 'View: Close All Editors');
      await openFile(page, PROMPT);
      await runCommand(page, 'Prompt Cost: Focus on Runs View');
      const container = page.locator('[id="workbench.view.extension.promptCost"]');
      await container
        .locator('.monaco-list-row', { hasText: 'support-email' })
        .first()
        .waitFor({ timeout: loadScaled(30_000) });
      await container
        .locator('.monaco-list-row', { hasText: 'nightly-report' })
        .first()
        .waitFor({ timeout: loadScaled(30_000) });
      const text = clean(await container.innerText());
      // The closest limit: its tokens are at 84 % of 5M (its cost at 82 % of $10), as the README says.
      assert(/nightly-report[\s\S]*84 % of the token limit/.test(text), `nightly-report at 84 % of its token limit: ${text}`);
      // The Runs pane gets the room (the panes below are short), and at the default side bar width no
      // description is cut off.
      const layout = await container.evaluate((el) => {
        const panes = [...el.querySelectorAll('.pane')].map((p) => ({
          title: p.querySelector('.title')?.textContent,
          h: p.getBoundingClientRect().height,
        }));
        const cut = [...el.querySelectorAll('.monaco-list-row .monaco-icon-label-container')]
          .filter((c) => c.scrollWidth > c.clientWidth + 1)
          .map((c) => c.textContent);
        return { panes, cut, width: el.getBoundingClientRect().width };
      });
      const runs = layout.panes.find((p) => /Runs/.test(p.title ?? ''));
      assert(runs && runs.h >= 400, `the Runs view is tall enough: ${JSON.stringify(layout.panes)}`);
      assert(layout.cut.length === 0, `descriptions fit ${layout.width} px: ${layout.cut.join(' | ')}`);
      await bothThemes(page, shot, 'tour-06-runs-budgets', { show: () => nothingStray(page) });
    },
  },
  {
    name: 'tour-07-run-without-key',
    async run({ page, shot }) {
      await tourWindow(page);
      await runCommand(page, 'View: Close Primary Side Bar');
      await openFile(page, PROMPT);
      const toast = page.locator('.notification-toast', { hasText: 'API key' }).first();
      const ask = async () => {
        if (await toast.isVisible().catch(() => false)) return;
        await clearNotifications(page);
        await runCommand(page, 'Prompt Cost: Run Prompt…');
        const row = page.locator('.quick-input-list .monaco-list-row', { hasText: 'openai:gpt-4o-mini' }).first();
        await row.waitFor({ timeout: loadScaled(10_000) });
        await row.click();
        await toast.waitFor({ timeout: loadScaled(10_000) });
        await page.mouse.move(250, 14);
      };
      // The theme picker can push a toast out of view: each picture is checked to show the message.
      const check = async () => {
        assert(await toast.isVisible(), 'the "no API key" message is on screen');
        assert((await toast.innerText()).includes('Set API Key'), 'it offers Set API Key…');
        assert(!(await page.locator('.quick-input-widget').isVisible()), 'no placeholder input box before the key message');
      };
      await ask();
      await bothThemes(page, shot, 'tour-07-run-no-key', { show: ask, check });
      await clearNotifications(page);
      await page.setViewportSize({ width: 1400, height: 900 });
    },
  },
];
