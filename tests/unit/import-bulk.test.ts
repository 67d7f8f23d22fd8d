/**
 * A census-size import (enough rows that the write builds the persons' ID-number, name and unit
 * indexes once after the insert instead of row by row): the indexes are all there afterwards, the
 * records are found through them, the import can be undone, and a write that fails half-way leaves
 * the database — its indexes included — exactly as it was.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { DONGCHENG, freshCensusEachTest, type TestCore } from '../fixtures/core';
import { makeIdNumber, writeCsv } from '../fixtures/township-returns';

const ROWS = 25_000;

let t: TestCore;
freshCensusEachTest(DONGCHENG, (core) => (t = core));

function bigReturn(): string {
  const rows: (string | number)[][] = [['姓名', '证件号码', '学历', '所在单位']];
  for (let i = 0; i < ROWS; i++) {
    // 40 years × 12 months × 28 days, then the sequence number: every ID number distinct
    const birth = `${1960 + (i % 40)}${String(1 + (Math.floor(i / 40) % 12)).padStart(2, '0')}${String(1 + (Math.floor(i / 480) % 28)).padStart(2, '0')}`;
    rows.push([`批量${i}`, makeIdNumber(birth, 100 + Math.floor(i / 13_440)), '本科', `单位${i % 50}`]);
  }
  return writeCsv(path.join(t.dir, '批量.csv'), rows, 'gbk');
}

/** The persons table's indexes as SQLite has them, read through a second connection */
function personIndexes(): string[] {
  const db = new Database(t.core.ctx.store.path, { readonly: true });
  try {
    return (db.prepare(`SELECT name || ': ' || sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'persons' AND sql IS NOT NULL ORDER BY name`).pluck().all() as string[]);
  } finally {
    db.close();
  }
}

describe('a census-size import', () => {
  it('writes every row, keeps every index, finds people by ID number and name, and can be undone', async () => {
    const indexes = personIndexes();
    expect(indexes.map((s) => s.split(':')[0])).toEqual(expect.arrayContaining(['persons_id_number', 'persons_name', 'persons_unit_id']));
    const file = bigReturn();
    const p = await t.call('io.import.preview', { files: [{ name: '批量.csv', dataBase64: readFileSync(file).toString('base64') }] });
    expect(p.totals.toAdd).toBe(ROWS);
    const r = await t.call('io.import.commit', { importId: p.importId });
    expect(r.added).toBe(ROWS);
    expect(personIndexes()).toEqual(indexes);
    expect((await t.call('persons.list', {})).total).toBe(ROWS);
    const found = await t.call('persons.list', { search: '批量24999' });
    expect(found.rows.map((x) => x.data.name)).toEqual(['批量24999']);
    const byId = await t.call('persons.list', { search: String(found.rows[0]!.data.idNumber) });
    expect(byId.total).toBe(1);
    // The import's entry in each record's history says where it came from
    const history = await t.call('history.list', { table: 'person', recordId: found.rows[0]!.id });
    expect(history.some((h) => h.action === 'import')).toBe(true);

    const list = await t.call('io.imports.list', {});
    expect(list[0]).toMatchObject({ id: r.importId, undoBlocked: null });
    expect(await t.call('io.imports.undo', { importId: r.importId! })).toMatchObject({ removed: ROWS + 50, restored: 0 });
    expect((await t.call('persons.list', {})).total).toBe(0);
    expect((await t.call('units.list', {})).total).toBe(0);
    expect(personIndexes()).toEqual(indexes);
  }, 120_000);

  it('leaves the indexes as they were when the write fails after they were dropped', () => {
    const indexes = personIndexes();
    const store = t.core.ctx.store;
    expect(() =>
      store.tx(() => {
        store.imports.suspendScatteredIndexes('person');
        throw new Error('the write failed');
      }),
    ).toThrow('the write failed');
    expect(personIndexes()).toEqual(indexes);
  });
});
