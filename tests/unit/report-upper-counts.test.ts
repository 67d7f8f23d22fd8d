/**
 * The tables at a city keep each received package's person counts: after one more county is merged,
 * only that county's persons are read again, and the tables stay exactly the pure aggregation of every
 * stored record — after a county replaces its package, and with a person reported by two counties
 * (held back once, taken away from the kept counts).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mergePackages } from '../../electron/core/services/packages';
import { reportEnv } from '../../electron/core/services/reports/env';
import type { RecordScope } from '../../electron/core/db';
import { computeReports } from '../../shared/reports/aggregate';
import type { ReportSet } from '../../shared/reports/schema';
import type { TestCore } from '../fixtures/core';
import { countyCensus, exportTo, HEFEI, LUYANG, upperCensus, YAOHAI } from '../fixtures/packages';
import { validPerson } from '../fixtures/records';

/** The area code of the city's own records */
const OWN_AREA = '340100';

const opened: TestCore[] = [];
const track = <T extends TestCore>(t: T) => (opened.push(t), t);
afterAll(() => {
  for (const t of opened) t.close();
});

let yaohai: TestCore;
let luyang: TestCore;
let city: TestCore;
/** The scopes the city's person scans were asked for since the last `reads()` */
let scopes: (RecordScope | undefined)[] = [];

function reads(): string[] {
  const out = scopes.map((s) => (s === undefined ? 'all' : s.outsideOf ? `one pass without ${s.outsideOf.join('+') || 'none'}` : s.areas.join('+')));
  scopes = [];
  return out.sort();
}

function pure(t: TestCore): ReportSet {
  const ctx = t.core.ctx;
  return computeReports({ persons: [...ctx.store.persons.iterate()], units: [...ctx.store.units.iterate()] }, reportEnv(ctx));
}

async function merge(t: TestCore, name: string): Promise<void> {
  const r = await mergePackages(city.core.ctx, [{ name, data: (await exportTo(t, name, { confirmUnexplained: true })).data }], { trustNewKeys: true });
  expect(r.results.map((x) => [x.status, x.message])).toEqual([['merged', expect.any(String)]]);
}

const cell = (set: ReportSet, table: string, row: string, column: string) => {
  const t = set.tables.find((x) => x.id === table)!;
  return t.rows.find((r) => r.key === row)!.values[t.columns.findIndex((c) => c.key === column)];
};

beforeAll(async () => {
  yaohai = track(await countyCensus(YAOHAI, 60, 41));
  luyang = track(await countyCensus(LUYANG, 50, 42));
  city = track(await upperCensus(HEFEI, 'city'));
  const persons = city.core.ctx.store.persons;
  const scan = persons.scanEvaluated.bind(persons);
  persons.scanEvaluated = (conditions, keys, where, scope) => {
    scopes.push(scope);
    return scan(conditions, keys, where, scope);
  };
});

describe('tables at a city, counted package by package', () => {
  it('reads a merged county once, then only the next county and its own records', async () => {
    await merge(yaohai, 'yaohai-1.hcpkg');
    const first = await city.call('reports.tables', {});
    expect(first).toEqual(pure(city));
    expect(reads()).toEqual(['340102']);
    expect(cell(first, 'T1', '340102', 'persons')).toBe(60);

    await merge(luyang, 'luyang-1.hcpkg');
    const second = await city.call('reports.tables', {});
    expect(second).toEqual(pure(city));
    expect(reads()).toEqual(['340103']);
    expect(cell(second, 'T1', 'total', 'persons')).toBe(110);

    // Nothing written: the tables are not computed again.
    expect(await city.call('reports.tables', {})).toEqual(second);
    expect(reads()).toEqual([]);
  });

  it("replaces a county's counts when its next package arrives", async () => {
    const before = await city.call('reports.tables', {});
    const notMember = (await yaohai.call('persons.list', { filter: [{ field: 'political', op: 'notIn', values: ['01', '02'] }], limit: 1 })).rows[0]!;
    await yaohai.call('persons.update', { id: notMember.id, patch: { political: '01' } });
    await merge(yaohai, 'yaohai-2.hcpkg');
    const after = await city.call('reports.tables', {});
    expect(after).toEqual(pure(city));
    expect(reads()).toEqual(['340102']);
    expect(cell(after, 'T1', '340102', 'party')).toBe(cell(before, 'T1', '340102', 'party')! + 1);
    expect(cell(after, 'T1', '340103', 'party')).toBe(cell(before, 'T1', '340103', 'party'));
  });

  it('takes a person reported by two counties away once, from the kept counts', async () => {
    const original = (await yaohai.call('persons.list', { limit: 1 })).rows[0]!;
    const other = (await luyang.call('persons.list', { limit: 1 })).rows[0]!;
    const same = { name: original.data.name, idNumber: original.data.idNumber, birthDate: original.data.birthDate, sex: original.data.sex };
    await luyang.call('persons.update', { id: other.id, patch: same });
    await merge(luyang, 'luyang-2.hcpkg');
    const set = await city.call('reports.tables', {});
    expect(set.pendingDuplicates).toBe(1);
    expect(set.excluded).toBe(1);
    expect(set).toEqual(pure(city));
    expect(cell(set, 'T1', 'total', 'persons')).toBe(109);
    // The kept counts of 瑶海区 were not read again; the held-back person was read to be taken away.
    expect(reads()).toEqual(['340103', 'all']);
  });

  it("counts the city's own records afresh, beside the kept counts", async () => {
    const before = await city.call('reports.tables', {});
    await city.call('persons.create', { data: validPerson({ unitId: null, township: '340102001', idNumber: '440524188001010014', sex: '1', birthDate: '1880-01-01' }) });
    const set = await city.call('reports.tables', {});
    expect(set).toEqual(pure(city));
    expect(cell(set, 'T1', 'total', 'persons')).toBe(cell(before, 'T1', 'total', 'persons')! + 1);
    expect(reads()).toEqual([OWN_AREA, 'all']);
  });

  it('counts many new packages in one pass over the table', async () => {
    const fresh = track(await upperCensus(HEFEI, 'city'));
    const files = [
      { name: 'yaohai-3.hcpkg', data: (await exportTo(yaohai, 'yaohai-3.hcpkg', { confirmUnexplained: true })).data },
      { name: 'luyang-3.hcpkg', data: (await exportTo(luyang, 'luyang-3.hcpkg', { confirmUnexplained: true })).data },
    ];
    const r = await mergePackages(fresh.core.ctx, files, { trustNewKeys: true });
    expect(r.results.map((x) => x.status)).toEqual(['merged', 'merged']);
    const persons = fresh.core.ctx.store.persons;
    const scan = persons.scanEvaluated.bind(persons);
    const asked: (RecordScope | undefined)[] = [];
    persons.scanEvaluated = (conditions, keys, where, scope) => (asked.push(scope), scan(conditions, keys, where, scope));
    const set = await fresh.call('reports.tables', {});
    expect(set).toEqual(pure(fresh));
    expect(asked.filter((s) => s?.outsideOf).map((s) => s!.outsideOf)).toEqual([[]]);
    // 110 reported, the person both counties report (see above) counted once.
    expect([cell(set, 'T1', 'total', 'persons'), set.excluded]).toEqual([109, 1]);
    // The same counts kept: a write elsewhere reads nothing again but the held-back person.
    await fresh.call('reports.population.set', { entries: [{ code: HEFEI, population: 5_000_000 }] });
    asked.length = 0;
    expect(await fresh.call('reports.tables', {})).toEqual(pure(fresh));
    expect(asked).toEqual([undefined]);
  });
});
