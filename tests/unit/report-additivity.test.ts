/**
 * Numbers that add up at every level: rows to totals, sub-areas to the area, and a merged city's
 * (province's) tables to the sums of its counties' (cities') tables — every count cell, with rates
 * recomputed from the summed counts. Data: demo censuses of the real counties of 宁夏.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { loadDivisions } from '../../electron/core/divisions';
import { computeReports } from '../../shared/reports/aggregate';
import { tableDef } from '../../shared/reports/definitions';
import type { ReportSet, ReportTable } from '../../shared/reports/schema';
import { countyCensus, envFor, union, type CountyCensus } from '../fixtures/reports';

const divisions = loadDivisions();
const PROVINCE = '64';

interface Level {
  code: string;
  set: ReportSet;
  children: Level[];
}

let province: Level;
let countyCount = 0;

beforeAll(() => {
  const cities: Level[] = [];
  const all: CountyCensus[] = [];
  let seed = 0;
  for (const city of divisions.subAreasOf(PROVINCE)) {
    const counties: Level[] = [];
    const cityCensuses: CountyCensus[] = [];
    for (const county of divisions.subAreasOf(city.code)) {
      // 60–260 persons, different per county
      const c = countyCensus(divisions, county.code, 60 + ((seed++ * 37) % 200), `add-${county.code}`);
      cityCensuses.push(c);
      counties.push({ code: county.code, set: computeReports(c, envFor(divisions, county.code, 'county')), children: [] });
    }
    all.push(...cityCensuses);
    countyCount += counties.length;
    cities.push({ code: city.code, set: computeReports(union(cityCensuses), envFor(divisions, city.code, 'city')), children: counties });
  }
  province = { code: PROVINCE, set: computeReports(union(all), envFor(divisions, PROVINCE, 'province')), children: cities };
});

function tableOf(set: ReportSet, id: string): ReportTable {
  return set.tables.find((t) => t.id === id)!;
}
const byKey = (t: ReportTable) => new Map(t.rows.map((r) => [r.key, r.values]));

/** Every additive cell of `parent` equals the sum over `children`; rates equal summed numerators over summed denominators. */
function expectSumOfChildren(parent: ReportSet, children: ReportSet[]): number {
  let cells = 0;
  for (const pt of parent.tables) {
    const cts = children.map((c) => tableOf(c, pt.id));
    const isArea = pt.rows[0]!.areaCode !== null;
    // For area tables a child's whole area is one row of the parent, keyed by the child's code.
    const childRow = (ct: ReportTable, set: ReportSet, key: string): (number | null)[] | undefined =>
      isArea ? (key === set.area.code ? ct.rows[0]!.values : key === 'total' ? ct.rows[0]!.values : undefined) : byKey(ct).get(key);
    for (const row of pt.rows) {
      pt.columns.forEach((col, i) => {
        if (!col.additive) return;
        let sum = 0;
        cts.forEach((ct, k) => {
          sum += (childRow(ct, children[k]!, row.key)?.[i] ?? 0) as number;
        });
        expect(row.values[i], `${pt.id} ${row.label} ${col.label}`).toBe(sum);
        cells++;
      });
      const defs = tableDef(pt.id)!.columns;
      const at = (values: (number | null)[], key: string) => values[pt.columns.findIndex((c) => c.key === key)] ?? null;
      pt.columns.forEach((col, i) => {
        const def = defs.find((d) => d.key === col.key)!;
        if (def.kind !== 'rate') return;
        // num/den from the parent's own cells, which were just shown to be the children's sums (or are entered inputs)
        const num = at(row.values, def.num);
        const den = at(def.denRow === 'total' ? pt.rows[0]!.values : row.values, def.den);
        const scale = def.scale ?? (def.format === 'permille' ? 1000 : 1);
        expect(row.values[i], `${pt.id} ${row.label} ${col.key}`).toBe(num === null || den === null || den === 0 ? null : (num / den) * scale);
      });
    }
  }
  return cells;
}

