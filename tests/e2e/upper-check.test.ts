/**
 * The 问题清单 of a city after merging, in Chromium: it lists the warnings a county's package brought
 * (validated here because that package declared issues), nothing for a county that declared none, and a
 * person entered at the city itself with an error (this level's own records are always validated).
 */
import { afterAll, expect, it } from 'vitest';
import { countyCensus, exportTo, HEFEI, LUYANG, YAOHAI } from '../fixtures/packages';
import { validPerson } from '../fixtures/records';
import { IssuesPage } from './pages/issues';
import { apiCall, removeDir } from './support/app';
import { useBrowserSuite } from './support/suite';

const suite = useBrowserSuite();
const dirs: string[] = [];
afterAll(() => dirs.forEach(removeDir));

it("lists a city's received warnings and its own records' issues after a merge", async () => {
  const yaohai = await countyCensus(YAOHAI, 300, 11);
  const luyang = await countyCensus(LUYANG, 200, 12);
  const p = (await yaohai.call('persons.list', { offset: 5, limit: 1 })).rows[0]!;
  await yaohai.call('persons.update', { id: p.id, patch: { trainingHours: 450 } });
  const files = [
    { name: '瑶海区.hcpkg', dataBase64: (await exportTo(yaohai, 'y.hcpkg', { confirmUnexplained: true })).data.toString('base64') },
    { name: '庐阳区.hcpkg', dataBase64: (await exportTo(luyang, 'l.hcpkg')).data.toString('base64') },
  ];
  dirs.push(yaohai.dir, luyang.dir);
  yaohai.close();
  luyang.close();

  const app = await suite.startApp();
  await apiCall(app, 'census.setup', { areaCode: HEFEI, level: 'city', refDate: '2026-12-31', officeName: '合肥市民政局', operator: '汇总员' });
  const r = await apiCall(app, 'packages.merge', { files, trustNewKeys: true });
  expect(r.results.map((x) => x.status)).toEqual(['merged', 'merged']);

  const page = await suite.page(app);
  await page.goto(app.url.replace(/#.*$/, '') + '#/issues');
  const issues = new IssuesPage(page);
  await issues.row('统计期培训学时为 450').waitFor();
  expect(await issues.rows.count()).toBe(2);
  expect(await issues.total()).toContain('2');

  // A person entered at the city itself, in a unit that does not exist: an error of this level's own
  await apiCall(app, 'persons.create', { data: validPerson({ unitId: 'no-such-unit', township: '340102001', idNumber: '440524188001010014', sex: '1', birthDate: '1880-01-01' }) });
  await page.reload();
  await issues.rows.nth(2).waitFor();
  expect(await issues.rows.count()).toBeGreaterThan(2);
  expect(await issues.rows.filter({ hasText: '错误' }).count()).toBeGreaterThan(0);
}, 180_000);
