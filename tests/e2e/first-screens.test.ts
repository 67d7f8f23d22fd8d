/**
 * The first screens in Chromium against the real browser-mode server: setup, units, persons with
 * live validation, persistence across a server restart, and the token gate.
 */
import type { Page } from 'playwright-core';
import { describe, expect, it, onTestFailed } from 'vitest';
import { idCheckChar } from '../../shared/census/checks';
import { HomePage } from './pages/home';
import { IssuesPage } from './pages/issues';
import { RecordFormPage } from './pages/record-form';
import { RecordListPage } from './pages/record-list';
import { SetupPage } from './pages/setup';
import { Shell } from './pages/shell';
import { apiCall, openLoggedPage, removeDir, startApp, tempDataDir, type RunningApp } from './support/app';
import { useBrowserSuite } from './support/suite';

const FIRST17 = '11010119900307002'; // Dongcheng, born 1990-03-07, sequence 002 (even: female)
const GOOD_ID = FIRST17 + idCheckChar(FIRST17);
const BAD_ID = FIRST17 + (GOOD_ID.endsWith('0') ? '1' : '0');
const UNIT_NAME = '东城区阳光社会工作服务中心';

const suite = useBrowserSuite();
const cleanups = suite.cleanups;

async function freshApp(dataDir = tempDataDir()): Promise<RunningApp> {
  const app = await startApp(dataDir);
  cleanups.push(() => app.stop());
  onTestFailed(() => console.error(`server output:\n${app.output()}`));
  return app;
}

/** A page in a fresh browser context; its navigations and errors are printed if the test fails. */
async function newPage(): Promise<Page> {
  const page = await openLoggedPage(suite.browser, cleanups);
  return page;
}

