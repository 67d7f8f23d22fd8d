/**
 * Importing township returns through the UI in Chromium against the real browser-mode server:
 * files picked with the file chooser, preview with skipped rows, issues and a corrected column,
 * the import itself, a corrected re-import that updates instead of duplicating, the error report,
 * the template and the export downloads, a cancelled read and a rejected file.
 */
import { readdirSync } from 'node:fs';
import path from 'node:path';
import ExcelJS from 'exceljs';
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { PROBLEM_COLUMN } from '../../shared/io';
import {
  correctedWorkbookSheets, csvRows, makeIdNumber, MESSY_ROWS, messyWorkbookSheets, PEOPLE, writeBadFiles, writeCsv, writeXlsx, type FixtureCell,
} from '../fixtures/township-returns';
import { Ime } from './pages/ime';
import { ImportExportPage } from './pages/import-export';
import { apiCall, openLoggedPage, type RunningApp } from './support/app';
import { routeCalls, type Calls } from './support/calls';
import { useBrowserSuite } from './support/suite';

const suite = useBrowserSuite({ app: true });
let app: RunningApp;
let filesDir: string;
const cleanups = suite.cleanups;

beforeAll(async () => {
  filesDir = suite.dir();
  app = suite.app;
  await apiCall(app, 'census.setup', { areaCode: '110101', level: 'county', refDate: '2026-12-31', officeName: '东城区民政局', operator: '李明' });
});

/** The page on 导入导出; `routed`: its calls routed so a test can hold one (routing must come before the page opens) */
async function openIo(opts: { routed?: boolean } = {}): Promise<{ page: Page; io: ImportExportPage; calls: Calls | null }> {
  const page = await openLoggedPage(suite.browser, cleanups, app);
  const calls = opts.routed ? await routeCalls(page) : null;
  await page.goto(app.url);
  const io = new ImportExportPage(page);
  await io.open();
  return { page, io, calls };
}

/** Import stage files anywhere under the app's data folder */
function stageFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((n) => n.includes('.import-stage-'));
}

/**
 * A township's CSV of 30,000 persons with distinct valid ID numbers: the birthday from i mod 360 (40 years × 9 days,
 * coprime), the sequence from `seqBase` up, so two files with bases 300 apart never share a number.
 */
function townshipCsv(name: string, namePrefix: string, seqBase: number, education: string): string {
  const rows: (string | number)[][] = [['姓名', '证件号码', '学历']];
  for (let i = 0; i < 30_000; i++) rows.push([`${namePrefix}${i}`, makeIdNumber(`19${50 + (i % 40)}0${1 + (i % 9)}1${i % 9}`, seqBase + Math.floor(i / 360)), education]);
  return writeCsv(path.join(filesDir, name), rows, 'utf-8');
}

async function workbook(data: Buffer): Promise<ExcelJS.Workbook> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength) as ArrayBuffer);
  return wb;
}

