/**
 * One organisation in two counties: a social-work agency running stations in 瑶海区 and 庐阳区 is
 * registered by both under one credit code. The merged city sees one organisation with two reported
 * sites — no error, a clean export, and 表3 counting it once — while a code repeated inside one county
 * stays an error.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mergePackages } from '../../electron/core/services/packages';
import type { ReportTable } from '../../shared/reports/schema';
import type { TestCore } from '../fixtures/core';
import { countyCensus, exportTo, HEFEI, LUYANG, upperCensus, YAOHAI } from '../fixtures/packages';

const opened: TestCore[] = [];
afterAll(() => opened.forEach((t) => t.close()));
const track = (t: TestCore) => (opened.push(t), t);

const cell = (t: ReportTable, row: string, col: string) => t.rows.find((r) => r.key === row)!.values[t.columns.findIndex((c) => c.key === col)];

describe('one organisation reported by two counties', () => {
  let yaohai: TestCore, luyang: TestCore, city: TestCore;
  let shared: string;

  beforeAll(async () => {
    yaohai = track(await countyCensus(YAOHAI, 40, 11));
    luyang = track(await countyCensus(LUYANG, 40, 12));
    const a = (await yaohai.call('units.list', { offset: 0, limit: 1 })).rows[0]!;
    const b = (await luyang.call('units.list', { offset: 0, limit: 1 })).rows[0]!;
    shared = String(a.data.creditCode);
    await luyang.call('units.update', { id: b.id, patch: { creditCode: shared, unitType: a.data.unitType } });
    city = track(await upperCensus(HEFEI, 'city'));
    const files = [await exportTo(yaohai, 'y.hcpkg'), await exportTo(luyang, 'l.hcpkg')];
    const r = await mergePackages(city.core.ctx, files.map((f) => ({ name: f.fileName, data: f.data })), { trustNewKeys: true });
    expect(r.results.map((x) => x.status)).toEqual(['merged', 'merged']);
  });

  it('is not an error at the city, and the merged city exports cleanly', async () => {
    const dup = await city.call('issues.list', { rule: 'duplicate_credit_code', offset: 0, limit: 10 });
    expect(dup.total).toBe(0);
    expect((await city.call('census.summary', {})).issues.error).toBe(0);
    // Only the other counties' silence stands in the way, and that needs a confirmation, not a fix.
    await expect(exportTo(city, 'refused.hcpkg')).rejects.toThrow(/下级地区未报送/);
    const out = await exportTo(city, 'city.hcpkg', { allowIncomplete: true });
    expect(out.units).toBe(4); // 2 + 2 unit records travel up, each county's site kept
  });

  it('counts the organisation once in 表3 单位数 and both sites among the reports', async () => {
    const set = await city.call('reports.tables', {});
    const t3 = set.tables.find((t) => t.id === 'T3')!;
    const cy = (await yaohai.call('reports.tables', {})).tables.find((t) => t.id === 'T3')!;
    const cl = (await luyang.call('reports.tables', {})).tables.find((t) => t.id === 'T3')!;
    expect(cell(t3, 'total', 'unitReports')).toBe(cell(cy, 'total', 'unitReports')! + cell(cl, 'total', 'unitReports')!);
    expect(cell(t3, 'total', 'units')).toBe(cell(cy, 'total', 'units')! + cell(cl, 'total', 'units')! - 1);
    // Persons, stations and posts still add up across the counties.
    for (const col of ['persons', 'stations', 'swPostCount'])
      expect(cell(t3, 'total', col), col).toBe(cell(cy, 'total', col)! + cell(cl, 'total', col)!);
    // Rows still add up to the total for the distinct count.
    const units = t3.columns.findIndex((c) => c.key === 'units');
    expect(t3.rows.slice(1).reduce((n, r) => n + (r.values[units] ?? 0), 0)).toBe(cell(t3, 'total', 'units'));
  });

  it('stays an error when one county registers the code twice', async () => {
    const second = (await luyang.call('units.list', { offset: 1, limit: 1 })).rows[0]!;
    await luyang.call('units.update', { id: second.id, patch: { creditCode: shared } });
    const dup = await luyang.call('issues.list', { rule: 'duplicate_credit_code', offset: 0, limit: 10 });
    expect(dup.total).toBe(2);
  });
});
