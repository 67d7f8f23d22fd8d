/**
 * A province over two cities over counties, every role's own steps through the UI in Chromium:
 * 云南省 ← 楚雄州 (楚雄市, 双柏县) and 红河州 (个旧市; 开远市 never reports). Each office sets up in the
 * wizard (short names), exports its return from the 上报 screen, and each upper level merges through
 * the import panel. 楚雄市 and 双柏县 register one organisation under the same credit code; the city
 * sees no error, exports, and counts it once in 表3. The city sends a 双柏县 person back (审核退回), the
 * county answers and resubmits, and the city re-merges. Tables and the Excel export are checked cell
 * by cell, with 未报 for every county that sent nothing; the province sends its own partial return upward, and
 * the package verifies with both cities' persons. Three 昆明市 counties then report straight to the
 * province, and its board folds them into the city's row. County records come from the demo generator:
 * entering them is not what is tested here.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import ExcelJS from 'exceljs';
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { DashboardPage } from './pages/dashboard';
import { FeedbackPage } from './pages/feedback';
import { GridPage } from './pages/grid';
import { HomePage } from './pages/home';
import { PackagesPage } from './pages/packages';
import { RecordFormPage } from './pages/record-form';
import { SetupPage } from './pages/setup';
import { Shell } from './pages/shell';
import { apiCall, openLoggedPage, startApp, type RunningApp } from './support/app';
import { removeDir } from '../fixtures/core';
import { countyCensus, exportTo } from '../fixtures/packages';
import { verifyPackages } from '../../electron/core/services/packages';
import { useBrowserSuite } from './support/suite';

const CHUXIONG_ZHOU = '532300';
const HONGHE = '532500';
const CHUXIONG_SHI = '532301';
const SHUANGBAI = '532322';
const GEJIU = '532501';
const KAIYUAN = '532502';

const suite = useBrowserSuite();
let out: string;

beforeAll(async () => {
  out = suite.dir();
});

interface Office {
  app: RunningApp;
  page: Page;
  pkgs: PackagesPage;
  stop(): Promise<void>;
}

/** Starts an office's app and sets it up through the wizard. */
async function office(o: Parameters<SetupPage['setUp']>[0]): Promise<Office> {
  const dir = suite.dir();
  const app = await startApp(dir);
  const local: (() => unknown)[] = [];
  const page = await openLoggedPage(suite.browser, local, app);
  await page.goto(app.url);
  await new SetupPage(page).setUp(o);
  const home = new HomePage(page);
  await home.root.waitFor();
  expect(await home.value('area-code').innerText()).toBe(o.code);
  const stop = async () => {
    for (const c of local.reverse()) await c();
    await app.stop();
  };
  // Offices live across the file's tests: stopped after the last one.
  suite.atEnd(stop);
  return { app, page, pkgs: new PackagesPage(page), stop };
}

async function countyWithData(text: string, code: string, office_: string, persons: number, seed: number): Promise<Office> {
  const o = await office({ level: 'county', text, code, office: office_, operator: '县级填报员' });
  await apiCall(o.app, 'census.demo', { persons, units: 3, seed });
  return o;
}

/** HEADCOUNT_SHOTS=DIR keeps screenshots of the upper levels' screens for review */
async function shot(page: Page, name: string): Promise<void> {
  if (process.env.HEADCOUNT_SHOTS) await page.screenshot({ path: path.join(process.env.HEADCOUNT_SHOTS, `${name}.png`), fullPage: true });
}

const cellText = (d: DashboardPage, t: string, row: string, col: string) => d.tableCell(t, row, col).innerText();

async function readXlsx(file: string): Promise<ExcelJS.Workbook> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.readFile(file);
  return wb;
}

function rowOf(ws: ExcelJS.Worksheet, label: string): ExcelJS.Row | undefined {
  let found: ExcelJS.Row | undefined;
  ws.eachRow((r) => {
    if (r.getCell(1).value === label) found = r;
  });
  return found;
}

