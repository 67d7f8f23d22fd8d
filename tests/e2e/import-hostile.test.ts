/**
 * The clerk's side of issue 17 in Chromium against the real browser-mode server: a workbook written
 * the WPS/openpyxl way (sheet list after the sheets) previews its sheet as 人员信息 with data under
 * no header listed and mappable, a CSV with mixed line endings imports every row, and a
 * shared-strings bomb is refused with a plain message while the app stays usable; so are a workbook
 * naming one long string in every cell, one with a value in column XFD of every row, and a CSV whose
 * quote never closes (which once merged the people after it into one record).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { longCell, mixedLineEndingsCsv, repeatedStringBomb, sharedStringsBomb, sheetsFirst, sparseSheet, unbrokenCsv } from '../fixtures/hostile-files';
import { makeIdNumber, writeXlsx } from '../fixtures/township-returns';
import { ImportExportPage } from './pages/import-export';
import { apiCall, openLoggedPage, type RunningApp } from './support/app';
import { useBrowserSuite } from './support/suite';

const suite = useBrowserSuite({ app: true });
let app: RunningApp;
let filesDir: string;
const cleanups = suite.cleanups;
const shots = process.env.HEADCOUNT_SHOTS;

beforeAll(async () => {
  filesDir = suite.dir();
  app = suite.app;
  await apiCall(app, 'census.setup', { areaCode: '110101', level: 'county', refDate: '2026-12-31', officeName: '东城区民政局', operator: '李明' });
});

async function openIo() {
  const page = await openLoggedPage(suite.browser, cleanups, app);
  await page.goto(app.url);
  const io = new ImportExportPage(page);
  await io.open();
  return { page, io };
}

describe('hostile and odd files through the UI', () => {
  it('previews a WPS-ordered workbook with its own sheet name and a headerless column, maps it, imports', async () => {
    const base = await writeXlsx(path.join(filesDir, 'base.xlsx'), [
      { name: '填表说明', rows: [['请按下表填写']] },
      { name: '人员信息', rows: [['姓名', '证件号码', null], ['张三', makeIdNumber('1985-03-15', 11), '13812345678'], ['王五', makeIdNumber('1990-07-01', 32), '13900001111']] },
    ]);
    const file = path.join(filesDir, '东华门街道（WPS）.xlsx');
    writeFileSync(file, await sheetsFirst(readFileSync(base)));
    const { page, io } = await openIo();
    await io.chooseFiles([file]);
    const sheet = io.sheet('东华门街道（WPS）.xlsx', '人员信息');
    await sheet.waitFor();
    await io.showColumns(sheet);
    await expect.poll(() => sheet.innerText()).toContain('无列名');
    if (shots) await page.screenshot({ path: path.join(shots, 'wps-preview.png'), fullPage: true });
    await io.mapColumn(sheet, '（第C列，无列名，2 行有内容）', '手机');
    await io.applyMapping();
    await io.commit();
    const people = await apiCall(app, 'persons.list', { search: '张三' });
    expect(people.rows[0]!.data.phone).toBe('13812345678');
    expect(people.rows[0]!.source?.sheet).toBe('人员信息');
  });

  it('imports every row of a CSV with mixed line endings', async () => {
    const file = path.join(filesDir, '景山街道.csv');
    writeFileSync(file, mixedLineEndingsCsv().data);
    const { io } = await openIo();
    await io.chooseFiles([file]);
    await expect.poll(() => io.totals()).toMatch(/读取\s*3\b/);
    await io.commit();
    expect((await apiCall(app, 'persons.list', { search: '李四' })).total).toBe(1);
  });

  it('refuses a shared-strings bomb with a plain message and stays usable', async () => {
    const base = readFileSync(await writeXlsx(path.join(filesDir, 'b.xlsx'), [{ name: '人员信息', rows: [['姓名', '证件号码'], ['张三', '1']] }]));
    const bomb = path.join(filesDir, '炸弹.xlsx');
    writeFileSync(bomb, (await sharedStringsBomb(base, { strings: 8_000_000 })).data);
    const before = (await apiCall(app, 'persons.list', {})).total;
    const { page, io } = await openIo();
    await io.chooseFiles([bomb]);
    await expect.poll(() => io.error.innerText(), { timeout: 60_000 }).toContain('疑似压缩炸弹');
    if (shots) await page.screenshot({ path: path.join(shots, 'bomb-refused.png'), fullPage: true });
    expect((await apiCall(app, 'persons.list', {})).total).toBe(before);
    await page.getByTestId('nav-persons').click();
    await expect.poll(() => page.getByTestId('nav-persons').isVisible()).toBe(true);
  });

  it('refuses a repeated long string, a 6 M-character cell, a CSV with no line break, a value in column XFD of every row and an unclosed CSV quote, one after another, saying what to fix', async () => {
    const base = readFileSync(await writeXlsx(path.join(filesDir, 'c.xlsx'), [{ name: '人员信息', rows: [['姓名', '证件号码'], ['张三', '1']] }]));
    const repeated = path.join(filesDir, '和平里街道.xlsx');
    writeFileSync(repeated, await repeatedStringBomb(base, { length: 1024 * 1024, rows: 3000 }));
    const wide = path.join(filesDir, '安定门街道.xlsx');
    writeFileSync(wide, await sparseSheet(base, { rows: 200_000, columns: ['XFD'] }));
    const quote = path.join(filesDir, '交道口街道.csv');
    writeFileSync(quote, `姓名,证件号码\r\n张三,${makeIdNumber('1990-01-01', 1)}\r\n"李四,${makeIdNumber('1990-01-01', 2)}\r\n王五,${makeIdNumber('1990-01-01', 3)}\r\n`);
    const long = path.join(filesDir, '东华门街道.xlsx');
    writeFileSync(long, await longCell(base, 6_000_000));
    const unbroken = path.join(filesDir, '景山街道.csv');
    writeFileSync(unbroken, unbrokenCsv(12 * 1024 * 1024));
    const before = (await apiCall(app, 'persons.list', {})).total;
    const { page, io } = await openIo();
    const cases: [string, RegExp][] = [
      [repeated, /和平里街道\.xlsx」：工作表中反复引用的共享文本合计超过 \d+ MB/],
      [long, /东华门街道\.xlsx」：工作簿中有一个单元格的内容（或一段连续内容）超过 4 MB，远超 Excel 单元格 32,767 个字符的上限/],
      [unbroken, /景山街道\.csv」：从第 2 行起超过 8 MB 的内容里没有一个完整的行.*请用记事本或 Excel 打开检查后再导入/],
      [wide, /安定门街道\.xlsx」：工作表第 \d+ 行一直到第 XFD 列才有内容.*请在 Excel 中删除数据右边多余的列/],
      [quote, /交道口街道\.csv」：第 3 行有一个引号（"）没有配对，从它到文件末尾的 2 行会被并成一格/],
    ];
    for (const [file, message] of cases) {
      await io.chooseFiles([file]);
      await expect.poll(() => io.error.innerText(), { timeout: 60_000 }).toMatch(message);
      if (shots) await page.screenshot({ path: path.join(shots, `refused-${path.basename(file)}.png`), fullPage: true });
      await io.error.getByRole('button').click();
      await io.error.waitFor({ state: 'detached' });
    }
    expect((await apiCall(app, 'persons.list', {})).total).toBe(before);
  }, 120_000);
});
