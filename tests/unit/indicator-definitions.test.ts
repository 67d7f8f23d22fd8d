/**
 * Every indicator of 表1–表5 on a handful of persons whose numbers can be checked by hand, plus
 * the rules behind them: completed years at the reference date, the age bands, rate rounding,
 * duplicates left out, sub-areas from townships, population and targets.
 */
import { describe, expect, it } from 'vitest';
import type { RecordData } from '../../shared/census/schema';
import { creditCheckChar } from '../../shared/census/checks';
import { AGE_BANDS, ageAt, ageBandOf } from '../../shared/reports/age';
import { cellLink, computeReports, type ReportEnv } from '../../shared/reports/aggregate';
import { compileFilter, describeFilter, type RecordFilter } from '../../shared/reports/filter';
import { formatValue } from '../../shared/reports/format';
import { MINORITY_CODES } from '../../shared/reports/indicators';
import type { ReportSet, ReportTable } from '../../shared/reports/schema';
import { validPerson, validUnit } from '../fixtures/records';

const REF = '2026-12-31';
const T1 = '110101001', T2 = '110101002', T3 = '110101003';

const base = (over: RecordData): RecordData =>
  validPerson({
    qualLevel: '0', certNumber: null, certYear: null, political: '13', sex: '1', ethnicity: '01', majorCategory: '90',
    swPost: false, postCategory: '1', trainingHours: 0, cumTrainingHours: 0, domains: ['01'], primaryDomain: '01', birthDate: '1990-01-01',
    unitId: 'u1', township: T1, regStatus: null, regValidUntil: null, ...over,
  });

const credit = (first17: string) => first17 + creditCheckChar(first17)!;
// u1 and u3 are one organisation with two sites (same credit code); u2 is another.
const units = [
  { id: 'u1', data: validUnit({ unitType: '4', township: T1, isStation: true, swPostCount: 5, creditCode: credit('52532300MJ0000011') }) },
  { id: 'u2', data: validUnit({ unitType: '7', township: T3, isStation: false, swPostCount: 2, creditCode: credit('52532300MJ0000022') }) },
  { id: 'u3', data: validUnit({ unitType: '4', township: T3, isStation: false, swPostCount: null, creditCode: credit('52532300MJ0000011') }) },
];
const persons = [
  // 35 on the reference date itself (birthday that day), 160 hours exactly, two domains
  { id: 'p1', data: base({ qualLevel: '1', sex: '2', political: '01', birthDate: '1991-12-31', trainingHours: 10, cumTrainingHours: 160, domains: ['01', '11'], primaryDomain: '11' }) },
  // turns 36 on the reference date; 159 hours is short of 160; 蒙古族
  { id: 'p2', data: base({ qualLevel: '2', political: '02', ethnicity: '02', birthDate: '1990-12-31', trainingHours: 159, cumTrainingHours: 159, township: T2 }) },
  // 45 (birthday not yet passed… it is 1 January: passed); 97 其他 is not a minority; social-work major and post
  { id: 'p3', data: base({ qualLevel: '3', political: '03', ethnicity: '97', birthDate: '1981-01-01', majorCategory: '10', swPost: true, unitId: 'u2', township: T3 }) },
  // 46; 98 外国血统 is not a minority; professional-technical post
  { id: 'p4', data: base({ ethnicity: '98', birthDate: '1980-12-31', postCategory: '2', unitId: 'u2', township: T3, sex: '2' }) },
  // 56; names a unit that does not exist and a township outside the area
  { id: 'p5', data: base({ birthDate: '1970-12-31', unitId: 'nowhere', township: '110102001' }) },
  // held as a cross-area duplicate: never counted
  { id: 'p6', data: base({ qualLevel: '1', sex: '2', political: '01' }) },
];

function env(over: Partial<ReportEnv> = {}): ReportEnv {
  return {
    area: { code: '110101', name: '东城区', level: 'county' },
    refDate: REF,
    subAreas: [
      { code: 'S1', name: '甲街道', townships: [T1, T2] },
      { code: 'S2', name: '乙街道', townships: [T3] },
    ],
    excludedPersonIds: new Set(['p6']),
    pendingDuplicates: 1,
    population: new Map([['110101', 10_000], ['S1', 5_000]]),
    targets: new Map([['110101', { totalTalents: 8, certified: 4, certRate: 0.5, perMille: 1, trainingRate: 0.4 }]]),
    ...over,
  };
}

