/**
 * An upper level's grid, one part at a time: the areas a city or province holds (grid.areas), the
 * rows, issues and counts of some of them (grid.rows / grid.issues / grid.apply / issues.list with
 * `areas`), and the choices the toolbar offers built from them. Real counties export real packages;
 * the city and the province merge them.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mergePackages } from '../../electron/core/services/packages';
import { GRID_LOAD_ALL_LIMIT, initialScope, scopeOptions, type ScopeOption } from '../../shared/grid/scope';
import { unpackIssues } from '../../shared/census/issues';
import type { GridAreas } from '../../shared/api/methods/grid';
import type { TestCore } from '../fixtures/core';
import { ANHUI, countyCensus, exportTo, HEFEI, JINGHU, LUYANG, upperCensus, YAOHAI } from '../fixtures/packages';

const opened: TestCore[] = [];
const track = <T extends TestCore>(t: T) => (opened.push(t), t);
afterAll(() => {
  for (const t of opened) t.close();
});
const trustAll = { trustNewKeys: true };

/** Every row of a grid part, read in pages of `size` as the grid does */
async function allRows(t: TestCore, table: 'person' | 'unit', areas: string[] | undefined, size: number) {
  const out: string[] = [];
  let total = -1;
  for (let offset = 0; total < 0 || offset < total; offset += size) {
    const page = await t.call('grid.rows', { table, offset, limit: size, ...(areas ? { areas } : {}) });
    total = page.total;
    out.push(...page.rows.map((r) => r.id));
    if (page.rows.length === 0) break;
  }
  return { ids: out, total };
}

async function areaOf(t: TestCore, table: 'person' | 'unit'): Promise<Map<string, string>> {
  const rows = (await t.call(`${table === 'person' ? 'persons' : 'units'}.list`, { offset: 0, limit: 100_000 })).rows;
  return new Map(rows.map((r) => [r.id, r.areaCode]));
}

