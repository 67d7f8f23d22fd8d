/**
 * The persons spreadsheet in Chromium against the real browser-mode server: keyboard-only entry,
 * paste of a block copied out of a generated .xlsx, undo/redo of the paste as one step, fill down,
 * the issues panel (jump, fix, explain), a restart on the same data, and restoring from history.
 */
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { idCheckChar } from '../../shared/census/checks';
import { PASTE_IDS, pasteXlsx, tsvFromXlsx } from '../fixtures/grid-paste';
import { GridPage } from './pages/grid';
import { Ime } from './pages/ime';
import { apiCall, removeDir, tempDataDir } from './support/app';
import { routeCalls } from './support/calls';
import { useBrowserSuite } from './support/suite';
import { censusWithUnit, freshApp as startSession, newPage as openPage, openPersons, UNIT_NAME, type Cleanups } from './support/grid-session';

const FIRST17 = '11010119900307002';
const GOOD_ID = FIRST17 + idCheckChar(FIRST17);

const suite = useBrowserSuite();
const cleanups = suite.cleanups;

const freshApp = (dataDir: string) => startSession(dataDir, cleanups);
const newPage = () => openPage(suite.browser, cleanups);

describe('persons spreadsheet', () => {
  it('enters a person in full with the keyboard alone; sex and birth date come from the ID number', async () => {
    const dataDir = tempDataDir();
    cleanups.push(() => removeDir(dataDir));
    const app = await freshApp(dataDir);
    await censusWithUnit(app);
    const { page } = await newPage();
    const grid = await openPersons(page, app);
    const kb = page.keyboard;

    await grid.saved(() => kb.press('Insert'));
    await expect.poll(() => grid.isFocused(0, 'name')).toBe(true);
    // Each Tab commits the cell (one save) and opens the next cell's editor, as in a data-entry form.
    const typeText = async (text: string) => {
      // A picker's search box mounts a moment after Tab opens the editor; type once it has the focus, as a person would.
      await page.waitForFunction(() => document.activeElement?.tagName === 'INPUT');
      if (/^[\x20-\x7e]+$/.test(text)) await kb.type(text);
      else await kb.insertText(text);
    };
    const steps: [string, string | null][] = [
      ['name', '张晓红'],
      ['idNumber', GOOD_ID],
      ['idType', 'sfz'],
      ['change', null],
      ['sex', null],
      ['birthDate', null],
      ['ethnicity', 'hz'],
      ['political', 'qz'],
      ['phone', '13812345678'],
      ['education', 'dxbk'],
      ['majorCategory', 'shgz'],
      ['majorName', '社会工作'],
      ['qualLevel', 'zl'],
      ['certNumber', '123456789012345678'],
      ['certYear', '2018'],
      ['regStatus', 'ydj'],
      ['regValidUntil', '2028-12-31'],
      ['titleLevel', null],
      ['personCategory', 'shgzfwjg'],
      ['unitId', 'yg'],
      ['township', 'dhm'],
      ['urbanRural', 'cz'],
      ['postCategory', 'zyjs'],
      ['swPost', 'y'],
      ['staffing', 'wbz'],
      ['employmentType', 'ldht'],
    ];
    await kb.press('F2');
    for (const [key, text] of steps) {
      if (text === null) {
        await kb.press('Tab');
        continue;
      }
      await grid.saved(async () => {
        await typeText(text);
        await kb.press('Tab');
      });
      void key;
    }
    // 服务领域: a multi-select — type to search, Space ticks, select the search text to type another.
    await grid.picker.waitFor();
    await grid.saved(async () => {
      await kb.type('sqzl');
      await kb.press('Space');
      await kb.press('Control+A');
      await kb.type('shjz');
      await kb.press('Space');
      await kb.press('Tab');
    });
    await grid.saved(async () => {
      await kb.type('sqzl');
      await kb.press('Tab');
    });
    await grid.saved(async () => {
      await kb.type('2015');
      await kb.press('Tab');
    });
    await grid.saved(async () => {
      await kb.type('40');
      await kb.press('Tab');
    });
    await grid.saved(async () => {
      await kb.type('120');
      await kb.press('Enter');
    });

    const expected: Record<string, string> = {
      name: '张晓红', idNumber: GOOD_ID, idType: '居民身份证', sex: '女', birthDate: '1990-03-07', ethnicity: '汉族', political: '群众',
      phone: '13812345678', education: '大学本科', majorCategory: '社会工作', majorName: '社会工作', qualLevel: '助理社会工作师',
      certNumber: '123456789012345678', certYear: '2018', unitId: UNIT_NAME, township: '东华门街道', urbanRural: '城镇',
      postCategory: '专业技术岗位', swPost: '是', staffing: '无编制', employmentType: '劳动合同', domains: '社区治理、社会救助', primaryDomain: '社区治理',
      startYear: '2015', trainingHours: '40', cumTrainingHours: '120', regStatus: '已登记', regValidUntil: '2028-12-31',
      personCategory: '社会工作服务机构从业人员',
    };
    for (const [key, value] of Object.entries(expected)) await expect.poll(() => grid.text(0, key), { message: key }).toBe(value);
    await expect.poll(() => grid.errors()).toBe('错误 0');
    expect(await grid.warnings()).toBe('警告 0');
    expect(await grid.cell(0, '__status').innerText()).toContain('✓');
    const stored = await apiCall(app, 'persons.list', {});
    expect(stored.total).toBe(1);
    expect(stored.rows[0]!.data).toMatchObject({ name: '张晓红', idNumber: GOOD_ID, sex: '2', birthDate: '1990-03-07', domains: ['01', '10'], trainingHours: 40, cumTrainingHours: 120, personCategory: '3', staffing: '3', employmentType: '1', regStatus: '1', regValidUntil: '2028-12-31' });

    // Enter in a text editor left as it was saves nothing (no empty undo step); changed, it saves the text once.
    await grid.click(0, 'majorName');
    const before = await grid.saves();
    await kb.press('F2');
    await kb.press('Enter');
    await kb.press('F2');
    await grid.saved(async () => {
      await kb.press('End');
      await kb.type('专业');
      await kb.press('Enter');
    });
    await expect.poll(() => grid.text(0, 'majorName')).toBe('社会工作专业');
    expect(await grid.saves()).toBe(before + 1);
    expect(await grid.isFocused(0, 'majorName')).toBe(true);
  });

  it('pastes a 5 × 11 block from Excel, normalises and flags it, undoes and redoes it in one step, and fills down', async () => {
    const dataDir = tempDataDir();
    cleanups.push(() => removeDir(dataDir));
    const app = await freshApp(dataDir);
    await censusWithUnit(app);
    const tsv = await tsvFromXlsx(await pasteXlsx());
    expect(tsv.endsWith('\r\n')).toBe(true);
    expect(tsv).toContain('"李\n四"');
    const { page } = await newPage();
    const grid = await openPersons(page, app);

    await grid.saved(() => page.keyboard.press('Insert'));
    await expect.poll(() => grid.isFocused(0, 'name')).toBe(true);
    await grid.saved(() => grid.paste(tsv));

    await expect.poll(() => grid.rowCount()).toBe(5);
    // Normalised exactly as the importers do
    expect(await grid.text(0, 'name')).toBe('王小明');
    expect(await grid.text(0, 'idNumber')).toBe(PASTE_IDS.good[0]);
    expect(await grid.text(0, 'idType')).toBe('居民身份证');
    expect(await grid.text(0, 'sex')).toBe('女');
    expect(await grid.text(0, 'birthDate')).toBe('1985-03-15');
    expect(await grid.text(0, 'ethnicity')).toBe('汉族');
    expect(await grid.text(0, 'political')).toBe('中共党员');
    expect(await grid.text(0, 'phone')).toBe('13812345678');
    expect(await grid.text(0, 'education')).toBe('大学本科');
    expect(await grid.text(0, 'majorCategory')).toBe('社会工作');
    expect(await grid.text(1, 'name')).toBe('李四');
    expect(await grid.text(1, 'education')).toBe('大学专科');
    expect(await grid.text(2, 'education')).toBe('研究生');
    // The wrong check digit is flagged red with the Chinese message on hover
    expect(await grid.severity(2, 'idNumber')).toBe('error');
    expect(await grid.tooltip(2, 'idNumber')).toContain('校验位');
    expect(await grid.severity(0, 'idNumber')).toBeNull();
    // Required fields the block did not cover are flagged too
    expect(await grid.severity(0, 'unitId')).toBe('error');
    expect((await apiCall(app, 'persons.list', {})).total).toBe(5);

    // Undo the whole paste in one step, then redo it
    await grid.click(0, 'phone');
    await grid.saved(() => page.keyboard.press('Control+Z'));
    await expect.poll(() => grid.rowCount()).toBe(1);
    expect(await grid.text(0, 'name')).toBe('');
    expect((await apiCall(app, 'persons.list', {})).total).toBe(1);
    await grid.saved(() => page.keyboard.press('Control+Y'));
    await expect.poll(() => grid.rowCount()).toBe(5);
    expect(await grid.text(0, 'name')).toBe('王小明');
    expect(await grid.text(4, 'majorCategory')).toBe('社会工作');
    expect(await grid.severity(2, 'idNumber')).toBe('error');

    // Fill down: pick 城镇 in the first row, select the column's five cells, Ctrl+D
    await grid.click(0, 'urbanRural');
    await grid.saved(async () => {
      await page.keyboard.type('cz');
      await page.keyboard.press('Enter');
    });
    await grid.click(0, 'urbanRural');
    await grid.click(4, 'urbanRural', { shift: true });
    expect(await grid.inRange(2, 'urbanRural')).toBe(true);
    await grid.saved(() => page.keyboard.press('Control+D'));
    for (let r = 0; r < 5; r++) expect(await grid.text(r, 'urbanRural')).toBe('城镇');
    // Copy the filled range back out as TSV
    expect(await grid.copy()).toBe('城镇\r\n城镇\r\n城镇\r\n城镇\r\n城镇\r\n');
    // One undo takes the fill back (the first row keeps its own value)
    await grid.saved(() => page.keyboard.press('Control+Z'));
    expect(await grid.text(0, 'urbanRural')).toBe('城镇');
    expect(await grid.text(3, 'urbanRural')).toBe('');
  });

  it('jumps from the issues panel to a cell and fixes it, explains a warning, keeps everything across a restart, and restores from history', async () => {
    const dataDir = tempDataDir();
    cleanups.push(() => removeDir(dataDir));
    const app = await freshApp(dataDir);
    const unitId = await censusWithUnit(app);
    const base = {
      idType: '01', ethnicity: '01', political: '13', phone: '13812345678', majorCategory: '10', qualLevel: '0', unitId,
      township: '110101001', urbanRural: '1', postCategory: '2', swPost: true, personCategory: '3', staffing: '3', employmentType: '1', domains: ['11'], primaryDomain: '11',
    };
    await apiCall(app, 'persons.create', { data: { ...base, name: '王老师', idNumber: '11010519491231002X', education: '20' } });
    await apiCall(app, 'persons.create', { data: { ...base, name: '李错', idNumber: GOOD_ID, education: '博士后' } });
    const { page } = await newPage();
    // The rows come first and the issues after them (on a big census, seconds after): held back here until
    // the rows are on screen, nothing may claim a row is clean or that there are no problems meanwhile. The
    // issues panel asks for its list half a second after it opens; that is held too, or a slow run would see
    // its answer before the checks below.
    let release: () => void = () => {};
    const held = new Promise<void>((resolve) => (release = resolve));
    const calls = await routeCalls(page);
    calls.before = async ({ method }) => {
      if (method === 'grid.issues' || method === 'issues.list') await held;
    };
    await page.goto(app.url);
    await page.getByTestId('nav-persons').waitFor();
    await page.keyboard.press('Alt+2');
    const status = (row: number) => page.locator(`.ag-row[row-index="${row}"] .ag-cell[col-id="__status"]`);
    await status(1).waitFor();
    expect(await status(0).innerText()).toBe('…');
    expect(await status(1).innerText()).toBe('…');
    expect(await page.getByTestId('grid-statusbar').innerText()).toContain('正在检查问题…');
    expect(await page.getByTestId('grid-errors').count()).toBe(0);
    expect(await page.getByTestId('grid-issues-total').innerText()).toBe('正在统计问题…');
    release();
    const grid = new GridPage(page, 'person');
    await grid.waitLoaded();
    calls.before = null;
    await expect.poll(() => status(1).innerText()).toBe('✕1');
    // 姓名 and 证件号码 stay pinned outside their group, so its label heads the scrolling part once
    expect(await page.locator('.ag-header-group-cell', { hasText: '基本信息' }).count()).toBe(1);
    await expect.poll(() => page.getByTestId('grid-issues-total').innerText()).toBe('共 2 个');
    await expect.poll(() => grid.errors()).toBe('错误 1');
    expect(await grid.warnings()).toBe('警告 1');

    // Errors only; click the 学历 issue: the cell is focused; type the right value
    await grid.filterIssues('错误');
    await expect.poll(() => grid.issues.count()).toBe(1);
    await grid.issue('李错').getByTestId('grid-issue-jump').click();
    await expect.poll(() => grid.isFocused(1, 'education')).toBe(true);
    expect(await grid.severity(1, 'education')).toBe('error');
    await grid.saved(async () => {
      await page.keyboard.type('dxbk');
      await page.keyboard.press('Enter');
    });
    expect(await grid.text(1, 'education')).toBe('大学本科');
    await expect.poll(() => grid.errors()).toBe('错误 0');
    await expect.poll(() => grid.issues.count()).toBe(0);

    // The age warning gets its 核实说明
    await grid.filterIssues('警告');
    const warning = grid.issue('超过65周岁');
    await warning.waitFor();
    await warning.getByTestId('grid-issue-explain').fill('返聘人员，仍在社区从事养老服务');
    await warning.getByTestId('grid-issue-explain-save').click();
    await warning.getByTestId('grid-issue-explained').waitFor();

    // Restart on the same data directory: everything is as it was
    await app.stop();
    const again = await freshApp(dataDir);
    const grid2 = await openPersons(page, again);
    expect(await grid2.text(0, 'name')).toBe('王老师');
    expect(await grid2.text(1, 'education')).toBe('大学本科');
    await expect.poll(() => grid2.errors()).toBe('错误 0');
    await grid2.filterIssues('警告');
    await expect.poll(() => grid2.issue('超过65周岁').getByTestId('grid-issue-explain').inputValue()).toBe('返聘人员，仍在社区从事养老服务');

    // History of 李错: 学历 博士后 → 大学本科; restore the old value as a new audited change
    await grid2.click(1, 'education');
    await grid2.openHistory();
    const entry = grid2.historyEntry('education').first();
    await entry.waitFor();
    expect(await entry.getByTestId('grid-history-old').innerText()).toBe('博士后');
    expect(await entry.getByTestId('grid-history-new').innerText()).toBe('大学本科');
    await grid2.saved(() => entry.getByTestId('grid-history-restore').click());
    expect(await grid2.text(1, 'education')).toBe('博士后');
    expect(await grid2.severity(1, 'education')).toBe('error');
    const history = await apiCall(again, 'history.list', { table: 'person', recordId: (await apiCall(again, 'persons.list', { search: '李错' })).rows[0]!.id });
    expect(history.at(-1)).toMatchObject({ action: 'restore', field: 'education', oldValue: '"20"', newValue: '"博士后"', operator: '李明' });
  });
});

