/**
 * The preview of packages judges each before anything is written: a record id another area already
 * holds refuses the package, and an ID number another area carries is announced as a case. It reads the
 * packages' keys without keeping their rows, and it looks ids up only when the census holds records of
 * other areas at all (a province's first preview holds none) — the verdicts must be the same either way.
 * A package merged already (a folder picked again) is recognised from its signed manifest and not read
 * further, by the preview and the merge alike.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { sqliteOf } from '../../electron/core/db/handle';
import { mergePackages, previewPackages } from '../../electron/core/services/packages';
import type { TestCore } from '../fixtures/core';
import { copyPersonInto, countyCensus, exportTo, HEFEI, JINGHU, LUYANG, repack, upperCensus, WUHU, YAOHAI } from '../fixtures/packages';

const opened: TestCore[] = [];
const track = <T extends TestCore>(t: T) => (opened.push(t), t);
afterAll(() => {
  for (const t of opened) t.close();
});

const trustAll = { trustNewKeys: true };
/** The first record's id (the first cell of the first row) */
const firstId = (csv: Buffer) => csv.toString('utf8').split('\r\n')[1]!.split(',')[0]!;

/** `data` with its first record's id in `resource` replaced by `taken` (records and provenance alike), signed again */
function withId(data: Buffer, resource: 'persons.csv' | 'units.csv', taken: string) {
  return repack(data, (entries) => {
    const own = firstId(entries.get(resource)!);
    // A unit's id is also its persons' unit_id
    for (const n of ['persons.csv', 'units.csv', 'provenance.csv']) entries.set(n, Buffer.from(entries.get(n)!.toString('utf8').replaceAll(own, taken), 'utf8'));
  });
}