describe('an upper level’s grid by area', () => {
  let city: TestCore, province: TestCore;
  let warnedId: string;

  beforeAll(async () => {
    const yaohai = track(await countyCensus(YAOHAI, 60, 11));
    const luyang = track(await countyCensus(LUYANG, 40, 12));
    const jinghu = track(await countyCensus(JINGHU, 30, 13));
    // One 庐阳区 person with a warning, explained there, so the package declares it.
    const p = (await luyang.call('persons.list', { offset: 3, limit: 1 })).rows[0]!;
    warnedId = p.id;
    await luyang.call('persons.update', { id: p.id, patch: { trainingHours: 450, cumTrainingHours: 500 } });
    await luyang.call('issues.explain', { table: 'person', recordId: p.id, field: 'trainingHours', rule: 'training_hours_high', text: '全年脱产培训' });
    const files = [
      { name: 'yaohai.hcpkg', data: (await exportTo(yaohai, 'yaohai.hcpkg')).data },
      { name: 'luyang.hcpkg', data: (await exportTo(luyang, 'luyang.hcpkg')).data },
      { name: 'jinghu.hcpkg', data: (await exportTo(jinghu, 'jinghu.hcpkg')).data },
    ];
    city = track(await upperCensus(HEFEI, 'city'));
    expect((await mergePackages(city.core.ctx, files.slice(0, 2), trustAll)).results.map((r) => r.status)).toEqual(['merged', 'merged']);
    // The province merges the counties directly: 合肥市's two and 芜湖市's 镜湖区.
    province = track(await upperCensus(ANHUI, 'province'));
    expect((await mergePackages(province.core.ctx, files, trustAll)).results.map((r) => r.status)).toEqual(['merged', 'merged', 'merged']);
  });

  it('lists a city’s counties with their counts, and its own entries once it has some', async () => {
    // Its own entries are listed while still empty: the only place an upper level adds rows.
    expect(await city.call('grid.areas', { table: 'person' })).toEqual({
      level: 'city',
      total: 100,
      areas: [
        { code: HEFEI, name: '合肥市', count: 0, group: null, own: true },
        { code: YAOHAI, name: '瑶海区', count: 60, group: null, own: false },
        { code: LUYANG, name: '庐阳区', count: 40, group: null, own: false },
      ],
    });
    // An entry of the city's own: the only kind it may edit.
    await city.call('grid.apply', { table: 'person', create: [{ id: randomUUID(), values: { name: '市本级人员' } }] });
    const areas = await city.call('grid.areas', { table: 'person' });
    expect(areas.total).toBe(101);
    expect(areas.areas[0]).toEqual({ code: HEFEI, name: '合肥市', count: 1, group: null, own: true });
  });

  it('groups a province’s counties under their 市州, and offers each 市州 and each 区县 in that order', async () => {
    const list = await province.call('grid.areas', { table: 'person' });
    expect(list.level).toBe('province');
    expect(list.areas).toEqual([
      { code: ANHUI, name: '安徽省', count: 0, group: null, own: true },
      { code: YAOHAI, name: '瑶海区', count: 60, group: { code: HEFEI, name: '合肥市' }, own: false },
      { code: LUYANG, name: '庐阳区', count: 40, group: { code: HEFEI, name: '合肥市' }, own: false },
      { code: JINGHU, name: '镜湖区', count: 30, group: { code: '340200', name: '芜湖市' }, own: false },
    ]);
    const options = scopeOptions(list);
    expect(options.map((o) => [o.key, o.label, o.areas, o.depth])).toEqual([
      ['all', '全部（130 行）', null, 0],
      [`area:${ANHUI}`, '安徽省本级录入（0 行）', [ANHUI], 0],
      ['group:340100', '合肥市 全部（100 行）', [YAOHAI, LUYANG], 0],
      [`area:${YAOHAI}`, '瑶海区（60 行）', [YAOHAI], 1],
      [`area:${LUYANG}`, '庐阳区（40 行）', [LUYANG], 1],
      ['group:340200', '芜湖市 全部（30 行）', [JINGHU], 0],
      [`area:${JINGHU}`, '镜湖区（30 行）', [JINGHU], 1],
    ]);
  });

  it('pages exactly the rows of the areas asked for, and the areas together are the whole table', async () => {
    const areas = await areaOf(province, 'person');
    const luyang = await allRows(province, 'person', [LUYANG], 15);
    expect(luyang.total).toBe(40);
    expect(luyang.ids).toHaveLength(40);
    expect(new Set(luyang.ids).size).toBe(40);
    for (const id of luyang.ids) expect(areas.get(id)).toBe(LUYANG);
    const hefei = await allRows(province, 'person', [YAOHAI, LUYANG], 7);
    expect(hefei.total).toBe(100);
    expect(new Set(hefei.ids).size).toBe(100);
    for (const id of hefei.ids) expect([YAOHAI, LUYANG]).toContain(areas.get(id));
    const parts = [...hefei.ids, ...(await allRows(province, 'person', [JINGHU], 50)).ids].sort();
    expect(parts).toEqual((await allRows(province, 'person', undefined, 1000)).ids.sort());
    // Units too, and an area with no records is an empty part, not an error.
    const units = await areaOf(province, 'unit');
    for (const id of (await allRows(province, 'unit', [JINGHU], 1)).ids) expect(units.get(id)).toBe(JINGHU);
    expect(await province.call('grid.rows', { table: 'person', offset: 0, limit: 10, areas: ['340111'] })).toMatchObject({ total: 0, rows: [] });
  });

  it('gives each part its own issues and counts, in the grid, the issues panel and after an edit', async () => {
    const whole = await province.call('grid.issues', { table: 'person' });
    expect(whole.counts).toEqual({ error: 0, warning: 1 });
    expect(unpackIssues(whole.issues).map((i) => i.recordId)).toEqual([warnedId]);
    expect(await province.call('grid.issues', { table: 'person', areas: [LUYANG] })).toEqual(whole);
    expect(await province.call('grid.issues', { table: 'person', areas: [YAOHAI, JINGHU] })).toEqual({ issues: { table: 'person', kinds: [], recordIds: [], kindOf: [] }, counts: { error: 0, warning: 0 } });
    const panel = await province.call('issues.list', { table: 'person', areas: [YAOHAI] });
    expect(panel.total).toBe(0);
    expect((await province.call('issues.list', { table: 'person', areas: [LUYANG, YAOHAI] })).issues.map((i) => i.recordId)).toEqual([warnedId]);

    // The province's own entry: an empty person has errors. A grid showing 庐阳区 is told 庐阳区's counts;
    // one showing the province's own entries is told theirs.
    const id = randomUUID();
    const own = await province.call('grid.apply', { table: 'person', create: [{ id, values: { name: '省本级人员' } }], areas: [ANHUI] });
    expect(own.counts.error).toBeGreaterThan(0);
    expect(own.counts.warning).toBe(0);
    const ownIssues = await province.call('grid.issues', { table: 'person', areas: [ANHUI] });
    expect(ownIssues.issues.recordIds.length).toBeGreaterThan(0);
    expect(unpackIssues(ownIssues.issues).every((i) => i.recordId === id)).toBe(true);
    expect(ownIssues.counts).toEqual(own.counts);
    const seen = await province.call('grid.apply', { table: 'person', changes: [{ id, field: 'name', value: '省本级人员甲' }], areas: [LUYANG] });
    expect(seen.counts).toEqual({ error: 0, warning: 1 });
    const all = await province.call('grid.issues', { table: 'person' });
    expect(all.counts).toEqual({ error: own.counts.error, warning: 1 });
    // The parts add up to the table however the cache was reached (incrementally here).
    const sum = (await Promise.all([[ANHUI], [YAOHAI], [LUYANG], [JINGHU]].map((areas) => province.call('grid.issues', { table: 'person', areas }))))
      .reduce((s, p) => ({ error: s.error + p.counts.error, warning: s.warning + p.counts.warning }), { error: 0, warning: 0 });
    expect(sum).toEqual(all.counts);
    // Removing the entry takes its issues out of its area's counts.
    const gone = await province.call('grid.apply', { table: 'person', remove: [id], areas: [ANHUI] });
    expect(gone.counts).toEqual({ error: 0, warning: 0 });
  });

  it('refuses an area code that is not six digits, in Chinese', async () => {
    await expect(province.call('grid.rows', { table: 'person', areas: ['3401'] })).rejects.toThrow('行政区划代码应为6位数字');
  });
});

