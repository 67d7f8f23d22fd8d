/**
 * Migrations 008 (each received package's person counts kept in the file) and 009 (the ID-number index
 * covers area code and 变动情况), each from the version before it with data in the file, as a city's
 * file meets a newer program. 008's table starts empty — the counts of packages merged before are made
 * by the next report (report-upper-counts.test.ts) — and nothing else changes.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { migrate, migrations } from '../../electron/core/db/migrations';
import { openExistingStore } from '../../electron/core/db';
import { BULK_INDEXES_KEY } from '../../electron/core/db/repos/packages';

const root = mkdtempSync(join(tmpdir(), 'hc-m008-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('migration 008 package_person_counts', () => {
  it('is registered as version 8', () => {
    expect(migrations[7]).toMatchObject({ version: 8, name: 'package_person_counts' });
  });

  it('adds an empty table of kept counts to a version-7 file and keeps its records', () => {
    const db = new Database(join(root, 'v7.sqlite'));
    migrate(db, { to: 7 });
    db.prepare(`INSERT INTO settings (id, area_code, area_name, level, ref_date, office_name, operator, created_at) VALUES (1, '340100', '安徽省 / 合肥市', 'city', '2026-12-31', '合肥市民政局', '李四', 'x')`).run();
    db.prepare(`INSERT INTO persons (id, area_code, name, created_by, created_at, updated_at) VALUES ('p1', '340102', '张三', 't', 'x', 'x')`).run();
    const before = db.prepare(`SELECT sql FROM sqlite_schema WHERE tbl_name <> 'package_person_counts' ORDER BY name`).pluck().all();

    expect(migrate(db, { to: 8 })).toEqual({ from: 7, to: 8 });
    expect(db.prepare(`SELECT name FROM persons WHERE id = 'p1'`).pluck().get()).toBe('张三');
    expect(db.prepare(`SELECT name, type, pk FROM pragma_table_info('package_person_counts')`).all()).toEqual([
      { name: 'package_id', type: 'TEXT', pk: 1 },
      { name: 'manifest_sha256', type: 'TEXT', pk: 0 },
      { name: 'counts_key', type: 'TEXT', pk: 0 },
      { name: 'cells', type: 'BLOB', pk: 0 },
    ]);
    expect(db.prepare('SELECT count(*) FROM package_person_counts').pluck().get()).toBe(0);
    expect(db.prepare(`SELECT sql FROM sqlite_schema WHERE tbl_name <> 'package_person_counts' ORDER BY name`).pluck().all()).toEqual(before);
    // STRICT: counts are bytes, never text that merely looks like them
    expect(() => db.prepare(`INSERT INTO package_person_counts VALUES ('a', 'b', 'c', 12)`).run()).toThrow();
    db.close();
  });
});

describe('migration 009 id_number_covering', () => {
  const indexColumns = (db: Database.Database, name: string) => db.prepare('SELECT name FROM pragma_index_info(?) ORDER BY seqno').pluck().all(name);
  // What duplicates.ts asks of a province: ID numbers that two areas report, those who left aside
  const crossArea = `SELECT id_number FROM persons WHERE id_number IS NOT NULL AND id_number <> '' AND coalesce(change_status, '') NOT GLOB '3?'
                     GROUP BY id_number HAVING count(DISTINCT area_code) > 1`;

  function v8File(name: string): Database.Database {
    const db = new Database(join(root, name));
    migrate(db, { to: 8 });
    db.prepare(`INSERT INTO settings (id, area_code, area_name, level, ref_date, office_name, operator, created_at) VALUES (1, '340100', '安徽省 / 合肥市', 'city', '2026-12-31', '合肥市民政局', '李四', 'x')`).run();
    const add = db.prepare(`INSERT INTO persons (id, area_code, name, id_number, change_status, created_by, created_at, updated_at) VALUES (?, ?, '张三', ?, ?, 't', 'x', 'x')`);
    add.run('p1', '340102', '340102199001010011', null);
    add.run('p2', '340103', '340102199001010011', null);
    add.run('p3', '340103', '340102199001010022', '31');
    return db;
  }

  it('is registered as version 9', () => {
    expect(migrations[8]).toMatchObject({ version: 9, name: 'id_number_covering' });
  });

  it('makes the ID-number index cover area code and 变动情况, so the cross-area scan reads the index alone', () => {
    const db = v8File('v8.sqlite');
    expect(indexColumns(db, 'persons_id_number')).toEqual(['id_number']);
    const plan = () => (db.prepare(`EXPLAIN QUERY PLAN ${crossArea}`).all() as { detail: string }[]).map((r) => r.detail).join(' | ');
    expect(plan()).not.toContain('COVERING INDEX persons_id_number');
    expect(migrate(db, { to: 9 })).toEqual({ from: 8, to: 9 });
    expect(indexColumns(db, 'persons_id_number')).toEqual(['id_number', 'area_code', 'change_status']);
    expect(plan()).toContain('COVERING INDEX persons_id_number');
    expect(db.prepare(crossArea).pluck().all()).toEqual(['340102199001010011']);
    expect(db.prepare(`SELECT count(*) FROM persons`).pluck().get()).toBe(3);
    db.close();
  });

  it('migrates a file whose bulk merge died with the index dropped, and keeps the new index when the rest are rebuilt', () => {
    const db = v8File('v8-crashed.sqlite');
    const dropped = db.prepare(`SELECT name, sql FROM sqlite_master WHERE name IN ('persons_id_number', 'persons_name') ORDER BY name`).all();
    db.exec('DROP INDEX persons_id_number; DROP INDEX persons_name');
    // A process id that is not running: the next open rebuilds what it dropped
    db.prepare('INSERT INTO meta (key, value) VALUES (?, ?)').run(BULK_INDEXES_KEY, JSON.stringify({ owner: 2 ** 22 + 7, indexes: dropped }));
    db.close();
    const store = openExistingStore(join(root, 'v8-crashed.sqlite'));
    store.close();
    const after = new Database(join(root, 'v8-crashed.sqlite'));
    expect(after.pragma('user_version', { simple: true })).toBe(migrations.length);
    expect(indexColumns(after, 'persons_id_number')).toEqual(['id_number', 'area_code', 'change_status']);
    expect(indexColumns(after, 'persons_name')).toEqual(['name']);
    expect(after.prepare('SELECT count(*) FROM meta WHERE key = ?').pluck().get(BULK_INDEXES_KEY)).toBe(0);
    after.close();
  });
});
