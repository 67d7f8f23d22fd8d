/**
 * The tables at a city keep each received package's person counts. The merge counts a package as it
 * reads it and keeps the counts in the file beside the package, so the tables after a merge — and
 * after the file is opened again — read no received person; a file without them (merged by an older
 * program) is counted from the store once and keeps them from then on. Either way the tables stay
 * exactly the pure aggregation of every stored record — after a county replaces its package, and with
 * a person reported by two counties (held back once, taken away from the kept counts).
 */
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mergePackages } from '../../electron/core/services/packages';
import type { RecordScope } from '../../electron/core/db';
import { sqliteOf } from '../../electron/core/db/handle';
import { LEAVE_CODES } from '../../shared/census/change';
import { computeReports, countPersonRecords } from '../../shared/reports/aggregate';
import { countedPersonFields, countKeptPersons, countsWhileReading } from '../../electron/core/services/reports/package-counts';
import { countingEnv, reportEnv } from '../../electron/core/services/reports/env';
import { readPackage } from '../../electron/core/services/packages/read';
import { dataFromSql } from '../../electron/core/db/columns';
import type { ReportSet } from '../../shared/reports/schema';
import type { TestCore } from '../fixtures/core';
import { openTestCore } from '../fixtures/core';
import { countyCensus, exportTo, HEFEI, LUYANG, repack, upperCensus, YAOHAI } from '../fixtures/packages';
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
/** What the city's person scans were asked for since the last call */
let reads: () => string[];

/** Records the scopes of `t`'s person scans; the function returns them (sorted) and starts afresh */
function watchScans(t: TestCore): () => string[] {
  let scopes: (RecordScope | undefined)[] = [];
  const persons = t.core.ctx.store.persons;
  const scan = persons.scanEvaluated.bind(persons);
  persons.scanEvaluated = (conditions, keys, where, scope) => {
    scopes.push(scope);
    return scan(conditions, keys, where, scope);
  };
  return () => {
    const out = scopes.map((s) => (s === undefined ? 'all' : s.outsideOf ? `one pass without ${s.outsideOf.join('+') || 'none'}` : s.areas.join('+')));
    scopes = [];
    return out.sort();
  };
}

/** The counts a file keeps, by package id */
function keptCounts(t: TestCore): Map<string, number> {
  const rows = sqliteOf(t.core.ctx.store.db).prepare('SELECT package_id, length(cells) FROM package_person_counts').raw(true).all() as [string, number][];
  return new Map(rows);
}

/** A file merged by a program that kept no counts */
function forgetKeptCounts(t: TestCore): void {
  sqliteOf(t.core.ctx.store.db).exec('DELETE FROM package_person_counts');
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
  reads = watchScans(city);
});

describe('tables at a city, counted as each package is merged', () => {
  it('reads no received person after a merge: the merge counted them', async () => {
    await merge(yaohai, 'yaohai-1.hcpkg');
    expect([...keptCounts(city).keys()]).toEqual([city.core.ctx.store.packages.currentFor(YAOHAI)!.id]);
    const first = await city.call('reports.tables', {});
    expect(first).toEqual(pure(city));
    expect(reads()).toEqual([]);
    expect(cell(first, 'T1', '340102', 'persons')).toBe(60);

    await merge(luyang, 'luyang-1.hcpkg');
    const second = await city.call('reports.tables', {});
    expect(second).toEqual(pure(city));
    expect(reads()).toEqual([]);
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
    // The superseded package's counts are gone from the file with it.
    expect(keptCounts(city).size).toBe(2);
    const after = await city.call('reports.tables', {});
    expect(after).toEqual(pure(city));
    expect(reads()).toEqual([]);
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
    // No county was read again; the held-back person was read to be taken away.
    expect(reads()).toEqual(['all']);
  });

  it("counts the city's own records afresh, beside the kept counts", async () => {
    const before = await city.call('reports.tables', {});
    await city.call('persons.create', { data: validPerson({ unitId: null, township: '340102001', idNumber: '440524188001010014', sex: '1', birthDate: '1880-01-01' }) });
    const set = await city.call('reports.tables', {});
    expect(set).toEqual(pure(city));
    expect(cell(set, 'T1', 'total', 'persons')).toBe(cell(before, 'T1', 'total', 'persons')! + 1);
    expect(reads()).toEqual([OWN_AREA, 'all']);
  });

  it('reads no received person when the file is opened again: the counts are kept in it', async () => {
    const again = track(await openTestCore(city.dir));
    const readsAgain = watchScans(again);
    const set = await again.call('reports.tables', {});
    expect(set).toEqual(pure(again));
    expect(set).toEqual(await city.call('reports.tables', {}));
    expect(readsAgain()).toEqual([OWN_AREA, 'all']);
  });
});

