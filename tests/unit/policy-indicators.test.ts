/**
 * Issue 12's indicators on records whose numbers can be checked by hand: 社区工作者持证率, new holders in
 * the planning period, valid registrations, the 160-hour goal on cumulative hours for the seed's
 * categories, station coverage and persons per station, per 1,000 older people and per 100 care-home
 * beds, and targets with deadline years shown on track or not. Then the same through a real census:
 * the planning period setting, denominators entered and imported (bad sheet: database unchanged), the
 * 用工形式 split of migration 007, and a version-2 package verifying and merging.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { migrate } from '../../electron/core/db/migrations';
import { mergePackages } from '../../electron/core/services/packages';
import { EMPLOYMENT_FORM_SPLIT, splitEmploymentForm } from '../../shared/census/legacy';
import { SCOPE_LINES } from '../../shared/census/scope';
import { validateRecord } from '../../shared/census/validate';
import type { RecordData } from '../../shared/census/schema';
import { computeReports, type ReportEnv } from '../../shared/reports/aggregate';
import { PROGRESS, elapsedShare, progressOf } from '../../shared/reports/progress';
import type { ReportSet } from '../../shared/reports/schema';
import { DONGCHENG, openTestCore, removeDir, type TestCore } from '../fixtures/core';
import { asLegacyPackage, countyCensus, exportTo, HEFEI, upperCensus, YAOHAI } from '../fixtures/packages';
import { testContext, validPerson, validUnit } from '../fixtures/records';

const REF = '2026-12-31';
const T1 = '110101001', T2 = '110101002', T3 = '110101003';

const person = (over: RecordData): RecordData =>
  validPerson({ qualLevel: '0', certNumber: null, certYear: null, regStatus: null, regValidUntil: null, trainingHours: 0, cumTrainingHours: 0, township: T1, ...over });
const holder = (over: RecordData): RecordData => person({ qualLevel: '1', certNumber: '123456789012345678', certYear: 2020, ...over });

const units = [
  { id: 'u1', data: validUnit({ township: T1, isStation: true }) },
  { id: 'u2', data: validUnit({ township: T1, isStation: true, creditCode: null, noCreditReason: '未赋码' }) }, // a second station in T1
  { id: 'u3', data: validUnit({ township: T3, isStation: false }) },
];
const persons = [
  // 社区工作者 (category 1), holder registered to 2028, certificate of 2026: new in 十五五; 160 cumulative hours
  { id: 'p1', data: holder({ personCategory: '1', certYear: 2026, regStatus: '1', regValidUntil: '2028-12-31', cumTrainingHours: 160 }) },
  // 两委 (category 2), not a holder, 159 hours: short
  { id: 'p2', data: person({ personCategory: '2', cumTrainingHours: 159, township: T2 }) },
  // 两委, holder, registration lapsed on 2026-06-30: not valid; certificate of 2024 (十四五)
  { id: 'p3', data: holder({ personCategory: '2', certYear: 2024, regStatus: '1', regValidUntil: '2026-06-30', township: T2 }) },
  // 党政机关 (category 6): outside the 160-hour scope even with 300 hours; holder not registered
  { id: 'p4', data: holder({ personCategory: '6', regStatus: '0', cumTrainingHours: 300, township: T3 }) },
  // 社工站 staff (category 4), 200 hours: attained
  { id: 'p5', data: person({ personCategory: '4', cumTrainingHours: 200, trainingHours: 40 }) },
];

function env(over: Partial<ReportEnv> = {}): ReportEnv {
  return {
    area: { code: '110101', name: '东城区', level: 'county' },
    refDate: REF,
    subAreas: [
      { code: 'S1', name: '甲街道', townships: [T1, T2] },
      { code: 'S2', name: '乙街道', townships: [T3] },
    ],
    excludedPersonIds: new Set(),
    pendingDuplicates: 0,
    population: new Map(),
    targets: new Map([['110101', { totalTalents: 20, certified: 3, communityCertRate: 0.5, perThousandElderly: 1 }]]),
    deadlines: new Map([['110101', { totalTalents: 2027, certified: 2025, communityCertRate: 2030 }]]),
    figures: new Map([['110101', { elderly: 2500, careBeds: 400 }], ['S1', { elderly: 1000 }]]),
    planningStart: 2026,
    ...over,
  };
}

const row = (set: ReportSet, table: string, label: string) => {
  const t = set.tables.find((x) => x.id === table)!;
  const r = t.rows.find((x) => x.label === label)!;
  return Object.fromEntries(t.columns.map((c, i) => [c.key, r.values[i]]));
};

describe('policy indicators on hand-checkable records', () => {
  const set = computeReports({ persons, units }, env());
  const t1 = row(set, 'T1', '东城区');
  const t5 = row(set, 'T5', '东城区');

  it('社区工作者持证率: holders among categories 1 and 2 over those categories', () => {
    expect(t1).toMatchObject({ communityWorkers: 3, communityHolders: 2 });
    expect(t1.communityCertRate).toBeCloseTo(2 / 3, 12);
    expect(row(set, 'T1', '甲街道')).toMatchObject({ communityWorkers: 3, communityHolders: 2 });
    expect(row(set, 'T1', '乙街道')).toMatchObject({ communityWorkers: 0, communityHolders: 0, communityCertRate: null });
  });

  it('counts valid registrations at the reference date and new holders in the planning period', () => {
    expect(t1).toMatchObject({ holders: 3, validReg: 1, newHolders: 1 });
    // Under 十四五 (2021 onward) the 2024 certificate is new too; the 2020 one is not.
    expect(row(computeReports({ persons, units }, env({ planningStart: 2021 })), 'T1', '东城区')).toMatchObject({ newHolders: 2 });
  });

  it('tests the 160-hour goal on cumulative hours, only for the categories the seed names', () => {
    expect(t5).toMatchObject({ trainingScope: 4, trained: 2, trainingRate: 0.5 });
  });

  it('relates persons to older people and care-home beds, with the sub-areas adding up when the area has none', () => {
    expect(t5).toMatchObject({ elderly: 2500, careBeds: 400, perThousandElderly: 2, perHundredBeds: 1.25 });
    expect(row(set, 'T5', '甲街道')).toMatchObject({ elderly: 1000, perThousandElderly: 4, careBeds: null, perHundredBeds: null });
    const summed = computeReports({ persons, units }, env({ figures: new Map([['S1', { elderly: 1000 }], ['S2', { elderly: 1500 }]]) }));
    expect(row(summed, 'T5', '东城区')).toMatchObject({ elderly: 2500, perThousandElderly: 2 });
  });

  it('covers a township once however many stations it has: coverage and persons per station', () => {
    expect(t5).toMatchObject({ townships: 3, coveredTownships: 1, stations: 2, perStation: 2.5 });
    expect(t5.stationCoverage).toBeCloseTo(1 / 3, 12);
    expect(row(set, 'T5', '甲街道')).toMatchObject({ townships: 2, coveredTownships: 1, stationCoverage: 0.5 });
    expect(row(set, 'T5', '乙街道')).toMatchObject({ townships: 1, coveredTownships: 0, stationCoverage: 0 });
  });

  it('shows each target with its deadline and whether it is met, on track, behind or overdue at the reference date', () => {
    // 20 talents by the end of 2027: half the time gone (2026-01-01 → 2027-12-31), 5 < 10 → behind
    expect(t5).toMatchObject({ targetPersons: 20, deadlinePersons: 2027, progressPersons: PROGRESS.behind, gapPersons: 15 });
    // 3 holders by 2025: met
    expect(t5).toMatchObject({ targetHolders: 3, deadlineHolders: 2025, progressHolders: PROGRESS.met });
    // 50% community rate by 2030: 2/3 already
    expect(t5).toMatchObject({ deadlineCommunityCertRate: 2030, progressCommunityCertRate: PROGRESS.met });
    // a target without a deadline has no progress
    expect(t5).toMatchObject({ targetPerThousandElderly: 1, deadlinePerThousandElderly: null, progressPerThousandElderly: null });
    expect(progressOf(5, 20, 2025, REF, 2021)).toBe(PROGRESS.overdue);
    expect(progressOf(10, 20, 2027, REF, 2026)).toBe(PROGRESS.onTrack);
    expect(elapsedShare(REF, 2026, 2027)).toBeCloseTo(365 / 730, 12);
  });
});

describe('validation of the new fields', () => {
  // The fixture person is 77 at the reference date: that warning is not the subject here.
  const issues = (over: RecordData) =>
    validateRecord('person', 'p', validPerson(over), testContext).filter((i) => i.rule !== 'age_over_65').map((i) => [i.rule, i.message]);

  it('flags a lapsed registration as a warning with the dates', () => {
    expect(issues({ regValidUntil: '2026-06-30' })).toEqual([['registration_lapsed', expect.stringContaining('2026-06-30')]]);
  });

  it('says why an old 用工形式 left in 编制情况 cannot be one code', () => {
    expect(issues({ staffing: '在编', employmentType: null })).toEqual([['code_invalid', expect.stringContaining('可能是行政编制或事业编制')]]);
  });
});

describe('统计范围', () => {
  it('is written in docs/indicators.md exactly as the template prints it', async () => {
    const { readFileSync } = await import('node:fs');
    const doc = readFileSync(new URL('../../docs/indicators.md', import.meta.url), 'utf8');
    for (const line of SCOPE_LINES) expect(doc).toContain(`- ${line}`);
    expect(SCOPE_LINES.join()).toContain('志愿者');
  });
});

const root = mkdtempSync(join(tmpdir(), 'hc-mig007-'));
const opened: TestCore[] = [];
afterAll(() => {
  opened.forEach((t) => {
    t.close();
    removeDir(t.dir);
  });
  rmSync(root, { recursive: true, force: true });
});

describe('migration 007 (用工形式 split)', () => {
  it('maps the unambiguous old values and keeps the rest as the old label for a person to decide, as package reading does', () => {
    const db = new Database(join(root, 'm.sqlite'));
    migrate(db, { to: 6 });
    const old = ['1', '2', '3', '4', '5', '9', '临时工', null];
    old.forEach((v, i) =>
      db.prepare(`INSERT INTO persons (id, area_code, employment_form, created_by, created_at, updated_at) VALUES (?, '110101', ?, 'x', 'a', 'a')`).run(`p${i}`, v));
    migrate(db, { to: 7 });
    const rows = db.prepare('SELECT staffing, employment_type FROM persons ORDER BY id').all() as { staffing: string | null; employment_type: string | null }[];
    expect(rows).toEqual(old.map((v) => { const s = splitEmploymentForm(v); return { staffing: s.staffing, employment_type: s.employmentType }; }));
    expect(rows.slice(0, 6)).toEqual(Object.values(EMPLOYMENT_FORM_SPLIT).map((s) => ({ staffing: s.staffing, employment_type: s.employmentType })));
    expect(db.prepare('SELECT planning_start FROM settings').all()).toEqual([]);
    expect((db.prepare(`SELECT name FROM pragma_table_info('persons')`).pluck().all() as string[])).not.toContain('employment_form');
    db.close();
  });
});

describe('through a real census', () => {
  it('keeps the planning period, and enters and imports the denominators; a bad sheet changes nothing', async () => {
    const t = await openTestCore();
    opened.push(t);
    await t.call('census.setup', DONGCHENG);
    expect((await t.call('census.get', {}))!.planningStart).toBe(2026);
    await t.call('census.setPlanningPeriod', { planningStart: 2021 });
    expect((await t.call('reports.inputs', {})).planningStart).toBe(2021);
    expect((await t.fail('census.setPlanningPeriod', { planningStart: 2019 })).message).toContain('规划期只能选择');

    await t.call('reports.population.set', { entries: [{ code: '110101', elderly: 3000, careBeds: 500 }] });
    await t.call('reports.targets.set', { targets: { certified: 100 }, deadlines: { certified: 2027 } });
    expect((await t.fail('reports.targets.set', { targets: {}, deadlines: { perHundredBeds: 2027 } })).message).toContain('请先填写');
    const csv = Buffer.from('地区,户籍人口,老年人口,养老机构床位数\r\n东华门街道,50000,8000,120\r\n景山街道,,6000,\r\n', 'utf8');
    const r = await t.call('reports.population.import', { name: 'p.csv', dataBase64: csv.toString('base64') });
    expect(r.updated).toBe(2);
    const byName = new Map(r.areas.map((a) => [a.name, a]));
    expect(byName.get('东华门街道')).toMatchObject({ population: 50000, elderly: 8000, careBeds: 120 });
    expect(byName.get('景山街道')).toMatchObject({ population: null, elderly: 6000, careBeds: null });
    expect(byName.get('东城区')).toMatchObject({ elderly: 3000, careBeds: 500, targets: { certified: 100 }, deadlines: { certified: 2027 } });

    const before = JSON.stringify(await t.call('reports.inputs', {}));
    const bad = Buffer.from('地区,老年人口\r\n东华门街道,很多\r\n', 'utf8');
    expect((await t.fail('reports.population.import', { name: 'bad.csv', dataBase64: bad.toString('base64') })).message).toContain('老年人口「很多」不是有效的人数');
    expect(JSON.stringify(await t.call('reports.inputs', {}))).toBe(before);

    const set = await t.call('reports.tables', {});
    const t5 = set.tables.find((x) => x.id === 'T5')!;
    const at = (key: string) => t5.rows[0]!.values[t5.columns.findIndex((c) => c.key === key)];
    expect(at('elderly')).toBe(3000);
    expect(at('deadlineHolders')).toBe(2027);
  });

  it('verifies and merges a version-2 package: 用工形式 split where unambiguous, 人员类别 left for the county', async () => {
    const county = await countyCensus(YAOHAI, 12, 5);
    opened.push(county);
    const pkg = (await exportTo(county, 'y.hcpkg')).data;
    const v2 = await asLegacyPackage(pkg, 2, ['1', '2', '5']);
    const city = await upperCensus(HEFEI, 'city');
    opened.push(city);
    const r = await mergePackages(city.core.ctx, [{ name: 'y-v2.hcpkg', data: v2 }], { trustNewKeys: true });
    expect(r.results.map((x) => x.status)).toEqual(['merged']);
    const list = await city.call('persons.list', { limit: 100 });
    expect(list.total).toBe(12);
    const byOrder = (await county.call('persons.list', { limit: 100 })).rows.map((p) => list.rows.find((q) => q.id === p.id)!.data);
    expect(byOrder.slice(0, 3).map((d) => [d.staffing, d.employmentType])).toEqual([['在编', null], ['3', '1'], ['兼职', '5']]);
    expect(byOrder.every((d) => d.personCategory === null && d.cumTrainingHours === null)).toBe(true);
    const issues = await city.call('issues.list', { rule: 'required', offset: 0, limit: 100 });
    expect(issues.issues.filter((i) => i.field === 'personCategory')).toHaveLength(12);
  });
});
