/**
 * `check` (issues.list) and the tables at a city without validating every received record again:
 * a package that declared no issues brings records without issues, so only the packages that
 * declared some and the city's own records are validated. Whatever the scoped pass skips, the
 * issues listed, their counts and the tables must be exactly those of the whole-census computation;
 * and the city's own records, edited after the merge, are still validated.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isLeaver } from '../../shared/census/change';
import { computeChangeTable } from '../../shared/reports/changes';
import { computeReports } from '../../shared/reports/aggregate';
import { mergePackages } from '../../electron/core/services/packages';
import { validateWholeCensus } from '../../electron/core/services/issues';
import { reportEnv } from '../../electron/core/services/reports/env';
import type { TestCore } from '../fixtures/core';
import { asLegacyPackage, countyCensus, exportTo, HEFEI, LUYANG, SHUSHAN, upperCensus, YAOHAI } from '../fixtures/packages';
import { validPerson } from '../fixtures/records';

const opened: TestCore[] = [];
const track = <T extends TestCore>(t: T) => (opened.push(t), t);
afterAll(() => {
  for (const t of opened) t.close();
});

/** Gives persons 450 training hours (a warning), explaining the first */
async function warnTraining(t: TestCore, offsets: number[]): Promise<void> {
  for (const [k, offset] of offsets.entries()) {
    const p = (await t.call('persons.list', { offset, limit: 1 })).rows[0]!;
    await t.call('persons.update', { id: p.id, patch: { trainingHours: 450 } });
    if (k === 0) await t.call('issues.explain', { table: 'person', recordId: p.id, field: 'trainingHours', rule: 'training_hours_high', text: '全年脱产培训' });
  }
}

/** issues.list in full, and the same figures from validating every record */
async function bothWays(city: TestCore) {
  const listed = await city.call('issues.list', { offset: 0, limit: 100_000 });
  const whole = validateWholeCensus(city.core.ctx);
  return { listed, whole };
}

/** The tables as they were computed before: every row of the census, in list order, through the pure aggregation */
function tablesTheOldWay(city: TestCore) {
  const ctx = city.core.ctx;
  const env = reportEnv(ctx);
  const persons = [...ctx.store.persons.iterate()];
  const set = computeReports({ persons: persons.filter((r) => !isLeaver(r.data.change)), units: ctx.store.units.iterate() }, env);
  set.tables.push(computeChangeTable(persons, env));
  return set;
}