describe('what an upper level’s grid opens on', () => {
  const area = (code: string, count: number, group: string | null, own = false): GridAreas['areas'][number] => ({
    code, name: `地区${code}`, count, group: group ? { code: group, name: `市${group}` } : null, own,
  });
  const province = (counts: Record<string, number>): ScopeOption[] => {
    const areas = Object.entries(counts).map(([code, n]) => area(code, n, code === '130000' ? null : `${code.slice(0, 4)}00`, code === '130000'));
    return scopeOptions({ level: 'province', total: areas.reduce((s, a) => s + a.count, 0), areas });
  };

  it('the whole table while it is small enough', () => {
    const o = province({ '130102': 90_000, '130202': 100_000 });
    expect(o[0]!.count).toBe(GRID_LOAD_ALL_LIMIT - 10_000);
    expect(initialScope(o, null).key).toBe('all');
  });

  it('else the first 市州 small enough, else the first 区县: never a million rows at once', () => {
    const big = province({ '130102': 150_000, '130104': 100_000, '130202': 120_000 });
    expect(big[0]!.label).toBe('全部（370,000 行，载入较慢）');
    // 石家庄 (250k) is too large: its first county.
    expect(initialScope(big, null).key).toBe('area:130102');
    const fits = province({ '130102': 100_000, '130104': 100_000, '130202': 150_000 });
    expect(initialScope(fits, null).key).toBe('group:130100');
    // The province's own entries are listed first, but it opens on received data.
    const withOwn = province({ '130000': 3, '130102': 150_000, '130202': 150_000 });
    expect(withOwn.map((o) => o.key).slice(0, 2)).toEqual(['all', 'area:130000']);
    expect(initialScope(withOwn, null).key).toBe('group:130100');
    // A single 区县 over the limit is still a part, not the whole.
    expect(initialScope(province({ '130102': 250_000, '130202': 250_000 }), null).key).toBe('group:130100');
  });

  it('what the clerk chose last, while it still exists', () => {
    const o = province({ '130102': 150_000, '130202': 120_000 });
    expect(initialScope(o, 'all').key).toBe('all');
    expect(initialScope(o, 'group:130200').key).toBe('group:130200');
    expect(initialScope(o, 'area:999999').key).toBe('group:130100');
  });
});
