import type { Locator, Page } from 'playwright-core';
import { openFileChooser } from './file-chooser';

export interface ChartBar {
  label: string;
  value: number;
  /** Centre of the bar in CSS pixels, relative to the chart's top-left corner */
  x: number;
  y: number;
}

/** 汇总看板: headline tiles, bar charts, the summary tables and the persons behind a cell. */
export class DashboardPage {
  constructor(private readonly page: Page) {}

  get root(): Locator {
    return this.page.getByTestId('reports-page');
  }

  async open(): Promise<void> {
    await this.page.getByTestId('nav-reports').click();
    await this.page.getByTestId('dashboard').waitFor();
  }

  headline(key: string): Locator {
    return this.page.getByTestId(`headline-${key}`);
  }

  chart(testid: string): Locator {
    return this.page.getByTestId(testid);
  }

  /** The bars as the chart laid them out (written by the chart after each render) */
  async bars(testid: string): Promise<ChartBar[]> {
    const chart = this.chart(testid);
    await chart.and(this.page.locator('[data-bars]')).waitFor();
    return JSON.parse((await chart.getAttribute('data-bars')) ?? '[]') as ChartBar[];
  }

  /** Clicks the middle of a bar with the mouse, as a user would. */
  async clickBar(testid: string, label: string): Promise<ChartBar> {
    const chart = this.chart(testid);
    await chart.scrollIntoViewIfNeeded();
    const bar = (await this.bars(testid)).find((b) => b.label === label);
    if (!bar) throw new Error(`no bar ${label} in ${testid}`);
    const box = await chart.boundingBox();
    if (!box) throw new Error(`${testid} is not visible`);
    await this.page.mouse.click(box.x + bar.x, box.y + bar.y);
    return bar;
  }

  async tab(view: 'dashboard' | 'tables' | 'inputs'): Promise<void> {
    await this.page.getByTestId(`reports-tab-${view}`).click();
  }

  /** A row of a summary table: its label and its first value */
  tableRow(table: string, row: string): { label: Locator; first: Locator } {
    const tr = this.page.getByTestId(`table-${table}`).locator(`tr[data-row="${row}"]`);
    return { label: tr.locator('th'), first: tr.locator('td').first() };
  }

  /** True when the middle of the element is what is drawn there once scrolled into view; else what covers it */
  async uncovered(l: Locator): Promise<boolean | string> {
    await l.scrollIntoViewIfNeeded();
    return l.evaluate((el) => {
      const r = el.getBoundingClientRect();
      const top = document.elementFromPoint(r.x + r.width / 2, r.y + r.height / 2);
      if (top !== null && (top === el || el.contains(top))) return true;
      return `covered by ${top?.outerHTML.slice(0, 200)} at ${r.y} of ${window.innerHeight}`;
    });
  }

  tableCell(table: string, row: string, column: string): Locator {
    return this.page.getByTestId(`table-${table}`).locator(`tr[data-row="${row}"] td[data-col="${column}"]`);
  }

  // Population and targets
  async setTarget(key: string, value: string): Promise<void> {
    await this.page.getByTestId(`target-${key}`).fill(value);
  }

  async saveTargets(): Promise<void> {
    await this.page.getByTestId('save-targets').click();
  }

  /** Picks the population table through the file chooser, as a user does */
  async importPopulation(file: { name: string; mimeType: string; buffer: Buffer }): Promise<void> {
    const chooser = await openFileChooser(this.page, () => this.page.getByTestId('population-file').click());
    await chooser.setFiles(file);
  }

  population(code: string): Locator {
    return this.page.getByTestId(`population-${code}`);
  }

  get notice(): Locator {
    return this.page.getByRole('status');
  }

  // The persons behind a cell
  get cellTitle(): Locator {
    return this.page.getByTestId('cell-title');
  }

  get cellTotal(): Locator {
    return this.page.getByTestId('cell-total');
  }

  get personRows(): Locator {
    return this.page.getByTestId('cell-person');
  }

  async personNames(): Promise<string[]> {
    return this.personRows.locator('td[data-col="name"]').allInnerTexts();
  }
}
