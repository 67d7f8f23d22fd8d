/**
 * The spreadsheet's tools for fixing many rows at once, as a clerk uses them in Chromium: the issues
 * panel's summary by field and rule (one click filters the grid), 批量设置 for the filtered or selected
 * rows as one undoable action, Ctrl+Shift+arrow to the data's edge, 只看此值, pinyin in 查找 and the column
 * filter, Ctrl+F replacing the last search, the last row clear of the horizontal scroll bar, and Enter down a
 * column scrolling one row at a time.
 */
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { RecordData } from '../../shared/census/schema';
import { apiCall, removeDir, tempDataDir, type RunningApp } from './support/app';
import { routeCalls } from './support/calls';
import { useBrowserSuite } from './support/suite';
import { censusWithUnit, freshApp, newPage, openPersons, type Cleanups } from './support/grid-session';
import { GridPage } from './pages/grid';

const SHOTS = process.env.HEADCOUNT_SHOTS_DIR;
const suite = useBrowserSuite();
const cleanups = suite.cleanups;

async function start(values: RecordData[]) {
  const dataDir = tempDataDir();
  cleanups.push(() => removeDir(dataDir));
  const app = await freshApp(dataDir, cleanups);
  await censusWithUnit(app);
  const create = values.map((v) => ({ id: randomUUID(), values: v }));
  await apiCall(app, 'grid.apply', { table: 'person', create, changes: [], remove: [] });
  const { page } = await newPage(suite.browser, cleanups);
  const grid = await openPersons(page, app);
  return { app, page, grid, ids: create.map((c) => c.id) };
}

async function urbanRural(app: RunningApp, ids: string[]): Promise<(string | null)[]> {
  const list = await apiCall(app, 'persons.list', { limit: 500 });
  const by = new Map(list.rows.map((r) => [r.id, r.data.urbanRural as string | null]));
  return ids.map((id) => by.get(id) ?? null);
}

