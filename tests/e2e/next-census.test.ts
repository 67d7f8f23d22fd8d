/**
 * A census that lives on, through the UI in Chromium: the next census is created from the open one
 * (数据与备份 › 新建下一期，沿用上期名单), leavers and stayers are marked in the grid by pasting
 * 变动情况, a changed value shows 上期 → 本期, and the dashboard shows 表6 and the trend.
 * Screenshots go to HEADCOUNT_SHOTS_DIR when set.
 */
import { existsSync, writeFileSync } from 'node:fs';
import iconv from 'iconv-lite';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { DashboardPage } from './pages/dashboard';
import { ImportExportPage } from './pages/import-export';
import { NextCensusPage } from './pages/next-census';
import { apiCall, ensureBuilt, launchBrowser, removeDir, tempDataDir } from './support/app';
import { routeCalls } from './support/calls';
import { freshApp, newPage, openPersons } from './support/grid-session';

let browser: Browser;
const cleanups: (() => Promise<void> | void)[] = [];
const shots = process.env.HEADCOUNT_SHOTS_DIR;
const shot = async (page: import('playwright-core').Page, name: string) => {
  if (shots) await page.screenshot({ path: path.join(shots, name), fullPage: true });
};

beforeAll(async () => {
  ensureBuilt();
  browser = await launchBrowser();
});
afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()!();
});
afterAll(async () => {
  await browser?.close();
});

