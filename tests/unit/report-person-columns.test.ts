/**
 * Persons counted column by column (the merge's reading worker counts each package this way) give
 * exactly the tables' person cells that counting them record by record gives: every condition and
 * classifier evaluated once per distinct value of the field it reads, each person then looked up.
 * Data: demo censuses of real counties, with the awkward values real returns hold put into them.
 */
import { describe, expect, it } from 'vitest';
import { loadDivisions } from '../../electron/core/divisions';
import { LEAVE_CODES } from '../../shared/census/change';
import type { FieldValue, RecordData } from '../../shared/census/schema';
import { countPersonColumns, countPersonRecords, personFieldsRead, type ReportEnv } from '../../shared/reports/aggregate';
import { compileFilter, type RecordFilter } from '../../shared/reports/filter';
import { codeColumn, type PersonColumns } from '../../shared/reports/person-columns';
import { countyCensus, envFor, union, type TestRecord } from '../fixtures/reports';

const divisions = loadDivisions();

/** Two counties of 银川 as the city holds them, each person made awkward in its own way */
function awkwardCity(): { persons: TestRecord[]; units: TestRecord[] } {
  const counties = divisions.subAreasOf('6401').slice(0, 2).map((c, i) => countyCensus(divisions, c.code, 400 + i * 150, `cols-${c.code}`));
  const city = union(counties);
  const someUnit = city.units[0]!.id;
  city.persons.forEach((p, i) => {
    const d = p.data;
    switch (i % 13) {
      case 1: d.birthDate = null; break;
      case 2: d.township = ''; break;
      case 3: d.township = '999999999999'; break; // a township outside the city
      case 4: d.unitId = 'no-such-unit'; break;
      case 5: d.domains = []; break;
      case 6: d.domains = ['01', '01', '05']; break;
      case 7: d.change = LEAVE_CODES[i % LEAVE_CODES.length]!; break;
      case 8: d.birthDate = '1990-02-30x'; break; // not a date: no age
      case 9: d.certYear = String(d.certYear ?? '2020') as unknown as FieldValue; break; // text where a number is kept
      case 10: d.unitId = someUnit; d.sex = null; break;
      case 11: d.qualLevel = ''; d.cumTrainingHours = null; break;
    }
  });
  return city;
}

/** The records' fields column by column, coded as the merge's worker codes a package's kept columns */
function columnsOf(persons: readonly TestRecord[], decoded: string[] = []): PersonColumns {
  return {
    size: persons.length,
    ids: persons.map((p) => p.id),
    column(field) {
      decoded.push(field);
      // Multi-code values as their JSON text, so equal lists share a code as they do when read from a package
      const raw = persons.map((p) => {
        const v = p.data[field] ?? null;
        return Array.isArray(v) ? JSON.stringify(v) : v;
      });
      return codeColumn(raw, (v) => (typeof v === 'string' && v.startsWith('[') ? (JSON.parse(v) as string[]) : v));
    },
  };
}

function unitMap(units: readonly TestRecord[]): Map<string, RecordData> {
  return new Map(units.map((u) => [u.id, u.data]));
}

function expectSameCounts(env: ReportEnv, city: { persons: TestRecord[]; units: TestRecord[] }, where: RecordFilter): void {
  const units = unitMap(city.units);
  const keep = compileFilter('person', where, { refDate: env.refDate, unitData: (id) => units.get(id) });
  const byRecord = countPersonRecords(env, units, city.persons.filter(keep));
  const byColumn = countPersonColumns(env, units, columnsOf(city.persons), where);
  expect(byColumn.key).toBe(byRecord.key);
  expect(byColumn.cells.map((c) => [...c])).toEqual(byRecord.cells.map((c) => [...c]));
}

describe('counting persons column by column', () => {
  it('gives the same person cells as counting record by record, at a city and at a county', () => {
    const city = awkwardCity();
    const cityEnv = envFor(divisions, '6401', 'city');
    expectSameCounts(cityEnv, city, []);
    const county = city.persons[0]!.areaCode;
    expectSameCounts(envFor(divisions, county, 'county'), { persons: city.persons.filter((p) => p.areaCode === county), units: city.units }, []);
    // Not a vacuous comparison: the cells hold the persons
    const counted = countPersonColumns(cityEnv, unitMap(city.units), columnsOf(city.persons));
    expect(counted.cells.reduce((n, c) => n + c.reduce((a, b) => a + b, 0), 0)).toBeGreaterThan(city.persons.length);
  });

  it('counts only the persons meeting `where`: the leavers left out, named ids held back', () => {
    const city = awkwardCity();
    const env = envFor(divisions, '6401', 'city');
    const present: RecordFilter = [{ field: 'change', op: 'notIn', values: [...LEAVE_CODES] }];
    expectSameCounts(env, city, present);
    const held = city.persons.filter((_, i) => i % 17 === 0).map((p) => p.id);
    expectSameCounts(env, city, [...present, { field: 'id', op: 'notIn', values: held }, { field: 'age', op: 'gte', value: 30 }]);
    const all = countPersonColumns(env, unitMap(city.units), columnsOf(city.persons));
    const some = countPersonColumns(env, unitMap(city.units), columnsOf(city.persons), present);
    expect(some.cells[0]![0]).toBeLessThan(all.cells[0]![0]!);
  });

  it('reads only the fields the tables read, each column once', () => {
    const city = awkwardCity();
    const env = envFor(divisions, '6401', 'city');
    const decoded: string[] = [];
    countPersonColumns(env, unitMap(city.units), columnsOf(city.persons, decoded));
    expect(decoded).toEqual([...new Set(decoded)]);
    expect(new Set(decoded)).toEqual(new Set(personFieldsRead(env)));
  });
});

describe('codeColumn', () => {
  it('decodes each distinct raw value once and keeps 1 apart from "1"', () => {
    const seen: unknown[] = [];
    const c = codeColumn<string | number | null>([1, '1', null, 1, '1', 'a', null], (v) => (seen.push(v), v === null ? null : `<${String(v)}>`));
    expect(seen).toEqual([1, '1', null, 'a']);
    expect(c.values).toEqual(['<1>', '<1>', null, '<a>']);
    expect(Array.from(c.at)).toEqual([0, 1, 2, 0, 1, 3, 2]);
  });
});
