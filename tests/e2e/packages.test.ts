/**
 * Return packages through the UI in Chromium against the real browser-mode server: a city merges
 * county packages (made by the real exporter in the test's setup) after confirming their keys, sees
 * the completeness board and a person reported by two counties, and decides; a package damaged in copying is
 * refused in the preview with what to do, beside a good one that merges; a county's export is refused while an
 * error remains, then downloads a package that verifies; a county's package encrypted with a passphrase is
 * merged by the city once the passphrase is typed, and not before; two county returns of census size take the
 * bulk path (indexes dropped and built again) through the UI, and the bar names the rebuild.
 */
import Database from 'better-sqlite3';
import { readFileSync, writeFileSync } from 'node:fs';
import { deflateRawSync } from 'node:zlib';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyPackages } from '../../electron/core/services/packages';
import { BULK_MIN_PERSONS } from '../../electron/core/services/packages/bulk';
import { copyPersonInto, countyCensus, exportTo, HEFEI, LUYANG, rawZip, SHUSHAN, unpack, YAOHAI } from '../fixtures/packages';
import { PackagesPage } from './pages/packages';
import { apiCall, openLoggedPage, removeDir, startApp, tempDataDir, type RunningApp } from './support/app';
import { routeCalls } from './support/calls';
import { useBrowserSuite } from './support/suite';

const suite = useBrowserSuite();
const apps: RunningApp[] = [];
const dirs: string[] = [];
const cleanups = suite.cleanups;
let files: { yaohai: string; luyang: string; shushan: string };
let dupId: string;

beforeAll(async () => {
  const yaohai = await countyCensus(YAOHAI, 120, 1);
  const luyang = await countyCensus(LUYANG, 80, 2);
  const shushan = await countyCensus(SHUSHAN, 0);
  dupId = (await copyPersonInto(yaohai, luyang, 2)).idNumber;
  files = {
    yaohai: (await exportTo(yaohai, '瑶海区-第1次.hcpkg')).file,
    luyang: (await exportTo(luyang, '庐阳区-第1次.hcpkg')).file,
    shushan: (await exportTo(shushan, '蜀山区-零报告.hcpkg')).file,
  };
  dirs.push(yaohai.dir, luyang.dir, shushan.dir);
  for (const t of [yaohai, luyang, shushan]) t.close();
});

afterAll(async () => {
  for (const a of apps) await a.stop();
  for (const d of dirs) removeDir(d);
});

async function start(setup: Parameters<typeof apiCall<'census.setup'>>[2]): Promise<RunningApp> {
  const dir = tempDataDir();
  dirs.push(dir);
  const app = await startApp(dir);
  apps.push(app);
  await apiCall(app, 'census.setup', setup);
  return app;
}

async function open(app: RunningApp): Promise<{ page: Page; pkgs: PackagesPage }> {
  const page = await openLoggedPage(suite.browser, cleanups, app);
  await page.goto(app.url);
  const pkgs = new PackagesPage(page);
  await pkgs.open();
  return { page, pkgs };
}

