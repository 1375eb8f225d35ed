import type { Page } from 'playwright-core';

/** Picks an option of the antd Select labelled `label` (opens it, clicks the option containing `text`). */
export async function choose(page: Page, label: string, text: string | RegExp): Promise<void> {
  const input = page.getByLabel(label, { exact: true });
  await input.click();
  // The dropdown of this select (not one still closing): it holds the listbox the input controls.
  const list = await input.getAttribute('aria-controls');
  await page
    .locator(`.ant-select-dropdown:has([id="${list}"]) .ant-select-item-option`)
    .filter({ hasText: text })
    .first()
    .click();
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
