import { expect } from 'vitest';
import type { Page } from 'playwright-core';

/** What a person does in Storage Browser, as the file-browser and sharing browser tests do it. */

/** Opens an action of the actions menu (Upload, Copy, Share, ...). */
export async function action(on: Page, name: string): Promise<void> {
  await on.getByRole('button', { name: 'Menu Toggle' }).click();
  await on.getByRole('menuitem', { name }).click();
}

/** Ticks (or unticks) a file's row. */
export async function select(on: Page, name: string, checked = true): Promise<void> {
  // amplify draws its own box over the input, so the input is clicked as a keyboard user's Space would.
  const box = on.getByRole('row').filter({ hasText: name }).getByRole('checkbox');
  if ((await box.isChecked()) !== checked) await box.evaluate((input) => (input as HTMLInputElement).click());
  expect(await box.isChecked()).toBe(checked);
}

/** Starts the upload of the files chosen, and waits until all `count` are uploaded. */
export async function uploadChosen(on: Page, count: number): Promise<void> {
  await on.getByRole('button', { name: 'Upload', exact: true }).click();
  await on
    .getByText(new RegExp(`Completed: ${count}|All files uploaded`))
    .first()
    .waitFor({ timeout: 30_000 });
}
