/**
 * A bulk merge drops the unique person id index with the other scattered ones and keeps ids unique
 * itself (services/packages/bulk.ts): what the index refused it still refuses, with the message a
 * merge without a bulk gives; what the index let through (an area's next package replacing its
 * records, in the same merge or a later one) it still lets through without falling back; anything
 * else written to the file meanwhile sends it back to the index.
 */
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mergePackages } from '../../electron/core/services/packages';
import { sqliteOf } from '../../electron/core/db/handle';
import type { TestCore } from '../fixtures/core';
import { ANHUI, countyCensus, exportTo, HEFEI, JINGHU, LUYANG, repack, unpack, upperCensus, YAOHAI } from '../fixtures/packages';

const opened: TestCore[] = [];
const track = <T extends TestCore>(t: T) => (opened.push(t), t);
afterAll(() => {
  for (const t of opened) t.close();
});

type File = { name: string; data: Buffer };
const lines = (b: Buffer) => b.toString('utf8').split('\r\n');
const personIds = async (f: File) => lines((await unpack(f.data)).get('persons.csv')!).slice(1).filter(Boolean).map((l) => l.split(',')[0]!);

/** Whether the file has persons_id, unique on (id) alone */
function idIndexOf(file: string): boolean {
  const db = new Database(file, { readonly: true });
  try {
    return db.prepare(`SELECT "unique" FROM pragma_index_list('persons') WHERE name = 'persons_id'`).pluck().get() === 1
      && (db.prepare(`SELECT name FROM pragma_index_info('persons_id')`).pluck().all() as string[]).join() === 'id';
  } finally {
    db.close();
  }
}

/** Counts what the merge did with the id index: dropped for the bulk, and built again early (a fall back) */
function watch(t: TestCore) {
  const repo = t.core.ctx.store.packages;
  const seen = { dropped: [] as string[], early: 0 };
  const drop = repo.dropScatteredIndexes.bind(repo);
  repo.dropScatteredIndexes = (owner) => {
    const names = drop(owner);
    seen.dropped.push(...names);
    return names;
  };
  const one = repo.restoreIndex.bind(repo);
  repo.restoreIndex = (name) => (seen.early++, one(name));
  return seen;
}

const bulk = { trustNewKeys: true, bulkMinPersons: 1 } as const;
const persons = async (t: TestCore) => (await t.call('census.summary', {})).persons;

