/**
 * Migration 010 (persons.id unique through the named index `persons_id` instead of a primary key, so a
 * bulk merge can drop it), from a version-9 file with data in it, as a province's file meets a newer
 * program: every row kept with its rowid (the order records are listed in) and every value, every
 * index back, ids still refused twice.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { migrate, migrations } from '../../electron/core/db/migrations';
import { openExistingStore } from '../../electron/core/db';
import { BULK_INDEXES_KEY } from '../../electron/core/db/repos/packages';

const root = mkdtempSync(join(tmpdir(), 'hc-m010-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

type Sqlite = Database.Database;
const indexSql = (db: Sqlite) =>
  db.prepare(`SELECT name, sql FROM sqlite_schema WHERE type = 'index' AND tbl_name = 'persons' AND sql IS NOT NULL ORDER BY name`).all() as { name: string; sql: string }[];
const rows = (db: Sqlite) => db.prepare(`SELECT rowid, * FROM persons ORDER BY rowid`).safeIntegers(true).all();
const uniqueOnId = (db: Sqlite) =>
  (db.prepare(`SELECT name FROM pragma_index_list('persons') WHERE "unique" = 1`).pluck().all() as string[]).filter(
    (n) => (db.prepare('SELECT name FROM pragma_index_info(?)').pluck().all(n) as string[]).join() === 'id',
  );

/** A version-9 file with persons whose rowid order is not their id order, with gaps, and values of every kind */
function v9File(name: string): Sqlite {
  const db = new Database(join(root, name));
  migrate(db, { to: 9 });
  db.prepare(`INSERT INTO settings (id, area_code, area_name, level, ref_date, office_name, operator, created_at) VALUES (1, '340000', '安徽省', 'province', '2026-12-31', '安徽省民政厅', '李四', 'x')`).run();
  const add = db.prepare(
    `INSERT INTO persons (id, area_code, name, id_number, cert_year, sw_post, training_hours, domains, change_status, source_row, created_by, created_at, updated_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 't', ?, 'x')`,
  );
  const ids = ['zz-9', 'a-1', 'm-5', 'b-2', 'gone', 'c-3', '0-0', 'é-ü'];
  ids.forEach((id, i) => add.run(id, i % 2 ? '340102' : '340103', `人${i}`, `34010219900101${String(i).padStart(4, '0')}`, i % 3 ? 2020n + BigInt(i) : '二〇二〇', i % 2 ? 1n : 0n, i ? BigInt(i * 7) : null, '01,02', i === 2 ? '31' : null, i, `2026-0${(i % 9) + 1}`));
  db.prepare(`DELETE FROM persons WHERE id = 'gone'`).run();
  return db;
}

describe('migration 010 persons_id_index', () => {
  it('is registered as version 10', () => {
    expect(migrations[9]).toMatchObject({ version: 10, name: 'persons_id_index' });
  });

  it('keeps every row with its rowid and values, every index, and still refuses an id twice', () => {
    const db = v9File('v9.sqlite');
    const before = rows(db);
    const indexes = indexSql(db);
    expect(db.prepare(`SELECT pk FROM pragma_table_info('persons') WHERE name = 'id'`).pluck().get()).toBe(1);
    expect(migrate(db, { to: 10 })).toEqual({ from: 9, to: 10 });

    expect(rows(db)).toEqual(before);
    expect(before.length).toBe(7);
    expect(indexSql(db)).toEqual(expect.arrayContaining(indexes));
    expect(indexSql(db).map((x) => x.name)).toEqual([...indexes.map((x) => x.name), 'persons_id'].sort());
    expect(db.prepare(`SELECT name FROM sqlite_schema WHERE name LIKE 'sqlite_autoindex_persons%' OR name = 'persons_010'`).all()).toEqual([]);
    expect(db.prepare(`SELECT pk, "notnull" FROM pragma_table_info('persons') WHERE name = 'id'`).get()).toEqual({ pk: 0, notnull: 1 });
    expect(uniqueOnId(db)).toEqual(['persons_id']);
    // The same columns and constraints: STRICT, the CHECKs, the column order
    expect(db.prepare(`SELECT name FROM pragma_table_info('persons') ORDER BY cid`).pluck().all()).toEqual(Object.keys(before[0] as object).slice(1));
    const add = db.prepare(`INSERT INTO persons (id, area_code, created_by, created_at, updated_at) VALUES (?, '340102', 't', 'x', 'x')`);
    expect(() => add.run('a-1')).toThrow(expect.objectContaining({ code: 'SQLITE_CONSTRAINT_UNIQUE' }));
    expect(() => add.run(null)).toThrow(/NOT NULL/);
    expect(() => db.prepare(`INSERT INTO persons (id, area_code, sw_post, created_by, created_at, updated_at) VALUES ('n', '340102', 2, 't', 'x', 'x')`).run()).toThrow(/CHECK/);
    // A new record goes after the kept ones, as before
    add.run('new');
    expect(db.prepare(`SELECT id FROM persons ORDER BY rowid DESC LIMIT 1`).pluck().get()).toBe('new');
    expect(db.prepare(`SELECT max(rowid) FROM persons`).pluck().get()).toBe(9);
    // Lookups by id use the new index
    expect((db.prepare(`EXPLAIN QUERY PLAN SELECT * FROM persons WHERE id = ?`).all('m-5') as { detail: string }[]).map((r) => r.detail).join()).toContain('persons_id');
    db.close();
  });

  it('migrates a file whose bulk merge died with indexes dropped; the next open builds them again', () => {
    const db = v9File('v9-crashed.sqlite');
    const all = indexSql(db);
    const dropped = all.filter((x) => x.name === 'persons_name' || x.name === 'persons_id_number');
    db.exec('DROP INDEX persons_id_number; DROP INDEX persons_name');
    db.prepare('INSERT INTO meta (key, value) VALUES (?, ?)').run(BULK_INDEXES_KEY, JSON.stringify({ owner: 2 ** 22 + 7, indexes: dropped }));
    const before = rows(db);
    db.close();
    openExistingStore(join(root, 'v9-crashed.sqlite')).close();
    const after = new Database(join(root, 'v9-crashed.sqlite'));
    expect(after.pragma('user_version', { simple: true })).toBe(migrations.length);
    expect(rows(after)).toEqual(before);
    expect(indexSql(after).map((x) => x.name)).toEqual([...all.map((x) => x.name), 'persons_id'].sort());
    expect(uniqueOnId(after)).toEqual(['persons_id']);
    expect(after.prepare('SELECT count(*) FROM meta WHERE key = ?').pluck().get(BULK_INDEXES_KEY)).toBe(0);
    after.close();
  });
});
