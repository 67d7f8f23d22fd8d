/**
 * Typing into the persons spreadsheet as clerks do: Chinese through an input method (driven through Chromium's
 * DevTools protocol exactly as an IME talks to the browser), fast typists whose keys arrive while editors and
 * pickers are still opening, and pasted Chinese text. Every expectation reads the saved values back through the
 * real API (the database), not only the screen.
 */
import { randomUUID } from 'node:crypto';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { idCheckChar } from '../../shared/census/checks';
import type { RecordData } from '../../shared/census/schema';
import { GridPage } from './pages/grid';
import { RecordFormPage } from './pages/record-form';
import { Ime } from './pages/ime';
import { apiCall, removeDir, tempDataDir, type RunningApp } from './support/app';
import { useBrowserSuite } from './support/suite';
import { censusWithUnit, freshApp, newPage, openPersons, UNIT_NAME, type Cleanups } from './support/grid-session';

const suite = useBrowserSuite();
const cleanups = suite.cleanups;

/** `n` rows made through the grid's own contract method, with the values given; their ids in display order */
async function rowsFor(app: RunningApp, values: RecordData[]): Promise<string[]> {
  const create = values.map((v) => ({ id: randomUUID(), values: v }));
  await apiCall(app, 'grid.apply', { table: 'person', create, changes: [], remove: [] });
  return create.map((c) => c.id);
}

async function stored(app: RunningApp): Promise<Map<string, RecordData>> {
  const list = await apiCall(app, 'persons.list', { limit: 500 });
  return new Map(list.rows.map((r) => [r.id, r.data]));
}

async function session(values: RecordData[]): Promise<{ app: RunningApp; page: Page; grid: GridPage; ids: string[]; unitId: string; ime: Ime }> {
  const dataDir = tempDataDir();
  cleanups.push(() => removeDir(dataDir));
  const app = await freshApp(dataDir, cleanups);
  const unitId = await censusWithUnit(app);
  const ids = values.length ? await rowsFor(app, values) : [];
  const { page } = await newPage(suite.browser, cleanups);
  const grid = await openPersons(page, app);
  const ime = await Ime.attach(page);
  cleanups.push(() => ime.detach().catch(() => undefined));
  return { app, page, grid, ids, unitId, ime };
}

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('Chinese input in the spreadsheet', () => {
  it('a composition in a cell that is not editing (or after F2) saves exactly the composed text in text, coded, unit and multi-select cells', async () => {
    const { app, page, grid, ids, unitId, ime } = await session([{}, {}, { name: '王' }]);
    const kb = page.keyboard;

    // Text cell, not editing: the IME announces itself (Process / 229) and composes in two phrases.
    await grid.click(0, 'name');
    await grid.saved(async () => {
      await ime.type('luchengzhen', '鹿城镇');
      await ime.type('dongxingshequjuweihui', '东兴社区居委会');
      await kb.press('Enter');
    });
    // Text cell, not editing, and the IME lets its first Latin key through as a plain key: it must not land.
    await grid.click(1, 'name');
    await grid.saved(async () => {
      await ime.latinKey('l');
      await ime.type('uchengzhen', '鹿城镇');
      await ime.type('dongxingshequjuweihui', '东兴社区居委会');
      await kb.press('Enter');
    });
    // After F2 the composition goes after the text already there.
    await grid.click(2, 'name');
    await grid.saved(async () => {
      await kb.press('F2');
      await ime.type('xiaoming', '小明');
      await kb.press('Enter');
    });

    // Coded cells: the picker opens on the IME's first key and searches the composed text.
    await grid.click(0, 'ethnicity');
    await grid.saved(async () => {
      await ime.type('menggu', '蒙古');
      await grid.picker.getByText('蒙古族').waitFor();
      await kb.press('Enter');
    });
    await grid.click(1, 'ethnicity');
    await grid.saved(async () => {
      await ime.latinKey('h');
      await ime.type('uizu', '回族');
      await grid.picker.getByText('回族').waitFor();
      await kb.press('Enter');
    });
    await grid.click(2, 'ethnicity');
    await grid.saved(async () => {
      await kb.press('F2');
      await grid.picker.waitFor();
      await ime.type('zhuangzu', '壮族');
      await kb.press('Enter');
    });
    // Unit cells: by the unit's name.
    await grid.click(0, 'unitId');
    await grid.saved(async () => {
      await ime.type('yangguang', '阳光');
      await kb.press('Enter');
    });
    await grid.click(1, 'unitId');
    await grid.saved(async () => {
      await kb.press('F2');
      await grid.picker.waitFor();
      await ime.type('yangguangshegong', '阳光社工');
      await kb.press('Tab');
    });
    // Multi-select: compose, Space ticks, Enter or Tab keeps the ticks.
    await grid.click(0, 'domains');
    await grid.saved(async () => {
      await ime.type('shehuijiuzhu', '社会救助');
      await kb.press('Space');
      await kb.press('Enter');
    });
    await grid.click(1, 'domains');
    await grid.saved(async () => {
      await kb.press('F2');
      await grid.picker.waitFor();
      await ime.type('shequzhili', '社区治理');
      await kb.press('Space');
      await kb.press('Control+A');
      await ime.type('laoling', '老龄');
      await kb.press('Space');
      await kb.press('Tab');
    });

    const db = await stored(app);
    expect(db.get(ids[0]!)).toMatchObject({ name: '鹿城镇东兴社区居委会', ethnicity: '02', unitId, domains: ['10'] });
    expect(db.get(ids[1]!)).toMatchObject({ name: '鹿城镇东兴社区居委会', ethnicity: '03', unitId, domains: ['01', '11'] });
    expect(db.get(ids[2]!)).toMatchObject({ name: '王小明', ethnicity: '08' });
  });

  it('an abandoned composition (Esc) leaves the cell as it was', async () => {
    const { app, page, grid, ids, ime } = await session([{ name: '张三' }]);
    await grid.click(0, 'name');
    await ime.cancel('lisi');
    await page.keyboard.press('Escape');
    await expect.poll(() => grid.text(0, 'name')).toBe('张三');
    expect((await stored(app)).get(ids[0]!)?.name).toBe('张三');
  });
});

