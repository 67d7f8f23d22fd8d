import type { Locator, Page } from 'playwright-core';

/** The 问题清单 screen. */
export class IssuesPage {
  constructor(private readonly page: Page) {}

  get root(): Locator {
    return this.page.getByTestId('issues');
  }

  get rows(): Locator {
    return this.root.getByTestId('issue-row');
  }

  /** Rows whose message contains the text. */
  row(message: string): Locator {
    return this.rows.filter({ has: this.page.getByTestId('issue-message').filter({ hasText: message }) });
  }

  total(): Promise<string> {
    return this.root.getByTestId('issues-total').innerText();
  }

  async filterSeverity(label: '全部' | '错误' | '警告'): Promise<void> {
    await this.root.getByTestId('issues-filter-severity').selectOption({ label });
  }

  /** Types a 核实说明 into the row and saves it with Enter. */
  async explain(row: Locator, text: string): Promise<void> {
    const input = row.getByTestId('issue-explain-input');
    await input.fill(text);
    await input.press('Enter');
    await row.getByTestId('issue-explain-saved').waitFor();
  }

  explanation(row: Locator): Promise<string> {
    return row.getByTestId('issue-explain-input').inputValue();
  }

  /** The summary group (rule·field) with its count, as shown */
  group(rule: string, field: string): Locator {
    return this.root.locator(`[data-testid="issues-summary-group"][data-rule="${rule}"][data-field="${field}"]`);
  }
}