describe('bulk merge without the person id index', () => {
  let yaohai: File, yaohai2: File, luyang: File, jinghu: File, clash: File;

  beforeAll(async () => {
    const y = track(await countyCensus(YAOHAI, 120, 1));
    const l = track(await countyCensus(LUYANG, 90, 2));
    const j = track(await countyCensus(JINGHU, 60, 3));
    yaohai = { name: 'yaohai.hcpkg', data: (await exportTo(y, 'yaohai.hcpkg')).data };
    // The same county's next package: the same records again, sequence 2
    yaohai2 = { name: 'yaohai-2.hcpkg', data: (await exportTo(y, 'yaohai-2.hcpkg')).data };
    luyang = { name: 'luyang.hcpkg', data: (await exportTo(l, 'luyang.hcpkg')).data };
    jinghu = { name: 'jinghu.hcpkg', data: (await exportTo(j, 'jinghu.hcpkg')).data };
    // luyang's package with one person's record id taken from yaohai's, signed again (a hostile or broken sender)
    const taken = (await personIds(yaohai))[5]!;
    const own = (await personIds(luyang))[3]!;
    clash = {
      name: 'clash.hcpkg',
      data: await repack(luyang.data, (entries) => {
        for (const n of ['persons.csv', 'provenance.csv']) entries.set(n, Buffer.from(entries.get(n)!.toString('utf8').replace(own, taken), 'utf8'));
      }),
    };
  });

  /** The refusal a merge without a bulk gives the clashing package (the unique index refusing it) */
  async function plainRefusal(): Promise<string> {
    const t = track(await upperCensus(ANHUI, 'province'));
    const seen = watch(t);
    await mergePackages(t.core.ctx, [yaohai], { trustNewKeys: true });
    const r = (await mergePackages(t.core.ctx, [clash], { trustNewKeys: true })).results[0]!;
    expect(seen.dropped).toEqual([]);
    expect([r.status, r.reason]).toEqual(['refused', 'id_conflict']);
    return r.message;
  }

  it('refuses a package whose ids clash with another package of the same merge, as a merge without a bulk does', async () => {
    const message = await plainRefusal();
    const t = track(await upperCensus(ANHUI, 'province'));
    const seen = watch(t);
    const r = await mergePackages(t.core.ctx, [yaohai, clash, jinghu], bulk);
    expect(seen.dropped).toContain('persons_id');
    expect(r.results.map((x) => [x.status, x.reason])).toEqual([['merged', null], ['refused', 'id_conflict'], ['merged', null]]);
    expect(r.results[1]!.message).toBe(message);
    // The hit brought the index back for the rest of the merge
    expect(seen.early).toBe(1);
    expect(await persons(t)).toBe(120 + 60);
    expect(idIndexOf(t.core.ctx.store.path)).toBe(true);
  });

  it('refuses a package whose ids clash with a record already merged from another area', async () => {
    const message = await plainRefusal();
    const t = track(await upperCensus(ANHUI, 'province'));
    await mergePackages(t.core.ctx, [yaohai], { trustNewKeys: true });
    const seen = watch(t);
    const r = await mergePackages(t.core.ctx, [clash, jinghu], bulk);
    expect(seen.dropped).toContain('persons_id');
    expect(r.results.map((x) => [x.status, x.reason])).toEqual([['refused', 'id_conflict'], ['merged', null]]);
    expect(r.results[0]!.message).toBe(message);
    expect(await persons(t)).toBe(120 + 60);
    expect(idIndexOf(t.core.ctx.store.path)).toBe(true);
  });

  it('replaces an area\'s records with its next package, never duplicates them, without falling back to the index', async () => {
    const t = track(await upperCensus(ANHUI, 'province'));
    const seen = watch(t);
    let r = await mergePackages(t.core.ctx, [yaohai, luyang], bulk);
    expect(r.results.map((x) => x.status)).toEqual(['merged', 'merged']);
    // Again with the next package of one area, and the same packages once more
    r = await mergePackages(t.core.ctx, [yaohai2, jinghu, luyang], bulk);
    expect(r.results.map((x) => [x.status, x.added, x.replaced])).toEqual([['merged', 0, 120], ['merged', 60, 0], ['unchanged', 0, 0]]);
    expect(seen.dropped.filter((n) => n === 'persons_id')).toHaveLength(2);
    expect(seen.early).toBe(0);
    expect(await persons(t)).toBe(120 + 90 + 60);
    expect(idIndexOf(t.core.ctx.store.path)).toBe(true);
  });

  it('knows each person of a city package (records of several areas) under its own area: the city\'s next package replaces them without falling back', async () => {
    const city = track(await upperCensus(HEFEI, 'city'));
    await mergePackages(city.core.ctx, [yaohai, luyang], { trustNewKeys: true });
    const hefei = { name: 'hefei.hcpkg', data: (await exportTo(city, 'hefei.hcpkg', { allowIncomplete: true })).data };
    const hefei2 = { name: 'hefei-2.hcpkg', data: (await exportTo(city, 'hefei-2.hcpkg', { allowIncomplete: true })).data };
    const t = track(await upperCensus(ANHUI, 'province'));
    const seen = watch(t);
    const r = await mergePackages(t.core.ctx, [hefei, jinghu, hefei2], bulk);
    expect(r.results.map((x) => [x.status, x.added, x.replaced])).toEqual([['merged', 210, 0], ['merged', 60, 0], ['merged', 0, 210]]);
    expect(seen.dropped).toContain('persons_id');
    expect(seen.early).toBe(0);
    expect(await persons(t)).toBe(120 + 90 + 60);
    expect(idIndexOf(t.core.ctx.store.path)).toBe(true);
  });

  it('replaces an area\'s records by its next package in the same merge', async () => {
    const t = track(await upperCensus(ANHUI, 'province'));
    const seen = watch(t);
    const r = await mergePackages(t.core.ctx, [yaohai, luyang, yaohai2], bulk);
    expect(r.results.map((x) => [x.status, x.added, x.replaced])).toEqual([['merged', 120, 0], ['merged', 90, 0], ['merged', 0, 120]]);
    expect(seen.dropped).toContain('persons_id');
    expect(seen.early).toBe(0);
    expect(await persons(t)).toBe(120 + 90);
    expect(idIndexOf(t.core.ctx.store.path)).toBe(true);
  });

  it('goes back to the index when something else wrote the file during the merge, and refuses a clash with what it wrote', async () => {
    const t = track(await upperCensus(ANHUI, 'province'));
    const seen = watch(t);
    const store = t.core.ctx.store;
    // A record of this level written (as another window's edit would be) while the merge runs, with an id jinghu's package carries
    const id = (await personIds(jinghu))[0]!;
    const currentFor = store.packages.currentFor.bind(store.packages);
    store.packages.currentFor = (area) => {
      if (area === JINGHU)
        sqliteOf(store.db).prepare(`INSERT INTO persons (id, area_code, created_by, created_at, updated_at) VALUES (?, ?, '汇总员', 'x', 'x')`).run(id, ANHUI);
      return currentFor(area);
    };
    const r = await mergePackages(t.core.ctx, [yaohai, jinghu, luyang], bulk);
    expect(r.results.map((x) => [x.status, x.reason])).toEqual([['merged', null], ['refused', 'id_conflict'], ['merged', null]]);
    expect(seen.early).toBe(1);
    expect(await persons(t)).toBe(120 + 1 + 90);
    expect(idIndexOf(store.path)).toBe(true);
  });
});
