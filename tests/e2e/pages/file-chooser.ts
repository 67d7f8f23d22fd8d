import type { FileChooser, Page } from 'playwright-core';

/**
 * Opens the system file dialog the way the user does (`open` clicks or presses a key) and returns
 * Playwright's handle on it.
 *
 * Playwright switches on the dialog's interception when the listener is added, in a message it
 * does not wait for. A key press reaches the page faster than a click (no actionability checks), and
 * on a loaded machine the dialog opened before the interception was on: no event, a 30 s timeout
 * (seen in CI). One awaited round trip behind the listener puts the interception first.
 */
export async function openFileChooser(page: Page, open: () => Promise<void>): Promise<FileChooser> {
  const chooser = page.waitForEvent('filechooser');
  await page.evaluate(() => undefined);
  await open();
  return chooser;
}