describe('the merge workspace of a city', () => {
  it('previews, asks to trust first keys, merges, shows the board and holds a duplicate for a decision', async () => {
    const app = await start({ areaCode: HEFEI, level: 'city', refDate: '2026-12-31', officeName: '合肥市民政局', operator: '汇总员' });
    const { pkgs } = await open(app);
    await expect.poll(() => pkgs.boardRow(YAOHAI).getAttribute('data-status')).toBe('missing');
    await expect.poll(() => pkgs.ownFingerprint.count()).toBe(0);

    const progress = await pkgs.recordProgress();
    await pkgs.chooseFiles([files.yaohai, files.luyang, files.shushan]);
    await expect.poll(() => pkgs.previewRow(YAOHAI).innerText()).toContain('电话核对密钥指纹');
    expect(await pkgs.previewRow(YAOHAI).innerText()).toContain('120');
    // The files counted in as they arrive, then each package checked in turn (the core's labels: merge.test.ts)
    expect(await progress()).toContain('正在读取所选文件（3 / 3 个）');
    expect(await pkgs.root.getByTestId('io-progress').count()).toBe(0);
    // Nothing is merged before the keys are confirmed.
    await expect.poll(() => pkgs.mergeButton.innerText()).toContain('合并 0 个上报包');
    expect(await pkgs.mergeButton.isDisabled()).toBe(true);
    for (const a of [YAOHAI, LUYANG, SHUSHAN]) await pkgs.trust(a);
    await expect.poll(() => pkgs.mergeButton.innerText()).toContain('合并 3 个上报包');
    await pkgs.mergeButton.click();

    await expect.poll(() => pkgs.resultRow(LUYANG).getAttribute('data-status')).toBe('merged');
    expect(await pkgs.resultRow(LUYANG).innerText()).toContain('重复人员');
    await expect.poll(() => pkgs.boardRow(YAOHAI).getAttribute('data-status')).toBe('received');
    expect(await pkgs.boardRow(SHUSHAN).getAttribute('data-status')).toBe('zero');
    expect(await pkgs.boardRow('340111').getAttribute('data-status')).toBe('missing');
    expect(await pkgs.boardRow(YAOHAI).innerText()).toContain('120');
    await expect.poll(() => pkgs.pendingBanner.innerText()).toContain('1 名人员');

    // The same files picked again (a folder that keeps every package received): nothing left to merge
    await pkgs.chooseFiles([files.yaohai, files.luyang]);
    await expect.poll(() => pkgs.previewRow(YAOHAI).getAttribute('data-status')).toBe('unchanged');
    expect(await pkgs.previewRow(LUYANG).getAttribute('data-status')).toBe('unchanged');
    expect(await pkgs.previewRow(YAOHAI).innerText()).toContain('已经合并过，未作任何改动');
    await expect.poll(() => pkgs.mergeButton.innerText()).toContain('合并 0 个上报包');
    expect(await pkgs.mergeButton.isDisabled()).toBe(true);

    await pkgs.tab('duplicates');
    const c = pkgs.duplicateCase(dupId);
    await c.waitFor();
    const cards = c.getByTestId('dup-record');
    expect(await cards.count()).toBe(2);
    const names = await cards.evaluateAll((els) => els.map((e) => e.querySelector('dd[data-field="name"]')?.textContent ?? ''));
    expect(names[0]).not.toBe('');
    expect(names[0]).toBe(names[1]);
    await pkgs.decide(dupId, LUYANG, '已电话核实，本人现在庐阳区工作');
    await expect.poll(() => pkgs.root.getByTestId('dup-pending').innerText()).toBe('0');
    const summary = await apiCall(app, 'census.summary', {});
    expect(summary).toMatchObject({ persons: 201, countedPersons: 200, pendingDuplicates: 0 });

    await pkgs.tab('keys');
    await expect.poll(() => pkgs.ownFingerprint.innerText()).toMatch(/^([0-9A-F]{4} ){7}[0-9A-F]{4}$/);
    expect(await pkgs.root.getByTestId('trusted-key').count()).toBe(3);
  });
});

