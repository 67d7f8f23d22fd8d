/**
 * An import into a census whose issues are cached brings that cache up to date from the records it
 * wrote (recordsChanged), instead of leaving the next read to validate the whole census again: the
 * cache object stays the same, and what it serves equals a validation from scratch of the stored census
 * after every kind of import — new persons, persons naming units nobody registered, a unit file that
 * registers them (linking those persons), a re-import that changes fields, duplicates with earlier
 * records, clerk text in number and yes/no columns — and after undoing one.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { issueKey, type Issue } from '../../shared/census/issues';
import { validateCensus } from '../../shared/census/validate';
import { validationContext } from '../../electron/core/services/context';
import { censusIssues } from '../../electron/core/services/issues';
import { DONGCHENG, openTestCore, removeDir, type TestCore } from '../fixtures/core';
import { writeRealReturns } from '../fixtures/real-returns';
import { fieldsOf } from '../../shared/census/dictionary';
import { generateDemo } from '../../shared/demo';
import { cellValue } from '../../shared/io';
import { validPerson } from '../fixtures/records';
import { correctedWorkbookSheets, csvRows, makeIdNumber, messyWorkbookSheets, PEOPLE, UNITS, writeCsv, writeXlsx, type FixtureCell } from '../fixtures/township-returns';

let t: TestCore | undefined;
afterEach(() => {
  if (t) {
    t.core.close();
    removeDir(t.dir);
    t = undefined;
  }
});

async function census(): Promise<TestCore> {
  t = await openTestCore();
  await t.call('census.setup', DONGCHENG);
  return t;
}

const upload = (file: string) => ({ name: path.basename(file), dataBase64: readFileSync(file).toString('base64') });

async function importFile(tc: TestCore, file: string) {
  const p = await tc.call('io.import.preview', { files: [upload(file)] });
  return tc.call('io.import.commit', { importId: p.importId });
}

/**
 * What the cache serves, against a from-scratch validation of the census as stored. `warm`: the cache
 * read before the import, which must still be the one served (the import was taken in, not left to a
 * fresh full pass).
 */
async function expectCacheMatchesFullPass(tc: TestCore, warm: ReturnType<typeof censusIssues> | null) {
  if (warm) expect(censusIssues(tc.core.ctx)).toBe(warm);
  const cached = (await tc.call('issues.list', { limit: 1_000_000 })).issues.map((i) => `${issueKey(i)}|${i.message}|${i.recordLabel}|${i.source?.file ?? ''}:${i.source?.row ?? ''}`).sort();
  const ctx = tc.core.ctx;
  const persons = [...ctx.store.persons.iterate()];
  const units = [...ctx.store.units.iterate()];
  const byId = new Map([...persons, ...units].map((r) => [r.id, r]));
  const full = validateCensus({ persons: () => persons, units: () => units }, validationContext(ctx, ctx.store.settings.get()!))
    .map((i: Issue) => {
      const r = byId.get(i.recordId)!;
      const label = String((i.table === 'person' ? r.data.name : r.data.name ?? r.data.creditCode) ?? '');
      return `${issueKey(i)}|${i.message}|${label}|${r.source?.file ?? ''}:${r.source?.row ?? ''}`;
    })
    .sort();
  expect(cached).toEqual(full);
  return cached.length;
}

