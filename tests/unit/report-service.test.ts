/**
 * The tables of a real census database (a city, 银川市, with demo data), through the real dispatch:
 * the service agrees with the pure aggregation, and a click on any person cell lists — through
 * `persons.list` with the cell's filter, evaluated in SQL — exactly the persons that cell counts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RecordRow } from '../../shared/census/schema';
import { computeReports } from '../../shared/reports/aggregate';
import { compileFilter, type RecordFilter } from '../../shared/reports/filter';
import type { ReportSet } from '../../shared/reports/schema';
import { touch } from '../../electron/core/services/context';
import { reportEnv } from '../../electron/core/services/reports/env';
import { openTestCore, removeDir, type TestCore } from '../fixtures/core';
import { validPerson } from '../fixtures/records';

let t: TestCore;
let set: ReportSet;

const now = '2026-11-20T08:00:00.000Z';
const row = (id: string, data: RecordRow['data']): RecordRow => ({
  id, areaCode: '640104', data, source: null, createdBy: 'test', createdAt: now, updatedAt: now,
});

beforeAll(async () => {
  t = await openTestCore();
  await t.call('census.setup', { areaCode: '640100', level: 'city', refDate: '2026-12-31', officeName: '银川市民政局', operator: '王五' });
  await t.call('census.demo', { persons: 1500, units: 120, seed: 7 });
  // Odd records the demo never makes: no unit, a unit that does not exist, a township outside the
  // city, blanks, a leap-day birthday, an unreadable birth date.
  t.core.ctx.store.persons.insertMany([
    row('odd-1', validPerson({ unitId: null, township: '110101001', birthDate: '2000-02-29', qualLevel: null, domains: [], primaryDomain: null, ethnicity: '', trainingHours: null })),
    row('odd-2', validPerson({ unitId: 'no-such-unit', township: null, birthDate: '1990-13-45', swPost: null, sex: '2', domains: ['01', '99'] })),
    row('odd-3', validPerson({ unitId: 'no-such-unit', township: '640104001', birthDate: null, education: '55', political: '02' })),
    // The clerk's unreadable text kept in number and date fields: never a number, never 160 学时 or more.
    row('odd-4', validPerson({ township: '640104001', cumTrainingHours: '200学时', certYear: '2023年', qualLevel: '1', regStatus: '1', regValidUntil: '长期' })),
    row('odd-5', validPerson({ township: '640104001', cumTrainingHours: '1e9', trainingHours: 'abc', swPost: '是的' })),
  ]);
  set = await t.call('reports.tables', {});
});
afterAll(() => {
  t.close();
  removeDir(t.dir);
});

describe('reports.tables over the store', () => {
  it('is the pure aggregation of the stored records', () => {
    const ctx = t.core.ctx;
    const expected = computeReports({ persons: [...ctx.store.persons.iterate()], units: [...ctx.store.units.iterate()] }, reportEnv(ctx));
    expect(set).toEqual(expected);
    expect(set.area).toEqual({ code: '6401', name: '银川市', level: 'city' });
    expect(set.tables.map((x) => x.id)).toEqual(['T1', 'T2', 'T3', 'T4', 'T5']);
  });

  it("shows the city's counties as sub-areas and the records outside them in an extra row", () => {
    const t1 = set.tables[0]!;
    expect(t1.rows.map((r) => r.label)).toEqual(['银川市', '兴庆区', '西夏区', '金凤区', '永宁县', '贺兰县', '灵武市', '未能归属到下级地区']);
    expect(t1.rows[0]!.values[0]).toBe(1505);
    expect(t1.rows.at(-1)!.values[0]).toBe(2);
  });
});

describe('clicking a cell lists exactly the persons it counts', () => {
  it('for every person cell of every table, through persons.list in SQL', async () => {
    let checked = 0;
    for (const table of set.tables) {
      for (const r of table.rows) {
        for (const [i, c] of table.columns.entries()) {
          if (!c.linked || (r.kind === 'total' && !c.linkedTotal)) continue;
          const cell = await t.call('reports.cell', { table: table.id, row: r.key, column: c.key });
          const list = await t.call('persons.list', { filter: cell.filter, limit: 1 });
          expect(list.total, `${table.id} ${r.label} ${c.label}`).toBe(r.values[i]);
          checked++;
        }
      }
    }
    expect(checked).toBeGreaterThan(300);
  });

  it('names the cell and refuses cells that are not persons', async () => {
    const cell = await t.call('reports.cell', { table: 'T1', row: '640104', column: 'qual2' });
    expect(cell.title).toBe('兴庆区 · 持证人数·社会工作师');
    const rate = await t.fail('reports.cell', { table: 'T1', row: 'total', column: 'certRate' });
    expect(rate.message).toContain('不是人数');
    expect((await t.fail('reports.cell', { table: 'T9', row: 'total', column: 'persons' })).code).toBe('not_found');
  });
});

describe('record filters mean the same in SQL and in the pure evaluator', () => {
  const filters: RecordFilter[] = [
    [{ field: 'qualLevel', op: 'eq', value: null }],
    [{ field: 'qualLevel', op: 'notIn', values: ['1', '2', '3'] }],
    [{ field: 'ethnicity', op: 'empty' }],
    [{ field: 'ethnicity', op: 'notIn', values: ['01'] }],
    [{ field: 'domains', op: 'in', values: ['99'] }],
    [{ field: 'domains', op: 'notIn', values: ['01', '02'] }],
    [{ field: 'domains', op: 'eq', value: '01' }],
    [{ field: 'domains', op: 'empty' }],
    [{ field: 'swPost', op: 'eq', value: true }],
    [{ field: 'swPost', op: 'eq', value: null }],
    [{ field: 'swPost', op: 'in', values: [false] }],
    [{ field: 'swPost', op: 'eq', value: 'true' }],
    [{ field: 'trainingHours', op: 'gte', value: 160 }],
    [{ field: 'trainingHours', op: 'lte', value: 8 }],
    [{ field: 'trainingHours', op: 'in', values: [0, '160'] }],
    [{ field: 'trainingHours', op: 'gte', value: '100' }],
    [{ field: 'cumTrainingHours', op: 'gte', value: 160 }],
    [{ field: 'cumTrainingHours', op: 'lte', value: 160 }],
    [{ field: 'certYear', op: 'gte', value: 2021 }],
    [{ field: 'certYear', op: 'lte', value: 2026 }],
    [{ field: 'regValidUntil', op: 'gte', value: '2026-12-31' }],
    [{ field: 'swPost', op: 'eq', value: false }],
    [{ field: 'birthDate', op: 'gte', value: '1990-01-01' }],
    [{ field: 'age', op: 'gte', value: 26 }, { field: 'age', op: 'lte', value: 26 }],
    [{ field: 'age', op: 'lte', value: 35 }],
    [{ field: 'age', op: 'empty' }],
    [{ field: 'unit.unitType', op: 'eq', value: '4' }],
    [{ field: 'unit.unitType', op: 'notIn', values: ['1', '2', '3', '4', '5', '6', '7', '8', '9'] }],
    [{ field: 'unit.isStation', op: 'eq', value: true }, { field: 'sex', op: 'eq', value: '2' }],
    [{ field: 'unit.unitType', op: 'empty' }],
    [{ field: 'township', op: 'in', values: ['640104001', '110101001'] }],
    [{ field: 'township', op: 'eq', value: null }],
    [{ field: 'id', op: 'notIn', values: ['odd-1', 'odd-2'] }, { field: 'unitId', op: 'eq', value: 'no-such-unit' }],
    [{ field: 'political', op: 'in', values: ['01', '02'] }, { field: 'education', op: 'notIn', values: ['20'] }],
    [{ field: 'name', op: 'eq', value: '张三' }],
    [],
  ];
  it.each(filters.map((f) => [JSON.stringify(f), f] as const))('%s', async (_, filter) => {
    const ctx = t.core.ctx;
    const units = new Map([...ctx.store.units.iterate()].map((u) => [u.id, u.data]));
    const match = compileFilter('person', filter, { refDate: '2026-12-31', unitData: (id) => units.get(id) });
    const expected = [...ctx.store.persons.iterate()].filter(match).map((p) => p.id).sort();
    const got = await t.call('persons.list', { filter, limit: 100_000 });
    expect(got.total).toBe(expected.length);
    expect(got.rows.map((r) => r.id).sort()).toEqual(expected);
  });

  it('combines with the search box', async () => {
    const filter: RecordFilter = [{ field: 'sex', op: 'eq', value: '2' }];
    const got = await t.call('persons.list', { search: '张', filter, limit: 100_000 });
    const all = await t.call('persons.list', { search: '张', limit: 100_000 });
    expect(got.total).toBe(all.rows.filter((r) => r.data.sex === '2').length);
    expect(got.total).toBeGreaterThan(0);
  });

  it('refuses a field that does not exist, in Chinese', async () => {
    const e = await t.fail('persons.list', { filter: [{ field: 'salary', op: 'eq', value: 1 }] });
    expect(e.message).toContain('无法按「salary」筛选人员');
    const u = await t.fail('units.list', { filter: [{ field: 'age', op: 'gte', value: 1 }] });
    expect(u.message).toContain('无法按「age」筛选单位');
  });
});

describe('a person reported by two counties of the city', () => {
  it('is counted once, the tables say one case is pending, and the cell lists only the counted record', async () => {
    const before = set.tables[0]!.rows[0]!.values[0]!;
    const first = (
      await t.call('persons.list', { filter: [{ field: 'township', op: 'in', values: ['640104001'] }, { field: 'id', op: 'notIn', values: ['odd-1', 'odd-2', 'odd-3', 'odd-4', 'odd-5'] }], limit: 1 })
    ).rows[0]!;
    // The same person (same ID number) also reported by 西夏区, from one of its townships.
    t.core.ctx.store.persons.insertMany([{ ...row('dup-xixia', { ...first.data, township: '640105001' }), areaCode: '640105' }]);
    touch(t.core.ctx);
    const again = await t.call('reports.tables', {});
    expect(again.pendingDuplicates).toBe(1);
    expect(again.excluded).toBe(1);
    expect(again.tables[0]!.rows[0]!.values[0]).toBe(before);
    for (const table of again.tables) expect(table.notes).toContain('另有 1 名跨地区重复人员待核定，表中每人只计一次');
    const cell = await t.call('reports.cell', { table: 'T1', row: '640105', column: 'persons' });
    expect(cell.description).toContain('不含待处理的重复人员 1 人');
    // A person reads townships by name: 640105001 is 西花园路街道.
    expect(cell.description).toContain('西花园路街道');
    expect(cell.description).not.toMatch(/\d{9}/);
    const list = await t.call('persons.list', { filter: cell.filter, limit: 100_000 });
    expect(list.rows.map((r) => r.id)).not.toContain('dup-xixia');
    expect(list.total).toBe(again.tables[0]!.rows.find((r) => r.key === '640105')!.values[0]);
  });
});
