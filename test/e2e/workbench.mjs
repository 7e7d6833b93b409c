// Small helpers that drive the VS Code workbench the way a user does (keyboard, quick open, palette).

/** Opens a workspace file through Quick Open (Ctrl+P), like a user. */
export async function openFile(page, relativePath) {
  await page.keyboard.press('Control+P');
  const input = page.locator('.quick-input-widget input.input');
  await input.waitFor({ state: 'visible', timeout: 10_000 });
  await input.fill(relativePath);
  const name = relativePath.split('/').pop();
  await page.locator('.quick-input-list .monaco-list-row', { hasText: name }).first().waitFor({ timeout: 15_000 });
  await page.keyboard.press('Enter');
  await page.locator(`.tabs-container .tab[aria-label^="${name}"]`).first().waitFor({ timeout: 10_000 });
}

/** Runs a command from the Command Palette by its title. */
export async function runCommand(page, title) {
  await page.keyboard.press('Control+Shift+P');
  const input = page.locator('.quick-input-widget input.input');
  await input.waitFor({ state: 'visible', timeout: 10_000 });
  await input.fill(`>${title}`);
  await page.locator('.quick-input-list .monaco-list-row', { hasText: title }).first().waitFor({ timeout: 10_000 });
  await page.keyboard.press('Enter');
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

/** Switches the colour theme through the theme picker, as a user does. */
export async function setTheme(page, themeLabel) {
  await page.keyboard.press('Control+K');
  await page.keyboard.press('Control+T');
  await page.locator('.quick-input-widget input.input[placeholder*="Color Theme"]').waitFor({ timeout: 10_000 });
  const row = page.locator('.quick-input-list .monaco-list-row', { hasText: themeLabel }).first();
  await page.keyboard.type(themeLabel);
  await row.waitFor({ timeout: 10_000 });
  await page.keyboard.press('Enter');
  await page.waitForTimeout(500);
}

export async function clearNotifications(page) {
  await runCommand(page, 'Notifications: Clear All Notifications');
  await page.waitForTimeout(200);
}
