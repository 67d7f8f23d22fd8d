/**
 * The census file through the UI, in Chromium against the real browser-mode server: backups listed
 * with time, size and counts and restored (the current file kept first); a damaged file met by the
 * damaged-file screen that restores the newest good backup; a file locked by another computer named
 * with its time and forced open; another file opened by path and the way back.
 */
import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, it, onTestFailed } from 'vitest';
import { damageDatabase, damageDataPages } from '../fixtures/damage';
import { validPerson, validUnit } from '../fixtures/records';
import { FilePage, FileProblemPage } from './pages/file';
import { HomePage } from './pages/home';
import { SetupPage } from './pages/setup';
import { Shell } from './pages/shell';
import { apiCall, openLoggedPage, removeDir, startApp, tempDataDir, type RunningApp } from './support/app';
import { useBrowserSuite } from './support/suite';

const suite = useBrowserSuite();
const cleanups = suite.cleanups;

function dataDir(): string {
  const d = tempDataDir();
  cleanups.push(() => removeDir(d));
  return d;
}

async function serve(dir: string): Promise<RunningApp> {
  const app = await startApp(dir);
  cleanups.push(() => app.stop());
  onTestFailed(() => console.error(`server output:\n${app.output()}`));
  return app;
}

async function open(app: RunningApp): Promise<Page> {
  const page = await openLoggedPage(suite.browser, cleanups, app);
  await page.goto(app.url);
  return page;
}

/** A 东城区 census with one unit and `n` people, made through the bridge as the UI would. */
async function censusWith(app: RunningApp, n: number): Promise<void> {
  await apiCall(app, 'census.setup', { areaCode: '110101', level: 'county', refDate: '2026-12-31', officeName: '东城区民政局', operator: '李四' });
  const { row: unit } = await apiCall(app, 'units.create', { data: validUnit() });
  for (let i = 0; i < n; i++) await apiCall(app, 'persons.create', { data: validPerson({ unitId: unit.id, name: `社工${i + 1}`, idNumber: null }) });
}

const homePersons = async (page: Page) => {
  await new Shell(page).go('home');
  const home = new HomePage(page);
  await home.root.waitFor();
  await page.waitForFunction(() => /\d/.test(document.querySelector('[data-testid="home-persons"]')?.textContent ?? ''));
  return (await home.value('persons').innerText()).trim();
};

describe('backups screen', () => {
  it('lists backups with time, size and counts, restores one, and keeps the current file as a backup first', async () => {
    const dir = dataDir();
    const app = await serve(dir);
    await censusWith(app, 1);
    const page = await open(app);
    const shell = new Shell(page);
    await shell.go('file');
    const file = new FilePage(page);
    await file.root.waitFor();
    await expect.poll(() => file.dbPath.innerText()).toBe(path.join(dir, 'census.sqlite'));

    await file.backupNow();
    const [first] = await file.backups();
    expect(first).toMatchObject({ persons: '1', units: '1', state: expect.stringContaining('完好'), canRestore: true });
    expect(first!.time).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}/);
    expect(first!.size).toMatch(/^\d+ KB$/);
    // The clerk sees what backups may take and what they take now: the automatic one at open and this one.
    const sizes = await page.getByTestId('backup-size').allInnerTexts();
    const total = (await apiCall(app, 'backups.list', {})).totalBytes;
    expect(sizes.reduce((n, s) => n + Number(s.replace(' KB', '')), 0)).toBeCloseTo(total / 1024, -1);
    await expect.poll(() => file.policy.innerText()).toContain('合计不超过 4.00 GB（超出时先删较旧的，最新的一个总会保留）；现有备份共 ');
    const [, shown, unit] = /现有备份共 ([\d.]+) (KB|MB)/.exec(await file.policy.innerText())!;
    expect(Number(shown) * (unit === 'MB' ? 1024 * 1024 : 1024)).toBeCloseTo(total, -5);
    expect(await file.paused.count()).toBe(0);

    await apiCall(app, 'persons.create', { data: validPerson({ name: '后来录入的人', idNumber: null }) });
    expect(await homePersons(page)).toBe('2');

    await shell.go('file');
    await file.root.waitFor();
    await file.restore(first!.name);
    await expect.poll(() => file.notice.innerText()).toContain(`已恢复到备份 ${first!.name}`);
    expect(await file.notice.innerText()).toContain('恢复前的数据库已另存为');
    // The file as it was before the restore, with both people, is now a backup of its own (the list is
    // read again after the notice shows, so it is polled).
    await expect.poll(async () => (await file.backups()).some((b) => b.name !== first!.name && b.persons === '2')).toBe(true);
    expect(await homePersons(page)).toBe('1');
  });

  it('shows a damaged backup as unusable and does not offer to restore it', async () => {
    const dir = dataDir();
    const app = await serve(dir);
    await censusWith(app, 1);
    const backup = await apiCall(app, 'backups.create', {});
    damageDatabase(path.join(dir, 'backups', backup.name));
    const page = await open(app);
    await new Shell(page).go('file');
    const file = new FilePage(page);
    await file.root.waitFor();
    const row = (await file.backups()).find((b) => b.name === backup.name);
    expect(row).toMatchObject({ state: expect.stringContaining('已损坏'), canRestore: false });
  });
});