describe('import through the UI', () => {
  it('refuses an unreadable file with a clear message and writes nothing', async () => {
    const { io } = await openIo();
    const bad = await writeBadFiles(filesDir);
    await io.chooseFiles([bad.truncated]);
    await expect.poll(() => io.error.innerText()).toContain('文件不完整或已损坏');
    expect((await apiCall(app, 'persons.list', {})).total).toBe(0);
    expect((await apiCall(app, 'units.list', {})).total).toBe(0);
  });

  it('stops reading when cancelled and writes nothing', async () => {
    const rows: (string | number)[][] = [['姓名', '证件号码', '学历']];
    for (let i = 0; i < 80_000; i++) rows.push([`人员${i}`, `110101198503150${String(i % 1000).padStart(3, '0')}`, '本科']);
    const big = writeCsv(path.join(filesDir, '大表.csv'), rows, 'utf-8');
    const { io } = await openIo();
    await io.chooseFiles([big]);
    await io.cancelButton.click();
    await expect.poll(() => io.error.innerText()).toContain('已取消');
    expect((await apiCall(app, 'persons.list', {})).total).toBe(0);
  });

  it('previews, lets the clerk correct a column, imports, and re-imports a corrected return as updates', async () => {
    const xlsx = await writeXlsx(path.join(filesDir, '东华门街道.xlsx'), messyWorkbookSheets());
    const csv = writeCsv(path.join(filesDir, '景山街道.csv'), csvRows(), 'gbk');
    const { page, io, calls } = await openIo({ routed: true });
    await io.chooseFiles([xlsx, csv]);
    await io.preview.waitFor();
    expect(await io.totals()).toMatch(/读取\s*16[\s\S]*新增\s*10[\s\S]*跳过\s*6[\s\S]*错误\s*2/);

    const persons = io.sheet('东华门街道.xlsx', '人员');
    expect(await persons.getByTestId('import-skipped').innerText()).toMatch(new RegExp(`第${MESSY_ROWS.subtotal}行\\s*合计行（小计）[\\s\\S]*第${MESSY_ROWS.total}行\\s*合计行（合计）`));
    expect(await persons.getByTestId('column-map-details').locator('summary').innerText()).toContain('23 列导入，2 列不导入');
    await io.showColumns(persons);
    expect(await io.columnRow(persons, '身份证号码').innerText()).toContain('同义列名');
    // 所在乡镇 is only a guess: that sheet's columns are open for confirmation
    expect(await io.sheet('东华门街道.xlsx', '单位').getByTestId('column-map-details').locator('summary').innerText()).toContain('1 列为推测，请确认');
    expect(await io.columnRow(io.sheet('东华门街道.xlsx', '单位'), '所在乡镇').innerText()).toContain('推测，请确认');
    const issues = io.file('东华门街道.xlsx').getByTestId('import-issues');
    expect(await issues.innerText()).toContain(`人员 第${MESSY_ROWS.li}行`);
    expect(await issues.innerText()).toContain('5.32323196906185E+17');
    expect(await io.file('景山街道.csv').innerText()).toContain('GBK/GB18030');

    // The CSV's 联系电话 is an office number, not the person's mobile: leave it out
    const csvSheet = io.sheet('景山街道.csv', '');
    await io.mapColumn(csvSheet, '联系电话', '（不导入）');
    await io.applyMapping();
    await io.showColumns(io.sheet('景山街道.csv', ''));
    expect(await io.columnRow(io.sheet('景山街道.csv', ''), '联系电话').innerText()).toContain('已修改');

    await io.commit();
    expect(await io.result.innerText()).toContain('新增 10 条');
    const zhou = (await apiCall(app, 'persons.list', { search: PEOPLE.zhou.id })).rows[0]!;
    expect(zhou.data.phone).toBeNull();
    const li = (await apiCall(app, 'persons.list', { search: '李四' })).rows[0]!;
    expect(li.source).toEqual({ file: '东华门街道.xlsx', sheet: '人员', row: MESSY_ROWS.li });
    const listed = await apiCall(app, 'issues.list', { recordId: li.id });
    expect(listed.issues[0]).toMatchObject({ rule: 'id_excel_number', source: { file: '东华门街道.xlsx', row: MESSY_ROWS.li } });

    // The error report for the township: marked cells, comments, 问题说明. Built, its reply is held back here:
    // meanwhile the panel shows the core's progress (a census-size report takes seconds).
    let release: () => void = () => {};
    const held = new Promise<void>((resolve) => (release = resolve));
    calls!.after = async (call) => {
      if (call.method === 'io.errorReport') await held;
    };
    const downloaded = io.download(io.result.getByTestId('download-error-report').first());
    await expect.poll(() => io.progress.innerText()).toContain('正在生成问题表');
    expect(await io.result.getByTestId('download-error-report').first().isDisabled()).toBe(true);
    release();
    const report = await downloaded;
    await io.progress.waitFor({ state: 'detached' });
    calls!.after = null;
    expect(report.name).toBe('东华门街道_退回修改.xlsx');
    const ws = (await workbook(report.data)).getWorksheet('人员')!;
    const header = (ws.getRow(2).values as unknown[]).slice(1);
    expect(header.at(-1)).toBe(PROBLEM_COLUMN);
    expect(ws.getRow(3).getCell(1).value).toBe('李四');
    const idCell = ws.getRow(3).getCell(header.indexOf('证件号码') + 1);
    expect(JSON.stringify(idCell.note)).toContain('Excel 当作数字');
    expect(idCell.fill).toMatchObject({ fgColor: { argb: 'FFFFC7CE' } });

    // The township sends the return again with 张三's phone and hours corrected
    const corrected = await writeXlsx(path.join(filesDir, '东华门街道（更正）.xlsx'), correctedWorkbookSheets());
    await io.chooseFiles([corrected]);
    await io.preview.waitFor();
    const updates = io.file('东华门街道（更正）.xlsx').getByTestId('import-updates');
    expect(await updates.innerText()).toMatch(/张三[\s\S]*手机：13812345678 → 13811112222[\s\S]*统计期培训学时：40 → 80/);
    await io.commit();
    expect(await io.result.innerText()).toMatch(/更新 1 条/);
    const zhang = await apiCall(app, 'persons.list', { search: '张三' });
    expect(zhang.total).toBe(1);
    expect(zhang.rows[0]!.data).toMatchObject({ phone: '13811112222', trainingHours: 80 });
  });

  it('downloads a prefilled template and a CSV export with a BOM', async () => {
    const { io } = await openIo();
    const tpl = await io.downloadTemplate('景山街道');
    const wb = await workbook(tpl.data);
    expect(wb.worksheets.map((w) => w.name)).toEqual(['填表说明', '人员', '单位', '代码表']);
    expect(String(wb.getWorksheet('人员')!.getCell('A1').value)).toContain('景山街道');
    const csv = await io.exportData('CSV', '代码（如 20）');
    expect(csv.name).toMatch(/\.csv$/);
    expect([...csv.data.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expect(csv.data.toString('utf8')).toContain('记录编号');
  });
  it('imports a township workbook of 2,500 persons, staged beside the census while the clerk reads the preview', async () => {
    const rows: FixtureCell[][] = [['东城区 社会工作专业人才统计表', null, null], ['姓名', '证件号码', '学历']];
    for (let i = 0; i < 2_500; i++) rows.push([`批量${i}`, makeIdNumber(`19${60 + (i % 40)}0${1 + (i % 9)}1${i % 9}`, 200 + Math.floor(i / 360)), i % 2 ? '本科' : '大专']);
    const file = await writeXlsx(path.join(filesDir, '和平里街道.xlsx'), [{ name: '人员', rows, merges: ['A1:C1'] }]);
    const before = (await apiCall(app, 'persons.list', {})).total;
    const { io } = await openIo();
    await io.chooseFiles([file]);
    await io.preview.waitFor();
    // The stage file sits beside the census (db/stage-file.ts) while the preview is on screen
    await expect.poll(() => stageFiles(app.dataDir).length).toBe(1);
    await io.commit();
    expect(await io.result.innerText()).toContain('新增 2,500 条');
    expect(stageFiles(app.dataDir)).toEqual([]);
    expect((await apiCall(app, 'persons.list', {})).total).toBe(before + 2_500);
    expect((await apiCall(app, 'persons.list', { search: '批量2499' })).rows[0]!.source).toEqual({ file: '和平里街道.xlsx', sheet: '人员', row: 2_502 });
  });

  it('keeps the bar moving through a large import: the checking counts its rows, the one-transaction write moves with no stuck 0 %', async () => {
    const file = townshipCsv('东直门街道.csv', '大批', 300, '本科');
    const before = (await apiCall(app, 'persons.list', {})).total;
    const { page, io } = await openIo();
    // Every state the bar shows, as the clerk would see it
    await page.evaluate(() => {
      const seen: string[] = [];
      (window as unknown as { barStates: string[] }).barStates = seen;
      const look = () => {
        const bar = document.querySelector('[data-testid="import-panel"] [data-testid="io-progress"]');
        if (!bar) return;
        const progress = bar.querySelector('progress')!;
        const state = `${bar.querySelector('.io-progress-label')!.textContent} | ${progress.hasAttribute('value') ? bar.querySelector('.io-progress-pct')!.textContent : 'moving'}`;
        if (seen.at(-1) !== state) seen.push(state);
      };
      new MutationObserver(look).observe(document.body, { subtree: true, childList: true, characterData: true, attributes: true });
    });
    await io.chooseFiles([file]);
    await io.preview.waitFor();
    await io.commit();
    expect(await io.result.innerText()).toContain('新增 30,000 条');
    expect((await apiCall(app, 'persons.list', {})).total).toBe(before + 30_000);
    const states = await page.evaluate(() => (window as unknown as { barStates: string[] }).barStates);
    expect(states.some((s) => /^正在核查数据（[\d,]+ \/ 30,000 条） \| \d+%$/.test(s))).toBe(true);
    const writing = states.filter((s) => s.startsWith('正在写入数据库'));
    expect(writing).toEqual(['正在写入数据库（30,000 条，全部完成或全部不做） | moving']);
  });

  it('keeps the import for a clerk who looks at another page: still reading on return, then the preview, then the write\'s result', async () => {
    const file = townshipCsv('建国门街道.csv', '再批', 600, '大专');
    const before = (await apiCall(app, 'persons.list', {})).total;
    const { page, io } = await openIo();
    const away = async () => {
      await page.getByTestId('nav-units').click();
      await page.getByTestId('nav-io').click();
      await io.importPanel.waitFor();
    };
    await io.chooseFiles([file]);
    await io.progress.waitFor();
    // Away while the rows are read: back to the bar (or the preview, if the reading ended meanwhile), not an empty panel
    await away();
    expect((await io.progress.count()) + (await io.preview.count())).toBe(1);
    await io.preview.waitFor({ timeout: 60_000 });
    const totals = await io.totals();
    expect(totals).toContain('30,000');
    // Away before confirming: the preview is still there to confirm
    await away();
    await io.preview.waitFor();
    expect(await io.totals()).toBe(totals);
    // Away as soon as the write starts: back to its bar or its result, and the result once it ends
    await io.importPanel.getByTestId('import-commit').click();
    await away();
    await io.result.waitFor({ timeout: 60_000 });
    expect(await io.result.innerText()).toContain('新增 30,000 条');
    expect((await apiCall(app, 'persons.list', {})).total).toBe(before + 30_000);
  });

  it('puts a new unit name under any registered unit found by typing, with a short list in each row whatever the county has registered', async () => {
    // A county with many registered units: listing all of them in every new name's select froze the page.
    const registered = Array.from({ length: 60 }, (_, i) => `东城区第${i + 1}社区居委会`);
    for (const name of [...registered, '东城区和平里街道社会工作服务站']) {
      await apiCall(app, 'units.create', { data: { name, creditCode: null, noCreditReason: '未赋码', unitType: '3', township: '110101001', urbanRural: '1', isStation: false, staffCount: 5, swPostCount: 0, reportedSwCount: null } });
    }
    const header = ['姓名', '证件号码', '学历', '工作单位'];
    const file = writeCsv(path.join(filesDir, '和平里街道补报.csv'), [
      header,
      ['补报甲', makeIdNumber('1981-03-03', 301), '本科', '和平里社工站'],
      ['补报乙', makeIdNumber('1982-04-04', 302), '大专', '和平里社工站'],
      ['补报丙', makeIdNumber('1983-05-05', 303), '大专', '和平里第七社区'],
    ], 'utf-8');
    const { page, io } = await openIo();
    await io.chooseFiles([file]);
    await io.preview.waitFor();
    const row = io.newUnit('和平里社工站');
    await expect.poll(() => row.getByTestId('new-unit-action').locator('option').allInnerTexts()).toEqual([
      '新建单位', '暂不新建（所在单位保留为文字）', '归入其他已登记单位（输入名称查找）…',
    ]);
    expect(await io.preview.getByTestId('new-unit-action').locator('option').count()).toBe(6);
    // 归入其他…: a search box; the name typed through an input method finds the registered unit.
    await row.getByTestId('new-unit-action').selectOption({ label: '归入其他已登记单位（输入名称查找）…' });
    const search = row.getByTestId('new-unit-search');
    await search.click();
    const ime = await Ime.attach(page);
    await ime.type('hepingli', '和平里街道社会工作');
    await ime.detach();
    await expect.poll(() => row.getByTestId('new-unit-action').evaluate((el: HTMLSelectElement) => el.selectedOptions[0]?.textContent)).toBe('归入已登记的「东城区和平里街道社会工作服务站」');
    if (process.env.HEADCOUNT_SHOTS_DIR) await io.preview.getByTestId('import-decisions').screenshot({ path: path.join(process.env.HEADCOUNT_SHOTS_DIR, 'new-unit-search.png') });
    await io.applyMapping();
    expect(await io.totals()).toContain('新建单位 1');
    await io.commit();
    const linked = (await apiCall(app, 'persons.list', { search: '补报' })).rows;
    const station = (await apiCall(app, 'units.list', { search: '东城区和平里街道社会工作服务站' })).rows[0]!;
    expect(linked.filter((p) => p.data.unitId === station.id).map((p) => p.data.name).sort()).toEqual(['补报乙', '补报甲']);
  });
});
