import type { Locator, Page } from 'playwright-core';

export type Section = 'home' | 'persons' | 'units' | 'issues' | 'file';

/** The top bar present on every screen after setup. */
export class Shell {
  constructor(private readonly page: Page) {}

  async go(section: Section): Promise<void> {
    await this.page.getByTestId(`nav-${section}`).click();
  }

  get operator(): Locator {
    return this.page.getByTestId('topbar-operator');
  }

  get area(): Locator {
    return this.page.getByTestId('topbar-area');
  }
}