describe('the preview of packages', () => {
  let yaohai: Buffer, luyang: Buffer, jinghu: Buffer;
  let jinghuCounty: TestCore;
  let personClash: Buffer, unitClash: Buffer, twoCounties: Buffer;

  beforeAll(async () => {
    const y = track(await countyCensus(YAOHAI, 60, 21));
    const l = track(await countyCensus(LUYANG, 50, 22));
    const j = (jinghuCounty = track(await countyCensus(JINGHU, 40, 23)));
    yaohai = (await exportTo(y, 'yaohai.hcpkg')).data;
    jinghu = (await exportTo(j, 'jinghu.hcpkg')).data;
    luyang = (await exportTo(l, 'luyang.hcpkg')).data;
    const takenPerson = (await y.call('persons.list', { offset: 0, limit: 1 })).rows[0]!.id;
    const takenUnit = (await y.call('units.list', { offset: 0, limit: 1 })).rows[0]!.id;
    personClash = await withId(luyang, 'persons.csv', takenPerson);
    unitClash = await withId(luyang, 'units.csv', takenUnit);
    // Luyang reports one of Yaohai's persons too: a case across two counties
    await copyPersonInto(y, l, 4);
    twoCounties = (await exportTo(l, 'luyang-2.hcpkg')).data;
  });

  it('into an empty census: nothing to clash with, no id looked up, the same verdicts and counts', async () => {
    const city = track(await upperCensus(HEFEI, 'city'));
    const lookups = vi.spyOn(city.core.ctx.store.packages, 'idsNotFrom');
    const idNumbers = vi.spyOn(city.core.ctx.store.packages, 'personsWithIdNumbersNotFrom');
    const r = await previewPackages(city.core.ctx, [
      { name: 'yaohai.hcpkg', data: yaohai },
      { name: 'clash.hcpkg', data: personClash },
      { name: 'two.hcpkg', data: twoCounties },
    ], trustAll);
    expect(r.map((x) => [x.status, x.reason, x.added, x.duplicatesHeld])).toEqual([
      ['ready', null, 60, 0],
      ['ready', null, 50, 0],
      ['ready', null, 51, 0],
    ]);
    expect(lookups).not.toHaveBeenCalled();
    expect(idNumbers).not.toHaveBeenCalled();
  });

  it('once another county is merged: a record id it holds refuses the package, its ID numbers are cases', async () => {
    const city = track(await upperCensus(HEFEI, 'city'));
    expect((await mergePackages(city.core.ctx, [{ name: 'yaohai.hcpkg', data: yaohai }], trustAll)).results[0]!.status).toBe('merged');
    const lookups = vi.spyOn(city.core.ctx.store.packages, 'idsNotFrom');
    const r = await previewPackages(city.core.ctx, [
      { name: 'person-clash.hcpkg', data: personClash },
      { name: 'unit-clash.hcpkg', data: unitClash },
      { name: 'two.hcpkg', data: twoCounties },
      { name: 'luyang.hcpkg', data: luyang },
    ], trustAll);
    expect(r.map((x) => [x.status, x.reason, x.duplicatesHeld])).toEqual([
      ['refused', 'id_conflict', 0],
      ['refused', 'id_conflict', 0],
      ['ready', null, 1],
      ['ready', null, 0],
    ]);
    expect(r[0]!.message).toContain('1 条记录的编号与本库中其他来源的记录相同');
    expect(lookups).toHaveBeenCalled();
    // The merge refuses the same clash the preview announced, and takes the rest
    const m = await mergePackages(city.core.ctx, [{ name: 'person-clash.hcpkg', data: personClash }, { name: 'two.hcpkg', data: twoCounties }], trustAll);
    expect(m.results.map((x) => [x.status, x.reason, x.duplicatesHeld])).toEqual([['refused', 'id_conflict', 0], ['merged', null, 1]]);
  });

  it('a resubmission of the only area stored: its own records are no clash, and no id is looked up', async () => {
    const city = track(await upperCensus(WUHU, 'city'));
    expect((await mergePackages(city.core.ctx, [{ name: 'jinghu.hcpkg', data: jinghu }], trustAll)).results[0]!.status).toBe('merged');
    const lookups = vi.spyOn(city.core.ctx.store.packages, 'idsNotFrom');
    const second = (await exportTo(jinghuCounty, 'jinghu-2.hcpkg')).data;
    const [r] = await previewPackages(city.core.ctx, [{ name: 'jinghu-2.hcpkg', data: second }], trustAll);
    expect(r).toMatchObject({ status: 'ready', sequence: 2, added: 0, replaced: 40, removed: 0, duplicatesHeld: 0 });
    expect(lookups).not.toHaveBeenCalled();
  });

  it('a folder picked again: a merged package is 已经合并过 from its signed manifest alone, in the preview and the merge', async () => {
    const city = track(await upperCensus(HEFEI, 'city'));
    expect((await mergePackages(city.core.ctx, [{ name: 'yaohai.hcpkg', data: yaohai }], trustAll)).results[0]!.status).toBe('merged');
    // The same package with its persons damaged after signing: a full read refuses it (hash), a known one is not read that far
    const damaged = await repack(yaohai, (e) => e.set('persons.csv', Buffer.concat([e.get('persons.csv')!, Buffer.from('x')])), { fixHashes: false, resign: false });
    const files = [
      { name: 'yaohai-again.hcpkg', data: yaohai },
      { name: 'yaohai-damaged.hcpkg', data: damaged },
      { name: 'luyang.hcpkg', data: luyang },
    ];
    const pv = await previewPackages(city.core.ctx, files, trustAll);
    expect(pv.map((x) => [x.status, x.reason])).toEqual([['unchanged', 'same_package'], ['unchanged', 'same_package'], ['ready', null]]);
    expect(pv[0]!.message).toContain('已经合并过，未作任何改动');
    const m = await mergePackages(city.core.ctx, files, trustAll);
    expect(m.results.map((x) => [x.status, x.reason])).toEqual([['unchanged', 'same_package'], ['unchanged', 'same_package'], ['merged', null]]);
    expect((await city.call('census.summary', {})).persons).toBe(60 + 50);
    // In a census that never merged it, the damaged copy is read in full and refused
    const fresh = track(await upperCensus(HEFEI, 'city'));
    const [r] = await previewPackages(fresh.core.ctx, [{ name: 'yaohai-damaged.hcpkg', data: damaged }], trustAll);
    expect([r!.status, r!.reason]).toEqual(['refused', 'invalid_package']);
    expect(r!.message).toContain('校验值与说明文件不符');
  });

  it('a package merged when the preview began but gone by its turn is judged from a full read', async () => {
    const city = track(await upperCensus(HEFEI, 'city'));
    expect((await mergePackages(city.core.ctx, [{ name: 'yaohai.hcpkg', data: yaohai }], trustAll)).results[0]!.status).toBe('merged');
    const store = city.core.ctx.store;
    const merged = store.packages.current()[0]!;
    // Between the preview's start and yaohai's turn its package and records go (as a restored backup would take them)
    const off = city.core.ctx.events.on('progress', (p: { label: string }) => {
      if (!p.label.includes('yaohai.hcpkg')) return;
      off();
      store.packages.removePackageData(merged.id, [YAOHAI]);
      sqliteOf(store.db).prepare('DELETE FROM packages WHERE id = ?').run(merged.id);
    });
    const r = await previewPackages(city.core.ctx, [{ name: 'luyang.hcpkg', data: luyang }, { name: 'yaohai.hcpkg', data: yaohai }], trustAll);
    expect(r.map((x) => [x.status, x.reason, x.added])).toEqual([['ready', null, 50], ['ready', null, 60]]);
  });
});
