/**
 * 汇总看板 in Chromium against the real browser-mode server: headline figures against targets, a
 * click on a chart bar lands on exactly the persons the bar counts (count and names), and a click
 * on a summary-table cell does the same.
 * With HEADCOUNT_DOCS_SCREENSHOTS=1 it also saves docs/dashboard.png.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import type { RecordFilter } from '../../shared/reports/filter';
import { populationFile } from '../fixtures/reports';
import { DashboardPage } from './pages/dashboard';
import { apiCall, openLoggedPage, repoRoot, type RunningApp } from './support/app';
import { useBrowserSuite } from './support/suite';

const suite = useBrowserSuite({ app: true });
let app: RunningApp;
const cleanups = suite.cleanups;

beforeAll(async () => {
  app = suite.app;
  await apiCall(app, 'census.setup', { areaCode: '110101', level: 'county', refDate: '2026-12-31', officeName: '东城区民政局', operator: '李明' });
  await apiCall(app, 'census.demo', { persons: 600, units: 40, seed: 11 });
  await apiCall(app, 'reports.population.set', { entries: [{ code: '110101', population: 708_829 }] });
  await apiCall(app, 'reports.targets.set', { targets: { totalTalents: 800, certified: 300, certRate: 0.5, perMille: 1, trainingRate: 0.6 } });
});

/** Screenshots worth keeping go to /work/shots/i12 when it exists, else the temp dir */
const shotDir = existsSync('/work/shots') ? '/work/shots/i12' : tmpdir();
mkdirSync(shotDir, { recursive: true });
const shot = (name: string) => path.join(shotDir, name);

async function newPage(): Promise<Page> {
  const page = await openLoggedPage(suite.browser, cleanups, app);
  await page.goto(app.url);
  return page;
}

/** The names of the persons matching a filter, straight from the records (not via the tables). */
async function expectedNames(filter: RecordFilter): Promise<{ total: number; names: string[] }> {
  const r = await apiCall(app, 'persons.list', { filter, limit: 50 });
  return { total: r.total, names: r.rows.map((p) => String(p.data.name)) };
}