describe('check and report at a city, scoped to the packages that declared issues', () => {
  let city: TestCore;
  let declared: { area: string; warnings: number }[];

  beforeAll(async () => {
    // Three counties, a few thousand persons: one with explained and unexplained warnings, two clean
    const yaohai = track(await countyCensus(YAOHAI, 1500, 41));
    const luyang = track(await countyCensus(LUYANG, 1200, 42));
    const shushan = track(await countyCensus(SHUSHAN, 900, 43));
    await warnTraining(yaohai, [3, 7, 11]);
    city = track(await upperCensus(HEFEI, 'city'));
    const files = [];
    for (const [name, t] of [['yaohai', yaohai], ['luyang', luyang], ['shushan', shushan]] as const)
      files.push({ name: `${name}.hcpkg`, data: (await exportTo(t, `${name}.hcpkg`, { confirmUnexplained: true })).data });
    const r = await mergePackages(city.core.ctx, files, { trustNewKeys: true });
    expect(r.results.map((x) => x.status)).toEqual(['merged', 'merged', 'merged']);
    declared = city.core.ctx.store.packages.current().map((p) => ({ area: p.areaCode, warnings: p.declaredWarnings }));
  });

  it('lists exactly the issues the whole-census validation finds, in the same order', async () => {
    // The scoped pass only has something to skip when some package declared no issues
    expect(declared.some((d) => d.warnings === 0)).toBe(true);
    expect(declared.find((d) => d.area === YAOHAI)!.warnings).toBeGreaterThanOrEqual(3);
    const { listed, whole } = await bothWays(city);
    expect(listed.total).toBe(whole.issues.length);
    expect(listed.counts).toEqual(whole.counts);
    expect(listed.issues.map((i) => `${i.table}|${i.recordId}|${i.field}|${i.rule}|${i.severity}|${i.message}`)).toEqual(
      whole.issues.map((i) => `${i.table}|${i.recordId}|${i.field}|${i.rule}|${i.severity}|${i.message}`),
    );
    expect(listed.issues.filter((i) => i.rule === 'training_hours_high' && i.explanation === '全年脱产培训')).toHaveLength(1);
    const s = await city.call('census.summary', {});
    expect(s.issues).toEqual(whole.counts);
    expect(s.explained).toBe(whole.explainedWarnings);
  });

  it('gives the same tables as reading every record in list order', async () => {
    const now = await city.call('reports.tables', {});
    const old = tablesTheOldWay(city);
    expect(now.tables.map((t) => t.id)).toEqual(old.tables.filter((t) => now.tables.some((n) => n.id === t.id)).map((t) => t.id));
    for (const t of now.tables) expect(t).toEqual(old.tables.find((o) => o.id === t.id));
    expect(now.excluded).toBe(old.excluded);
    // Not a comparison of two empty sets: the first table's total row counts the 3,600 persons
    expect(Math.max(...now.tables[0]!.rows[0]!.values.map((v) => v ?? 0))).toBeGreaterThanOrEqual(3600);
  });

  it('reads only the columns the tables need, and a field it did not read throws instead of counting as empty', () => {
    const rows = city.core.ctx.store.persons.scanFields(['name', 'sex']);
    const first = rows.next().value!;
    void rows.return(); // the statement ends, so the connection can write again
    expect(typeof first.data.name).toBe('string');
    expect(() => first.data.education).toThrow(/education was not read/);
  });

  it("still validates the city's own records, and follows their edits", async () => {
    // Entered at the city: a unit that does not exist (error) and 450 training hours (warning)
    const { row: created } = await city.call('persons.create', {
      data: validPerson({ unitId: 'no-such-unit', township: '340102001', trainingHours: 450, idNumber: '440524188001010014', sex: '1', birthDate: '1880-01-01' }),
    });
    const own = (await city.call('issues.list', { offset: 0, limit: 100, recordId: created.id })).issues;
    expect(own.map((i) => i.rule)).toEqual(expect.arrayContaining(['training_hours_high']));
    expect(own.some((i) => i.severity === 'error')).toBe(true);
    let { listed, whole } = await bothWays(city);
    expect(listed.counts).toEqual(whole.counts);
    expect(listed.total).toBe(whole.issues.length);

    // Fixed at the city: the warning goes, from the list and from the counts
    await city.call('persons.update', { id: created.id, patch: { trainingHours: 40 } });
    const after = (await city.call('issues.list', { offset: 0, limit: 100, recordId: created.id })).issues;
    expect(after.map((i) => i.rule)).not.toContain('training_hours_high');
    ({ listed, whole } = await bothWays(city));
    expect(listed.counts).toEqual(whole.counts);
    expect(listed.issues.map((i) => `${i.recordId}|${i.rule}`)).toEqual(whole.issues.map((i) => `${i.recordId}|${i.rule}`));
  });
});

describe('a package judged by older rules', () => {
  it('is validated here: the list and the summary show what it could not declare (人员类别 required since version 3)', async () => {
    const county = track(await countyCensus(YAOHAI, 12, 5));
    const v2 = await asLegacyPackage((await exportTo(county, 'y.hcpkg')).data, 2, ['1', '2', '5']);
    const city = track(await upperCensus(HEFEI, 'city'));
    const r = await mergePackages(city.core.ctx, [{ name: 'y-v2.hcpkg', data: v2 }], { trustNewKeys: true });
    expect(r.results.map((x) => x.status)).toEqual(['merged']);
    const whole = validateWholeCensus(city.core.ctx);
    expect(whole.issues.filter((i) => i.field === 'personCategory')).toHaveLength(12);
    const listed = await city.call('issues.list', { offset: 0, limit: 1000 });
    expect(listed.counts).toEqual(whole.counts);
    expect(listed.total).toBe(whole.issues.length);
    const s = await city.call('census.summary', {});
    expect(s.issues).toEqual(whole.counts);
  });
});
