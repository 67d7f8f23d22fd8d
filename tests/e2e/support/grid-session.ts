/**
 * What every spreadsheet test needs: a fresh app per test, a logged page with clipboard access, a census with
 * one unit arranged through the real API, and the persons grid opened the way a clerk does (Alt+2).
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { onTestFailed } from 'vitest';
import { GridPage } from '../pages/grid';
import { apiCall, startApp, type RunningApp } from './app';

export const UNIT_NAME = '东城区阳光社会工作服务中心';
export const CENSUS = { areaCode: '110101', level: 'county', refDate: '2026-12-31', officeName: '东城区民政局', operator: '李明' } as const;

export type Cleanups = (() => unknown)[];

export async function freshApp(dataDir: string, cleanups: Cleanups): Promise<RunningApp> {
  const app = await startApp(dataDir);
  cleanups.push(() => app.stop());
  onTestFailed(() => console.error(`server output:\n${app.output()}`));
  return app;
}

export async function newPage(browser: Browser, cleanups: Cleanups): Promise<{ page: Page; context: BrowserContext }> {
  const context = await browser.newContext({ locale: 'zh-CN', viewport: { width: 1500, height: 900 } });
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  cleanups.push(() => context.close());
  const page = await context.newPage();
  const log: string[] = [];
  page.on('pageerror', (e) => log.push(`page error: ${e.message}`));
  page.on('console', (m) => m.type() === 'error' && log.push(`console: ${m.text()}`));
  onTestFailed(() => console.error(`browser log:\n${log.join('\n')}`));
  return { page, context };
}

/** A census with one unit, arranged through the real API (the grid is what is under test) */
export async function censusWithUnit(app: RunningApp): Promise<string> {
  await apiCall(app, 'census.setup', CENSUS);
  const unit = await apiCall(app, 'units.create', {
    data: { name: UNIT_NAME, noCreditReason: '新成立', unitType: '4', township: '110101001', urbanRural: '1', isStation: false },
  });
  return unit.row.id;
}

export async function openPersons(page: Page, app: RunningApp): Promise<GridPage> {
  await page.goto(app.url);
  await page.getByTestId('nav-persons').waitFor();
  // Alt+2 is the top bar's shortcut for 人员.
  await page.keyboard.press('Alt+2');
  const grid = new GridPage(page, 'person');
  await grid.waitLoaded();
  return grid;
}
