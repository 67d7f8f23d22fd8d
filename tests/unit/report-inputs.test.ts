/**
 * Population per area and targets: entered through the contract or imported from a two-column
 * sheet (.xlsx, or .csv in GBK as Chinese Excel saves it). A sheet with any bad row is refused
 * with every problem named and the database left exactly as it was.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DONGCHENG, openTestCore, removeDir, type TestCore } from '../fixtures/core';
import { populationFile } from '../fixtures/reports';

let t: TestCore;
beforeAll(async () => {
  t = await openTestCore();
  await t.call('census.setup', DONGCHENG);
  await t.call('census.demo', { persons: 300, units: 30, seed: 2 });
});
afterAll(() => {
  t.close();
  removeDir(t.dir);
});

const upload = (name: string, data: Buffer) => ({ name, dataBase64: data.toString('base64') });
const populationOf = async (code: string) => (await t.call('reports.inputs', {})).areas.find((a) => a.code === code)?.population;
const snapshot = async () => JSON.stringify([await t.call('reports.inputs', {}), t.core.ctx.store.persons.count()]);

describe('entering population and targets', () => {
  it('lists the census area first and then every township', async () => {
    const { areas } = await t.call('reports.inputs', {});
    expect(areas[0]).toMatchObject({ code: '110101', name: '东城区', isArea: true, population: null, targets: {} });
    expect(areas.slice(1).map((a) => a.name)).toContain('东华门街道');
    expect(areas.every((a, i) => a.isArea === (i === 0))).toBe(true);
  });

  it('sets and clears figures, and refuses areas outside the census', async () => {
    await t.call('reports.population.set', { entries: [{ code: '110101001', population: 12_345 }] });
    expect(await populationOf('110101001')).toBe(12_345);
    await t.call('reports.population.set', { entries: [{ code: '110101001', population: null }] });
    expect(await populationOf('110101001')).toBeNull();
    const e = await t.fail('reports.population.set', { entries: [{ code: '110102001', population: 1 }] });
    expect(e.message).toContain('不是本次统计的地区');
    expect((await t.fail('reports.population.set', { entries: [{ code: '110101', population: -5 }] })).message).toContain('不能为负数');
  });

  it('stores targets and shows the gaps in 表5', async () => {
    await t.call('reports.population.set', { entries: [{ code: '110101', population: 300_000 }] });
    await t.call('reports.targets.set', { targets: { totalTalents: 400, certRate: 0.5, perMille: 1.5 } });
    const set = await t.call('reports.tables', {});
    const t5 = set.tables.find((x) => x.id === 'T5')!;
    const v = (key: string) => t5.rows[0]!.values[t5.columns.findIndex((c) => c.key === key)];
    expect(v('targetPersons')).toBe(400);
    expect(v('gapPersons')).toBe(100);
    expect(v('perMille')).toBe(1);
    expect(v('gapPerMille')).toBe(0.5);
    expect(v('targetHolders')).toBeNull();
    expect(v('gapCertRate')).toBeCloseTo(0.5 - (v('certRate') as number), 12);
    await t.call('reports.targets.set', { targets: { totalTalents: null } });
    expect((await t.call('reports.inputs', {})).areas[0]!.targets).toEqual({ certRate: 0.5, perMille: 1.5 });
  });

  it('refuses a rate target above 100%', async () => {
    const e = await t.fail('reports.targets.set', { targets: { certRate: 50 } });
    expect(e.message).toContain('0 到 100%');
  });
});

describe('importing population from a sheet', () => {
  it('reads names or codes with a header row from .xlsx, including 万 and thousands separators', async () => {
    const file = await populationFile([['地区', '户籍人口'], ['东华门街道', 30_000], ['110101002', '45,000'], ['东城区', '70.88万']], 'xlsx');
    const r = await t.call('reports.population.import', upload('人口.xlsx', file));
    expect(r.updated).toBe(3);
    expect(await populationOf('110101001')).toBe(30_000);
    expect(await populationOf('110101002')).toBe(45_000);
    expect(await populationOf('110101')).toBe(708_800);
  });

  it('reads a GBK .csv without a header', async () => {
    const file = await populationFile([['交道口街道', '21000人'], ['安定门街道', 18_500]], 'csv');
    const r = await t.call('reports.population.import', upload('人口.csv', file));
    expect(r.updated).toBe(2);
    expect(await populationOf('110101003')).toBe(21_000);
  });

  it.each([
    ['an unknown area', [['地区', '人口'], ['东华门街道', 1], ['火星街道', 2]], ['第3行', '「火星街道」不是东城区或其下级地区的名称']],
    ['a figure that is not a count', [['东华门街道', 'abc'], ['景山街道', 12.5]], ['第1行：户籍人口「abc」不是有效的人数', '第2行：户籍人口「12.5」']],
    ['a negative figure', [['东华门街道', -10]], ['户籍人口「-10」不是有效的人数']],
    ['the same area twice', [['东华门街道', 1], ['110101001', 2]], ['第2行：地区「110101001」与第1行重复']],
    ['a code outside the area', [['110102001', 5]], ['代码 110102001 不是东城区或其下级地区']],
    ['a missing area', [['东华门街道', 1], [null, 2]], ['第2行：没有填写地区']],
  ])('refuses %s and changes nothing', async (_, rows, messages) => {
    const before = await snapshot();
    const e = await t.fail('reports.population.import', upload('人口.xlsx', await populationFile(rows, 'xlsx')));
    expect(e.code).toBe('invalid_file');
    for (const m of messages) expect(e.message).toContain(m);
    expect(e.message).toContain('未导入任何数据');
    expect(await snapshot()).toBe(before);
  });

  it.each([
    ['an empty file', Buffer.alloc(0), '文件是空的'],
    ['a picture', Buffer.from('89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489', 'hex'), '不是 Excel'],
    ['an old .xls', Buffer.concat([Buffer.from('d0cf11e0a1b11ae1', 'hex'), Buffer.alloc(600)]), '.xls'],
    ['a sheet with only a header', null, '没有人口数据'],
    ['a file over 5 MB', Buffer.alloc(5 * 1024 * 1024 + 1, 0x41), '超过 5 MB'],
  ])('refuses %s in plain words and changes nothing', async (_, data, message) => {
    const before = await snapshot();
    const bytes = data ?? (await populationFile([['地区', '户籍人口']], 'xlsx'));
    const e = await t.fail('reports.population.import', upload('人口.xlsx', bytes));
    expect(e.code).toBe('invalid_file');
    expect(e.message).toContain(message);
    expect(await snapshot()).toBe(before);
  });

  it('refuses a truncated workbook and changes nothing', async () => {
    const before = await snapshot();
    const whole = await populationFile([['东华门街道', 1]], 'xlsx');
    const e = await t.fail('reports.population.import', upload('人口.xlsx', whole.subarray(0, Math.floor(whole.length / 2))));
    expect(e.code).toBe('invalid_file');
    expect(e.message).toMatch(/不完整|损坏|无法识别/);
    expect(await snapshot()).toBe(before);
  });
});