describe('first screens in the browser face', () => {
  it('sets up a county census, enters a unit and a person with live ID checks, and keeps them across a restart', async () => {
    const dataDir = tempDataDir();
    cleanups.push(() => removeDir(dataDir));
    const app = await freshApp(dataDir);
    const page = await newPage();
    await page.goto(app.url);

    // Setup wizard: validation first, then a real county picked with the keyboard.
    const setup = new SetupPage(page);
    await setup.waitForVisible();
    expect(page.url()).not.toContain('token=');
    await setup.submit();
    expect(await setup.errorFor('area').innerText()).toContain('请选择统计地区');
    expect(await setup.errorFor('officeName').innerText()).toBe('请填写填报单位');
    expect(await setup.errorFor('operator').innerText()).toBe('请填写操作员');

    await setup.chooseAreaByKeyboard('东城', '110101');
    expect(await setup.selectedText()).toContain('东城区');
    expect(await setup.selectedText()).toContain('110101');
    await setup.fill({ office: '东城区民政局', operator: '李明' });
    await setup.submit();

    const home = new HomePage(page);
    await home.root.waitFor();
    expect(await home.value('area').innerText()).toContain('东城区');
    expect(await home.value('area-code').innerText()).toBe('110101');
    expect(await home.value('level').innerText()).toBe('区县');
    expect(await home.value('refdate').innerText()).toBe('2026-12-31');
    expect(await home.value('office').innerText()).toBe('东城区民政局');
    const shell = new Shell(page);
    expect(await shell.operator.innerText()).toContain('李明');

    // A unit first: persons must reference one.
    const units = new RecordListPage(page, 'unit');
    await units.show();
    await units.add();
    const unitForm = new RecordFormPage(page, 'unit');
    await unitForm.waitForVisible();
    await unitForm.fill('name', UNIT_NAME);
    await unitForm.fill('noCreditReason', '新成立，代码正在办理');
    await unitForm.choose('unitType', '社工机构');
    const township = await unitForm.chooseFirst('township');
    await unitForm.choose('urbanRural', '城镇');
    await unitForm.choose('isStation', '否');
    await unitForm.save();
    await expect.poll(() => unitForm.status.innerText()).toContain('已保存');
    await unitForm.back();
    await units.show();
    await units.row(UNIT_NAME).waitFor();
    await expect.poll(() => units.cell(units.row(UNIT_NAME), 'township').innerText()).toBe(township);

    // A person with a wrong check digit: the server's Chinese message appears beside the field.
    const persons = new RecordListPage(page, 'person');
    await persons.show();
    await persons.add();
    const form = new RecordFormPage(page, 'person');
    await form.waitForVisible();
    await form.fill('name', '张晓红');
    await form.choose('idType', '居民身份证');
    await form.fill('idNumber', BAD_ID);
    await expect.poll(() => form.issues('idNumber').innerText()).toContain('校验位');
    expect(await form.selectedLabel('sex')).toBe('（请选择）');
    expect(await form.value('birthDate')).toBe('');

    // Fixed: the message goes away, sex and birth date are filled from the number.
    await form.fill('idNumber', GOOD_ID);
    await expect.poll(() => form.issues('idNumber').innerText()).not.toContain('校验位');
    expect(await form.selectedLabel('sex')).toBe('女');
    expect(await form.value('birthDate')).toBe('1990-03-07');

    await form.choose('ethnicity', '汉族');
    await form.choose('political', '群众');
    await form.choose('education', '大学本科');
    await form.choose('majorCategory', '社会工作');
    await form.choose('qualLevel', '无');
    await form.choose('unitId', UNIT_NAME);
    await form.chooseFirst('township');
    await form.choose('urbanRural', '城镇');
    await form.choose('postCategory', '专业技术岗位');
    await form.choose('swPost', '是');
    await form.choose('staffing', '无编制');
    await form.choose('employmentType', '劳动合同');
    await form.choose('personCategory', '乡镇（街道）社会工作站工作人员');
    await form.check('domains', ['社区治理', '社会救助']);
    await form.choose('primaryDomain', '社区治理');
    await form.saveWithKeyboard();
    await expect.poll(() => form.status.innerText()).toContain('已保存');
    expect(await form.summary.innerText()).toContain('未发现问题');

    await form.back();
    await persons.show();
    const row = persons.row('张晓红');
    await row.waitFor();
    expect(await persons.cell(row, 'idNumber').innerText()).toBe(`${GOOD_ID.slice(0, 6)}********${GOOD_ID.slice(-4)}`);
    expect(await persons.cell(row, 'sex').innerText()).toBe('女');
    expect(await persons.cell(row, 'unitId').innerText()).toBe(UNIT_NAME);

    // Restart the server on the same data directory; the new address has a new port and token.
    await app.stop();
    const again = await freshApp(dataDir);
    await page.goto(again.url);
    await home.root.waitFor();
    // A plain reload (token no longer in the address) must keep working.
    await page.reload();
    await home.root.waitFor();
    await expect.poll(() => home.value('persons').innerText()).toBe('1');
    expect(await home.value('units').innerText()).toBe('1');

    await persons.show();
    await persons.search('张晓');
    await persons.row('张晓红').waitFor();
    await persons.open('张晓红');
    await form.waitForVisible();
    await expect.poll(() => form.value('idNumber')).toBe(GOOD_ID);
    await expect.poll(() => form.selectedLabel('unitId')).toBe(UNIT_NAME);
    expect(await form.selectedLabel('primaryDomain')).toBe('社区治理');
  });

  it('lists issues, keeps a warning explanation, opens the record, and deletes only after confirmation', async () => {
    const dataDir = tempDataDir();
    cleanups.push(() => removeDir(dataDir));
    const app = await freshApp(dataDir);
    // Arrange through the real API: a census, a unit and an elderly person with a landline number.
    await apiCall(app, 'census.setup', { areaCode: '110101', level: 'county', refDate: '2026-12-31', officeName: '东城区民政局', operator: '李明' });
    const townships = await apiCall(app, 'divisions.children', { code: '110101' });
    const township = townships.find((t) => t.level === 'township')!.code;
    const unit = await apiCall(app, 'units.create', {
      data: { name: UNIT_NAME, noCreditReason: '新成立', unitType: '4', township, urbanRural: '1', isStation: false },
    });
    const person = await apiCall(app, 'persons.create', {
      data: {
        name: '王老师', idType: '01', idNumber: '11010519491231002X', sex: '2', birthDate: '1949-12-31', ethnicity: '01',
        political: '13', phone: '010-65123456', education: '20', majorCategory: '10', qualLevel: '0', unitId: unit.row.id,
        township, urbanRural: '1', postCategory: '2', swPost: true, personCategory: '4', staffing: '3', employmentType: '3', domains: ['11'], primaryDomain: '11',
      },
    });
    expect(person.issues.filter((i) => i.severity === 'error')).toEqual([]);

    const page = await newPage();
    await page.goto(app.url);
    const home = new HomePage(page);
    await home.root.waitFor();
    await expect.poll(() => home.value('warnings').innerText()).toBe('2');
    expect(await home.value('errors').innerText()).toBe('0');

    // Another clerk takes over: the operator changes and the top bar follows.
    const shell = new Shell(page);
    await home.changeOperator('王芳');
    await expect.poll(() => shell.operator.innerText()).toContain('王芳');
    expect((await apiCall(app, 'census.get', {}))?.operator).toBe('王芳');

    await shell.go('issues');
    const issues = new IssuesPage(page);
    await issues.root.waitFor();
    await issues.filterSeverity('警告');
    await expect.poll(() => issues.total()).toBe('2');
    const ageRow = issues.row('超过65周岁');
    expect(await ageRow.getByTestId('issue-field').innerText()).toBe('出生日期');
    expect(await ageRow.getByTestId('issue-record').innerText()).toContain('王老师');
    await issues.explain(ageRow, '返聘人员，仍在社区从事养老服务');

    // The explanation is stored: it survives a reload and the home page counts it.
    await page.reload();
    await issues.root.waitFor();
    await expect.poll(() => issues.explanation(issues.row('超过65周岁'))).toBe('返聘人员，仍在社区从事养老服务');
    await shell.go('home');
    await expect.poll(() => page.getByTestId('home-explained').innerText()).toContain('已说明 1');

    // Clicking an issue opens its record; the warning shows beside the phone field in amber.
    await shell.go('issues');
    await issues.row('不是11位手机号码').getByTestId('issue-message').click();
    const form = new RecordFormPage(page, 'person');
    await form.waitForVisible();
    await expect.poll(() => form.value('name')).toBe('王老师');
    expect(await form.issues('phone').locator('[data-severity="warning"]').innerText()).toContain('不是11位手机号码');

    // Delete: cancelling keeps the person, confirming removes them.
    await form.back();
    const persons = new RecordListPage(page, 'person');
    await persons.show();
    await persons.row('王老师').getByTestId('list-row-delete').click();
    await page.getByTestId('confirm-cancel').click();
    expect(await page.getByTestId('confirm-dialog').count()).toBe(0);
    expect(await persons.row('王老师').count()).toBe(1);
    await persons.remove('王老师');
    await persons.root.getByTestId('list-empty').waitFor();
    expect(await persons.total()).toBe('0');
    expect((await apiCall(app, 'persons.list', {})).total).toBe(0);
  });

  it('refuses the page and the API without the start-up token, in Chinese', async () => {
    const dataDir = tempDataDir();
    cleanups.push(() => removeDir(dataDir));
    const app = await freshApp(dataDir);
    const page = await newPage();
    await page.goto(`${app.origin}/`);
    const text = await page.locator('body').innerText();
    expect(text).toContain('无法访问');
    expect(text).toContain('完整地址');
    expect(await page.getByTestId('setup').count()).toBe(0);

    const body = JSON.stringify({ method: 'census.get', payload: {} });
    const headers = { 'Content-Type': 'application/json' };
    const none = await fetch(`${app.origin}/api/call`, { method: 'POST', headers, body });
    expect(none.status).toBe(403);
    const reply = (await none.json()) as { ok: boolean; error?: { code: string; message: string } };
    expect(reply.ok).toBe(false);
    expect(reply.error?.code).toBe('forbidden');
    expect(reply.error?.message).toMatch(/令牌/);

    const wrong = await fetch(`${app.origin}/api/call`, { method: 'POST', headers: { ...headers, Authorization: 'Bearer nope' }, body });
    expect(wrong.status).toBe(403);

    // The same call with the token works, so the refusals above are about the token alone.
    const right = await fetch(`${app.origin}/api/call`, { method: 'POST', headers: { ...headers, Authorization: `Bearer ${app.token}` }, body });
    expect(right.status).toBe(200);
    expect(await right.json()).toEqual({ ok: true, result: null });
  });
});
