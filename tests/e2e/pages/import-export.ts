import { expect } from 'vitest';
import { readFileSync } from 'node:fs';
import type { Download, Locator, Page } from 'playwright-core';
import { openFileChooser } from './file-chooser';

/** The 导入导出 screen: import with preview, template and error report downloads, export. */
export class ImportExportPage {
  constructor(private readonly page: Page) {}

  async open(): Promise<void> {
    await this.page.getByTestId('nav-io').click();
    await this.root.waitFor();
  }

  get root(): Locator {
    return this.page.getByTestId('io-page');
  }

  get importPanel(): Locator {
    return this.root.getByTestId('import-panel');
  }

  /** Picks files through the browser's file chooser, as a user does. */
  async chooseFiles(paths: string[]): Promise<void> {
    const chooser = await openFileChooser(this.page, () => this.importPanel.getByTestId('import-files').click());
    await chooser.setFiles(paths);
  }

  /** The same through the keyboard: the file button is reached like any other and opens the chooser on Enter */
  async chooseFilesByKeyboard(paths: string[]): Promise<void> {
    const button = this.importPanel.getByTestId('import-files');
    await button.focus();
    const chooser = await openFileChooser(this.page, () => this.page.keyboard.press('Enter'));
    expect(chooser.isMultiple()).toBe(true);
    await chooser.setFiles(paths);
  }

  get preview(): Locator {
    return this.importPanel.getByTestId('import-preview');
  }

  get progress(): Locator {
    return this.importPanel.getByTestId('io-progress');
  }

  get cancelButton(): Locator {
    return this.importPanel.getByTestId('io-cancel');
  }

  get error(): Locator {
    return this.importPanel.getByTestId('error-banner');
  }

  totals(): Promise<string> {
    return this.preview.getByTestId('import-totals').innerText();
  }

  file(name: string): Locator {
    return this.preview.getByTestId('import-file').filter({ hasText: name });
  }

  sheet(file: string, sheet: string): Locator {
    return this.file(file).locator(`[data-testid="import-sheet"][data-sheet="${sheet}"]`);
  }

  /** Unfolds a sheet's column list (folded when every column is mapped with confidence) */
  async showColumns(sheet: Locator): Promise<void> {
    const details = sheet.getByTestId('column-map-details');
    if (!(await details.evaluate((el) => (el as HTMLDetailsElement).open))) await details.locator('summary').click();
  }

  /** The mapping row of a column, by its header text in the file */
  columnRow(sheet: Locator, header: string): Locator {
    return sheet.getByTestId('column-map').locator('tr').filter({ has: this.page.locator('td:first-child').getByText(header, { exact: true }) });
  }

  async mapColumn(sheet: Locator, header: string, fieldLabel: string): Promise<void> {
    await this.showColumns(sheet);
    await this.columnRow(sheet, header).locator('select').selectOption({ label: fieldLabel });
  }

  async applyMapping(): Promise<void> {
    await this.importPanel.getByTestId('import-apply').click();
    await this.importPanel.getByTestId('import-commit').waitFor();
  }

  async commit(): Promise<void> {
    await this.importPanel.getByTestId('import-commit').click();
    await this.result.waitFor();
  }

  get result(): Locator {
    return this.importPanel.getByTestId('import-result');
  }

  /** Clicks and returns the downloaded file's name and bytes */
  async download(button: Locator): Promise<{ name: string; data: Buffer }> {
    const [d] = await Promise.all([this.page.waitForEvent('download'), button.click()]);
    return { name: (d as Download).suggestedFilename(), data: readFileSync((await (d as Download).path())!) };
  }

  async downloadTemplate(township: string): Promise<{ name: string; data: Buffer }> {
    const panel = this.root.getByTestId('template-panel');
    await panel.getByTestId('template-township').selectOption({ label: township });
    return this.download(panel.getByTestId('download-template'));
  }

  async exportData(format: 'Excel（.xlsx）' | 'CSV', values: '名称（如 大学本科）' | '代码（如 20）'): Promise<{ name: string; data: Buffer }> {
    const panel = this.root.getByTestId('export-panel');
    await panel.getByTestId('export-format').selectOption({ label: format });
    await panel.getByTestId('export-codes').selectOption({ label: values });
    return this.download(panel.getByTestId('export-download'));
  }

  /** Parquet: one table, no codes/labels choice (both are in the file) */
  async exportParquet(table: '人员' | '单位'): Promise<{ name: string; data: Buffer }> {
    const panel = this.root.getByTestId('export-panel');
    await panel.getByTestId('export-format').selectOption({ label: 'Parquet（统计分析）' });
    await panel.getByTestId('export-table').selectOption({ label: table });
    return this.download(panel.getByTestId('export-download'));
  }

  // --- what the preview asks (units, values, missing columns, conflicts) and the import history

  newUnit(name: string): Locator {
    return this.preview.locator(`[data-testid="new-unit"][data-name="${name}"]`);
  }

  async chooseUnit(name: string, optionLabel: string): Promise<void> {
    await this.newUnit(name).getByTestId('new-unit-action').selectOption({ label: optionLabel });
  }

  unmapped(value: string): Locator {
    return this.preview.locator(`[data-testid="unmapped-value"][data-value="${value}"]`);
  }

  async mapValue(value: string, codeLabel: string): Promise<void> {
    await this.unmapped(value).getByTestId('unmapped-code').selectOption({ label: codeLabel });
  }

  missing(file: string, field: string): Locator {
    return this.preview.getByTestId('missing-column').filter({ hasText: file }).and(this.preview.locator(`[data-field="${field}"]`));
  }

  async fillMissing(file: string, field: string, value: string): Promise<void> {
    const input = this.missing(file, field).getByTestId('missing-fill');
    await input.fill(value);
    await input.blur();
  }

  get history(): Locator {
    return this.root.getByTestId('import-history');
  }

  /** Asks to undo the newest import from the history; the in-page confirmation opens */
  async askUndoNewest(): Promise<Locator> {
    await this.history.getByTestId('history-batch').first().getByTestId('history-undo').click();
    const dialog = this.page.getByTestId('confirm-dialog');
    await dialog.waitFor();
    return dialog;
  }

  /** Undoes the newest import from the history, confirming in the dialog */
  async undoNewest(): Promise<void> {
    const dialog = await this.askUndoNewest();
    await dialog.getByTestId('confirm-ok').click();
  }
}
