import type { Locator, Page } from 'playwright-core';
import { openFileChooser } from './file-chooser';

/** The 上报与汇总 screen: board, package import with preview and key trust, duplicates, export, keys. */
export class PackagesPage {
  constructor(private readonly page: Page) {}

  async open(): Promise<void> {
    await this.page.getByTestId('nav-packages').click();
    await this.root.waitFor();
  }

  get root(): Locator {
    return this.page.getByTestId('packages-page');
  }

  async tab(id: 'board' | 'duplicates' | 'feedback' | 'export' | 'keys'): Promise<void> {
    await this.root.getByTestId(`pkg-tab-${id}`).click();
  }

  /** Picks package files through the browser's file chooser, as a user does. */
  async chooseFiles(paths: string[]): Promise<void> {
    const chooser = await openFileChooser(this.page, () => this.root.getByTestId('pkg-files').click());
    await chooser.setFiles(paths);
  }

  /**
   * Starts noting every text the import panel's progress bar shows (a small package's steps pass too
   * quickly to poll); the returned function gives them in order.
   */
  async recordProgress(): Promise<() => Promise<string[]>> {
    await this.page.evaluate(() => {
      const seen: string[] = [];
      (window as unknown as { __progress: string[] }).__progress = seen;
      const note = () => {
        const text = document.querySelector('[data-testid="pkg-import"] [data-testid="io-progress"] .io-progress-label')?.textContent;
        if (text && seen.at(-1) !== text) seen.push(text);
      };
      new MutationObserver(note).observe(document.body, { subtree: true, childList: true, characterData: true });
    });
    return () => this.page.evaluate(() => [...(window as unknown as { __progress: string[] }).__progress]);
  }

  previewRow(area: string): Locator {
    return this.root.getByTestId('pkg-preview').locator(`[data-testid="pkg-row"][data-area="${area}"]`);
  }

  resultRow(area: string): Locator {
    return this.root.getByTestId('pkg-results').locator(`[data-testid="pkg-row"][data-area="${area}"]`);
  }

  async trust(area: string): Promise<void> {
    await this.root.getByTestId(`pkg-trust-${area}`).check();
  }

  get mergeButton(): Locator {
    return this.root.getByTestId('pkg-merge');
  }

  boardRow(area: string): Locator {
    return this.root.locator(`[data-testid="board-row"][data-area="${area}"]`);
  }

  get pendingBanner(): Locator {
    return this.root.getByTestId('board-pending');
  }

  duplicateCase(idNumber: string): Locator {
    return this.root.locator(`[data-testid="dup-case"][data-id-number="${idNumber}"]`);
  }

  async decide(idNumber: string, area: string, reason: string): Promise<void> {
    const c = this.duplicateCase(idNumber);
    await c.getByTestId(`dup-choose-${area}`).check();
    await c.getByTestId('dup-reason').fill(reason);
    await c.getByTestId('dup-save').click();
  }

  /** Picks files, trusts every new key (the phone call is assumed), merges, and waits for every result. */
  async mergeAll(paths: string[], areas: string[]): Promise<void> {
    await this.tab('board');
    await this.chooseFiles(paths);
    for (const a of areas) {
      await this.previewRow(a).waitFor();
      const trust = this.root.getByTestId(`pkg-trust-${a}`);
      if (await trust.count()) await trust.check();
    }
    await this.mergeButton.click();
    for (const a of areas) await this.resultRow(a).and(this.page.locator('[data-status="merged"]')).waitFor();
  }

  /** Exports upward through the export tab and saves the download; confirms incompleteness when asked. */
  async exportTo(file: string, opts: { confirmIncomplete?: boolean } = {}): Promise<string> {
    if (await this.root.getByTestId('pkg-tab-export').count()) await this.tab('export');
    const run = this.exportPanel.getByTestId('export-run');
    await this.exportPanel.waitFor();
    if (opts.confirmIncomplete) await this.exportPanel.getByTestId('export-confirm-incomplete').check();
    const [download] = await Promise.all([this.page.waitForEvent('download'), run.click()]);
    await download.saveAs(file);
    await this.exportPanel.getByTestId('export-done').waitFor();
    return file;
  }

  get exportPanel(): Locator {
    return this.root.getByTestId('export-panel');
  }

  get ownFingerprint(): Locator {
    return this.root.getByTestId('own-fingerprint');
  }
}