describe('the grids’ unit and township lists', () => {
  it('a grid opened again keeps the lists it holds, and a unit added in 单位 is offered in 人员 at once', async () => {
    const dataDir = tempDataDir();
    cleanups.push(() => removeDir(dataDir));
    const app = await freshApp(dataDir);
    await censusWithUnit(app);
    await apiCall(app, 'grid.apply', { table: 'person', create: [{ id: randomUUID(), values: { name: '张晓红' } }], changes: [], remove: [] });
    const { page } = await newPage();
    // What each grid.refs reply carried: the lists (how many units) or `unchanged`
    const replies: (number | 'unchanged')[] = [];
    const calls = await routeCalls(page);
    calls.after = ({ method }, reply) => {
      if (method !== 'grid.refs') return;
      const { result } = reply as { result: { unchanged: boolean; units?: unknown[] } };
      replies.push(result.unchanged ? 'unchanged' : result.units!.length);
    };
    const ime = await Ime.attach(page);
    cleanups.push(() => ime.detach().catch(() => undefined));
    const kb = page.keyboard;

    const persons = await openPersons(page, app);
    await expect.poll(() => persons.text(0, 'unitId')).toBe('');
    await expect.poll(() => replies).toEqual([1]);
    await kb.press('Alt+3');
    const units = new GridPage(page, 'unit');
    await units.waitLoaded();
    await expect.poll(() => units.text(0, 'name')).toBe(UNIT_NAME);
    await expect.poll(() => replies).toEqual([1, 'unchanged']);

    // A new unit, its name typed through the input method
    await units.saved(() => kb.press('Insert'));
    await expect.poll(() => units.isFocused(1, 'name')).toBe(true);
    await units.saved(async () => {
      await ime.type('xingfujiayuan', '幸福家园');
      await ime.type('shegongzhan', '社工站');
      await kb.press('Enter');
    });
    const added = (await apiCall(app, 'units.list', {})).rows.find((u) => u.data.name === '幸福家园社工站');
    expect(added).toBeDefined();

    await kb.press('Alt+2');
    const again = new GridPage(page, 'person');
    await again.waitLoaded();
    await expect.poll(() => replies).toEqual([1, 'unchanged', 2]);
    await again.click(0, 'unitId');
    await again.saved(async () => {
      await ime.type('xingfu', '幸福');
      await again.picker.getByText('幸福家园社工站').waitFor();
      await kb.press('Enter');
    });
    await expect.poll(() => again.text(0, 'unitId')).toBe('幸福家园社工站');
    const stored = (await apiCall(app, 'persons.list', {})).rows[0]!.data;
    expect(stored.unitId).toBe(added!.id);
  });
});