describe('Chinese input in the record form', () => {
  it('compositions go into text fields and find the option in coded, unit and multi-select fields', async () => {
    const { app, page, unitId, ime } = await session([]);
    await page.evaluate(() => (window.location.hash = '#/persons/new'));
    const form = new RecordFormPage(page, 'person');
    await form.waitForVisible();
    await form.input('name').click();
    await ime.type('ouyang', '欧阳');
    await ime.type('nana', '娜娜');
    await page.getByTestId('field-ethnicity-search').click();
    await ime.type('menggu', '蒙古');
    expect(await form.selectedLabel('ethnicity')).toBe('蒙古族');
    await page.getByTestId('field-unitId-search').click();
    await ime.type('yangguang', '阳光');
    expect(await form.selectedLabel('unitId')).toBe(UNIT_NAME);
    await page.getByTestId('field-domains-search').click();
    await ime.type('shehuijiuzhu', '社会救助');
    await page.keyboard.press('Enter');
    await ime.type('laoling', '老龄');
    await page.keyboard.press('Enter');
    await form.saveWithKeyboard();
    await expect.poll(() => form.status.innerText()).toContain('已保存');
    const list = await apiCall(app, 'persons.list', {});
    expect(list.rows[0]!.data).toMatchObject({ name: '欧阳娜娜', ethnicity: '02', unitId, domains: ['10', '11'] });
  });
});

