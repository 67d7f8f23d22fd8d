/**
 * A bulk merge (many packages at once: the scattered indexes dropped, built again at the end, the
 * next package read while the current one is written) gives exactly what merging the same packages
 * one by one gives, keeps every package all-or-nothing, and a crash in the middle leaves a database
 * whose indexes come back the next time it is opened.
 */
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { openCoreForFile } from '../../electron/core/app';
import { mergePackages } from '../../electron/core/services/packages';
import { AHEAD, readAhead } from '../../electron/core/services/packages/bulk';
import { BULK_INDEXES_KEY } from '../../electron/core/db/repos/packages';
import { sqliteOf } from '../../electron/core/db/handle';
import type { TestCore } from '../fixtures/core';
import { ANHUI, copyPersonInto, countyCensus, exportTo, HEFEI, JINGHU, LUYANG, repack, unpack, upperCensus, YAOHAI } from '../fixtures/packages';

const opened: TestCore[] = [];
const track = <T extends TestCore>(t: T) => (opened.push(t), t);
afterAll(() => {
  for (const t of opened) t.close();
});

function indexes(file: string): string[] {
  const db = new Database(file, { readonly: true });
  try {
    return (db.prepare(`SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name IN ('persons', 'units') ORDER BY name`).pluck().all() as string[]);
  } finally {
    db.close();
  }
}

const dbFile = (t: TestCore) => t.core.ctx.store.path;

