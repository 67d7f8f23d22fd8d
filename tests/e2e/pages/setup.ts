import type { Locator, Page } from 'playwright-core';

/** The first-start wizard. */
export class SetupPage {
  constructor(private readonly page: Page) {}

  get root(): Locator {
    return this.page.getByTestId('setup');
  }

  async waitForVisible(): Promise<void> {
    await this.root.waitFor();
  }

  async selectLevel(level: 'county' | 'city' | 'province'): Promise<void> {
    await this.page.getByTestId('setup-level').selectOption(level);
  }

  /** The whole wizard: level, area picked from the suggestions for `text`, office and operator. */
  async setUp(o: { level: 'county' | 'city' | 'province'; text: string; code: string; office: string; operator: string }): Promise<void> {
    await this.waitForVisible();
    await this.selectLevel(o.level);
    await this.chooseAreaByKeyboard(o.text, o.code);
    await this.fill({ office: o.office, operator: o.operator });
    await this.submit();
  }

  /** Types into the area box and picks the suggestion with the given code using the keyboard. */
  async chooseAreaByKeyboard(text: string, code: string): Promise<void> {
    const input = this.page.getByTestId('setup-area-input');
    await input.fill(text);
    const options = this.page.getByTestId('setup-area-option');
    await options.first().waitFor();
    const codes = await options.evaluateAll((els) => els.map((e) => e.getAttribute('data-code')));
    const index = codes.indexOf(code);
    if (index < 0) throw new Error(`area ${code} not among the suggestions for "${text}": ${codes.join(', ')}`);
    for (let i = 0; i < index; i++) await input.press('ArrowDown');
    await input.press('Enter');
  }

  async optionTexts(): Promise<string[]> {
    return this.page.getByTestId('setup-area-option').allInnerTexts();
  }

  selectedText(): Promise<string> {
    return this.page.getByTestId('setup-area-selected').innerText();
  }

  async fill(values: { refDate?: string; office?: string; operator?: string }): Promise<void> {
    if (values.refDate !== undefined) await this.page.getByTestId('setup-refdate').fill(values.refDate);
    if (values.office !== undefined) await this.page.getByTestId('setup-office').fill(values.office);
    if (values.operator !== undefined) await this.page.getByTestId('setup-operator').fill(values.operator);
  }

  async submit(): Promise<void> {
    await this.page.getByTestId('setup-submit').click();
  }

  errorFor(key: 'area' | 'refDate' | 'officeName' | 'operator'): Locator {
    return this.page.getByTestId(`setup-error-${key}`);
  }
}
