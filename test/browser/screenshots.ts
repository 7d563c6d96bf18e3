import type { Page } from 'playwright-core';

/**
 * The browser tests' screenshots, for people to look at: `npm run test:browser` takes them (into
 * test-artifacts/, git-ignored); `npm test` runs the same journeys and axe checks without them,
 * since a full-page PNG costs the browser CPU that the suite's time budget has not got.
 */
export const SCREENSHOTS_VARIABLE = 'TEST_SCREENSHOTS';

export const screenshotsWanted = (): boolean => process.env[SCREENSHOTS_VARIABLE] === '1';

/** A full-page screenshot to `file`, when this run keeps screenshots. */
export async function keepScreenshot(page: Page, file: string): Promise<void> {
  if (screenshotsWanted()) await page.screenshot({ path: file, fullPage: true });
}
