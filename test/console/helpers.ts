import type { Page } from 'playwright-core';

/** Picks an option of the antd Select labelled `label` (opens it, clicks the option containing `text`). */
export async function choose(page: Page, label: string, text: string | RegExp): Promise<void> {
  const input = page.getByLabel(label, { exact: true });
  const select = page.locator('.ant-select', { has: input });
  // A click can land while the dropdown is still animating open: retry until the select shows a value.
  for (let attempt = 0; attempt < 3; attempt++) {
    await input.click();
    // The dropdown of this select (not one still closing): it holds the listbox the input controls.
    const list = await input.getAttribute('aria-controls');
    const option = page
      .locator(`.ant-select-dropdown:has([id="${list}"]) .ant-select-item-option`)
      .filter({ hasText: text })
      .first();
    await option.waitFor();
    await page.waitForTimeout(150);
    const chosen = (await option.innerText()).trim();
    await option.click();
    await page.waitForTimeout(100);
    if ((await select.innerText()).includes(chosen)) return;
  }
  throw new Error(`could not choose ${String(text)} in ${label}`);
}

/** Types a date-time into the antd DatePicker labelled `label`. */
export async function typeDate(page: Page, label: string, value: string): Promise<void> {
  const input = page.getByLabel(label, { exact: true });
  await input.click();
  await input.fill(value);
  await input.press('Tab');
}

/** Submits the open command dialog. */
export async function submitDialog(page: Page): Promise<void> {
  await page
    .locator('.ant-modal')
    .getByRole('button', { name: /提\s*交/ })
    .click();
}

/** Opens the action button `label` on an item page and waits for its dialog. */
export async function openAction(page: Page, label: string): Promise<void> {
  // antd puts a space between the two characters of a two-character button label (查 实).
  const name = new RegExp(`^${[...label].join('\\s*')}$`);
  await page.getByTestId('actions').getByRole('button', { name }).click();
  await page.locator('.ant-modal').waitFor();
}

/** Logs in through the API and returns a function calling it as that user (JSON in, JSON out). */
export async function apiAs(
  baseUrl: string,
  username: string,
): Promise<(path: string, body?: unknown) => Promise<{ status: number; body: Record<string, unknown> }>> {
  const login = await fetch(`${baseUrl}/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password: 'zhengzhi-demo' }),
  });
  const { accessToken } = (await login.json()) as { accessToken: string };
  return async (path, body) => {
    const response = await fetch(`${baseUrl}${path}`, {
      method: body === undefined ? 'GET' : 'POST',
      headers: { authorization: `Bearer ${accessToken}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    let parsed: Record<string, unknown>;
    try {
      parsed = JSON.parse(text) as Record<string, unknown>;
    } catch {
      parsed = { text };
    }
    return { status: response.status, body: parsed };
  };
}

/** Replaces the whole text of the CodeMirror editor on the page. */
export async function replaceEditorText(page: Page, text: string): Promise<void> {
  const content = page.locator('.cm-content').first();
  await content.click();
  await page.keyboard.press('Control+A');
  await page.keyboard.press('Delete');
  await page.keyboard.insertText(text);
}
