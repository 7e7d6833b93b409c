// Small helpers that drive the VS Code workbench the way a user does (keyboard, quick open, palette).
import * as os from 'node:os';

/** Opens a workspace file through Quick Open (Ctrl+P), like a user; again if the workbench dropped a step under load. */
export async function openFile(page, relativePath) {
  const name = relativePath.split('/').pop();
  // The active tab of the active group (the file may already have been open elsewhere).
  const tab = page.locator(`.editor-group-container.active .tabs-container .tab.active[aria-label^="${name}"]`).first();
  let last;
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      if (attempt > 0) await page.keyboard.press('Escape');
      await page.keyboard.press('Control+P');
      const input = page.locator('.quick-input-widget input.input');
      await input.waitFor({ state: 'visible', timeout: loadScaled(10_000) });
      await input.fill(relativePath);
      // Click the matching row: Enter would take the first row, which may be a recently opened other file. The
      // row shows the folder too: with-mistakes/flujo.toml must not match the root flujo.toml while the list filters.
      const folder = relativePath.split('/').slice(0, -1).join('/');
      let row = page.locator('.quick-input-list .monaco-list-row', { hasText: name });
      if (folder) row = row.filter({ hasText: folder });
      row = row.first();
      await row.waitFor({ timeout: loadScaled(15_000) });
      await row.click();
      await tab.waitFor({ timeout: loadScaled(10_000) });
      return;
    } catch (err) {
      last = err; // e.g. the click landed while the list re-rendered (seen once at load 17): open it again
    }
  }
  throw last;
}

/** `ms` on an idle machine, stretched by the 1-minute load per core (1–4×): the workbench is slower when shared. */
export function loadScaled(ms) {
  return Math.round(ms * Math.min(4, Math.max(1, os.loadavg()[0] / Math.max(1, os.cpus().length))));
}

/** Retries a UI step a few times: under load the workbench sometimes drops a key chord. */
async function retry(what, attempts, step) {
  let last;
  for (let i = 0; i < attempts; i++) {
    try {
      return await step();
    } catch (err) {
      last = err;
      await step.page?.keyboard.press('Escape');
    }
  }
  throw new Error(`${what} failed after ${attempts} attempts: ${last?.message ?? last}`);
}

/**
 * Moves the mouse onto `target` (at `position`) until `hover` is visible, moving away and back between tries:
 * a CodeLens that arrives after the mouse moved shifts the line from under it (the hover then belongs to
 * the lens row, or to nothing), so one hover-and-wait is a race with the extension. Fails after `timeoutMs`.
 */
export async function hoverUntilShown(page, target, hover, { position, timeoutMs = 60_000 } = {}) {
  const deadline = Date.now() + loadScaled(timeoutMs);
  for (;;) {
    // The empty title bar: away from the editor, and no tooltip there (the activity bar has them).
    await page.mouse.move(250, 14);
    await target.hover(position ? { position } : {});
    if (
      await hover.waitFor({ state: 'visible', timeout: loadScaled(5_000) }).then(
        () => true,
        () => false,
      )
    )
      return;
    if (Date.now() > deadline) throw new Error(`timed out waiting for the hover (${hover})`);
  }
}

/** Runs a command from the Command Palette by its title. */
export async function runCommand(page, title) {
  const step = async () => {
    await page.keyboard.press('Escape');
    await page.keyboard.press('Control+Shift+P');
    const input = page.locator('.quick-input-widget input.input');
    await input.waitFor({ state: 'visible', timeout: loadScaled(5_000) });
    await input.fill(`>${title}`);
    await page
      .locator('.quick-input-list .monaco-list-row', { hasText: title })
      .first()
      .waitFor({ timeout: loadScaled(5_000) });
    await page.keyboard.press('Enter');
  };
  step.page = page;
  await retry(`command "${title}"`, 3, step);
}

export async function closeAllEditors(page) {
  await runCommand(page, 'View: Close All Editors');
  await page
    .locator('.part.editor .tabs-container .tab')
    .first()
    .waitFor({ state: 'detached', timeout: loadScaled(10_000) });
}

/**
 * Waits until the page's finite CSS animations and transitions (a hover fading in, a sash drag, a
 * theme change) have finished and a frame was painted: what a screenshot should show, without a sleep.
 */
export async function settled(page) {
  /* global document, requestAnimationFrame -- this function runs in the page */
  await page.evaluate(async () => {
    const finite = document.getAnimations().filter((a) => a.effect?.getComputedTiming().iterations !== Infinity);
    await Promise.all(finite.map((a) => a.finished.catch(() => undefined)));
    await new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve)));
  });
}

/** The class VS Code puts on the workbench for a theme: vs, vs-dark, hc-black or hc-light. */
function themeKind(themeLabel) {
  if (/high contrast/i.test(themeLabel)) return /light/i.test(themeLabel) ? 'hc-light' : 'hc-black';
  return /light/i.test(themeLabel) ? 'vs' : 'vs-dark';
}

export function assert(condition, message) {
  if (!condition) throw new Error(message);
}

/** The visible text of the active editor (Monaco renders spaces as NBSP). */
export async function editorText(page) {
  const text = await page.locator('.editor-group-container.active .monaco-editor .view-lines').first().innerText();
  return text.replace(/\u00a0/g, ' ');
}

/** Switches the colour theme through the theme picker (Ctrl+K Ctrl+T), as a user does. */
export async function setTheme(page, themeLabel) {
  const step = async () => {
    await page.keyboard.press('Escape');
    await page.keyboard.press('Control+K');
    await page.keyboard.press('Control+T');
    await page.locator('.quick-input-widget input.input[placeholder*="Color Theme"]').waitFor({ timeout: loadScaled(5_000) });
    await page.keyboard.type(themeLabel);
    await page
      .locator('.quick-input-list .monaco-list-row', { hasText: themeLabel })
      .first()
      .waitFor({ timeout: loadScaled(5_000) });
    await page.keyboard.press('Enter');
    await page.locator(`.monaco-workbench.${themeKind(themeLabel)}`).waitFor({ timeout: loadScaled(5_000) });
    await settled(page);
  };
  step.page = page;
  await retry(`theme "${themeLabel}"`, 3, step);
}

export async function clearNotifications(page) {
  await runCommand(page, 'Notifications: Clear All Notifications');
  // Best effort: a notification may arrive right after (they are cleared for the screenshots only).
  await page
    .locator('.notifications-toasts .notification-toast')
    .first()
    .waitFor({ state: 'detached', timeout: loadScaled(5_000) })
    .catch(() => undefined);
}