describe('a damaged census file', () => {
  it('shows the damaged-file screen, offers the newest good backup, and restores it keeping the damaged copy', async () => {
    const dir = dataDir();
    let app = await serve(dir);
    await censusWith(app, 2);
    await apiCall(app, 'backups.create', {});
    await app.stop();
    damageDatabase(path.join(dir, 'census.sqlite'));

    app = await serve(dir);
    const page = await open(app);
    const problem = new FileProblemPage(page);
    expect(await problem.state()).toBe('damaged');
    expect(await problem.title.innerText()).toBe('数据库文件已损坏');
    expect(await problem.message.innerText()).toContain('请从备份恢复');
    expect(await problem.offeredTime.innerText()).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/);

    await problem.restoreNewestGood();
    expect(await homePersons(page)).toBe('2');
    expect(readdirSync(path.join(dir, 'backups')).some((f) => /^census-damaged-\d{8}-\d{6}\.sqlite$/.test(f))).toBe(true);
  });
});

describe('a census file that breaks while in use', () => {
  it('switches the open app to the damaged-file screen at the first corrupt read', async () => {
    const dir = dataDir();
    let app = await serve(dir);
    await apiCall(app, 'census.setup', { areaCode: '110101', level: 'county', refDate: '2026-12-31', officeName: '东城区民政局', operator: '李四' });
    await apiCall(app, 'census.demo', { persons: 3000, units: 50, seed: 1 });
    await apiCall(app, 'backups.create', {});
    await app.stop();
    damageDataPages(path.join(dir, 'census.sqlite'));

    app = await serve(dir);
    const page = await open(app);
    // The settings still read; the home page's counts hit the damaged pages.
    const problem = new FileProblemPage(page);
    expect(await problem.state()).toBe('damaged');
    expect(await problem.message.innerText()).toContain('无法继续使用');
    await problem.restoreNewestGood();
    expect(await homePersons(page)).toBe('3,000');
  });
});

describe('a census file locked by another computer', () => {
  it('names the other computer, its user and the time, and opens only after a confirmed force', async () => {
    const dir = dataDir();
    let app = await serve(dir);
    await censusWith(app, 1);
    await app.stop();
    const since = new Date(2026, 11, 1, 9, 5).toISOString();
    writeFileSync(
      path.join(dir, 'census.sqlite.lock'),
      JSON.stringify({ host: 'OFFICE-PC2', user: '王五', pid: 4242, since, heartbeat: new Date().toISOString() }),
    );

    app = await serve(dir);
    const page = await open(app);
    const problem = new FileProblemPage(page);
    expect(await problem.state()).toBe('locked');
    const message = await problem.message.innerText();
    expect(message).toContain('电脑「OFFICE-PC2」（用户 王五）');
    expect(message).toContain('自 2026-12-01 09:05 起打开');
    await problem.forceOpen();
    expect(await homePersons(page)).toBe('1');
  });
});

describe('another census file', () => {
  it('creates and opens another file by path, shows it empty, and goes back to the first from the setup screen', async () => {
    const dir = dataDir();
    const app = await serve(dir);
    await censusWith(app, 1);
    const page = await open(app);
    await new Shell(page).go('file');
    const file = new FilePage(page);
    await file.root.waitFor();

    await file.openPath(path.join(dir, 'nowhere', 'missing.sqlite'));
    await expect.poll(() => file.openError.innerText()).toContain('找不到数据库文件');

    const other = path.join(dataDir(), '第二份.sqlite');
    await file.openPath(other, true);
    const setup = new SetupPage(page);
    await setup.waitForVisible();
    expect(existsSync(other)).toBe(true);

    await page.getByTestId('open-existing').locator('summary').click();
    await page.getByTestId('recent-files').getByText(path.join(dir, 'census.sqlite')).click();
    expect(await homePersons(page)).toBe('1');
  });
});
