import type { Locator, Page } from 'playwright-core';

/** The persons or units list. */
export class RecordListPage {
  constructor(
    private readonly page: Page,
    readonly table: 'person' | 'unit',
  ) {}

  get root(): Locator {
    return this.page.getByTestId(`list-${this.table}`);
  }

  get rows(): Locator {
    return this.root.getByTestId('list-row');
  }

  row(text: string): Locator {
    return this.rows.filter({ hasText: text });
  }

  cell(row: Locator, column: string): Locator {
    return row.locator(`td[data-col="${column}"]`);
  }

  total(): Promise<string> {
    return this.root.getByTestId('list-total').innerText();
  }

  async waitForVisible(): Promise<void> {
    await this.root.waitFor();
  }

  /** 人员/单位 open the spreadsheet grid; the plain list is one click further (列表视图). */
  async show(): Promise<void> {
    await this.page.getByTestId(`nav-${this.table === 'person' ? 'persons' : 'units'}`).click();
    await this.page.getByTestId('grid-list-view').click();
    await this.root.waitFor();
  }

  async add(): Promise<void> {
    await this.root.getByTestId('list-add').click();
  }

  async search(text: string): Promise<void> {
    await this.root.getByTestId('list-search').fill(text);
  }

  async open(text: string): Promise<void> {
    await this.row(text).click();
  }

  async remove(text: string): Promise<void> {
    await this.row(text).getByTestId('list-row-delete').click();
    await this.page.getByTestId('confirm-ok').click();
  }
}
