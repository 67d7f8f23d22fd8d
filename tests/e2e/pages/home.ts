import type { Locator, Page } from 'playwright-core';

export class HomePage {
  constructor(private readonly page: Page) {}

  get root(): Locator {
    return this.page.getByTestId('home');
  }

  value(which: 'area' | 'area-code' | 'level' | 'refdate' | 'office' | 'operator' | 'persons' | 'units' | 'errors' | 'warnings'): Locator {
    return this.page.getByTestId(`home-${which}`);
  }

  async changeOperator(name: string): Promise<void> {
    await this.page.getByTestId('home-operator-change').click();
    await this.page.getByTestId('home-operator-input').fill(name);
    await this.page.getByTestId('home-operator-save').click();
  }
}