describe('counts made while merging', () => {
  it('are the same whether the package is read in a worker or in the merging thread', async () => {
    const data = (await exportTo(yaohai, 'yaohai-4.hcpkg', { confirmUnexplained: true })).data;
    const kept = async (inProcess: boolean) => {
      const t = track(await upperCensus(HEFEI, 'city'));
      const before = process.env.HEADCOUNT_PARSE_IN_PROCESS;
      if (inProcess) process.env.HEADCOUNT_PARSE_IN_PROCESS = '1';
      try {
        const r = await mergePackages(t.core.ctx, [{ name: 'yaohai-4.hcpkg', data }], { trustNewKeys: true });
        expect(r.results.map((x) => x.status)).toEqual(['merged']);
      } finally {
        if (before === undefined) delete process.env.HEADCOUNT_PARSE_IN_PROCESS;
        else process.env.HEADCOUNT_PARSE_IN_PROCESS = before;
      }
      const rows = sqliteOf(t.core.ctx.store.db).prepare('SELECT counts_key, cells FROM package_person_counts').raw(true).all() as [string, Buffer][];
      expect(rows).toHaveLength(1);
      expect(await t.call('reports.tables', {})).toEqual(pure(t));
      return rows[0]!;
    };
    const inWorker = await kept(false);
    const inThread = await kept(true);
    expect(inThread[0]).toBe(inWorker[0]);
    expect(inThread[1].equals(inWorker[1])).toBe(true);
  });

  it('leave out the persons who left since the last census, as the tables do', async () => {
    // A first census cannot export a leaver (an error), so the package's kept column is given one.
    const ctx = city.core.ctx;
    const counting = countingEnv(ctx);
    const pkg = await readPackage((await exportTo(luyang, 'luyang-6.hcpkg', { confirmUnexplained: true })).data, { fileName: 'luyang-6.hcpkg', keepPersonFields: countedPersonFields(counting) });
    const change = pkg.persons.kept!.get('change')!;
    change[0] = LEAVE_CODES[0]!;
    const env = reportEnv(ctx);
    const persons = [...pkg.persons.rows].map((raw) => ({ id: raw[0] as string, data: dataFromSql('person', raw.map((v) => (typeof v === 'bigint' ? Number(v) : v)), 2) }));
    persons[0]!.data.change = LEAVE_CODES[0]!;
    const units = new Map([...pkg.units.rows].map((raw) => [raw[0] as string, dataFromSql('unit', raw.map((v) => (typeof v === 'bigint' ? Number(v) : v)), 2)]));
    const counted = countKeptPersons(counting, pkg.units.rows, pkg.persons.ids, pkg.persons.kept!);
    expect(counted).toEqual(countPersonRecords(env, units, persons.slice(1)));
    expect(counted).not.toEqual(countPersonRecords(env, units, persons));
  });

  it('never refuse a package: counts that cannot be made are left to the tables', async () => {
    const counting = countingEnv(city.core.ctx);
    const pkg = await readPackage((await exportTo(luyang, 'luyang-7.hcpkg', { confirmUnexplained: true })).data, { fileName: 'luyang-7.hcpkg', keepPersonFields: countedPersonFields(counting) });
    const kept = new Map(pkg.persons.kept!);
    expect(countsWhileReading(counting, pkg.units.rows, pkg.persons.ids, kept)).toEqual(countKeptPersons(counting, pkg.units.rows, pkg.persons.ids, kept));
    kept.delete('birthDate');
    expect(() => countKeptPersons(counting, pkg.units.rows, pkg.persons.ids, kept)).toThrow('birthDate');
    expect(countsWhileReading(counting, pkg.units.rows, pkg.persons.ids, kept)).toBeUndefined();
    expect(countsWhileReading(undefined, pkg.units.rows, pkg.persons.ids, pkg.persons.kept)).toBeUndefined();
  });

  it('are made for a package the general reader reads (written another valid way)', async () => {
    const t = track(await upperCensus(HEFEI, 'city'));
    const tReads = watchScans(t);
    const data = await repack((await exportTo(luyang, 'luyang-5.hcpkg', { confirmUnexplained: true })).data, (e) => {
      for (const n of ['persons.csv', 'units.csv']) e.set(n, Buffer.from(e.get(n)!.toString('utf8').replace(/\r\n/g, '\n'), 'utf8'));
    });
    const r = await mergePackages(t.core.ctx, [{ name: 'luyang-5.hcpkg', data }], { trustNewKeys: true });
    expect(r.results.map((x) => x.status)).toEqual(['merged']);
    expect(keptCounts(t).size).toBe(1);
    expect(await t.call('reports.tables', {})).toEqual(pure(t));
    expect(tReads()).toEqual([]);
  });
});

