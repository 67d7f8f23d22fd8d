import type { Locator, Page } from 'playwright-core';

/** The generic add/edit form; fields are addressed by their dictionary key. */
export class RecordFormPage {
  constructor(
    private readonly page: Page,
    readonly table: 'person' | 'unit',
  ) {}

  get root(): Locator {
    return this.page.getByTestId(`form-${this.table}`);
  }

  async waitForVisible(): Promise<void> {
    await this.root.waitFor();
  }

  input(key: string): Locator {
    return this.root.getByTestId(`field-${key}`);
  }

  async fill(key: string, value: string): Promise<void> {
    await this.input(key).fill(value);
  }

  /** Chooses a code by its Chinese label in a <select>. */
  async choose(key: string, label: string): Promise<void> {
    await this.input(key).selectOption({ label });
  }

  /** Chooses the first real option (after the empty one) and returns its label. */
  async chooseFirst(key: string): Promise<string> {
    const select = this.input(key);
    const label = await select.locator('option').nth(1).innerText();
    await select.selectOption({ index: 1 });
    return label;
  }

  async check(key: string, labels: readonly string[]): Promise<void> {
    for (const label of labels) await this.input(key).getByLabel(label, { exact: true }).check();
  }

  value(key: string): Promise<string> {
    return this.input(key).inputValue();
  }

  async selectedLabel(key: string): Promise<string> {
    return this.input(key).evaluate((el) => (el instanceof HTMLSelectElement ? (el.selectedOptions[0]?.text ?? '') : ''));
  }

  /** The issue messages shown beside a field. */
  issues(key: string): Locator {
    return this.root.getByTestId(`field-issues-${key}`);
  }

  async save(): Promise<void> {
    await this.root.getByTestId('form-save').click();
  }

  async saveWithKeyboard(): Promise<void> {
    await this.page.keyboard.press('Control+s');
  }

  get status(): Locator {
    return this.root.getByTestId('form-status');
  }

  get summary(): Locator {
    return this.root.getByTestId('form-summary');
  }

  async back(): Promise<void> {
    await this.page.keyboard.press('Escape');
  }
}