/** Within one table set: every section's rows add up to the total row, for every additive column. */
function expectRowsAddUp(set: ReportSet): number {
  let checks = 0;
  for (const t of set.tables) {
    const total = t.rows[0]!;
    const sections = new Map<string, (number | null)[][]>();
    for (const r of t.rows.slice(1)) {
      const key = r.section ?? '(area)';
      sections.set(key, [...(sections.get(key) ?? []), r.values]);
    }
    for (const [name, rows] of sections) {
      t.columns.forEach((c, i) => {
        // Distinct organisations fall in one row each, so their rows add up too.
        if (!c.additive && !c.distinct) return;
        const sum = rows.reduce((n, v) => n + (v[i] ?? 0), 0);
        expect(sum, `${t.id} ${name} ${c.label}`).toBe(total.values[i]);
        checks++;
      });
    }
  }
  return checks;
}

describe('summary tables add up', () => {
  it('every county: rows add up to totals and townships to the county', () => {
    let checks = 0;
    for (const city of province.children) for (const county of city.children) checks += expectRowsAddUp(county.set);
    expect(countyCount).toBeGreaterThan(15);
    expect(checks).toBeGreaterThan(countyCount * 30);
  });

  it('has the policy indicators in the demo data, so their additivity is tested on real numbers', () => {
    const at = (id: string, key: string) => {
      const t = tableOf(province.set, id);
      return t.rows[0]!.values[t.columns.findIndex((c) => c.key === key)];
    };
    for (const key of ['communityWorkers', 'communityHolders', 'validReg', 'newHolders']) expect(at('T1', key), key).toBeGreaterThan(0);
    for (const key of ['trainingScope', 'trained', 'townships', 'coveredTownships', 'stations']) expect(at('T5', key), key).toBeGreaterThan(0);
    expect(tableOf(province.set, 'T5').columns.find((c) => c.key === 'coveredTownships')!.additive).toBe(true);
  });

  it("every city: its tables are the sums of its counties' tables, cell by cell", () => {
    for (const city of province.children) {
      expect(city.set.area.level).toBe('city');
      const cells = expectSumOfChildren(city.set, city.children.map((c) => c.set));
      expect(cells).toBeGreaterThan(200);
      expectRowsAddUp(city.set);
    }
  });

  it("the province: its tables are the sums of its cities' tables, and of all its counties' tables", () => {
    const cities = province.children.map((c) => c.set);
    expectSumOfChildren(province.set, cities);
    expectRowsAddUp(province.set);
    // Table 2–4 rows are not areas, so they must also equal the sums over all counties directly.
    const counties = province.children.flatMap((c) => c.children.map((k) => k.set));
    for (const id of ['T2', 'T3', 'T4']) {
      const pt = tableOf(province.set, id);
      for (const row of pt.rows)
        pt.columns.forEach((col, i) => {
          if (!col.additive) return;
          const sum = counties.reduce((n, s) => n + ((byKey(tableOf(s, id)).get(row.key)?.[i] ?? 0) as number), 0);
          expect(row.values[i]).toBe(sum);
        });
    }
  });

  it('lists every sub-area, even one with nobody, and places everyone', () => {
    const t1 = tableOf(province.set, 'T1');
    expect(t1.rows.map((r) => r.label)).toEqual(['宁夏回族自治区', '银川市', '石嘴山市', '吴忠市', '固原市', '中卫市']);
    const city = province.children[0]!;
    const cityT1 = tableOf(city.set, 'T1');
    expect(cityT1.rows.slice(1).map((r) => r.areaCode)).toEqual(divisions.subAreasOf(city.code).map((d) => d.code));
    expect(cityT1.rows.some((r) => r.kind === 'unknown')).toBe(false);
    const county = city.children[0]!;
    expect(tableOf(county.set, 'T1').rows).toHaveLength(1 + divisions.townshipsOf(county.code).length);
  });

  it('catches a lost person: a county table computed without one record no longer sums to the city', () => {
    const city = province.children[1]!;
    const censuses = divisions.subAreasOf(city.code).map((c, i) => countyCensus(divisions, c.code, 50 + i, 'lost'));
    const whole = computeReports(union(censuses), envFor(divisions, city.code, 'city'));
    const short = censuses.map((c, i) => (i === 0 ? { ...c, persons: c.persons.slice(1) } : c));
    const parts = short.map((c) => computeReports(c, envFor(divisions, c.code, 'county')));
    expect(() => expectSumOfChildren(whole, parts)).toThrow();
  });
});