describe('tables at a city whose file keeps no counts', () => {
  let fresh: TestCore;
  let freshReads: () => string[];

  beforeAll(async () => {
    fresh = track(await upperCensus(HEFEI, 'city'));
    const files = [
      { name: 'yaohai-3.hcpkg', data: (await exportTo(yaohai, 'yaohai-3.hcpkg', { confirmUnexplained: true })).data },
      { name: 'luyang-3.hcpkg', data: (await exportTo(luyang, 'luyang-3.hcpkg', { confirmUnexplained: true })).data },
    ];
    const r = await mergePackages(fresh.core.ctx, files, { trustNewKeys: true });
    expect(r.results.map((x) => x.status)).toEqual(['merged', 'merged']);
    forgetKeptCounts(fresh);
    freshReads = watchScans(fresh);
  });

  it('counts many packages in one pass over the table, and keeps their counts in the file', async () => {
    const set = await fresh.call('reports.tables', {});
    expect(set).toEqual(pure(fresh));
    expect(freshReads().filter((s) => s.startsWith('one pass'))).toEqual(['one pass without none']);
    // 110 reported, the person both counties report (see above) counted once.
    expect([cell(set, 'T1', 'total', 'persons'), set.excluded]).toEqual([109, 1]);
    expect(keptCounts(fresh).size).toBe(2);
    // The same counts kept: a write elsewhere reads nothing again but the held-back person.
    await fresh.call('reports.population.set', { entries: [{ code: HEFEI, population: 5_000_000 }] });
    expect(await fresh.call('reports.tables', {})).toEqual(pure(fresh));
    expect(freshReads()).toEqual(['all']);
    // Opened again, the file's counts are used.
    const again = track(await openTestCore(fresh.dir));
    const readsAgain = watchScans(again);
    expect(await again.call('reports.tables', {})).toEqual(pure(again));
    expect(readsAgain()).toEqual(['all']);
  });

  it('counts one package through the area-code index when only it lacks counts', async () => {
    const luyangId = fresh.core.ctx.store.packages.currentFor(LUYANG)!.id;
    sqliteOf(fresh.core.ctx.store.db).prepare('DELETE FROM package_person_counts WHERE package_id = ?').run(luyangId);
    const again = track(await openTestCore(fresh.dir));
    const readsAgain = watchScans(again);
    expect(await again.call('reports.tables', {})).toEqual(pure(again));
    expect(readsAgain()).toEqual(['340103', 'all']);
    expect(keptCounts(again).has(luyangId)).toBe(true);
  });

  it('shows the tables while another window holds the file, and keeps the counts another time', async () => {
    forgetKeptCounts(fresh);
    const again = track(await openTestCore(fresh.dir));
    const readsAgain = watchScans(again);
    const other = new Database(fresh.core.ctx.store.path);
    other.prepare('BEGIN IMMEDIATE').run();
    try {
      expect(await again.call('reports.tables', {})).toEqual(pure(again));
    } finally {
      other.prepare('ROLLBACK').run();
      other.close();
    }
    expect(readsAgain().filter((s) => s.startsWith('one pass'))).toEqual(['one pass without none']);
    expect(keptCounts(again).size).toBe(0);
    const later = track(await openTestCore(fresh.dir));
    expect(await later.call('reports.tables', {})).toEqual(pure(later));
    expect(keptCounts(later).size).toBe(2);
  }, 20_000);

  it('counts again rather than adding counts that do not fit the tables', async () => {
    const yaohaiId = fresh.core.ctx.store.packages.currentFor(YAOHAI)!.id;
    const db = sqliteOf(fresh.core.ctx.store.db);
    const expected = pure(fresh);
    // A damaged row (cells cut short), then a row made for other tables (another key)
    db.prepare('UPDATE package_person_counts SET cells = substr(cells, 1, 16) WHERE package_id = ?').run(yaohaiId);
    let again = track(await openTestCore(fresh.dir));
    let readsAgain = watchScans(again);
    expect(await again.call('reports.tables', {})).toEqual(expected);
    expect(readsAgain()).toEqual(['340102', 'all']);
    db.prepare("UPDATE package_person_counts SET counts_key = 'other tables' WHERE package_id = ?").run(yaohaiId);
    again = track(await openTestCore(fresh.dir));
    readsAgain = watchScans(again);
    expect(await again.call('reports.tables', {})).toEqual(expected);
    expect(readsAgain()).toEqual(['340102', 'all']);
  });
});
