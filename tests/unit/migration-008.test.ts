/**
 * Migration 008 (each received package's person counts kept in the file): from version 7 with data in
 * the file, as a city's file meets a newer program. The table starts empty — the counts of packages
 * merged before are made by the next report (report-upper-counts.test.ts) — and nothing else changes.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { migrate, migrations } from '../../electron/core/db/migrations';

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