describe('the next census from the last one', () => {
  it('creates it, marks leavers in the grid, and shows 表6 and the trend on the dashboard', async () => {
    const dataDir = tempDataDir();
    cleanups.push(() => removeDir(dataDir));
    const app = await freshApp(dataDir, cleanups);
    await apiCall(app, 'census.setup', { areaCode: '110101', level: 'county', refDate: '2026-12-31', officeName: '东城区民政局', operator: '李明' });
    await apiCall(app, 'census.demo', { persons: 12, units: 3, seed: 5 });
    await apiCall(app, 'reports.targets.set', { targets: { totalTalents: 20, certified: 10 } });
    const lastPath = (await apiCall(app, 'app.info', {})).dbPath;

    const { page } = await newPage(browser, cleanups);
    const calls = await routeCalls(page);
    await page.goto(app.url);
    const next = new NextCensusPage(page);
    await next.open();
    await shot(page, 'next-census-form.png');
    // The carry's answer is held from the page, as a 100k-person county's takes seconds: the bar must say what
    // runs, moving without a share (one transaction), until the answer comes.
    let release = () => {};
    const held = new Promise<void>((resolve) => (release = resolve));
    calls.before = async (call) => {
      if (call.method === 'census.setupFrom') await held;
    };
    const creating = next.create('2027-12-31');
    const bar = next.root.getByTestId('io-progress');
    await bar.waitFor();
    expect(await bar.getAttribute('data-measured')).toBe('false');
    expect(await bar.innerText()).toContain('正在沿用上期名单');
    release();
    const note = await creating;
    await bar.waitFor({ state: 'detached' });
    expect(note).toContain('人员 12 人');
    expect((await apiCall(app, 'census.get', {}))?.refDate).toBe('2027-12-31');
    expect((await apiCall(app, 'app.info', {})).dbPath).not.toBe(lastPath);
    expect(existsSync(lastPath)).toBe(true);

    const grid = await openPersons(page, app);
    await expect.poll(() => grid.rowCount()).toBe(12);
    expect(await grid.text(0, 'change')).toBe('待确认');
    expect(await grid.errors()).toContain('12');
    // Row 0 retired, the others stay: 变动情况 pasted down the column as the clerk would from Excel.
    await grid.click(0, 'change');
    await grid.saved(() => grid.paste(['离开（退休）', ...Array.from({ length: 11 }, () => '留任')].join('\r\n') + '\r\n'));
    await expect.poll(() => grid.text(0, 'change')).toBe('离开（退休）');
    await expect.poll(() => grid.text(11, 'change')).toBe('留任');
    await expect.poll(async () => (await apiCall(app, 'issues.list', { rule: 'change_pending', offset: 0, limit: 1 })).total).toBe(0);
    // A changed phone number shows last period's beside it.
    const before = await grid.text(2, 'phone');
    await grid.click(2, 'phone');
    await grid.saved(() => grid.paste('13912345678'));
    await expect.poll(() => grid.text(2, 'phone')).toBe(`${before || '（空）'} → 13912345678`);
    // Put back: the reply says it differs in nothing now, and the arrow goes.
    expect(before).toMatch(/^1\d{10}$/);
    await grid.click(2, 'phone');
    await grid.saved(() => grid.paste(before));
    await expect.poll(() => grid.text(2, 'phone')).toBe(before);
    await grid.click(2, 'phone');
    await grid.saved(() => grid.paste('13912345678'));
    await expect.poll(() => grid.text(2, 'phone')).toBe(`${before} → 13912345678`);
    await shot(page, 'next-census-grid.png');

    const board = new DashboardPage(page);
    await board.open();
    const t6 = page.getByTestId('table-T6');
    await t6.waitFor();
    const total = t6.locator('tr[data-row="total"]');
    expect(await total.locator('td[data-col="prev"]').innerText()).toBe('12');
    expect(await total.locator('td[data-col="left"]').innerText()).toBe('1');
    expect(await total.locator('td[data-col="leave33"]').innerText()).toBe('1');
    expect(await total.locator('td[data-col="current"]').innerText()).toBe('11');
    const trend = page.getByTestId('trend');
    expect(await trend.locator('tr[data-period="2026-12-31"] td[data-col="persons"]').innerText()).toBe('12');
    expect(await trend.locator('tr[data-period="2027-12-31"] td[data-col="persons"]').innerText()).toBe('11');
    await page.getByTestId('deadline-totalTalents').fill('2027');
    await page.getByTestId('deadline-totalTalents').blur();
    await expect.poll(async () => (await apiCall(app, 'periods.trend', {})).targets.find((t) => t.key === 'totalTalents')?.deadline).toBe(2027);
    expect(await board.headline('persons').innerText()).toBe('11');
    await trend.scrollIntoViewIfNeeded();
    await shot(page, 'next-census-dashboard.png');
  }, 120_000);

  it('takes the reply of a 街道 in its own words through 导入导出, marking everyone at once, and undoes it', async () => {
    const dataDir = tempDataDir();
    cleanups.push(() => removeDir(dataDir));
    const app = await freshApp(dataDir, cleanups);
    await apiCall(app, 'census.setup', { areaCode: '110101', level: 'county', refDate: '2026-12-31', officeName: '东城区民政局', operator: '李明' });
    await apiCall(app, 'census.demo', { persons: 30, units: 4, seed: 8 });
    const { page } = await newPage(browser, cleanups);
    await page.goto(app.url);
    const next = new NextCensusPage(page);
    await next.open();
    expect(await next.create('2027-12-31')).toContain('人员 30 人');
    const carried = (await apiCall(app, 'persons.list', { limit: 100 })).rows;
    expect(carried.every((p) => p.data.change === '00' && p.source === null)).toBe(true);

    // The 街道's sheet: its own column names, a serial number, spaces in the ID numbers, GBK as Excel saves it.
    const lines = [['序号', '身份证号', '姓名', '人员变动'], ...carried.map((p, i) => [String(i + 1), ` ${String(p.data.idNumber)} `, String(p.data.name), i === 0 ? '退休' : '留任'])];
    const file = `${dataDir}/东华门街道-变动回执.csv`;
    writeFileSync(file, iconv.encode(lines.map((l) => l.join(',')).join('\r\n') + '\r\n', 'gbk'));
    const io = new ImportExportPage(page);
    await io.open();
    await io.chooseFiles([file]);
    await io.preview.waitFor();
    expect(await io.totals()).toContain('30');
    await io.commit();
    expect(await io.result.innerText()).toContain('30');
    const marked = (await apiCall(app, 'persons.list', { limit: 100 })).rows;
    const byId = new Map(marked.map((p) => [p.id, p]));
    for (const [i, p] of carried.entries()) {
      // Only 变动情况 moved: every other value as carried.
      expect(byId.get(p.id)!.data).toEqual({ ...p.data, change: i === 0 ? '33' : '10' });
    }
    expect((await apiCall(app, 'issues.list', { rule: 'change_pending', offset: 0, limit: 1 })).total).toBe(0);
    await shot(page, 'next-census-reply.png');

    await io.undoNewest();
    await expect.poll(async () => (await apiCall(app, 'persons.list', { limit: 100 })).rows.filter((p) => p.data.change === '00').length).toBe(30);
    // Back as carried: no source, as before the reply.
    const back = new Map((await apiCall(app, 'persons.list', { limit: 100 })).rows.map((p) => [p.id, p]));
    for (const p of carried) expect(back.get(p.id)).toMatchObject({ data: p.data, source: null });
  }, 120_000);
});