describe('the page’s calls', () => {
  it('an edit goes over the call socket; with the socket refused it goes over HTTP and is saved all the same', async () => {
    const dataDir = tempDataDir();
    cleanups.push(() => removeDir(dataDir));
    const app = await freshApp(dataDir);
    await censusWithUnit(app);
    await apiCall(app, 'grid.apply', { table: 'person', create: [{ id: randomUUID(), values: { name: '张晓红' } }], changes: [], remove: [] });
    const stored = async () => (await apiCall(app, 'persons.list', {})).rows[0]!.data.majorName;

    const { page } = await newPage();
    const calls = await routeCalls(page);
    const grid = await openPersons(page, app);
    await grid.click(0, 'majorName');
    await grid.saved(async () => {
      await page.keyboard.type('xinlixue');
      await page.keyboard.press('Enter');
    });
    expect(calls.sent.filter((c) => c.method === 'grid.apply').map((c) => c.via)).toEqual(['socket']);
    expect(await stored()).toBe('xinlixue');

    // A socket that cannot open (refused at once, every time it is tried)
    const { page: other } = await newPage();
    let refused = 0;
    await other.routeWebSocket(/\/api\/socket$/, (ws) => {
      refused++;
      void ws.close();
    });
    const overHttp: string[] = [];
    other.on('request', (r) => {
      if (r.url().endsWith('/api/call')) overHttp.push((JSON.parse(r.postData() ?? '{}') as { method: string }).method);
    });
    const grid2 = await openPersons(other, app);
    await grid2.click(0, 'majorName');
    await grid2.saved(async () => {
      await other.keyboard.type('shehuixue');
      await other.keyboard.press('Enter');
    });
    expect(refused).toBeGreaterThan(0);
    expect(overHttp).toContain('grid.apply');
    expect(await stored()).toBe('shehuixue');
    expect(await grid2.text(0, 'majorName')).toBe('shehuixue');
  });
});