describe('fixing many rows at once', () => {
  it('summarises issues by field and rule, filters to one with a click, sets one value for all filtered rows and undoes it in one step', async () => {
    const people = Array.from({ length: 12 }, (_, i) => ({ name: `居民${i}`, ...(i < 3 ? { urbanRural: '2' } : {}) }));
    const { app, page, grid, ids } = await start(people);
    const group = page.locator('[data-testid="grid-issue-group"][data-rule="required"][data-field="urbanRural"]');
    await group.waitFor();
    expect(await group.innerText()).toContain('城乡');
    expect(await group.getByTestId('grid-issue-group-count').innerText()).toBe('9');
    await group.click();
    await expect.poll(() => page.getByTestId('grid-rows').innerText()).toContain('筛选后 9 行');
    expect(await grid.rowCount()).toBe(9);

    await page.getByTestId('grid-bulk').click();
    await page.getByTestId('grid-bulk-column').selectOption({ label: '城乡' });
    await page.getByTestId('grid-bulk-value').selectOption({ label: '城镇' });
    await page.getByTestId('grid-bulk-shown').check();
    expect(await page.getByTestId('grid-bulk-apply').innerText()).toBe('设置 9 行');
    await grid.saved(() => page.getByTestId('grid-bulk-apply').click());
    expect(await urbanRural(app, ids)).toEqual(['2', '2', '2', ...Array(9).fill('1')]);
    await expect.poll(() => grid.issues.filter({ hasText: '城乡' }).count()).toBe(0);

    // One undo takes the nine back.
    await grid.click(0, 'name');
    await grid.saved(() => page.keyboard.press('Control+Z'));
    expect(await urbanRural(app, ids)).toEqual(['2', '2', '2', ...Array(9).fill(null)]);
  });

  it('批量设置 of thousands of rows says what it saves, with a moving bar, until the core answers', async () => {
    const dataDir = tempDataDir();
    cleanups.push(() => removeDir(dataDir));
    const app = await freshApp(dataDir, cleanups);
    await censusWithUnit(app);
    const create = Array.from({ length: 2500 }, (_, i) => ({ id: randomUUID(), values: { name: `居民${i}` } }));
    await apiCall(app, 'grid.apply', { table: 'person', create, changes: [], remove: [] });
    const { page } = await newPage(suite.browser, cleanups);
    // The write's answer is held, as 100k rows take the core seconds.
    const calls = await routeCalls(page);
    let release = () => {};
    const held = new Promise<void>((resolve) => (release = resolve));
    calls.before = async ({ method }) => {
      if (method === 'grid.apply') await held;
    };
    const grid = await openPersons(page, app);
    await page.getByTestId('grid-bulk').click();
    await page.getByTestId('grid-bulk-column').selectOption({ label: '城乡' });
    await page.getByTestId('grid-bulk-value').selectOption({ label: '城镇' });
    await page.getByTestId('grid-bulk-shown').check();
    const before = await grid.saves();
    await page.getByTestId('grid-bulk-apply').click();
    const bar = page.getByTestId('grid-save-progress');
    await bar.waitFor();
    expect(await page.getByTestId('grid-save').innerText()).toBe('正在保存：将筛选后的 2,500 行的「城乡」设为同一值（2,500 处，全部完成或全部不做）');
    if (SHOTS) await page.screenshot({ path: `${SHOTS}/grid-bulk-saving.png` });
    release();
    await expect.poll(() => grid.saves()).toBe(before + 1);
    await bar.waitFor({ state: 'detached' });
    expect(await page.getByTestId('grid-save').innerText()).toBe('已保存（将筛选后的 2,500 行的「城乡」设为同一值）');
    const stored = await apiCall(app, 'persons.list', { limit: 5000 });
    expect(stored.rows.filter((r) => r.data.urbanRural === '1')).toHaveLength(2500);
  });

  it('Ctrl+Shift+arrow selects to the edge of the data, and 批量设置 applies to the selected rows', async () => {
    const { app, page, grid, ids } = await start(Array.from({ length: 6 }, (_, i) => ({ name: `人员${i}`, ...(i === 4 ? {} : { phone: `1380000000${i}` }) })));
    await grid.click(0, 'phone');
    await page.keyboard.press('Control+Shift+ArrowDown');
    expect(await grid.inRange(3, 'phone')).toBe(true);
    expect(await grid.inRange(4, 'phone')).toBe(false);
    await page.getByTestId('grid-bulk').click();
    await page.getByTestId('grid-bulk-column').selectOption({ label: '城乡' });
    await page.getByTestId('grid-bulk-value').selectOption({ label: '乡村' });
    await page.getByTestId('grid-bulk-selected').check();
    await grid.saved(() => page.getByTestId('grid-bulk-apply').click());
    expect(await urbanRural(app, ids)).toEqual(['2', '2', '2', '2', null, null]);
  });

  it('keys pressed at once after a click keep the range they make when the grid reports the click late', async () => {
    const { page, grid } = await start(Array.from({ length: 6 }, (_, i) => ({ name: `人员${i}`, ...(i === 4 ? {} : { phone: `1380000000${i}` }) })));
    await grid.reveal(0, 'phone');
    // A click and Ctrl+Shift+↓ in one task, as Chromium runs them on a busy machine: input goes before
    // timers, so AG Grid's own reports of the click (sent through setTimeout) arrive after the key.
    await grid.cell(0, 'phone').evaluate((el) => {
      const press = { bubbles: true, cancelable: true, composed: true, button: 0, buttons: 1 };
      const lift = { ...press, buttons: 0 };
      el.dispatchEvent(new PointerEvent('pointerdown', press));
      el.dispatchEvent(new MouseEvent('mousedown', press));
      (el as HTMLElement).focus();
      el.dispatchEvent(new PointerEvent('pointerup', lift));
      el.dispatchEvent(new MouseEvent('mouseup', lift));
      el.dispatchEvent(new MouseEvent('click', lift));
      el.dispatchEvent(new KeyboardEvent('keydown', { key: 'ArrowDown', code: 'ArrowDown', ctrlKey: true, shiftKey: true, bubbles: true, cancelable: true }));
    });
    // Past the grid's timers
    await page.evaluate(() => new Promise((resolve) => setTimeout(resolve, 50)));
    expect(await grid.inRange(3, 'phone')).toBe(true);
    expect(await grid.inRange(4, 'phone')).toBe(false);
    await page.getByTestId('grid-bulk').click();
    expect(await page.getByTestId('grid-bulk-selected').locator('xpath=..').innerText()).toContain('选中的行（4 行）');
  });

  it('dragging over cells selects them, with the mouse and when the whole drag is handled before the grid reports it', async () => {
    const { page, grid } = await start(Array.from({ length: 6 }, (_, i) => ({ name: `人员${i}`, phone: `1380000000${i}` })));
    const ranged = async () => {
      const rows: number[] = [];
      for (let r = 0; r < 6; r++) if (await grid.inRange(r, 'phone')) rows.push(r);
      return rows;
    };
    // Aimed where the cells can be pressed now (see pointAt: a drag once went to the issues panel).
    const from = await grid.pointAt(0, 'phone');
    const to = await grid.pointAt(2, 'phone');
    await page.mouse.move(...from);
    await page.mouse.down();
    await page.mouse.move(...to, { steps: 4 });
    await page.mouse.up();
    await expect.poll(ranged).toEqual([0, 1, 2]);

    // The whole drag in one task, as on a busy machine: AG Grid's reports (setTimeout) come after the button is up.
    await grid.cell(1, 'name').click();
    expect(await ranged()).toEqual([]);
    await page.evaluate(() => {
      const cell = (r: number) => document.querySelector(`[data-testid="grid-person"] .ag-row[row-index="${r}"] .ag-cell[col-id="phone"]`)!;
      const held = { bubbles: true, cancelable: true, composed: true, button: 0, buttons: 1 };
      cell(1).dispatchEvent(new PointerEvent('pointerdown', held));
      cell(1).dispatchEvent(new MouseEvent('mousedown', held));
      (cell(1) as HTMLElement).focus();
      for (const r of [2, 3, 4]) {
        cell(r).dispatchEvent(new PointerEvent('pointermove', held));
        cell(r).dispatchEvent(new MouseEvent('mouseover', held));
      }
      cell(4).dispatchEvent(new PointerEvent('pointerup', { ...held, buttons: 0 }));
      cell(4).dispatchEvent(new MouseEvent('mouseup', { ...held, buttons: 0 }));
    });
    await page.evaluate(() => new Promise((resolve) => setTimeout(resolve, 50)));
    expect(await ranged()).toEqual([1, 2, 3, 4]);
    await page.getByTestId('grid-bulk').click();
    expect(await page.getByTestId('grid-bulk-selected').locator('xpath=..').innerText()).toContain('选中的行（4 行）');
  });

  it('the column filter offers 只看此值 and accepts pinyin initials; Ctrl+F accepts them too and replaces the last search', async () => {
    const { page, grid } = await start([
      { name: '王小明', education: '20' },
      { name: '李春梅', education: '30' },
      { name: '张伟', education: '20' },
    ]);
    await page.getByTestId('grid-filter').click();
    await page.getByTestId('grid-filter-column').selectOption({ label: '学历' });
    await page.locator('[data-testid="grid-filter-value"][data-value="大学专科"]').locator('..').getByTestId('grid-filter-only').click();
    await expect.poll(() => grid.rowCount()).toBe(1);
    expect(await grid.text(0, 'name')).toBe('李春梅');
    await page.getByTestId('grid-filter-clear-all').click();
    await page.getByTestId('grid-filter-column').selectOption({ label: '姓名' });
    await page.getByTestId('grid-filter-text').fill('wxm');
    await expect.poll(() => grid.rowCount()).toBe(1);
    expect(await grid.text(0, 'name')).toBe('王小明');
    await page.getByTestId('grid-filter-clear-all').click();
    await expect.poll(() => grid.rowCount()).toBe(3);
    await page.keyboard.press('Escape');

    await grid.click(0, 'name');
    await page.keyboard.press('Control+F');
    await page.keyboard.type('lcm');
    await page.keyboard.press('Enter');
    await expect.poll(() => grid.isFocused(1, 'name')).toBe(true);
    // Ctrl+F again: what is typed replaces the last search, and the first keys are not lost to the grid.
    await page.keyboard.press('Control+F');
    await page.keyboard.type('zw', { delay: 20 });
    expect(await page.getByTestId('grid-find').inputValue()).toBe('zw');
    await page.keyboard.press('Enter');
    await expect.poll(() => grid.isFocused(2, 'name')).toBe(true);
  });

  it('查找 while a large table is still being read waits for the rest of the rows instead of saying 没有找到', async () => {
    const dataDir = tempDataDir();
    cleanups.push(() => removeDir(dataDir));
    const app = await freshApp(dataDir, cleanups);
    await censusWithUnit(app);
    // 2,100 persons: the grid's first page holds 2,000, the rest come in a second request, held back here.
    const people = Array.from({ length: 2100 }, (_, i) => ({ id: randomUUID(), values: { name: i === 2099 ? '欧阳娜娜' : `居民${i}` } }));
    await apiCall(app, 'grid.apply', { table: 'person', create: people, changes: [], remove: [] });
    const { page } = await newPage(suite.browser, cleanups);
    let release: () => void = () => {};
    const held = new Promise<void>((resolve) => (release = resolve));
    const calls = await routeCalls(page);
    calls.before = async ({ method, payload }) => {
      if (method === 'grid.rows' && ((payload as { offset?: number }).offset ?? 0) > 0) await held;
    };
    await page.goto(app.url);
    await page.getByTestId('nav-persons').waitFor();
    await page.keyboard.press('Alt+2');
    await expect.poll(() => page.getByTestId('grid-rows').innerText()).toContain('正在读取 2,000 / 2,100 行');
    const grid = new GridPage(page, 'person');
    await grid.click(0, 'name');
    await page.keyboard.press('Control+F');
    await page.keyboard.type('oynn');
    await page.keyboard.press('Enter');
    const wait = page.getByTestId('grid-find-wait');
    await wait.waitFor();
    expect(await wait.innerText()).toBe('已读取的行中没有找到，还有 100 行正在读取，读完后接着找…');
    if (SHOTS) await page.screenshot({ path: `${SHOTS}/find-waiting.png` });
    expect(await page.getByTestId('grid-find-miss').count()).toBe(0);
    release();
    await grid.waitLoaded();
    await expect.poll(() => grid.isFocused(2099, 'name')).toBe(true);
    expect(await grid.text(2099, 'name')).toBe('欧阳娜娜');
    if (SHOTS) await page.screenshot({ path: `${SHOTS}/find-found.png` });
    // Counts past a thousand read with separators, as in the tables: 错误 37,800, not 37800
    const { counts } = await apiCall(app, 'grid.issues', { table: 'person' });
    expect(counts.error).toBeGreaterThan(2100);
    await expect.poll(() => grid.errors()).toBe(`错误 ${counts.error.toLocaleString('zh-CN')}`);
    expect(await grid.errors()).toMatch(/^错误 \d{1,3}(,\d{3})+$/);
    expect(await wait.count()).toBe(0);
    calls.before = null;

    // Once every row is in, a name nobody has is 没有找到 straight away.
    await page.keyboard.press('Control+F');
    await page.keyboard.type('不存在的人');
    await page.keyboard.press('Enter');
    await page.getByTestId('grid-find-miss').waitFor();
    expect(await wait.count()).toBe(0);
  });

  it('Alt with keypad digits (how Windows types · in 阿依古丽·买买提) stays in the grid instead of jumping to 首页', async () => {
    const { page, grid } = await start([{ name: '阿依古丽' }]);
    await grid.click(0, 'name');
    await page.keyboard.press('F2');
    for (const k of ['Numpad0', 'Numpad1', 'Numpad8', 'Numpad3']) await page.keyboard.press(`Alt+${k}`);
    await page.keyboard.press('Escape');
    expect(await page.evaluate(() => window.location.hash)).toBe('#/persons');
    await grid.root.waitFor();
    // The digit row still switches pages.
    await page.keyboard.press('Alt+1');
    await expect.poll(() => page.evaluate(() => window.location.hash)).toBe('#/');
  });

  it('the last row can be clicked: it is not under the horizontal scroll bar', async () => {
    const { page, grid } = await start(Array.from({ length: 60 }, (_, i) => ({ name: `行${i}` })));
    await grid.click(0, 'name');
    await page.keyboard.press('Control+ArrowDown');
    await expect.poll(() => grid.isFocused(59, 'name')).toBe(true);
    const cell = grid.cell(59, 'name');
    const box = (await cell.boundingBox())!;
    const hit = await page.evaluate(([x, y]) => document.elementFromPoint(x!, y!)?.closest('.ag-cell')?.getAttribute('col-id') ?? null, [box.x + box.width / 2, box.y + box.height - 3]);
    expect(hit).toBe('name');
    const viewport = page.viewportSize()!;
    expect(box.y + box.height).toBeLessThanOrEqual(viewport.height);
  });

  it('typing down a column with Enter scrolls one row at a time, as in Excel, and saves every cell', async () => {
    const { app, page, grid, ids } = await start(Array.from({ length: 60 }, (_, i) => ({ name: `行${i}` })));
    await grid.click(0, 'majorName');
    // Every focus() call in the page is counted: one forces a style and layout pass, and Enter should cost one.
    await page.evaluate(() => {
      const w = window as unknown as { __focusCalls: number };
      w.__focusCalls = 0;
      const focus = HTMLElement.prototype.focus;
      HTMLElement.prototype.focus = function (this: HTMLElement, options?: FocusOptions) {
        w.__focusCalls++;
        focus.call(this, options);
      };
    });
    const focusCalls: number[] = [];
    const savesBefore = await grid.saves();
    let scrolled = 0;
    for (let row = 0; row < 40; row++) {
      await grid.saved(async () => {
        await page.keyboard.type(`m${row}`);
        await page.evaluate(() => ((window as unknown as { __focusCalls: number }).__focusCalls = 0));
        await page.keyboard.press('Enter');
      });
      await expect.poll(() => grid.isFocused(row + 1, 'majorName')).toBe(true);
      focusCalls.push(await page.evaluate(() => (window as unknown as { __focusCalls: number }).__focusCalls));
      // The focused cell and the rows' scrolling area (found from the cell: AG Grid's class names change)
      const at = await grid.cell(row + 1, 'majorName').evaluate((el) => {
        let p = el.parentElement;
        while (p && !(['auto', 'scroll'].includes(getComputedStyle(p).overflowY) && p.scrollHeight > p.clientHeight)) p = p.parentElement;
        const c = el.getBoundingClientRect();
        const v = p!.getBoundingClientRect();
        return { top: c.top, bottom: c.bottom, height: c.height, viewTop: v.top, viewBottom: v.top + p!.clientHeight, scrollTop: p!.scrollTop };
      });
      // In view, and once the column has reached the bottom edge it stays there: not moved up to the middle.
      expect(at.top).toBeGreaterThanOrEqual(at.viewTop - 1);
      expect(at.bottom).toBeLessThanOrEqual(at.viewBottom + 1);
      if (at.scrollTop > 0) {
        scrolled++;
        expect(at.viewBottom - at.bottom).toBeLessThan(at.height);
      }
    }
    expect(scrolled).toBeGreaterThan(5);
    // One save per Enter: the editor is closed without its value being saved a second time.
    expect(await grid.saves()).toBe(savesBefore + 40);
    // The next cell is focused once; closing the editor does not first focus the cell it was in.
    expect(focusCalls).toEqual(focusCalls.map(() => 1));
    const list = await apiCall(app, 'persons.list', { limit: 100 });
    const major = new Map(list.rows.map((r) => [r.id, r.data.majorName]));
    expect(ids.slice(0, 40).map((id) => major.get(id))).toEqual(Array.from({ length: 40 }, (_, i) => `m${i}`));
  });
});