describe('云南省 ← 楚雄州, 红河州 ← counties', () => {
  let chuxiongFile: string, shuangbai: Office, shuangbaiFile: string;
  let city: Office, cityFile: string, honghe: Office, hongheFile: string, prov: Office;
  let shared: string;
  let unitsOf: Record<string, number>;

  it('counties set up in the wizard, one organisation registered by two of them, and each exports from 上报', async () => {
    const cx = await countyWithData('楚雄州 楚雄', CHUXIONG_SHI, '楚雄市民政局', 30, 41);
    shuangbai = await countyWithData('双柏', SHUANGBAI, '双柏县民政局', 20, 42);
    // The agency registered in 楚雄市 also runs a station in 双柏县: the county types its credit code.
    const agency = (await apiCall(cx.app, 'units.list', { offset: 0, limit: 1 })).rows[0]!;
    shared = String(agency.data.creditCode);
    const site = (await apiCall(shuangbai.app, 'units.list', { offset: 0, limit: 1 })).rows[0]!;
    await shuangbai.page.goto(`${shuangbai.app.origin}/#/units/${site.id}`);
    const form = new RecordFormPage(shuangbai.page, 'unit');
    await form.waitForVisible();
    await form.fill('creditCode', shared);
    await form.save();
    await expect.poll(() => form.status.innerText()).toContain('已保存');
    unitsOf = { [CHUXIONG_SHI]: 3, [SHUANGBAI]: 3 };

    await cx.pkgs.open();
    chuxiongFile = await cx.pkgs.exportTo(path.join(out, 'cx-1.hcpkg'));
    await cx.stop();
    await shuangbai.pkgs.open();
    shuangbaiFile = await shuangbai.pkgs.exportTo(path.join(out, 'sb-1.hcpkg'));
  });

  it('楚雄州 sets up by its short name, merges both, sees no error for the shared organisation, and shows 未报', async () => {
    city = await office({ level: 'city', text: '楚雄州', code: CHUXIONG_ZHOU, office: '楚雄州民政局', operator: '杨丽' });
    await city.pkgs.open();
    await city.pkgs.mergeAll([chuxiongFile, shuangbaiFile], [CHUXIONG_SHI, SHUANGBAI]);
    await expect.poll(() => city.pkgs.boardRow(SHUANGBAI).getAttribute('data-status')).toBe('received');
    expect(await city.pkgs.boardRow('532324').getAttribute('data-status')).toBe('missing');
    expect(await city.pkgs.root.getByTestId('board-reported').innerText()).toContain('2/10');
    await shot(city.page, 'city-board');
    const summary = await apiCall(city.app, 'census.summary', {});
    expect(summary.issues.error).toBe(0);
    expect(summary).toMatchObject({ persons: 50, units: 6 });
    // The city's units grid offers each county's part: no 市州 above them.
    await new Shell(city.page).go('units');
    const units = new GridPage(city.page, 'unit');
    await units.waitLoaded();
    expect(await units.areaOptions()).toEqual(['全部（6 行）', '楚雄彝族自治州本级录入（0 行）', '楚雄市（3 行）', '双柏县（3 行）']);
    await units.showArea(`area:${SHUANGBAI}`);
    expect(await units.rowsText()).toBe('共 3 行');

    // Tables, cell by cell: the two counties' numbers, 未报 for the rest, the organisation once in 表3.
    const d = new DashboardPage(city.page);
    await d.open();
    expect(await city.page.getByTestId('report-coverage').innerText()).toContain('已报 2/10');
    expect((await d.bars('chart-sub-area')).length).toBeGreaterThan(0);
    await shot(city.page, 'city-dashboard');
    await d.tab('tables');
    await shot(city.page, 'city-tables');
    expect(await cellText(d, 'T1', 'total', 'persons')).toBe('50');
    expect(await cellText(d, 'T1', CHUXIONG_SHI, 'persons')).toBe('30');
    expect(await cellText(d, 'T1', SHUANGBAI, 'persons')).toBe('20');
    for (const missing of ['532323', '532324', '532329'])
      for (const col of ['persons', 'holders', 'certRate']) expect(await cellText(d, 'T1', missing, col)).toBe('未报');
    expect(await cellText(d, 'T3', 'total', 'unitReports')).toBe('6');
    expect(await cellText(d, 'T3', 'total', 'units')).toBe('5');
    // Names, not codes, where a person reads an area: the drill-down's township column.
    await d.tableCell('T1', SHUANGBAI, 'persons').locator('a').click();
    await d.cellTotal.waitFor();
    await expect.poll(() => d.cellTotal.innerText()).toBe('20');
    const townships = await d.personRows.locator('td[data-col="township"]').allInnerTexts();
    await shot(city.page, 'city-drilldown');
    expect(townships.length).toBeGreaterThan(0);
    for (const t of townships) expect(t).toMatch(/[镇乡街道]$/);

    // The Excel export says 未报 in the cells of every county that sent nothing.
    await d.open();
    await d.tab('tables');
    const [dl] = await Promise.all([city.page.waitForEvent('download'), city.page.getByTestId('export-xlsx').click()]);
    const xlsx = path.join(out, 'chuxiong-tables.xlsx');
    await dl.saveAs(xlsx);
    const wb = await readXlsx(xlsx);
    const t1 = wb.getWorksheet('表1')!;
    expect(t1.getCell(2, 1).value).toContain('（532300）');
    expect(rowOf(t1, '楚雄市')!.getCell(2).value).toBe(30);
    expect(rowOf(t1, '双柏县')!.getCell(2).value).toBe(20);
    expect(rowOf(t1, '牟定县')!.getCell(2).value).toBe('未报');
    const t3 = wb.getWorksheet('表3')!;
    const headers: unknown[] = [];
    t3.eachRow((r) => headers.push(...(r.values as unknown[])));
    expect(headers).toContain('单位报告数');
    const total = rowOf(t3, '合计')!.values as unknown[];
    // 单位数 (distinct) 5 beside 单位报告数 6, in that order after the stub.
    expect(total.slice(2, 4)).toEqual([5, 6]);
  });

  it('sends a 双柏县 person back; the county answers and resubmits; the city re-merges and sees it answered', async () => {
    const person = (await apiCall(city.app, 'persons.list', { offset: 0, limit: 100 })).rows.find((p) => p.areaCode === SHUANGBAI)!;
    await city.page.goto(`${city.app.origin}/#/persons/${person.id}`);
    const fb = new FeedbackPage(city.page);
    await fb.readOnlyBanner.waitFor();
    await shot(city.page, 'city-readonly-record');
    expect(await fb.readOnlyBanner.innerText()).toContain('由双柏县报送，在本级只读');
    expect(await city.page.getByTestId('form-save').isDisabled()).toBe(true);
    await fb.askAboutRecord('培训学时与上年差异大，请核实');
    await city.pkgs.open();
    await city.pkgs.tab('feedback');
    await fb.askAboutReturn(SHUANGBAI, '社工站数量请说明');
    await expect.poll(() => fb.sentItems(SHUANGBAI).count()).toBe(2);
    const fbFile = await fb.exportFor(SHUANGBAI, path.join(out, 'sb-feedback.hcfb'));
    await expect.poll(() => fb.sentItems(SHUANGBAI).first().getAttribute('data-status')).toBe('sent');

    // The county takes it into its issues list, answers both, and sends its second return.
    await new Shell(shuangbai.page).go('issues');
    const cfb = new FeedbackPage(shuangbai.page);
    await cfb.importFile(fbFile);
    await expect.poll(() => cfb.receivedItems.count()).toBe(2);
    expect(await cfb.receivedItems.nth(0).getByTestId('fb-question').innerText()).toBe('培训学时与上年差异大，请核实');
    await cfb.answer(0, '已核实，学时按培训证明填写');
    await cfb.answer(1, '两个社工站合并');
    await shot(shuangbai.page, 'county-feedback');
    await shuangbai.pkgs.open();
    const second = await shuangbai.pkgs.exportTo(path.join(out, 'sb-2.hcpkg'));
    await shuangbai.stop();

    await city.pkgs.open();
    await city.pkgs.mergeAll([second], [SHUANGBAI]);
    await expect.poll(() => city.pkgs.boardRow(SHUANGBAI).getByTestId('board-feedback').innerText()).toBe('已退回 2，已答复');
    await shot(city.page, 'city-board-answered');
    await city.pkgs.tab('feedback');
    await expect.poll(() => fb.sentItems(SHUANGBAI).locator('[data-testid="fb-sent-answer"]').allInnerTexts()).toEqual(['已核实，学时按培训证明填写', '两个社工站合并']);

    // Exporting upward lists the counties that have not reported and needs a confirmation.
    await city.pkgs.tab('export');
    await city.pkgs.exportPanel.getByTestId('export-incomplete').waitFor();
    expect(await city.pkgs.exportPanel.getByTestId('export-missing').innerText()).toContain('牟定县');
    expect(await city.pkgs.exportPanel.getByTestId('export-run').isDisabled()).toBe(true);
    cityFile = await city.pkgs.exportTo(path.join(out, 'chuxiong-zhou.hcpkg'), { confirmIncomplete: true });
    await city.stop();
  });

  it('红河州 merges 个旧市 while 开远市 never reports, and sends a partial return', async () => {
    const gejiu = await countyWithData('个旧', GEJIU, '个旧市民政局', 25, 43);
    await gejiu.pkgs.open();
    const f = await gejiu.pkgs.exportTo(path.join(out, 'gj-1.hcpkg'));
    await gejiu.stop();
    honghe = await office({ level: 'city', text: '红河州', code: HONGHE, office: '红河州民政局', operator: '李红' });
    await honghe.pkgs.open();
    await honghe.pkgs.mergeAll([f], [GEJIU]);
    await expect.poll(() => honghe.pkgs.boardRow(KAIYUAN).getAttribute('data-status')).toBe('missing');
    hongheFile = await honghe.pkgs.exportTo(path.join(out, 'honghe.hcpkg'), { confirmIncomplete: true });
    await honghe.stop();
  });

  it('云南省 merges both cities, shows them as partial returns, and adds them up with 未报 for the rest', async () => {
    prov = await office({ level: 'province', text: '云南', code: '530000', office: '云南省民政厅', operator: '张敏' });
    await prov.pkgs.open();
    await prov.pkgs.mergeAll([cityFile, hongheFile], [CHUXIONG_ZHOU, HONGHE]);
    await expect.poll(() => prov.pkgs.boardRow(CHUXIONG_ZHOU).getAttribute('data-status')).toBe('partial');
    expect(await prov.pkgs.boardRow(CHUXIONG_ZHOU).getByTestId('board-below').innerText()).toContain('已报 2/10');
    expect(await prov.pkgs.boardRow(HONGHE).getByTestId('board-below').innerText()).toContain('已报 1/13');
    expect(await prov.pkgs.boardRow('530100').getAttribute('data-status')).toBe('missing');
    expect((await apiCall(prov.app, 'census.summary', {})).issues.error).toBe(0);

    const d = new DashboardPage(prov.page);
    await d.open();
    expect(await prov.page.getByTestId('report-coverage').innerText()).toContain('已报 2/16（其中 2 个部分报送）');
    await d.tab('tables');
    expect(await cellText(d, 'T1', 'total', 'persons')).toBe('75');
    expect(await cellText(d, 'T1', '5323', 'persons')).toBe('50');
    expect(await cellText(d, 'T1', '5325', 'persons')).toBe('25');
    expect(await cellText(d, 'T1', '5301', 'persons')).toBe('未报');
    expect(await prov.page.getByTestId('table-T1').locator('tr[data-row="5323"] th').innerText()).toContain('部分报送');
    expect(await cellText(d, 'T3', 'total', 'unitReports')).toBe(String(unitsOf[CHUXIONG_SHI]! + unitsOf[SHUANGBAI]! + 3));
    expect(await cellText(d, 'T3', 'total', 'units')).toBe(String(unitsOf[CHUXIONG_SHI]! + unitsOf[SHUANGBAI]! + 3 - 1));
    await shot(prov.page, 'province-tables');
    await prov.pkgs.open();
    await shot(prov.page, 'province-board');

    // The province's own return upward through 向上级上报, a partial one: both cities' persons under its key
    const provFile = await prov.pkgs.exportTo(path.join(out, 'yunnan.hcpkg'), { confirmIncomplete: true });
    const [sent] = await verifyPackages(null, [{ name: 'yunnan.hcpkg', data: readFileSync(provFile) }]);
    expect(sent).toMatchObject({ ok: true, package: { areaCode: '530000', level: 'province', sequence: 1, persons: 75 } });
    expect(await prov.pkgs.exportPanel.getByTestId('export-done').innerText()).toContain('人员 75 人');

    // The persons grid, a part at a time: each 市州 with its 区县 beneath it, and what each holds.
    const shell = new Shell(prov.page);
    await shell.go('persons');
    const grid = new GridPage(prov.page, 'person');
    await grid.waitLoaded();
    expect(await grid.rowsText()).toBe('共 75 行');
    expect(await grid.areaOptions()).toEqual([
      '全部（75 行）', '云南省本级录入（0 行）', '楚雄彝族自治州 全部（50 行）', '\u3000\u3000楚雄市（30 行）', '\u3000\u3000双柏县（20 行）', '红河哈尼族彝族自治州 全部（25 行）', '\u3000\u3000个旧市（25 行）',
    ]);
    await grid.showArea(`group:${CHUXIONG_ZHOU}`);
    expect(await grid.rowsText()).toBe('共 50 行');
    await grid.showArea(`area:${GEJIU}`);
    expect(await grid.rowsText()).toBe('共 25 行');
    const ids = await grid.columnTexts('idNumber');
    expect(ids.length).toBeGreaterThan(5);
    for (const id of ids) expect(id.slice(0, 6)).toBe(GEJIU);
    await shot(prov.page, 'province-grid-gejiu');
    // Received records only: a new row would be the province's own, so 新增行 says where to add it.
    expect(await prov.page.getByTestId('grid-add-row').isDisabled()).toBe(true);
    expect(await prov.page.getByTestId('grid-add-row').getAttribute('title')).toContain('请先在「显示」中选择「本级录入」或「全部」');
    await grid.click(0, 'name');
    await prov.page.keyboard.press('Insert');
    await expect.poll(() => prov.page.getByTestId('grid-notice').innerText()).toContain('本级新增的记录属于「本级录入」');
    expect(await grid.rowsText()).toBe('共 25 行');
    // Back from another page, the grid shows the part chosen last.
    await shell.go('home');
    await shell.go('persons');
    await grid.waitLoaded();
    expect(await grid.areaPicker.inputValue()).toBe(`area:${GEJIU}`);
    expect(await grid.rowsText()).toBe('共 25 行');
    await grid.showArea('all');
    expect(await grid.rowsText()).toBe('共 75 行');
    // The province's own entries: empty, and the place to add one.
    await grid.showArea('area:530000');
    expect(await grid.rowsText()).toBe('共 0 行');
    await grid.saved(() => prov.page.getByTestId('grid-add-row').click());
    await expect.poll(() => grid.rowsText()).toBe('共 1 行');
    expect((await apiCall(prov.app, 'grid.areas', { table: 'person' })).areas[0]).toMatchObject({ code: '530000', count: 1, own: true });
    // The picker counts the new row without leaving the part (the grid keeps its row and undo step)
    await expect.poll(() => grid.areaOptions()).toEqual(expect.arrayContaining(['全部（76 行）', '云南省本级录入（1 行）']));
    expect(await grid.areaPicker.inputValue()).toBe('area:530000');
    expect(await prov.page.getByTestId('grid-undo').isEnabled()).toBe(true);
  });

  it('three of 昆明市’s fourteen counties report straight to 云南省: one board row folds their packages and names the counties still missing', async () => {
    // The counties' side is not what is tested here: their packages come from the real exporter without a browser.
    const counties = [['530102', '五华区'], ['530103', '盘龙区'], ['530111', '官渡区']] as const;
    const files: string[] = [];
    for (const [i, [code]] of counties.entries()) {
      const county = await countyCensus(code, 3 + i, 70 + i);
      const file = path.join(out, `${code}.hcpkg`);
      writeFileSync(file, (await exportTo(county, `${code}.hcpkg`)).data);
      county.close();
      removeDir(county.dir);
      files.push(file);
    }
    await prov.pkgs.open();
    await prov.pkgs.mergeAll(files, counties.map(([code]) => code));
    const row = prov.pkgs.boardRow('530100');
    await expect.poll(() => row.getAttribute('data-status')).toBe('partial');
    const below = row.getByTestId('board-below');
    expect(await below.innerText()).toContain('已报 3/14');
    expect(await below.getAttribute('title')).toMatch(/^未报：西山区、东川区、.*安宁市$/);
    // One line per city however many counties sent packages: the packages are listed in a fold.
    const fold = row.getByTestId('board-packages');
    expect(await fold.locator('summary').innerText()).toBe('3 个上报包');
    expect(await fold.locator('li').first().isVisible()).toBe(false);
    expect(await row.locator('td').nth(7).innerText()).toBe('3 个（见序号）');
    await fold.locator('summary').click();
    const items = await fold.locator('li').allInnerTexts();
    expect(items).toHaveLength(3);
    for (const [code, name] of counties) expect(items.find((t) => t.startsWith(`${name} 第1次 · ${code}民政局 · `))).toBeDefined();
    await shot(prov.page, 'province-board-straight');
  });
});
