// Small helpers that drive the VS Code workbench the way a user does (keyboard, quick open, palette).

/** Opens a workspace file through Quick Open (Ctrl+P), like a user. */
export async function openFile(page, relativePath) {
  await page.keyboard.press('Control+P');
  const input = page.locator('.quick-input-widget input.input');
  await input.waitFor({ state: 'visible', timeout: 10_000 });
  await input.fill(relativePath);
  const name = relativePath.split('/').pop();
  // Click the matching row: Enter would take the first row, which may be a recently opened other file.
  const row = page.locator('.quick-input-list .monaco-list-row', { hasText: name }).first();
  await row.waitFor({ timeout: 15_000 });
  await row.click();
  // Wait until it is the active tab of the active group (it may already have been open elsewhere).
  await page
    .locator(`.editor-group-container.active .tabs-container .tab.active[aria-label^="${name}"]`)
    .first()
    .waitFor({ timeout: 10_000 });
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

/** Runs a command from the Command Palette by its title. */
export async function runCommand(page, title) {
  const step = async () => {
    await page.keyboard.press('Escape');
    await page.keyboard.press('Control+Shift+P');
    const input = page.locator('.quick-input-widget input.input');
    await input.waitFor({ state: 'visible', timeout: 5_000 });
    await input.fill(`>${title}`);
    await page.locator('.quick-input-list .monaco-list-row', { hasText: title }).first().waitFor({ timeout: 5_000 });
    await page.keyboard.press('Enter');
  };
  step.page = page;
  await retry(`command "${title}"`, 3, step);
}

export async function closeAllEditors(page) {
  await runCommand(page, 'View: Close All Editors');
  await page.waitForTimeout(300);
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
    await page.locator('.quick-input-widget input.input[placeholder*="Color Theme"]').waitFor({ timeout: 5_000 });
    await page.keyboard.type(themeLabel);
    await page.locator('.quick-input-list .monaco-list-row', { hasText: themeLabel }).first().waitFor({ timeout: 5_000 });
    await page.keyboard.press('Enter');
    await page.waitForTimeout(500);
  };
  step.page = page;
  await retry(`theme "${themeLabel}"`, 3, step);
}

export async function clearNotifications(page) {
  await runCommand(page, 'Notifications: Clear All Notifications');
  await page.waitForTimeout(200);
}
