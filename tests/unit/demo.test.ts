import { describe, expect, it } from 'vitest';
import { loadDivisions } from '../../electron/core/divisions';
import { checkCreditCode, checkIdNumber, isMobilePhone } from '../../shared/census/checks';
import { codesOf } from '../../shared/census/codes';
import { generateDemo, type DemoCensus, type DemoOptions, type DemoTownship } from '../../shared/demo';
import { personFields, unitFields } from '../../shared/census/dictionary';
import { cleanRecordDataSchema, recordDataSchema } from '../../shared/census/schema';
import { validateCensus, type ValidationContext } from '../../shared/census/validate';

/** 北京市延庆区: three 街道, eleven 镇, four 乡 — every kind of township. */
const YANQING: DemoTownship[] = [
  ['110119001', '百泉街道'], ['110119002', '香水园街道'], ['110119003', '儒林街道'], ['110119100', '延庆镇'],
  ['110119101', '康庄镇'], ['110119102', '八达岭镇'], ['110119103', '永宁镇'], ['110119104', '旧县镇'],
  ['110119105', '张山营镇'], ['110119106', '四海镇'], ['110119107', '千家店镇'], ['110119108', '沈家营镇'],
  ['110119109', '大榆树镇'], ['110119110', '井庄镇'], ['110119200', '大庄科乡'], ['110119201', '刘斌堡乡'],
  ['110119202', '香营乡'], ['110119203', '珍珠泉乡'],
].map(([code, name]) => ({ code: code!, name: name!, countyCode: '110119' }));

const REF_DATE = '2026-06-30';
const base: DemoOptions = { areaCode: '110119', townships: YANQING, persons: 6000, units: 240, seed: 20260630, refDate: REF_DATE };
const census = generateDemo(base);
const units = census.units;
const persons = census.persons;
const unitById = new Map(units.map((u) => [u.id, u]));
const townshipByCode = new Map(YANQING.map((t) => [t.code, t]));

const str = (v: unknown): string => {
  if (typeof v !== 'string') throw new Error(`expected a string, got ${JSON.stringify(v)}`);
  return v;
};
const num = (v: unknown): number => {
  if (typeof v !== 'number') throw new Error(`expected a number, got ${JSON.stringify(v)}`);
  return v;
};
const share = (xs: readonly unknown[], pred: (x: unknown) => boolean) => xs.filter(pred).length / xs.length;
const ageAt = (birth: string, ref: string) => Number(ref.slice(0, 4)) - Number(birth.slice(0, 4)) - (ref.slice(5) < birth.slice(5) ? 1 : 0);
const countBy = <T>(xs: readonly T[], key: (x: T) => string) => {
  const m = new Map<string, number>();
  for (const x of xs) m.set(key(x), (m.get(key(x)) ?? 0) + 1);
  return m;
};

describe('generateDemo: determinism', () => {
  it('produces byte-identical output for the same options, and something else for another seed', () => {
    const again = generateDemo({ ...base, townships: YANQING.map((t) => ({ ...t })) });
    expect(JSON.stringify(again)).toBe(JSON.stringify(census));
    const other = generateDemo({ ...base, seed: 20260631 });
    expect(other.persons).toHaveLength(persons.length);
    expect(JSON.stringify(other)).not.toBe(JSON.stringify(census));
    expect(other.persons[0]!.data.idNumber).not.toBe(persons[0]!.data.idNumber);
  });

  it('treats a numeric seed and its decimal string alike', () => {
    const a = generateDemo({ ...base, persons: 50, units: 10, seed: 7 });
    const b = generateDemo({ ...base, persons: 50, units: 10, seed: '7' });
    expect(b).toEqual(a);
  });

  it('gives two areas generated with the same seed disjoint record ids, so their packages can merge', () => {
    const dongcheng: DemoTownship[] = [
      { code: '110101001', name: '东华门街道', countyCode: '110101' },
      { code: '110101002', name: '景山街道', countyCode: '110101' },
    ];
    const a = generateDemo({ ...base, persons: 300, units: 20 });
    const b = generateDemo({ ...base, areaCode: '110101', townships: dongcheng, persons: 300, units: 20 });
    const idsA = new Set([...a.units, ...a.persons].map((r) => r.id));
    expect([...b.units, ...b.persons].filter((r) => idsA.has(r.id))).toEqual([]);
    const idNumbersA = new Set(a.persons.map((p) => p.data.idNumber));
    expect(b.persons.filter((p) => idNumbersA.has(p.data.idNumber))).toEqual([]);
  });
});