const compute = (e = env()) => computeReports({ persons, units }, e);

function table(set: ReportSet, id: string): ReportTable {
  const t = set.tables.find((x) => x.id === id);
  if (!t) throw new Error(`no ${id}`);
  return t;
}
/** Row label → { column key → value } */
function grid(t: ReportTable): Record<string, Record<string, number | null>> {
  const out: Record<string, Record<string, number | null>> = {};
  for (const r of t.rows) out[r.section ? `${r.section}:${r.label}` : r.label] = Object.fromEntries(t.columns.map((c, i) => [c.key, r.values[i]!]));
  return out;
}

describe('age at the reference date', () => {
  it('counts completed years: the birthday on the reference date counts, the day after does not', () => {
    expect(ageAt('1990-12-31', REF)).toBe(36);
    expect(ageAt('1991-01-01', REF)).toBe(35);
    expect(ageAt('1991-12-31', REF)).toBe(35);
  });
  it('gives someone born on 29 February their birthday on 1 March in common years', () => {
    expect(ageAt('2000-02-29', '2026-02-28')).toBe(25);
    expect(ageAt('2000-02-29', '2026-03-01')).toBe(26);
    expect(ageAt('2000-02-29', '2028-02-29')).toBe(28);
  });
  it('has no age for a missing or malformed birth date', () => {
    expect(ageAt(null, REF)).toBeNull();
    expect(ageAt('1990/01/01', REF)).toBeNull();
    expect(ageAt('19900101', REF)).toBeNull();
  });
  it('bands ages as ≤35, 36–45, 46–55, 56+', () => {
    expect(AGE_BANDS.map((b) => b.label)).toEqual(['35岁及以下', '36—45岁', '46—55岁', '56岁及以上']);
    expect([15, 35, 36, 45, 46, 55, 56, 80].map((a) => ageBandOf(a)?.key)).toEqual(['to35', 'to35', '36to45', '36to45', '46to55', '46to55', 'from56', 'from56']);
    expect(ageBandOf(null)).toBeNull();
  });
});

describe('表1 总体情况', () => {
  const t = grid(table(compute(), 'T1'));
  it('counts each indicator of the area from its definition', () => {
    expect(t['东城区']).toMatchObject({
      persons: 5, holders: 3, qual1: 1, qual2: 1, qual3: 1, certRate: 0.6,
      swMajor: 1, party: 2, women: 2, minority: 1, swPost: 1, proTech: 1,
    });
  });
  it('puts each person in the sub-area containing their township, and the rest in an extra row', () => {
    expect(t['甲街道']).toMatchObject({ persons: 2, holders: 2, certRate: 1 });
    expect(t['乙街道']).toMatchObject({ persons: 2, holders: 1, certRate: 0.5 });
    expect(t['未能归属到下级地区']).toMatchObject({ persons: 1, holders: 0, certRate: 0 });
  });
  it('keeps sub-areas with nobody and drops the extra row when everyone is placed', () => {
    const set = computeReports({ persons: persons.filter((p) => p.id === 'p1'), units }, env());
    const rows = table(set, 'T1').rows.map((r) => [r.label, r.values[0]]);
    expect(rows).toEqual([['东城区', 1], ['甲街道', 1], ['乙街道', 0]]);
  });
  it('counts minorities as GB 3304 codes 02–56 only', () => {
    expect(MINORITY_CODES).toHaveLength(55);
    expect(MINORITY_CODES).not.toContain('01');
    expect(MINORITY_CODES).not.toContain('97');
    expect(MINORITY_CODES).not.toContain('98');
  });
});