describe('an import with the issues cached', () => {
  it('takes a return that registers a unit persons named, a corrected return, duplicates, clerk text and an undo into the cache', async () => {
    const tc = await census();
    // 交道口街道's return first, with nothing cached: the census the next imports go into.
    await importFile(tc, (await writeRealReturns(tc.dir)).files.csv);
    const warm = censusIssues(tc.core.ctx);
    // Entered by hand before any return arrived: her unit cell holds a name no unit has (所在单位未登记).
    const early = (await tc.call('persons.create', { data: validPerson({ name: '早登记', idNumber: makeIdNumber('1980-02-02', 91), unitId: UNITS.station.name }) })).row;
    expect((await tc.call('issues.list', { limit: 100, recordId: early.id })).issues.map((i) => i.rule)).toContain('unit_missing');
    // 东华门街道's return registers that unit: she is linked to it in the same write, which the cache
    // learns only from the write's own list of linked persons. 孙八's check digit is wrong and 李四's ID
    // arrives as Excel's number.
    await importFile(tc, await writeXlsx(path.join(tc.dir, '东华门街道.xlsx'), messyWorkbookSheets()));
    await expectCacheMatchesFullPass(tc, warm);
    expect((await tc.call('issues.list', { limit: 100, recordId: early.id })).issues.map((i) => i.rule)).not.toContain('unit_missing');
    expect((await tc.call('issues.list', { limit: 1000 })).issues.map((i) => i.rule)).toEqual(expect.arrayContaining(['id_checksum', 'id_excel_number']));
    // The corrected return: 张三's hours and phone changed (updates), 孙八 under his right ID number (a new record).
    const corrected = await importFile(tc, await writeXlsx(path.join(tc.dir, '更正.xlsx'), correctedWorkbookSheets()));
    expect(corrected.files[0]!.updated).toBeGreaterThan(0);
    await expectCacheMatchesFullPass(tc, warm);
    // A CSV whose two persons share one ID number (duplicate_id on both), with clerk text in a number
    // and a yes/no column and a fraction in an integer column.
    const rows = csvRows();
    rows[2]![1] = PEOPLE.zhou.id;
    rows[2]![18] = '十二';
    // Kept as the text 12.5 (not an integer): the cache must see it as stored, not as the number read.
    rows[1]![18] = '12.5';
    rows[2]![14] = '也许';
    const csv = await importFile(tc, writeCsv(path.join(tc.dir, '景山街道.csv'), rows, 'gbk'));
    await expectCacheMatchesFullPass(tc, warm);
    const duplicates = async () => (await tc.call('issues.list', { limit: 1000, rule: 'duplicate_id' })).issues.map((i) => i.recordLabel).sort();
    // 李四 twice: her ID arrived as Excel's number, which matches nobody, in both returns.
    expect(await duplicates()).toEqual(['吴十', '周九', '李四', '李四']);
    // Undone: its duplicates go with it.
    await tc.call('io.imports.undo', { importId: csv.importId! });
    await expectCacheMatchesFullPass(tc, warm);
    expect(await duplicates()).toEqual(['李四', '李四']);
  });

  it('keeps the cache equal to a full pass over three real township returns imported one after another', async () => {
    const tc = await census();
    const real = await writeRealReturns(tc.dir);
    await importFile(tc, real.files.tidy);
    const warm = censusIssues(tc.core.ctx);
    for (const file of [real.files.messy, real.files.csv]) {
      await importFile(tc, file);
      await expectCacheMatchesFullPass(tc, warm);
    }
    expect(warm.counts.error + warm.counts.warning).toBeGreaterThan(0);
  });

  it('leaves a census-size import into a smaller census to the next full pass', async () => {
    const tc = await census();
    await tc.call('persons.create', { data: validPerson({ name: '早登记', idNumber: makeIdNumber('1980-02-02', 91), unitId: UNITS.station.name }) });
    const warm = censusIssues(tc.core.ctx);
    // 10,200 persons (more than are always taken in) into a census of one: validated on the next read,
    // not in the import's reply.
    const demo = generateDemo({ areaCode: DONGCHENG.areaCode, townships: [{ code: '110101001', name: '东华门街道', countyCode: '110101' }], persons: 10_200, units: 40, seed: 3, refDate: DONGCHENG.refDate });
    const names = new Map(demo.units.map((u) => [u.id, String(u.data.name)]));
    const rows = [fieldsOf.person.map((f) => f.label), ...demo.persons.map((p) => fieldsOf.person.map((f) => cellValue(f, p.data[f.key], 'labels', { unitName: (id) => names.get(id) ?? null, townshipName: () => '东华门街道' }) as FixtureCell))];
    const r = await importFile(tc, writeCsv(path.join(tc.dir, '东华门街道全部.csv'), rows, 'utf-8'));
    expect(r.added).toBe(10_200);
    expect(censusIssues(tc.core.ctx)).not.toBe(warm);
    await expectCacheMatchesFullPass(tc, null);
  });

  it('counts a new person whose ID number an earlier person has as a duplicate of both', async () => {
    const tc = await census();
    const id = makeIdNumber('1990-01-01', 17);
    const header = ['姓名', '身份证号码', '学历'];
    await importFile(tc, writeCsv(path.join(tc.dir, 'a.csv'), [header, ['甲', id, '本科']], 'utf-8'));
    const warm = censusIssues(tc.core.ctx);
    expect((await tc.call('issues.list', { limit: 100, rule: 'duplicate_id' })).total).toBe(0);
    // 甲's row again, unchanged (not written), then 乙 with the same ID number, added: 甲's record is
    // not among what the import wrote, and must be re-validated all the same.
    const second = await importFile(tc, writeCsv(path.join(tc.dir, 'b.csv'), [header, ['甲', id, '本科'], ['乙', id, '大专']], 'utf-8'));
    expect(second.files[0]).toMatchObject({ added: 1, updated: 0, unchanged: 1 });
    await expectCacheMatchesFullPass(tc, warm);
    const dup = (await tc.call('issues.list', { limit: 100, rule: 'duplicate_id' })).issues;
    expect(dup.map((i) => i.recordLabel).sort()).toEqual(['乙', '甲']);
  });
});
