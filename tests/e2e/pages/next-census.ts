import type { Locator, Page } from 'playwright-core';

/** 数据与备份 › 新建下一期，沿用上期名单 */
export class NextCensusPage {
  constructor(private readonly page: Page) {}

  get root(): Locator {
    return this.page.getByTestId('next-census');
  }

  async open(): Promise<void> {
    await this.page.getByTestId('nav-file').click();
    await this.root.waitFor();
  }

  /** Starts the next census at `refDate`; resolves when the app says what it carried */
  async create(refDate: string): Promise<string> {
    await this.page.getByTestId('next-refdate').fill(refDate);
    await this.page.getByTestId('next-submit').click();
    const notice = this.page.getByTestId('file-notice').filter({ hasText: '沿用上期名单' });
    await notice.waitFor();
    return (await notice.innerText()).trim();
  }
}