describe('the dashboard', () => {
  it('shows headline figures against the targets', async () => {
    const page = await newPage();
    const board = new DashboardPage(page);
    await board.open();
    expect(await board.headline('persons').innerText()).toBe('600');
    expect(await board.headline('persons-target').innerText()).toBe('目标 800，尚差 200');
    const holders = await expectedNames([{ field: 'qualLevel', op: 'in', values: ['1', '2', '3'] }]);
    expect(await board.headline('holders').innerText()).toBe(String(holders.total));
    expect(await board.headline('certRate').innerText()).toBe(`${((holders.total / 600) * 100).toFixed(1)}%`);
    expect(await board.headline('perMille').innerText()).toBe(((600 / 708_829) * 1000).toFixed(2));
    expect(await board.headline('perMille-target').innerText()).toContain('目标 1.00');
    if (process.env.HEADCOUNT_DOCS_SCREENSHOTS) {
      await page.waitForTimeout(300);
      await page.screenshot({ path: path.join(repoRoot, 'docs', 'dashboard.png'), fullPage: true });
    }
  });

  it('opens the persons behind a chart bar: 高级社会工作师', async () => {
    const page = await newPage();
    const board = new DashboardPage(page);
    await board.open();
    const expected = await expectedNames([{ field: 'qualLevel', op: 'eq', value: '3' }]);
    expect(expected.total).toBeGreaterThan(0);
    expect(expected.total).toBeLessThanOrEqual(50);
    const bar = await board.clickBar('chart-level', '高级社会工作师');
    expect(bar.value).toBe(expected.total);
    await board.cellTitle.filter({ hasText: '高级社会工作师' }).waitFor();
    expect(page.url()).toContain('#/reports/persons/T1/total/qual3');
    expect(await board.cellTitle.innerText()).toBe('东城区 · 持证人数·高级社会工作师');
    await expect.poll(() => board.cellTotal.innerText()).toBe(String(expected.total));
    await expect.poll(() => board.personNames()).toEqual(expected.names);
  });

  it('opens the persons behind a bar of the age chart: 56岁及以上 at the reference date', async () => {
    const page = await newPage();
    const board = new DashboardPage(page);
    await board.open();
    const expected = await expectedNames([{ field: 'birthDate', op: 'lte', value: '1970-12-31' }]);
    const bar = await board.clickBar('chart-age', '56岁及以上');
    expect(bar.value).toBe(expected.total);
    await expect.poll(() => board.cellTotal.innerText()).toBe(String(expected.total));
    expect(await board.cellTitle.innerText()).toBe('年龄·56岁及以上 · 人数');
    await expect.poll(() => board.personNames()).toEqual(expected.names.slice(0, 50));
  });

  it('opens the persons behind a summary-table cell and comes back', async () => {
    const page = await newPage();
    const board = new DashboardPage(page);
    await board.open();
    await board.tab('tables');
    const cell = board.tableCell('T1', '110101001', 'women');
    await cell.waitFor();
    const expected = await expectedNames([{ field: 'township', op: 'eq', value: '110101001' }, { field: 'sex', op: 'eq', value: '2' }]);
    expect(await cell.innerText()).toBe(String(expected.total));
    await cell.getByRole('link').click();
    await expect.poll(() => board.cellTitle.innerText()).toBe('东华门街道 · 性别·女');
    await expect.poll(() => board.cellTotal.innerText()).toBe(String(expected.total));
    await expect.poll(() => board.personNames()).toEqual(expected.names);
    await page.getByRole('button', { name: '返回' }).click();
    await page.getByTestId('report-tables').waitFor();
  });

  it("shows each table's first rows clear of its header", async () => {
    const page = await newPage();
    const board = new DashboardPage(page);
    await board.open();
    await board.tab('tables');
    for (const table of ['T1', 'T2', 'T3', 'T4', 'T5']) {
      const total = board.tableRow(table, 'total');
      await total.label.waitFor();
      expect(await board.uncovered(total.label), `${table} 合计 label`).toBe(true);
      expect(await board.uncovered(total.first), `${table} 合计 first value`).toBe(true);
    }
  });

  it('takes targets typed in and population imported from a sheet, and the headlines follow', async () => {
    const page = await newPage();
    const board = new DashboardPage(page);
    await board.open();
    await board.tab('inputs');
    await board.setTarget('totalTalents', '1200');
    await board.setTarget('certRate', '60');
    await board.saveTargets();
    await expect.poll(() => board.notice.innerText()).toContain('目标已保存');
    const sheet = await populationFile([['地区', '户籍人口'], ['东城区', '60万'], ['东华门街道', 30_000]], 'xlsx');
    await board.importPopulation({ name: '户籍人口.xlsx', mimeType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', buffer: sheet });
    await expect.poll(() => board.notice.innerText()).toContain('已导入 2 个地区的户籍人口');
    expect(await board.population('110101').inputValue()).toBe('600000');
    expect(await board.population('110101001').inputValue()).toBe('30000');
    await board.tab('dashboard');
    await expect.poll(() => board.headline('persons-target').innerText()).toBe('目标 1,200，尚差 600');
    expect(await board.headline('perMille').innerText()).toBe('1.00');
    expect(await board.headline('certRate-target').innerText()).toContain('目标 60.0%');
  });

  it('takes the planning period, target deadlines and the older-people and care-bed denominators, and the tables show the policy indicators', async () => {
    const page = await newPage();
    const board = new DashboardPage(page);
    await board.open();
    await board.tab('inputs');
    await page.getByTestId('planning-period').selectOption('2021');
    await expect.poll(() => board.notice.innerText()).toContain('规划期已保存');
    await board.setTarget('certified', '300');
    await page.getByTestId('deadline-certified').fill('2027');
    await board.setTarget('communityCertRate', '50');
    await page.getByTestId('deadline-communityCertRate').fill('2025');
    await board.saveTargets();
    await expect.poll(() => board.notice.innerText()).toContain('目标已保存');
    await page.getByTestId('elderly-110101').fill('120000');
    await page.getByTestId('careBeds-110101').fill('3000');
    await page.getByTestId('save-population').click();
    await expect.poll(() => board.notice.innerText()).toContain('老年人口');
    await page.screenshot({ path: shot('inputs.png'), fullPage: true });
    const inputs = await apiCall(app, 'reports.inputs', {});
    expect(inputs.planningStart).toBe(2021);
    expect(inputs.areas[0]).toMatchObject({ elderly: 120000, careBeds: 3000, deadlines: { certified: 2027, communityCertRate: 2025 } });

    // What the tables should say, from the records themselves
    const community = await expectedNames([{ field: 'personCategory', op: 'in', values: ['1', '2'] }]);
    const communityHolders = await expectedNames([{ field: 'personCategory', op: 'in', values: ['1', '2'] }, { field: 'qualLevel', op: 'in', values: ['1', '2', '3'] }]);
    const holders = await expectedNames([{ field: 'qualLevel', op: 'in', values: ['1', '2', '3'] }]);
    await board.tab('tables');
    await page.getByTestId('report-tables').waitFor();
    expect(await board.tableCell('T1', 'total', 'communityWorkers').innerText()).toBe(String(community.total));
    expect(await board.tableCell('T1', 'total', 'communityCertRate').innerText()).toBe(`${((communityHolders.total / community.total) * 100).toFixed(1)}%`);
    expect(await board.tableCell('T5', 'total', 'deadlineHolders').innerText()).toBe('2027');
    // 300 holders due by 2027 under 十四五 (2021–2027, 6 of 7 years gone): met, on track or behind, in words
    const expectedProgress = holders.total >= 300 ? '已达成' : holders.total >= 300 * (6 / 7) ? '按进度' : '落后于进度';
    expect(await board.tableCell('T5', 'total', 'progressHolders').innerText()).toBe(expectedProgress);
    // 社区工作者持证率 50% due by the end of 2025, the reference date 2026-12-31: met or overdue
    expect(await board.tableCell('T5', 'total', 'progressCommunityCertRate').innerText()).toBe(communityHolders.total / community.total >= 0.5 ? '已达成' : '逾期未达成');
    expect(await board.tableCell('T5', 'total', 'perThousandElderly').innerText()).toBe((600 / 120).toFixed(2));
    expect(await board.tableCell('T5', 'total', 'perHundredBeds').innerText()).toBe((600 / 30).toFixed(2));
    await page.getByTestId('table-T5').scrollIntoViewIfNeeded();
    await page.screenshot({ path: shot('tables.png'), fullPage: true });
    await board.tab('dashboard');
    await expect.poll(() => board.headline('communityCertRate').innerText()).toBe(`${((communityHolders.total / community.total) * 100).toFixed(1)}%`);
    await page.screenshot({ path: shot('dashboard.png'), fullPage: true });
  });
});