describe('fast typing in the spreadsheet', () => {
  const NAMES: [string, string][] = [
    ['wangxiaohong', '王晓红'], ['lichunmei', '李春梅'], ['zhangwei', '张伟'], ['liuyang', '刘洋'],
    ['chenjing', '陈静'], ['yangfan', '杨帆'], ['zhaolei', '赵磊'], ['huangli', '黄丽'],
  ];
  const idOf = (r: number) => {
    const first17 = `110101${1980 + r}0307${String(100 + r * 2).padStart(3, '0')}`;
    return first17 + idCheckChar(first17);
  };

  it('types 200 cells of mixed content at 20 ms a key with Tab and Enter between them, and every value is saved', async () => {
    const { app, page, grid, ids, unitId, ime } = await session(NAMES.map(() => ({})));
    // 200 cells at 20 ms a key take a minute or two on a busy 2-core machine: the limit is a hang guard.
    const kb = page.keyboard;
    const KEY_MS = 20;
    const type = async (text: string) => {
      await kb.type(text, { delay: KEY_MS });
      await pause(KEY_MS);
    };
    const press = async (key: string) => {
      await kb.press(key);
      await pause(KEY_MS);
    };
    let cells = 0;
    for (let r = 0; r < NAMES.length; r++) {
      const [spelling, name] = NAMES[r]!;
      await grid.click(r, 'name');
      // 31 cells a row, left to right, in display order.
      const row: (() => Promise<void>)[] = [
        () => ime.type(spelling, name, { delayMs: KEY_MS }),
        () => type(idOf(r)),
        () => type('01'),
        () => Promise.resolve(), // 变动情况: left empty in a first census
        () => type('2'),
        () => type(`${1980 + r}-03-07`),
        () => type(r % 2 ? 'hz' : '03'),
        () => type('qz'),
        () => type(`1393333${4000 + r}`),
        () => type(r % 2 ? 'dxbk' : '30'),
        () => type('shgz'),
        () => (r % 2 ? type('MSW') : ime.type('shehuigongzuo', '社会工作', { delayMs: KEY_MS })),
        () => type('1'),
        () => type(`2018${String(r).padStart(14, '0')}`),
        () => type('2018'),
        () => type('ydj'),
        () => type('2028-12-31'),
        () => type('2'),
        () => type('shgzfwjg'),
        () => type('yg'),
        () => type('dhm'),
        () => type('cz'),
        () => type('zyjs'),
        () => type('y'),
        () => type('wbz'),
        () => type('ldht'),
        async () => {
          await type('sqzl');
          await press('Space');
        },
        () => type('sqzl'),
        () => type('2015'),
        () => type(String(40 + r)),
        () => type(String(100 + r)),
      ];
      for (let c = 0; c < row.length; c++) {
        await row[c]!();
        cells++;
        await press(c === row.length - 1 ? 'Enter' : 'Tab');
      }
    }
    expect(cells).toBe(NAMES.length * 31);

    const expected = (r: number): RecordData => ({
      name: NAMES[r]![1], idNumber: idOf(r), idType: '01', sex: '2', birthDate: `${1980 + r}-03-07`, ethnicity: r % 2 ? '01' : '03',
      political: '13', phone: `1393333${4000 + r}`, education: r % 2 ? '20' : '30', majorCategory: '10', majorName: r % 2 ? 'MSW' : '社会工作',
      qualLevel: '1', certNumber: `2018${String(r).padStart(14, '0')}`, certYear: 2018, titleLevel: '2', unitId, township: '110101001',
      urbanRural: '1', postCategory: '2', swPost: true, staffing: '3', employmentType: '1', domains: ['01'], primaryDomain: '01', startYear: 2015, trainingHours: 40 + r,
      regStatus: '1', regValidUntil: '2028-12-31', personCategory: '3', cumTrainingHours: 100 + r,
    });
    await expect
      .poll(async () => {
        const db = await stored(app);
        return ids.map((id) => db.get(id)?.trainingHours ?? null);
      }, { timeout: 30_000 })
      .toEqual(NAMES.map((_, r) => 40 + r));
    const db = await stored(app);
    ids.forEach((id, r) => expect(db.get(id), `row ${r}`).toMatchObject(expected(r)));
  }, 400_000);

  it('on a slow computer (CPU throttled 8×) no key typed after Tab or Enter is lost, in text cells, pickers and the multi-select', async () => {
    // Chromium runs queued keys before timers, so on a busy machine the second key arrived before anything
    // recorded the first, and AG Grid's select-on-focus let it replace the first (1980-03-07 saved as 980-03-07).
    // Keys typed after a Tab that left a picker still opening piled up in its search box (政治面貌 and 手机 lost).
    const rows = 4;
    const { app, page, grid, ids } = await session(Array.from({ length: rows }, () => ({})));
    const kb = page.keyboard;
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('Emulation.setCPUThrottlingRate', { rate: 8 });
    cleanups.push(() => cdp.send('Emulation.setCPUThrottlingRate', { rate: 1 }).catch(() => undefined));
    for (let r = 0; r < rows; r++) {
      await grid.click(r, 'birthDate');
      await kb.type(`${1980 + r}-03-07`, { delay: 20 });
      await kb.press('Tab');
      await kb.type('03', { delay: 20 });
      await kb.press('Tab');
      await kb.type('qz', { delay: 20 });
      await kb.press('Tab');
      await kb.type(`1393333${4000 + r}`, { delay: 20 });
      await kb.press('Enter');
    }
    for (let r = 0; r < rows; r++) {
      await grid.click(r, 'employmentType');
      await kb.type('ldht', { delay: 20 });
      await kb.press('Tab');
      // 服务领域: tick 社区治理, select the search text, tick 社会救助, leave with Tab — all before the list has shown.
      await kb.type('sqzl', { delay: 20 });
      await kb.press('Space');
      await kb.press('Control+A');
      await kb.type('shjz', { delay: 20 });
      await kb.press('Space');
      await kb.press('Tab');
      await kb.type('shjz', { delay: 20 });
      await kb.press('Tab');
      await kb.type(`${2010 + r}`, { delay: 20 });
      await kb.press('Enter');
    }
    await expect
      .poll(async () => {
        const db = await stored(app);
        return ids.map((id) => [db.get(id)?.phone ?? null, db.get(id)?.startYear ?? null]);
      }, { timeout: 60_000 })
      .toEqual(ids.map((_, r) => [`1393333${4000 + r}`, 2010 + r]));
    const db = await stored(app);
    ids.forEach((id, r) =>
      expect(db.get(id), `row ${r}`).toMatchObject({
        birthDate: `${1980 + r}-03-07`, ethnicity: '03', political: '13', phone: `1393333${4000 + r}`,
        employmentType: '1', domains: ['01', '10'], primaryDomain: '10', startYear: 2010 + r,
      }),
    );
  }, 300_000);

  it('Tab out of a dropdown and typing at once loses no key; Space then Tab in the multi-select keeps the ticks', async () => {
    const { app, page, grid, ids } = await session([{}, {}, {}, {}, {}]);
    const kb = page.keyboard;
    for (let r = 0; r < 5; r++) {
      await grid.click(r, 'political');
      // 群众, Tab to 手机 and type the number straight away, as a fast typist does.
      await kb.type('qz', { delay: 30 });
      await kb.press('Tab');
      await kb.type(`1393333444${r}`, { delay: 30 + r * 5 });
      await kb.press('Enter');
    }
    for (let r = 0; r < 5; r++) {
      await grid.click(r, 'employmentType');
      await kb.type('ldht', { delay: 20 });
      await kb.press('Tab');
      // 服务领域 opens as a picker: search, tick with Space, leave with Tab at typing speed.
      await kb.type('sqzl', { delay: 20 });
      await kb.press('Space');
      await kb.press('Tab');
      await kb.type('sqzl', { delay: 20 });
      await kb.press('Enter');
    }
    await expect
      .poll(async () => {
        const db = await stored(app);
        return ids.map((id) => [db.get(id)?.phone, db.get(id)?.domains, db.get(id)?.primaryDomain]);
      }, { timeout: 20_000 })
      .toEqual(ids.map((_, r) => [`1393333444${r}`, ['01'], '01']));
  });

  it('Chinese text pasted into a cell, into an open editor and as a block is saved as pasted', async () => {
    const { app, page, grid, ids } = await session([{}, {}, {}]);
    await grid.click(0, 'name');
    await grid.saved(() => grid.paste('欧阳娜娜'));
    await grid.click(1, 'majorName');
    await grid.saved(async () => {
      await page.keyboard.press('F2');
      await grid.paste('社会工作与管理');
      await page.keyboard.press('Enter');
    });
    await grid.click(2, 'name');
    await grid.saved(() => grid.paste('司马相如\t\t居民身份证\r\n'));
    const db = await stored(app);
    expect(db.get(ids[0]!)?.name).toBe('欧阳娜娜');
    expect(db.get(ids[1]!)?.majorName).toBe('社会工作与管理');
    expect(db.get(ids[2]!)).toMatchObject({ name: '司马相如', idType: '01' });
  });
});
