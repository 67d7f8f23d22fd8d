import type { Locator, Page } from 'playwright-core';
import { openFileChooser } from './file-chooser';

/** 审核退回 on both sides: the upper level's tab and record banner, the sub-area's panel in the issues list. */
export class FeedbackPage {
  constructor(private readonly page: Page) {}

  // Upper level, on a received record's form
  get readOnlyBanner(): Locator {
    return this.page.getByTestId('form-readonly');
  }

  async askAboutRecord(question: string): Promise<void> {
    await this.page.getByTestId('fb-record-question').fill(question);
    await this.page.getByTestId('fb-record-add').click();
    await this.page.getByTestId('fb-record-done').waitFor();
  }

  // Upper level, 上报与汇总 › 审核退回
  async askAboutReturn(area: string, question: string): Promise<void> {
    await this.page.getByTestId('fb-area').selectOption(area);
    await this.page.getByTestId('fb-question-input').fill(question);
    await this.page.getByTestId('fb-add').click();
  }

  sentItems(area: string): Locator {
    return this.page.locator(`[data-testid="fb-area-block"][data-area="${area}"] [data-testid="fb-sent-item"]`);
  }

  async exportFor(area: string, file: string): Promise<string> {
    const [download] = await Promise.all([this.page.waitForEvent('download'), this.page.getByTestId(`fb-export-${area}`).click()]);
    await download.saveAs(file);
    await this.page.getByTestId('fb-export-done').waitFor();
    return file;
  }

  // Sub-area, 问题清单
  async importFile(file: string): Promise<void> {
    const chooser = await openFileChooser(this.page, () => this.page.getByTestId('fb-import').click());
    await chooser.setFiles(file);
    await this.page.getByTestId('fb-import-done').waitFor();
  }

  get receivedItems(): Locator {
    return this.page.getByTestId('fb-item');
  }

  async answer(index: number, text: string): Promise<void> {
    const item = this.receivedItems.nth(index);
    await item.getByTestId('fb-answer').fill(text);
    await item.getByTestId('fb-answer-save').click();
    await item.and(this.page.locator('[data-status="answered"]')).waitFor();
  }
}