describe('bulk merge', () => {
  let pkgs: { name: string; data: Buffer }[];
  let bad: Buffer;

  beforeAll(async () => {
    const yaohai = track(await countyCensus(YAOHAI, 120, 1));
    const luyang = track(await countyCensus(LUYANG, 90, 2));
    const jinghu = track(await countyCensus(JINGHU, 60, 3));
    // One person reported by two counties: held for a decision in both kinds of merge
    await copyPersonInto(yaohai, luyang, 2);
    pkgs = [
      { name: 'yaohai.hcpkg', data: (await exportTo(yaohai, 'yaohai.hcpkg')).data },
      { name: 'luyang.hcpkg', data: (await exportTo(luyang, 'luyang.hcpkg')).data },
      { name: 'jinghu.hcpkg', data: (await exportTo(jinghu, 'jinghu.hcpkg')).data },
    ];
    // jinghu's package with a persons.csv that no longer matches its hash
    bad = await repack(pkgs[2]!.data, (entries) => void entries.set('persons.csv', Buffer.concat([entries.get('persons.csv')!, Buffer.from('x')])), { fixHashes: false, resign: false });
  });

  it('reads ahead of the writer, but never more than AHEAD files beyond the one it holds', async () => {
    const asked: number[] = [];
    const files = Array.from({ length: 5 }, (_, i) => ({ name: `f${i}.hcpkg`, data: () => (asked.push(i), pkgs[0]!.data) }));
    const next = readAhead(files);
    expect((await next(0)).ok).toBe(true);
    // The writer still holds file 0: the next AHEAD files are read, and then the reader waits.
    await vi.waitFor(() => expect(next.ready(AHEAD)).toBe(true), { timeout: 30_000 });
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(asked).toEqual([0, 1, 2]);
    // Taking file 1 makes room for file 3, and so on to the end.
    expect((await next(1)).ok).toBe(true);
    await vi.waitFor(() => expect(asked).toEqual([0, 1, 2, 3]), { timeout: 30_000 });
    for (const i of [2, 3, 4]) expect((await next(i)).ok).toBe(true);
    expect(asked).toEqual([0, 1, 2, 3, 4]);
  });

  it('gives the same census as merging one by one, with every index back', async () => {
    const oneByOne = track(await upperCensus(ANHUI, 'province'));
    const before = indexes(dbFile(oneByOne));
    const single = [];
    for (const p of pkgs) single.push((await mergePackages(oneByOne.core.ctx, [p], { trustNewKeys: true })).results[0]!);

    const bulk = track(await upperCensus(ANHUI, 'province'));
    const labels: string[] = [];
    const rebuildPhases: (string | undefined)[] = [];
    // How many indexes the file holds when the event loop next turns after each step of the rebuild is
    // announced: the bridge can only send the announcement then, so that step must not have run yet.
    const atAnnouncement: number[] = [];
    bulk.core.ctx.events.on('progress', (p: { label: string; phase?: string }) => {
      labels.push(p.label);
      if (p.label.startsWith('正在重建索引')) rebuildPhases.push(p.phase);
      if (p.label.startsWith('正在重建索引')) setImmediate(() => atAnnouncement.push(indexes(dbFile(bulk)).length));
    });
    const r = await mergePackages(bulk.core.ctx, pkgs, { trustNewKeys: true, bulkMinPersons: 1 });
    expect(r.results.map((x) => [x.status, x.added])).toEqual(single.map((x) => [x.status, x.added]));
    expect(r.results.map((x) => x.status)).toEqual(['merged', 'merged', 'merged']);
    // One step per dropped index, each announced before it runs and each followed by a turn
    const steps = labels.filter((l) => l.startsWith('正在重建索引'));
    expect(steps.length).toBeGreaterThanOrEqual(5);
    expect(steps).toEqual(steps.map((_, i) => `正在重建索引（${i + 1} / ${steps.length}）`));
    expect(atAnnouncement).toEqual(steps.map((_, i) => before.length - steps.length + i));
    // A phase of its own: the page reads the board as files are written, not between two sorts
    expect(rebuildPhases).toEqual(steps.map(() => 'index'));
    // The case across two counties is found once the ID-number index is back
    expect(r.results[1]!.duplicatesHeld).toBe(1);
    // Counted after the last package: both counties' packages carry the person, jinghu's does not
    expect(r.results.map((x) => x.duplicatesHeld)).toEqual([1, 1, 0]);
    expect(r.results[1]!.message).toContain('已列入重复人员待处理');
    expect(r.pendingDuplicates).toBe(1);
    expect(indexes(dbFile(bulk))).toEqual(before);
    const a = await oneByOne.call('census.summary', {});
    const b = await bulk.call('census.summary', {});
    expect(b).toEqual(a);
    expect(b.persons).toBe(271);
    const sameIds = async (t: TestCore) => (await t.call('persons.list', { offset: 0, limit: 1000 })).rows.map((x) => x.id).sort();
    expect(await sameIds(bulk)).toEqual(await sameIds(oneByOne));
  });

  it('refuses a bad package in the middle of a bulk merge and writes nothing of it', async () => {
    const t = track(await upperCensus(HEFEI, 'city'));
    const r = await mergePackages(t.core.ctx, [pkgs[0]!, { name: 'jinghu-bad.hcpkg', data: bad }, pkgs[1]!], { trustNewKeys: true, bulkMinPersons: 1 });
    expect(r.results.map((x) => x.status)).toEqual(['merged', 'refused', 'merged']);
    expect(r.results[1]!.message).toContain('校验');
    expect((await t.call('census.summary', {})).persons).toBe(211);
    expect(indexes(dbFile(t))).toContain('persons_id_number');
  });

  it('writes several packages per commit when the reader is ahead, and refuses a clashing one alone inside it', async () => {
    // luyang's package with one person's record id taken from yaohai's (the primary key refuses it)
    const lines = (b: Buffer) => b.toString('utf8').split('\r\n');
    const taken = lines((await unpack(pkgs[0]!.data)).get('persons.csv')!)[1]!.split(',')[0]!;
    const clash = await repack(pkgs[1]!.data, (entries) => {
      const own = lines(entries.get('persons.csv')!)[1]!.split(',')[0]!;
      for (const n of ['persons.csv', 'provenance.csv']) entries.set(n, Buffer.from(entries.get(n)!.toString('utf8').replace(own, taken), 'utf8'));
    });
    const t = track(await upperCensus(ANHUI, 'province'));
    const store = t.core.ctx.store;
    // A writer slower than the reader, as on a province's machine: the next package is always read by the time one is written
    const insert = store.packages.insertPackedRecords.bind(store.packages);
    store.packages.insertPackedRecords = (table, json) => {
      const until = Date.now() + 150;
      while (Date.now() < until);
      return insert(table, json);
    };
    const openTx = store.openTx.bind(store);
    let commits = 0;
    store.openTx = () => (commits++, openTx());
    const r = await mergePackages(t.core.ctx, [pkgs[0]!, { name: 'clash.hcpkg', data: clash }, pkgs[2]!], { trustNewKeys: true, bulkMinPersons: 1 });
    expect(r.results.map((x) => [x.status, x.reason])).toEqual([['merged', null], ['refused', 'id_conflict'], ['merged', null]]);
    expect(commits).toBe(1);
    // Nothing of the refused package, everything of the two around it, every index back
    expect((await t.call('census.summary', {})).persons).toBe(120 + 60);
    expect(store.packages.current().map((p) => p.areaCode).sort()).toEqual([JINGHU, YAOHAI].sort());
    expect(indexes(dbFile(t))).toContain('persons_id_number');
  });

  it('a commit left open across packages undoes all of them on rollback and keeps a savepoint\'s failure to itself', async () => {
    const t = track(await upperCensus(ANHUI, 'province'));
    const store = t.core.ctx.store;
    const before = store.version();
    const open = store.openTx();
    store.tx(() => store.meta.set('a', '1'));
    expect(() => store.tx(() => {
      store.meta.set('b', '2');
      throw new Error('this package fails');
    })).toThrow('this package fails');
    expect(open.open).toBe(true);
    open.commit();
    expect(store.meta.get('a')).toBe('1');
    expect(store.meta.get('b')).toBeUndefined();
    expect(store.version()).not.toBe(before);
    const again = store.openTx();
    store.tx(() => store.meta.set('c', '3'));
    again.rollback();
    expect(store.meta.get('c')).toBeUndefined();
  });

  it('builds the indexes again when the database is opened after a crash in the middle', async () => {
    const t = track(await upperCensus(ANHUI, 'province'));
    const file = dbFile(t);
    const before = indexes(file);
    // What a crash leaves: the indexes dropped and their definitions pending, by a process now gone
    expect(before).toContain('persons_id');
    expect(t.core.ctx.store.packages.dropScatteredIndexes(2 ** 22 + 12345)).toContain('persons_id');
    expect(indexes(file).length).toBeLessThan(before.length);
    expect(indexes(file)).not.toContain('persons_id');
    expect(t.core.ctx.store.meta.get(BULK_INDEXES_KEY)).toBeTruthy();
    t.close();
    const again = openCoreForFile(file);
    try {
      expect(indexes(file)).toEqual(before);
      // The person id index is back unique: an id is refused twice again
      const db = sqliteOf(again.ctx.store.db);
      expect(db.prepare(`SELECT "unique" FROM pragma_index_list('persons') WHERE name = 'persons_id'`).pluck().get()).toBe(1);
      const add = db.prepare(`INSERT INTO persons (id, area_code, created_by, created_at, updated_at) VALUES ('p-1', '340000', 't', 'x', 'x')`);
      add.run();
      expect(() => add.run()).toThrow(expect.objectContaining({ code: 'SQLITE_CONSTRAINT_UNIQUE' }));
      expect(again.ctx.store.meta.get(BULK_INDEXES_KEY)).toBeUndefined();
    } finally {
      again.close();
    }
  });

  it('keeps the indexes not yet built listed when the rebuild stops between two of them, and the next open builds them', async () => {
    const t = track(await upperCensus(ANHUI, 'province'));
    const file = dbFile(t);
    const before = indexes(file);
    const dropped = t.core.ctx.store.packages.dropScatteredIndexes(2 ** 22 + 12346);
    // The process ends (here: the step throws) after three of the indexes were built, each committed on its own
    await expect(t.core.ctx.store.packages.restoreIndexesInTurns(async (i) => {
      if (i === 3) throw new Error('断电');
    })).rejects.toThrow('断电');
    expect(indexes(file).length).toBe(before.length - dropped.length + 3);
    expect(t.core.ctx.store.meta.get(BULK_INDEXES_KEY)).toBeTruthy();
    t.close();
    const again = openCoreForFile(file);
    try {
      expect(indexes(file)).toEqual(before);
      expect(again.ctx.store.meta.get(BULK_INDEXES_KEY)).toBeUndefined();
    } finally {
      again.close();
    }
  });
});