describe('表2 服务领域', () => {
  const t = grid(table(compute(), 'T2'));
  it('counts each person once under the primary domain and once per domain in person-times', () => {
    expect(t['主要领域:老龄和养老服务']).toMatchObject({ persons: 1, holders: 1, certRate: 1, allDomains: 1 });
    expect(t['主要领域:社区治理']).toMatchObject({ persons: 4, holders: 2, certRate: 0.5, allDomains: 5 });
    expect(t['合计']).toMatchObject({ persons: 5, holders: 3, allDomains: 6 });
  });
  it('lists every domain of the code list, in order, even when empty', () => {
    const rows = table(compute(), 'T2').rows.filter((r) => r.kind === 'item');
    expect(rows).toHaveLength(19);
    expect(rows[0]!.label).toBe('社区治理');
    expect(rows[18]!.label).toBe('其他');
  });
});

describe('表3 单位类型', () => {
  const t = grid(table(compute(), 'T3'));
  it('counts units, stations and their social-work posts by the unit type', () => {
    expect(t['单位类型:社工机构']).toMatchObject({ units: 1, unitReports: 2, stations: 1, swPostCount: 5, persons: 2, holders: 2, certRate: 1, swPost: 0 });
    expect(t['单位类型:社区（居委会）']).toMatchObject({ units: 1, unitReports: 1, stations: 0, swPostCount: 2, persons: 2, holders: 1, swPost: 1 });
    expect(t['合计']).toMatchObject({ units: 2, unitReports: 3, stations: 1, swPostCount: 7, persons: 5, holders: 3 });
  });
  it('counts an organisation with two reported sites once, and each site among the reports', () => {
    const col = table(compute(), 'T3').columns.find((c) => c.key === 'units')!;
    expect(col).toMatchObject({ additive: false, distinct: true, label: '单位数' });
    expect(table(compute(), 'T3').columns.find((c) => c.key === 'unitReports')).toMatchObject({ additive: true, label: '单位报告数' });
  });
  it('shows persons whose unit is missing in an extra row, so rows still add up', () => {
    expect(t['单位类型:未填或无法识别']).toMatchObject({ units: 0, persons: 1 });
  });
});

describe('表4 结构', () => {
  const t = grid(table(compute(), 'T4'));
  it('bands ages at the reference date', () => {
    expect(t['年龄:35岁及以下']).toMatchObject({ persons: 1, share: 0.2 });
    expect(t['年龄:36—45岁']).toMatchObject({ persons: 2, share: 0.4 });
    expect(t['年龄:46—55岁']).toMatchObject({ persons: 1, share: 0.2 });
    expect(t['年龄:56岁及以上']).toMatchObject({ persons: 1, share: 0.2 });
  });
  it('breaks down education, major, urban/rural, person category, staffing and employment type from their code lists', () => {
    expect(t['学历:大学本科']).toMatchObject({ persons: 5, share: 1 });
    expect(t['专业类别:社会工作']).toMatchObject({ persons: 1, holders: 1 });
    expect(t['专业类别:其他专业']).toMatchObject({ persons: 4, holders: 2, women: 2 });
    expect(t['城乡:城镇']).toMatchObject({ persons: 5 });
    expect(t['编制情况:无编制']).toMatchObject({ persons: 5 });
    expect(t['用工方式:劳动合同']).toMatchObject({ persons: 5 });
    expect(t['人员类别:社会工作服务机构从业人员']).toMatchObject({ persons: 5, holders: 3 });
  });
});

describe('表5 培训、人口与目标', () => {
  const t = grid(table(compute(), 'T5'));
  it("counts 160 cumulative hours or more as attained (159 is not; one period's 10 hours do not matter)", () => {
    expect(t['东城区']).toMatchObject({ trained: 1, trainingRate: 0.2 });
  });
  it('relates persons to registered population in ‰ where a figure exists', () => {
    expect(t['东城区']).toMatchObject({ population: 10_000, perMille: 0.5 });
    expect(t['甲街道']).toMatchObject({ population: 5_000, perMille: 0.4 });
    expect(t['乙街道']).toMatchObject({ population: null, perMille: null });
  });
  it('shows each target with the gap (target − actual)', () => {
    const row = t['东城区']!;
    expect(row).toMatchObject({ targetPersons: 8, gapPersons: 3, targetHolders: 4, gapHolders: 1, targetCertRate: 0.5, targetPerMille: 1, gapPerMille: 0.5 });
    expect(row.gapCertRate).toBeCloseTo(-0.1, 12);
    expect(row.gapTrainingRate).toBeCloseTo(0.2, 12);
    expect(t['甲街道']).toMatchObject({ targetPersons: null, gapPersons: null });
  });
  it("uses the sum of the sub-areas' population when the area has none but every sub-area has", () => {
    const e = env({ population: new Map([['S1', 3000], ['S2', 2000]]) });
    expect(grid(table(compute(e), 'T5'))['东城区']).toMatchObject({ population: 5000, perMille: 1 });
    const partial = env({ population: new Map([['S1', 3000]]) });
    expect(grid(table(compute(partial), 'T5'))['东城区']).toMatchObject({ population: null, perMille: null });
  });
});