describe('generateDemo: shape', () => {
  it('creates exactly the requested numbers of persons and units, with UUID-shaped unique ids', () => {
    expect(persons).toHaveLength(6000);
    expect(units).toHaveLength(240);
    const ids = [...units, ...persons].map((r) => r.id);
    for (const id of ids) expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('fills every dictionary field with the stored type and passes the clean record schema', () => {
    const personKeys = personFields.map((f) => f.key).sort();
    const unitKeys = unitFields.map((f) => f.key).sort();
    for (const p of persons) {
      expect(Object.keys(p.data).sort()).toEqual(personKeys);
      recordDataSchema.person.parse(p.data);
      const r = cleanRecordDataSchema.person.safeParse(p.data);
      if (!r.success) throw new Error(`${JSON.stringify(p.data)}: ${r.error.message}`);
    }
    for (const u of units) {
      expect(Object.keys(u.data).sort()).toEqual(unitKeys);
      recordDataSchema.unit.parse(u.data);
      const r = cleanRecordDataSchema.unit.safeParse(u.data);
      if (!r.success) throw new Error(`${JSON.stringify(u.data)}: ${r.error.message}`);
    }
  });

  it('rejects impossible options with a Chinese message', () => {
    expect(() => generateDemo({ ...base, persons: 10, units: 20 })).toThrow(/人员数（10）不能少于单位数（20）/);
    expect(() => generateDemo({ ...base, refDate: '2026-02-30' })).toThrow(/统计时点“2026-02-30”不是有效日期/);
    expect(() => generateDemo({ ...base, townships: [] })).toThrow(/没有可用的乡镇（街道）/);
    expect(() => generateDemo({ ...base, townships: [{ code: '110119001', name: '百泉街道', countyCode: '000000' }] })).toThrow(
      /区县代码“000000”无效/,
    );
    expect(generateDemo({ ...base, persons: 0, units: 0 })).toEqual({ units: [], persons: [] });
  });
});

describe('generateDemo: persons', () => {
  it('gives every person a valid, unique ID number registered in a county of the area, agreeing with sex and birth date', () => {
    const seen = new Set<string>();
    for (const p of persons) {
      const id = str(p.data.idNumber);
      const r = checkIdNumber(id);
      if (!r.ok) throw new Error(`${id}: ${r.problem}`);
      expect(r.info.sex).toBe(p.data.sex);
      expect(r.info.birthDate).toBe(p.data.birthDate);
      expect(id.slice(0, 6)).toBe(townshipByCode.get(str(p.data.township))!.countyCode);
      expect(p.data.idType).toBe('01');
      seen.add(id);
    }
    expect(seen.size).toBe(persons.length);
  });

  it('keeps ages at the reference date within 18–64, mostly 22–58', () => {
    const ages = persons.map((p) => ageAt(str(p.data.birthDate), REF_DATE));
    expect(Math.min(...ages)).toBeGreaterThanOrEqual(18);
    expect(Math.max(...ages)).toBeLessThanOrEqual(64);
    expect(share(ages, (a) => (a as number) >= 22 && (a as number) <= 58)).toBeGreaterThan(0.85);
  });

  it('links every person to a generated unit and copies its township and 城乡', () => {
    for (const p of persons) {
      const u = unitById.get(str(p.data.unitId));
      expect(u, `unit of ${p.id}`).toBeDefined();
      expect(p.data.township).toBe(u!.data.township);
      expect(p.data.urbanRural).toBe(u!.data.urbanRural);
    }
  });

  it('fills certificate number and year exactly when a qualification level is held', () => {
    const refYear = Number(REF_DATE.slice(0, 4));
    const numbers = new Set<string>();
    for (const p of persons) {
      const level = str(p.data.qualLevel);
      if (level === '0') {
        expect(p.data.certNumber).toBeNull();
        expect(p.data.certYear).toBeNull();
        continue;
      }
      expect(str(p.data.certNumber)).toMatch(/^\d{18}$/);
      numbers.add(str(p.data.certNumber));
      const year = num(p.data.certYear);
      expect(year).toBeGreaterThanOrEqual(level === '3' ? 2019 : 2008);
      expect(year).toBeLessThanOrEqual(refYear);
      expect(year).toBeGreaterThanOrEqual(Number(str(p.data.birthDate).slice(0, 4)) + 18);
      expect(Number(p.data.titleLevel)).toBeGreaterThanOrEqual(Number(level));
    }
    expect(numbers.size).toBe(persons.filter((p) => p.data.qualLevel !== '0').length);
  });

  it('keeps domains, start year, training hours, phone and name plausible', () => {
    const refYear = Number(REF_DATE.slice(0, 4));
    const domainCodes = new Set(codesOf('domain'));
    for (const p of persons) {
      const domains = p.data.domains as string[];
      expect(domains.length).toBeGreaterThanOrEqual(1);
      expect(domains.length).toBeLessThanOrEqual(3);
      expect(new Set(domains).size).toBe(domains.length);
      for (const d of domains) expect(domainCodes.has(d)).toBe(true);
      expect(domains).toContain(p.data.primaryDomain);
      const start = num(p.data.startYear);
      expect(start).toBeGreaterThanOrEqual(Number(str(p.data.birthDate).slice(0, 4)) + 18);
      expect(start).toBeLessThanOrEqual(refYear);
      const hours = num(p.data.trainingHours);
      expect(hours).toBeGreaterThanOrEqual(0);
      expect(hours).toBeLessThanOrEqual(300);
      expect(str(p.data.phone)).toMatch(/^1[3-9]\d{9}$/);
      expect(isMobilePhone(str(p.data.phone))).toBe(true);
      expect(str(p.data.name)).toMatch(/^[\u4e00-\u9fa5]{2,4}$/);
    }
    expect(new Set(persons.map((p) => p.data.phone)).size).toBe(persons.length);
  });

  it('follows the specified distributions within loose bounds', () => {
    const ps = persons.map((p) => p.data);
    const is = (key: string, ...values: unknown[]) => (d: unknown) => values.includes((d as Record<string, unknown>)[key]);
    expect(share(ps, is('sex', '2'))).toBeGreaterThan(0.55);
    expect(share(ps, is('sex', '2'))).toBeLessThan(0.8);
    expect(share(ps, is('ethnicity', '01'))).toBeGreaterThan(0.85);
    expect(share(ps, is('ethnicity', '01'))).toBeLessThan(0.99);
    expect(share(ps, is('political', '01', '02'))).toBeGreaterThan(0.25);
    expect(share(ps, is('political', '01', '02'))).toBeLessThan(0.35);
    expect(share(ps, is('political', '03'))).toBeGreaterThan(0.02);
    expect(share(ps, is('political', '13'))).toBeGreaterThan(0.5);
    expect(share(ps, is('education', '20', '30'))).toBeGreaterThan(0.7);
    expect(share(ps, is('education', '10'))).toBeGreaterThan(0.02);
    expect(share(ps, is('education', '40'))).toBeGreaterThan(0.02);
    expect(share(ps, is('majorCategory', '10'))).toBeGreaterThan(0.3);
    expect(share(ps, is('majorCategory', '10'))).toBeLessThan(0.4);
    expect(share(ps, is('qualLevel', '0'))).toBeGreaterThan(0.5);
    expect(share(ps, is('qualLevel', '0'))).toBeLessThan(0.6);
    expect(share(ps, is('qualLevel', '1'))).toBeGreaterThan(0.26);
    expect(share(ps, is('qualLevel', '1'))).toBeLessThan(0.34);
    expect(share(ps, is('qualLevel', '2'))).toBeGreaterThan(0.11);
    expect(share(ps, is('qualLevel', '2'))).toBeLessThan(0.17);
    expect(share(ps, is('qualLevel', '3'))).toBeGreaterThan(0.002);
    expect(share(ps, is('qualLevel', '3'))).toBeLessThan(0.025);
    const hours = ps.map((d) => num(d.trainingHours));
    expect(share(hours, (h) => (h as number) >= 160)).toBeGreaterThan(0.35);
    expect(share(hours, (h) => (h as number) >= 160)).toBeLessThan(0.45);
    expect(share(ps, is('swPost', true))).toBeGreaterThan(0.3);
    expect(share(ps, is('swPost', true))).toBeLessThan(0.9);
    // Every code of the small lists shows up somewhere, so charts and filters have something to show.
    for (const key of ['postCategory', 'staffing', 'employmentType', 'titleLevel', 'personCategory'] as const) {
      // 用工方式 is left empty for people with 编制
      const seen = new Set(ps.map((d) => d[key]).filter((v) => v != null));
      expect([...seen].sort(), key).toEqual(codesOf(key).sort());
    }
    const names = ps.map((d) => str(d.name));
    expect(share(names, (n) => (n as string).length === 2)).toBeGreaterThan(0.1);
    expect(share(names, (n) => (n as string).length === 3)).toBeGreaterThan(0.6);
    expect(new Set(names.map((n) => n[0])).size).toBeGreaterThan(50);
  });
});

describe('generateDemo: units', () => {
  it('gives most units a valid unique credit code and the rest a reason', () => {
    const codes = units.map((u) => u.data.creditCode).filter((c): c is string => c !== null);
    for (const c of codes) expect(checkCreditCode(c), c).toEqual({ ok: true });
    expect(new Set(codes).size).toBe(codes.length);
    expect(codes.length / units.length).toBeGreaterThan(0.9);
    expect(codes.length).toBeLessThan(units.length);
    for (const u of units) {
      if (u.data.creditCode === null) expect(str(u.data.noCreditReason).length).toBeGreaterThan(0);
      else expect(u.data.noCreditReason).toBeNull();
      // Characters 3–8 are the registering county.
      if (u.data.creditCode !== null) expect(str(u.data.creditCode).slice(2, 8)).toBe('110119');
    }
  });

  it('names every unit uniquely after its township', () => {
    const names = units.map((u) => str(u.data.name));
    expect(new Set(names).size).toBe(names.length);
    for (const u of units) {
      const t = townshipByCode.get(str(u.data.township))!;
      // 百泉社工服务社, 中共百泉街道工作委员会, 共青团延庆镇委员会 …
      expect(str(u.data.name)).toMatch(new RegExp(`^(中共|共青团)?${t.name.replace(/(街道|镇|乡)$/, '')}`));
    }
    const ofType = (type: string) => units.filter((u) => u.data.unitType === type).map((u) => str(u.data.name));
    for (const n of ofType('7')) expect(n).toMatch(/社区居民委员会$/);
    for (const n of ofType('8')) expect(n).toMatch(/村民委员会$/);
  });

  it('has at most one social-work station per township, named after it', () => {
    const stations = units.filter((u) => u.data.isStation === true);
    const perTownship = countBy(stations, (u) => str(u.data.township));
    for (const n of perTownship.values()) expect(n).toBe(1);
    expect(stations.length).toBeGreaterThanOrEqual(YANQING.length - 4);
    for (const s of stations) expect(s.data.name).toBe(`${townshipByCode.get(str(s.data.township))!.name}社会工作服务站`);
  });

  it('sets 城乡 from the township: 街道 城镇, 乡 乡村, 镇 both', () => {
    const kind = (code: string) => Number(code.slice(6, 9));
    for (const u of units) {
      const k = kind(str(u.data.township));
      if (k < 100) expect(u.data.urbanRural).toBe('1');
      else if (k >= 200) expect(u.data.urbanRural).toBe('2');
      else {
        if (u.data.unitType === '7' && !u.data.isStation) expect(u.data.urbanRural).toBe('1');
        if (u.data.unitType === '8') expect(u.data.urbanRural).toBe('2');
      }
    }
    const inTowns = new Set(units.filter((u) => kind(str(u.data.township)) >= 100 && kind(str(u.data.township)) < 200).map((u) => u.data.urbanRural));
    expect([...inTowns].sort()).toEqual(['1', '2']);
  });

  it('reports exactly the linked persons, with staff and posts that fit them', () => {
    const linked = countBy(persons, (p) => str(p.data.unitId));
    const swLinked = countBy(persons.filter((p) => p.data.swPost === true), (p) => str(p.data.unitId));
    for (const u of units) {
      const n = linked.get(u.id) ?? 0;
      expect(n, u.data.name as string).toBeGreaterThanOrEqual(1);
      expect(u.data.reportedSwCount).toBe(n);
      expect(num(u.data.staffCount)).toBeGreaterThanOrEqual(n);
      expect(num(u.data.swPostCount)).toBeGreaterThanOrEqual(swLinked.get(u.id) ?? 0);
      expect(num(u.data.swPostCount)).toBeLessThanOrEqual(num(u.data.staffCount));
    }
  });

  it('mixes unit types and roster sizes like a real county', () => {
    const types = countBy(units, (u) => str(u.data.unitType));
    for (const t of ['1', '2', '4', '7', '8']) expect(types.get(t) ?? 0, `type ${t}`).toBeGreaterThan(5);
    expect((types.get('7') ?? 0) + (types.get('8') ?? 0)).toBeGreaterThan(units.length * 0.3);
    const sizes = [...countBy(persons, (p) => str(p.data.unitId)).values()].sort((a, b) => a - b);
    const median = sizes[Math.floor(sizes.length / 2)]!;
    expect(sizes[sizes.length - 1]!).toBeGreaterThan(median * 3);
  });
});

describe('generateDemo: edge cases', () => {
  it('copes with fewer units than townships and keeps every unit staffed', () => {
    const c = generateDemo({ ...base, persons: 7, units: 5 });
    expect(c.units).toHaveLength(5);
    expect(c.persons).toHaveLength(7);
    expect(new Set(c.persons.map((p) => p.data.unitId)).size).toBe(5);
  });

  it('prefixes the county to unit names when two townships share a name', () => {
    const c = generateDemo({
      ...base,
      areaCode: '341800',
      townships: [
        { code: '341821100', name: '城关镇', countyCode: '341821', countyName: '郎溪县' },
        { code: '341824100', name: '城关镇', countyCode: '341824', countyName: '绩溪县' },
      ],
      persons: 400,
      units: 40,
    });
    const names = c.units.map((u) => str(u.data.name));
    expect(new Set(names).size).toBe(names.length);
    expect(names).toContain('郎溪县城关镇社会工作服务站');
    expect(names).toContain('绩溪县城关镇社会工作服务站');
    for (const p of c.persons) expect(str(p.data.idNumber).slice(0, 6)).toBe(str(p.data.township).slice(0, 6));
  });
});

describe('generateDemo: validation', () => {
  const divisions = loadDivisions();
  const contextFor = (area: string, refDate: string): ValidationContext => ({
    refDate,
    townshipStatus: (code) => (divisions.get(code) === null ? 'unknown' : divisions.isWithin(code, area) ? 'inside' : 'outside'),
  });
  const issuesOf = (c: DemoCensus, area: string, refDate: string) =>
    validateCensus({ persons: () => c.persons, units: () => c.units }, contextFor(area, refDate));

  it('has no errors and no warnings under the validation engine', () => {
    const issues = issuesOf(census, '110119', REF_DATE);
    expect(issues.slice(0, 5)).toEqual([]);
    expect(issues).toHaveLength(0);
  });

  it('stays clean for a reference date on 29 February and for a city-level area', () => {
    const leap = generateDemo({ ...base, persons: 3000, units: 100, refDate: '2028-02-29', seed: 'leap' });
    expect(issuesOf(leap, '110119', '2028-02-29')).toEqual([]);
    const xuancheng = divisions.subAreasOf('3418').flatMap((county) =>
      divisions.townshipsOf(county.code).map((t) => ({ code: t.code, name: t.name, countyCode: county.code, countyName: county.name })),
    );
    expect(xuancheng.length).toBeGreaterThan(50);
    const city = generateDemo({ areaCode: '3418', townships: xuancheng, persons: 4000, units: 300, seed: 'city', refDate: REF_DATE });
    expect(issuesOf(city, '3418', REF_DATE)).toEqual([]);
  });
});
