/**
 * A large microdata export through 导入导出 in Chromium: the panel shows how many records are written
 * while the export runs, the statistician can cancel it (no file, no error), and the file then comes
 * down as bytes from the core (services/downloads.ts), not as base64 in a reply — the way a
 * province's 1M-person export still fits (bench/README.md, session 16).
 */
import ExcelJS from 'exceljs';
import { beforeAll, describe, expect, it } from 'vitest';
import { ImportExportPage } from './pages/import-export';
import { apiCall, openLoggedPage, type RunningApp } from './support/app';
import { useBrowserSuite } from './support/suite';

const suite = useBrowserSuite({ app: true });
let app: RunningApp;
const PERSONS = 60_000;

beforeAll(async () => {
  app = suite.app;
  await apiCall(app, 'census.setup', { areaCode: '110101', level: 'county', refDate: '2026-12-31', officeName: '东城区民政局', operator: '李明' });
  await apiCall(app, 'census.demo', { persons: PERSONS, units: 2000, seed: 11 });
});

/** 导入导出's export panel on a fresh page, with `format` chosen */
async function exportPanel(format: string) {
  const page = await openLoggedPage(suite.browser, suite.cleanups, app);
  await page.goto(app.url);
  const io = new ImportExportPage(page);
  await io.open();
  const panel = io.root.getByTestId('export-panel');
  await panel.getByTestId('export-format').selectOption({ label: format });
  return { page, io, panel };
}

describe('a large export through the UI', () => {
  it('shows the records written, cancels without a file, then downloads the whole workbook', async () => {
    const { page, io, panel } = await exportPanel('Excel（.xlsx）');
    let downloads = 0;
    page.on('download', () => downloads++);

    await panel.getByTestId('export-download').click();
    const bar = panel.getByTestId('io-progress');
    // The count of records written so far, out of all of them (persons and units)
    await expect.poll(() => bar.innerText(), { timeout: 30_000 }).toMatch(/正在导出（[1-9][\d,]* \/ 62,000 条）/);
    await bar.getByTestId('io-cancel').click();
    await expect.poll(() => panel.getByTestId('export-note').innerText(), { timeout: 30_000 }).toBe('已取消导出，没有生成文件。');
    expect(await bar.count()).toBe(0);
    expect(await panel.getByTestId('export-download').isEnabled()).toBe(true);
    expect(downloads).toBe(0);

    const file = await io.download(panel.getByTestId('export-download'));
    expect(file.name).toBe('社会工作专业人才_东城区.xlsx');
    expect(await panel.getByTestId('export-note').innerText()).toBe('已导出 62,000 条记录：社会工作专业人才_东城区.xlsx');
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(file.data.buffer.slice(file.data.byteOffset, file.data.byteOffset + file.data.byteLength) as ArrayBuffer);
    expect(wb.worksheets.map((w) => [w.name, w.rowCount])).toEqual([['人员', PERSONS + 1], ['单位', 2001]]);
    expect(downloads).toBe(1);
  });

  it('keeps an export the statistician left the page during: its bar on return, then the file and its outcome', async () => {
    const { page, panel } = await exportPanel('CSV');
    const download = page.waitForEvent('download', { timeout: 60_000 });
    await panel.getByTestId('export-download').click();
    await expect.poll(() => panel.getByTestId('io-progress').count()).toBe(1);
    // Away to the persons grid at once, and back while the core is still writing
    await page.getByTestId('nav-persons').click();
    await page.getByTestId('nav-io').click();
    await panel.waitFor();
    const back = await panel.innerText();
    expect(back.includes('正在导出') || back.includes('正在保存文件') || back.includes('已导出 60,000 条记录')).toBe(true);
    // While it runs the panel offers no second export
    if (!back.includes('已导出')) expect(await panel.getByTestId('export-download').isDisabled()).toBe(true);
    const d = await download;
    expect(d.suggestedFilename()).toMatch(/\.csv$/);
    await expect.poll(() => panel.getByTestId('export-note').innerText()).toBe(`已导出 60,000 条记录：${d.suggestedFilename()}`);
    expect(await panel.getByTestId('io-progress').count()).toBe(0);
    expect(await panel.getByTestId('export-download').isEnabled()).toBe(true);
  });
});