describe('duplicates', () => {
  it('leaves out persons held as duplicates and says in every table how many are pending', () => {
    const set = compute();
    expect(set.excluded).toBe(1);
    expect(set.pendingDuplicates).toBe(1);
    for (const t of set.tables) {
      expect(t.pendingDuplicates).toBe(1);
      expect(t.notes.join()).toContain('另有 1 名跨地区重复人员待核定');
    }
    const counted = compute(env({ excludedPersonIds: new Set(), pendingDuplicates: 0 }));
    expect(grid(table(counted, 'T1'))['东城区']!.persons).toBe(6);
    expect(table(counted, 'T1').notes.join()).toContain('无待核定的跨地区重复人员');
  });
});

describe('click-through filters', () => {
  it('select exactly the persons counted in each person cell', () => {
    const e = env();
    const set = compute(e);
    const unitData = new Map(units.map((u) => [u.id, u.data]));
    let checked = 0;
    for (const t of set.tables) {
      t.columns.forEach((c, ci) => {
        for (const r of t.rows) {
          const link = cellLink(e, t.id, r.key, c.key);
          if (!c.linked || (r.kind === 'total' && !c.linkedTotal)) {
            expect(link, `${t.id} ${r.key} ${c.key}`).toBeNull();
            continue;
          }
          const match = compileFilter('person', link!.filter, { refDate: REF, unitData: (id) => unitData.get(id) });
          expect(persons.filter(match).length, `${t.id} ${r.label} ${c.label}`).toBe(r.values[ci]);
          checked++;
        }
      });
    }
    expect(checked).toBeGreaterThan(100);
  });
  it('describe themselves in words', () => {
    const f: RecordFilter = [
      { field: 'qualLevel', op: 'in', values: ['1', '2', '3'] },
      { field: 'age', op: 'gte', value: 36 },
      { field: 'age', op: 'lte', value: 45 },
      { field: 'unit.unitType', op: 'eq', value: '4' },
      { field: 'swPost', op: 'eq', value: true },
    ];
    expect(describeFilter('person', f)).toBe('职业资格等级：助理社会工作师、社会工作师、高级社会工作师；年龄 36–45岁；单位的单位类型：社工机构；是否社会工作专业岗位：是');
  });
});

describe('rate formatting', () => {
  it('rounds half away from zero on the decimal value, one decimal for percentages', () => {
    expect(formatValue(0.4525, 'percent')).toBe('45.3%');
    expect(formatValue(0.45249, 'percent')).toBe('45.2%');
    expect(formatValue(1, 'percent')).toBe('100.0%');
    expect(formatValue(-0.1, 'percent')).toBe('-10.0%');
    expect(formatValue(null, 'percent')).toBe('');
    expect(formatValue(0.125, 'permille')).toBe('0.13');
    expect(formatValue(1234, 'integer')).toBe('1234');
  });
});

describe('docs/indicators.md', () => {
  it('explains every table and every column the tables show', async () => {
    const { readFileSync } = await import('node:fs');
    const { TABLES } = await import('../../shared/reports/definitions');
    const doc = readFileSync(new URL('../../docs/indicators.md', import.meta.url), 'utf8');
    for (const t of TABLES) {
      expect(doc).toContain(`**${t.title}**`);
      for (const c of t.columns) {
        expect(doc, `${t.id} ${c.key}`).toContain(c.label);
        if (c.group) expect(doc, `${t.id} ${c.key}`).toContain(c.group);
      }
    }
  });
});