describe('a package damaged in copying', () => {
  it('reads the board again while a merge runs, so the statistician sees the packages written so far', async () => {
    const app = await start({ areaCode: HEFEI, level: 'city', refDate: '2026-12-31', officeName: '合肥市民政局', operator: '汇总员' });
    const page = await openLoggedPage(suite.browser, cleanups, app);
    const calls = await routeCalls(page);
    await page.goto(app.url);
    const pkgs = new PackagesPage(page);
    await pkgs.open();
    await pkgs.chooseFiles([files.yaohai, files.luyang, files.shushan]);
    for (const a of [YAOHAI, LUYANG, SHUSHAN]) await pkgs.trust(a);
    // The merge's answer is held from the page: for the page the merge is still running, as a province's is for
    // tens of seconds, while the core goes on writing its packages.
    let release = () => {};
    const held = new Promise<void>((resolve) => (release = resolve));
    calls.after = async (call) => {
      if (call.method === 'packages.merge') await held;
    };
    await pkgs.mergeButton.click();
    try {
      await expect.poll(() => pkgs.root.getByTestId('board-reported').innerText()).not.toMatch(/已报 0\//);
      expect(await pkgs.root.getByTestId('board-reported').innerText()).toMatch(/已报 [1-3]\/\d+/);
      expect(await pkgs.root.getByTestId('io-progress').count()).toBe(1);
      expect(await pkgs.root.getByTestId('pkg-results').count()).toBe(0);
      // Read in its quick form (no scan for persons two areas reported), which the board says
      const reads = calls.sent.filter((c) => c.method === 'packages.board');
      expect(reads.length).toBeGreaterThanOrEqual(2);
      expect(reads.at(-1)!.payload).toEqual({ quick: true });
      expect(await pkgs.root.getByTestId('board-summary').innerText()).toContain('（合并中：计入人数合并完成后计算）');
    } finally {
      release();
    }
    // Once the merge has ended the whole board is read: the person both counties reported is counted once
    await expect.poll(() => pkgs.root.getByTestId('board-summary').innerText()).toContain('（计入 200）');
    expect(calls.sent.filter((c) => c.method === 'packages.board').at(-1)!.payload).toEqual({ quick: false });
    await expect.poll(() => pkgs.resultRow(LUYANG).getAttribute('data-status')).toBe('merged');
    await expect.poll(() => pkgs.boardRow(YAOHAI).getAttribute('data-status')).toBe('received');
  });

  it('is refused in the preview with what is wrong and what to do, while the good one beside it can be merged', async () => {
    const app = await start({ areaCode: HEFEI, level: 'city', refDate: '2026-12-31', officeName: '合肥市民政局', operator: '汇总员' });
    // 瑶海区's package with its persons.csv cut off part-way, as an interrupted copy leaves it; the signature still holds
    const entries = await unpack(readFileSync(files.yaohai));
    const damaged = rawZip([...entries].map(([name, data]) => {
      if (name !== 'persons.csv') return { name, data };
      const deflated = deflateRawSync(data);
      return { name, data, deflated: deflated.subarray(0, Math.floor(deflated.length * 0.7)) };
    }));
    const dir = tempDataDir();
    dirs.push(dir);
    const file = path.join(dir, '瑶海区-第1次（拷贝中断）.hcpkg');
    writeFileSync(file, damaged);
    const { pkgs } = await open(app);
    await pkgs.chooseFiles([file, files.luyang]);
    await expect.poll(() => pkgs.previewRow(LUYANG).innerText()).toContain('电话核对密钥指纹');
    const row = pkgs.root.getByTestId('pkg-preview').locator('[data-testid="pkg-row"]').filter({ hasText: '拷贝中断' });
    expect(await row.getAttribute('data-status')).toBe('refused');
    expect(await row.innerText()).toContain('上报包中的「persons.csv」已损坏，无法解压（压缩数据不完整），请让报送单位重新拷贝或重新导出');
    await pkgs.trust(LUYANG);
    await expect.poll(() => pkgs.mergeButton.innerText()).toContain('合并 1 个上报包');
    await pkgs.mergeButton.click();
    await expect.poll(() => pkgs.resultRow(LUYANG).getAttribute('data-status')).toBe('merged');
    expect(await apiCall(app, 'census.summary', {})).toMatchObject({ persons: 81 });
  });
});

describe('exporting from a county', () => {
  it('is refused while an error remains, links to the issues, then downloads a package that verifies', async () => {
    const app = await start({ areaCode: YAOHAI, level: 'county', refDate: '2026-12-31', officeName: '瑶海区民政局', operator: '县级操作员' });
    await apiCall(app, 'census.demo', { persons: 30, units: 2, seed: 5 });
    const first = (await apiCall(app, 'persons.list', { offset: 0, limit: 1 })).rows[0]!;
    await apiCall(app, 'persons.update', { id: first.id, patch: { certNumber: '12' } });

    const { page, pkgs } = await open(app);
    const refused = pkgs.exportPanel.getByTestId('export-refused');
    await expect.poll(() => refused.innerText()).toContain('还有 1 个错误未修正');
    expect(await pkgs.exportPanel.getByTestId('export-run').isDisabled()).toBe(true);
    await refused.getByTestId('export-issues-link').click();
    await expect.poll(() => page.url()).toContain('#/issues');

    await apiCall(app, 'persons.update', { id: first.id, patch: { certNumber: first.data.certNumber } });
    await pkgs.open();
    const run = pkgs.exportPanel.getByTestId('export-run');
    await expect.poll(() => run.isDisabled()).toBe(false);
    const [download] = await Promise.all([page.waitForEvent('download'), run.click()]);
    expect(download.suggestedFilename()).toMatch(/^340102瑶海区-20261231-第1次\.hcpkg$/);
    const saved = path.join(app.dataDir, 'downloaded.hcpkg');
    await download.saveAs(saved);
    await expect.poll(() => pkgs.exportPanel.getByTestId('export-done').innerText()).toContain('第 1 次上报');
    const [v] = await verifyPackages(null, [{ name: 'downloaded.hcpkg', data: readFileSync(saved) }]);
    expect(v).toMatchObject({ ok: true, package: { areaCode: YAOHAI, sequence: 1, persons: 30 } });
    await expect.poll(() => pkgs.exportPanel.getByTestId('export-sequence').innerText()).toBe('2');
  });

  it('saves the file of an export the clerk left the page during, and shows its outcome on return', async () => {
    const app = await start({ areaCode: LUYANG, level: 'county', refDate: '2026-12-31', officeName: '庐阳区民政局', operator: '县级操作员' });
    // Enough persons that the export (a few seconds) is still running when the page comes back
    await apiCall(app, 'census.demo', { persons: 40_000, units: 1_300, seed: 7 });
    const { page, pkgs } = await open(app);
    const run = pkgs.exportPanel.getByTestId('export-run');
    await expect.poll(() => run.isDisabled()).toBe(false);
    const download = page.waitForEvent('download');
    await run.click();
    // Away at once, and back: the core goes on exporting whatever the page does
    await page.getByTestId('nav-persons').click();
    await pkgs.open();
    // Back while it runs, the panel offers no second export; read at once, so the export cannot end between the looks
    const back = await pkgs.exportPanel.evaluate((el) => {
      const button = el.querySelector<HTMLButtonElement>('[data-testid="export-run"]')!;
      return { ended: el.querySelector('[data-testid="export-done"]') !== null, text: button.textContent, disabled: button.disabled };
    });
    if (!back.ended) expect(back).toEqual({ ended: false, text: '正在导出上报包…', disabled: true });
    const saved = path.join(app.dataDir, 'left.hcpkg');
    await (await download).saveAs(saved);
    await expect.poll(() => pkgs.exportPanel.getByTestId('export-done').innerText()).toContain('第 1 次上报，人员 40,000 人');
    await expect.poll(() => pkgs.exportPanel.getByTestId('export-sequence').innerText()).toBe('2');
    const [v] = await verifyPackages(null, [{ name: 'left.hcpkg', data: readFileSync(saved) }]);
    expect(v).toMatchObject({ ok: true, package: { areaCode: LUYANG, sequence: 1, persons: 40_000 } });
  });

  it('encrypts with a passphrase, and the city merges it only once the passphrase is typed', async () => {
    const county = await start({ areaCode: LUYANG, level: 'county', refDate: '2026-12-31', officeName: '庐阳区民政局', operator: '县级操作员' });
    await apiCall(county, 'census.demo', { persons: 40, units: 2, seed: 9 });
    const { page, pkgs } = await open(county);
    await pkgs.exportPanel.getByTestId('export-encrypt').check();
    await pkgs.exportPanel.getByTestId('export-pass').fill('庐阳2026口令');
    await pkgs.exportPanel.getByTestId('export-pass2').fill('庐阳2026口令');
    const [download] = await Promise.all([page.waitForEvent('download'), pkgs.exportPanel.getByTestId('export-run').click()]);
    const saved = path.join(county.dataDir, 'encrypted.hcpkg');
    await download.saveAs(saved);
    await expect.poll(() => pkgs.exportPanel.getByTestId('export-done').innerText()).toContain('已加密（请另行告知口令）');
    expect(readFileSync(saved).subarray(0, 8).toString('latin1')).toBe('HCPKGENC');

    const city = await start({ areaCode: HEFEI, level: 'city', refDate: '2026-12-31', officeName: '合肥市民政局', operator: '汇总员' });
    const { pkgs: cityPkgs } = await open(city);
    await cityPkgs.chooseFiles([saved]);
    // Nothing of it can be read without the passphrase, not even its area
    await expect.poll(() => cityPkgs.root.getByTestId('pkg-preview').innerText()).toContain('这是加密的上报包，请输入口令');
    await expect.poll(() => cityPkgs.mergeButton.innerText()).toContain('合并 0 个上报包');
    await cityPkgs.root.getByTestId('pkg-pass').fill('庐阳2026口令');
    await cityPkgs.root.getByRole('button', { name: '重新检查' }).click();
    await expect.poll(() => cityPkgs.previewRow(LUYANG).innerText()).toContain('电话核对密钥指纹');
    await cityPkgs.trust(LUYANG);
    await cityPkgs.mergeButton.click();
    await expect.poll(() => cityPkgs.resultRow(LUYANG).getAttribute('data-status')).toBe('merged');
    expect(await apiCall(city, 'census.summary', {})).toMatchObject({ persons: 40 });
  });
});

describe('a census-size merge', () => {
  // Two counties' returns past BULK_MIN_PERSONS together, arriving at an empty city: the merge drops the
  // scattered indexes and builds them again at the end, as a province's million does. The packages of
  // the tests above are too small to take that path.
  const per = Math.ceil(BULK_MIN_PERSONS * 0.6);
  let big: string[];

  beforeAll(async () => {
    const yaohai = await countyCensus(YAOHAI, per, 5);
    const luyang = await countyCensus(LUYANG, per, 6);
    dirs.push(yaohai.dir, luyang.dir);
    big = [(await exportTo(yaohai, '瑶海区-全口径.hcpkg')).file, (await exportTo(luyang, '庐阳区-全口径.hcpkg')).file];
    yaohai.close();
    luyang.close();
  });

  /** The persons and units tables' indexes in the census file of `app` (read beside the running server) */
  function indexesOf(app: RunningApp): string[] {
    const db = new Database(path.join(app.dataDir, 'census.sqlite'), { readonly: true, fileMustExist: true });
    try {
      return db.prepare(`SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name IN ('persons', 'units') ORDER BY name`).pluck().all() as string[];
    } finally {
      db.close();
    }
  }

  const hefei = () => start({ areaCode: HEFEI, level: 'city', refDate: '2026-12-31', officeName: '合肥市民政局', operator: '汇总员' });

  it('takes the bulk path through the UI, names the index rebuild on the bar, and leaves every index in place', async () => {
    const city = await hefei();
    const fresh = indexesOf(city);
    const { pkgs } = await open(city);
    const progress = await pkgs.recordProgress();
    await pkgs.mergeAll(big, [YAOHAI, LUYANG]);
    // Only a bulk merge rebuilds indexes, and the bar says so while it does
    expect((await progress()).some((l) => l.startsWith('正在重建索引（'))).toBe(true);
    for (const a of [YAOHAI, LUYANG]) expect(await pkgs.resultRow(a).innerText()).toContain(`新增 ${per.toLocaleString('zh-CN')} 人`);
    expect(await apiCall(city, 'census.summary', {})).toMatchObject({ persons: 2 * per });
    expect(indexesOf(city)).toEqual(fresh);
    await expect.poll(() => pkgs.boardRow(YAOHAI).getAttribute('data-status')).not.toBe('missing');
  });

  it('shows a statistician who left the page during the merge its outcome, and a board read after it', async () => {
    const city = await hefei();
    const { page, pkgs } = await open(city);
    await pkgs.chooseFiles(big);
    for (const a of [YAOHAI, LUYANG]) await pkgs.trust(a);
    await pkgs.mergeButton.click();
    // Away to the persons grid at once, and back: the core goes on merging whatever the page does
    await page.getByTestId('nav-persons').click();
    await page.getByTestId('nav-packages').click();
    await pkgs.root.waitFor();
    for (const a of [YAOHAI, LUYANG]) await pkgs.resultRow(a).and(page.locator('[data-status="merged"]')).waitFor();
    expect(await pkgs.root.getByTestId('pkg-results').innerText()).toContain(`新增 ${per.toLocaleString('zh-CN')} 人`);
    // The board shows what the merge wrote in the end, not what it had written when the page came back
    await expect.poll(() => pkgs.root.getByTestId('board-persons').innerText()).toBe((2 * per).toLocaleString('zh-CN'));
    for (const a of [YAOHAI, LUYANG]) expect(await pkgs.boardRow(a).getAttribute('data-status')).not.toBe('missing');
    // Picking new files lets the outcome go
    await pkgs.chooseFiles([files.shushan]);
    await pkgs.previewRow(SHUSHAN).waitFor();
    expect(await pkgs.root.getByTestId('pkg-results').count()).toBe(0);
  });
});
