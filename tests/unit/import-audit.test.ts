/**
 * What an import leaves in each record's history and in the import history: the added records'
 * source entries are written by SQL from the rows just inserted (one per record, from their rowid
 * range), so these tests hold every added record — and no other — to exactly one entry whose text is
 * JSON.stringify of its source, across files, sheets, a CSV's missing sheet and names that need
 * escaping, and hold undo to removing exactly those records.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { TableName } from '../../shared/census/dictionary';
import { DONGCHENG, freshCensusEachTest, type TestCore } from '../fixtures/core';
import { makeCreditCode, makeIdNumber, writeCsv, writeXlsx } from '../fixtures/township-returns';

let t: TestCore;
freshCensusEachTest(DONGCHENG, (core) => (t = core));

const upload = (file: string) => ({ name: path.basename(file), dataBase64: readFileSync(file).toString('base64') });

async function importFiles(...files: string[]) {
  const p = await t.call('io.import.preview', { files: files.map(upload) });
  return t.call('io.import.commit', { importId: p.importId });
}

async function all(table: TableName) {
  return (await t.call(table === 'person' ? 'persons.list' : 'units.list', { limit: 10_000 })).rows;
}

async function history(table: TableName, recordId: string) {
  return t.call('history.list', { table, recordId });
}

describe("an import's audit trail", () => {
  it('gives every added record one import entry naming its own file, sheet and row, and no entry to records it did not add', async () => {
    // An earlier import, so the second one's rows do not start at the tables' first rowid
    const earlier = await importFiles(writeCsv(path.join(t.dir, '早先.csv'), [
      ['姓名', '证件号码', '所在单位'],
      ['早一', makeIdNumber('19800101', 11), '早先的单位'],
      ['早二', makeIdNumber('19800102', 12), '早先的单位'],
    ], 'utf-8'));
    expect(earlier).toMatchObject({ added: 2 });
    const before = new Map<string, number>();
    for (const table of ['person', 'unit'] as const) for (const r of await all(table)) before.set(r.id, (await history(table, r.id)).length);
    expect(before.size).toBe(3);

    // One batch: a GBK CSV (no sheet; a file name with a quote) naming a unit no one has, and a
    // workbook with a units sheet and a persons sheet whose name needs escaping too.
    const csv = writeCsv(path.join(t.dir, '东华门"一".csv'), [
      ['姓名', '证件号码', '服务领域', '所在单位'],
      ['甲一', makeIdNumber('19900101', 21), '社区治理', '新的服务站'],
      ['甲二', makeIdNumber('19900102', 22), '', '新的服务站'],
      ['甲三', makeIdNumber('19900103', 23), '', '东华门社工站'],
    ], 'gbk');
    const xlsx = await writeXlsx(path.join(t.dir, '景山街道.xlsx'), [
      { name: '单位', rows: [['单位名称', '统一社会信用代码'], ['东华门社工站', makeCreditCode('52110101MJ000001')], ['景山社工站', makeCreditCode('52110101MJ000002')]] },
      { name: '人员"二"', rows: [['姓名', '证件号码', '所在单位'], ['乙一', makeIdNumber('19910101', 31), '景山社工站'], ['乙二', makeIdNumber('19910102', 32), '景山社工站']] },
    ]);
    const r = await importFiles(csv, xlsx);
    expect(r.added).toBe(3 + 2 + 2);

    let added = 0;
    for (const table of ['person', 'unit'] as const) {
      for (const rec of await all(table)) {
        const h = await history(table, rec.id);
        if (before.has(rec.id)) {
          expect(h.length, `${rec.data.name}: no new entry`).toBe(before.get(rec.id));
          continue;
        }
        added++;
        const whole = h.filter((e) => e.action === 'import' && e.field === null);
        expect(whole, String(rec.data.name)).toEqual([expect.objectContaining({ operator: DONGCHENG.operator, oldValue: null, newValue: JSON.stringify(rec.source) })]);
        // The entry comes first, whatever the import derived or filled follows it
        expect(h[0]!.id, String(rec.data.name)).toBe(whole[0]!.id);
      }
    }
    expect(added).toBe(3 + 2 + 2 + 1);
    const jia = (await all('person')).find((p) => p.data.name === '甲一')!;
    expect(jia.source).toEqual({ file: '东华门"一".csv', row: 2 });
    expect(jia.data.primaryDomain).toBeTruthy();
    expect((await history('person', jia.id)).map((e) => [e.field, e.note])).toEqual([
      [null, null],
      ['primaryDomain', JSON.stringify({ derivedFrom: 'domains' })],
    ]);
    const yi = (await all('person')).find((p) => p.data.name === '乙二')!;
    expect(JSON.parse((await history('person', yi.id))[0]!.newValue!)).toEqual({ file: '景山街道.xlsx', sheet: '人员"二"', row: 3 });
    // The unit created from the persons' unit cell names the first row that named it
    const station = (await all('unit')).find((u) => u.data.name === '新的服务站')!;
    expect(JSON.parse((await history('unit', station.id))[0]!.newValue!)).toEqual(station.source);

    // Undo removes exactly what the import added, each record's whole data kept in its delete entry (written by SQL)
    const imported = [...(await all('person')).map((x) => ['person', x] as const), ...(await all('unit')).map((x) => ['unit', x] as const)].filter(([, x]) => !before.has(x.id));
    expect(await t.call('io.imports.undo', { importId: r.importId! })).toEqual({ removed: 8, restored: 0 });
    const left = [...(await all('person')), ...(await all('unit'))].map((x) => x.id).sort();
    expect(left).toEqual([...before.keys()].sort());
    expect(imported).toHaveLength(8);
    for (const [table, x] of imported) {
      const last = (await history(table, x.id)).at(-1)!;
      expect(last).toMatchObject({ action: 'delete', field: null, newValue: null, note: JSON.stringify({ undoImport: r.importId }) });
      expect(last.oldValue).toBe(JSON.stringify(x.data));
    }
  });
});
