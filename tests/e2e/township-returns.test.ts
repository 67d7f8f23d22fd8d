/**
 * Real township returns to a clean census through the UI in Chromium: three returns in the
 * townships' own layouts (tests/fixtures/real-returns.ts) previewed together; the clerk confirms a
 * near unit name as the registered unit, maps a value once, sets the missing 乡镇 for a whole file,
 * imports, narrows the issues list to one field and rule with one click, and undoes the import from
 * the import history.
 */
import { mkdirSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { REAL_FILES, REGISTERED_UNITS, writeRealReturns, type RealReturns } from '../fixtures/real-returns';
import { ImportExportPage } from './pages/import-export';
import { IssuesPage } from './pages/issues';
import { apiCall, openLoggedPage, type RunningApp } from './support/app';
import { routeCalls } from './support/calls';
import { useBrowserSuite } from './support/suite';

const suite = useBrowserSuite({ app: true });
let app: RunningApp;
let filesDir: string;
let returns: RealReturns;
const cleanups = suite.cleanups;
const SHOTS = process.env.HEADCOUNT_SHOTS_DIR;

beforeAll(async () => {
  filesDir = suite.dir();
  returns = await writeRealReturns(filesDir);
  app = suite.app;
  await apiCall(app, 'census.setup', { areaCode: '110101', level: 'county', refDate: '2026-12-31', officeName: '东城区民政局', operator: '李明' });
  const unit = (name: string, unitType: string, township: string) => ({
    name, creditCode: null, noCreditReason: '未赋码', unitType, township, urbanRural: '1', isStation: false, staffCount: 10, swPostCount: 0, reportedSwCount: null,
  });
  await apiCall(app, 'units.create', { data: unit(REGISTERED_UNITS.jingshanCentre, '2', '110101002') });
  await apiCall(app, 'units.create', { data: unit(REGISTERED_UNITS.jiaodaokouOffice, '1', '110101003') });
});

describe('real township returns through the UI', () => {
  it('asks once for units, values and missing columns, imports in one write, filters issues by field and rule, and undoes the import', async () => {
    const page = await openLoggedPage(suite.browser, cleanups, app);
    await page.setViewportSize({ width: 1400, height: 1000 });
    const calls = await routeCalls(page);
    await page.goto(app.url);
    const io = new ImportExportPage(page);
    await io.open();
    expect(await io.importPanel.getByTestId('import-files').innerText()).toBe('选择乡镇报表文件…');
    // Each file goes up once as raw bytes; the preview call names the uploads (no base64 in any call)
    const uploads: string[] = [];
    page.on('request', (r) => {
      if (r.url().endsWith('/api/upload')) uploads.push(decodeURIComponent(r.headers()['x-headcount-file-name'] ?? ''));
    });
    const inline = () => calls.sent.filter((c) => c.body.includes('dataBase64')).map((c) => c.body.slice(0, 80));
    await io.chooseFilesByKeyboard([returns.files.tidy, returns.files.messy, returns.files.csv]);
    await io.preview.waitFor();
    expect(uploads.sort()).toEqual([REAL_FILES.tidy, REAL_FILES.messy, REAL_FILES.csv].sort());
    expect(inline()).toEqual([]);
    expect(calls.sent.filter((c) => c.method === 'io.import.preview').map((c) => c.body)).toEqual([expect.stringContaining('"uploadId"')]);
    expect(await io.totals()).toContain('新建单位 11');
    await expect.poll(() => io.newUnit('景山街道社区服务中心').innerText()).toContain(`与已登记的「${REGISTERED_UNITS.jingshanCentre}」相近`);
    expect(await io.unmapped('高级中学毕业').innerText()).toContain('8 行');
    expect(await io.unmapped('高中及以下').innerText()).toContain('不能统一对应');
    if (SHOTS) {
      mkdirSync(SHOTS, { recursive: true });
      await page.screenshot({ path: `${SHOTS}/preview-messy-returns.png`, fullPage: false });
      await io.preview.getByTestId('import-decisions').screenshot({ path: `${SHOTS}/preview-decisions.png` });
    }

    await io.chooseUnit('景山街道社区服务中心', `就是已登记的「${REGISTERED_UNITS.jingshanCentre}」`);
    await io.chooseUnit('交道口街道办事处', `就是已登记的「${REGISTERED_UNITS.jiaodaokouOffice}」`);
    await io.mapValue('高级中学毕业', '普通高级中学');
    await io.fillMissing(REAL_FILES.tidy, 'township', '东华门街道');
    await io.applyMapping();
    expect(await io.unmapped('高级中学毕业').count()).toBe(0);
    expect(await io.newUnit('景山街道社区服务中心').getByTestId('new-unit-action').inputValue()).toMatch(/^link:/);
    await io.commit();
    expect(await io.result.innerText()).toContain('新建单位 11 个');
    expect((await apiCall(app, 'persons.list', { limit: 1 })).total).toBe(425);
    expect((await apiCall(app, 'issues.list', { rule: 'unit_missing', limit: 1 })).total).toBe(0);

    await page.getByTestId('nav-issues').click();
    const issues = new IssuesPage(page);
    await issues.root.waitFor();
    const group = issues.group('required', 'postCategory');
    await expect.poll(() => group.innerText()).toContain('必填项为空·岗位类别 425');
    await group.click();
    await expect.poll(() => issues.total()).toBe('425');
    expect(await issues.rows.first().getByTestId('issue-field').innerText()).toBe('岗位类别');
    if (SHOTS) await page.screenshot({ path: `${SHOTS}/issues-summary.png` });

    await io.open();
    await io.history.waitFor();
    expect(await io.history.getByTestId('history-file').first().innerText()).toContain('新增 150');
    // The confirmation says how much goes; Escape (and the focused 取消) leave everything as it was.
    const [batch] = await apiCall(app, 'io.imports.list', {});
    const added = batch!.files.reduce((n, f) => n + f.added, 0);
    expect(added).toBeGreaterThanOrEqual(425);
    const dialog = await io.askUndoNewest();
    expect(await dialog.innerText()).toContain(`删除新增的 ${added} 条记录和导入时新建的 11 个单位`);
    if (SHOTS) await page.screenshot({ path: `${SHOTS}/undo-confirm.png` });
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });
    expect((await apiCall(app, 'persons.list', { limit: 1 })).total).toBe(425);
    // While the undo runs the page says so, with a moving bar and the seconds so far, and offers no second undo.
    let release: () => void = () => {};
    const held = new Promise<void>((resolve) => (release = resolve));
    // Then the list is read again (seconds on a census-size file): held too, to see what the page shows meanwhile.
    let releaseList: () => void = () => {};
    const listHeld = new Promise<void>((resolve) => (releaseList = resolve));
    calls.before = async ({ method }) => {
      if (method === 'io.imports.undo') await held;
      if (method === 'io.imports.list') await listHeld;
    };
    await io.undoNewest();
    const busy = io.history.getByTestId('history-undoing');
    await busy.waitFor();
    expect(await busy.innerText()).toContain(`正在撤销`);
    expect(await busy.getByTestId('history-undoing-bar').evaluate((e) => (e as HTMLProgressElement).position)).toBe(-1);
    await expect.poll(() => busy.getByTestId('history-undoing-time').innerText(), { timeout: 5000 }).toMatch(/^已用 [1-9]\d* 秒$/);
    expect(await io.history.getByTestId('history-undo').isDisabled()).toBe(true);
    if (SHOTS) await page.screenshot({ path: `${SHOTS}/undo-busy.png` });
    expect((await apiCall(app, 'persons.list', { limit: 1 })).total).toBe(425);
    release();
    await busy.waitFor({ state: 'detached' });
    // Undone, the list not yet read again: the old row stays, marked as being updated, and its buttons wait.
    const refreshing = io.history.getByTestId('history-refreshing');
    await refreshing.waitFor();
    expect(await refreshing.innerText()).toBe('正在更新导入记录和未解决问题数……');
    expect(await io.history.getByTestId('history-undo').isDisabled()).toBe(true);
    expect(await io.history.getByTestId('history-report').first().isDisabled()).toBe(true);
    expect(await io.history.getByTestId('history-report-all').isDisabled()).toBe(true);
    releaseList();
    await refreshing.waitFor({ state: 'detached' });
    calls.before = null;
    await expect.poll(async () => (await apiCall(app, 'persons.list', { limit: 1 })).total).toBe(0);
    expect((await apiCall(app, 'units.list', { limit: 1 })).total).toBe(2);
    await expect.poll(() => io.history.innerText()).toContain('撤销');
  });
});
