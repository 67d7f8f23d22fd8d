/**
 * Migrations 004 (upper levels: package coverage, 审核退回 feedback) and 005 (import history, audit
 * notes): each from the version before it with data in the file, as a county's file meets a newer
 * program.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { migrate, migrations } from '../../electron/core/db/migrations';

const root = mkdtempSync(join(tmpdir(), 'hc-m004-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

function fileAt(version: number, name: string): Database.Database {
  const db = new Database(join(root, name));
  migrate(db, { to: version });
  db.prepare(`INSERT INTO settings VALUES (1, '532300', '云南省 / 楚雄彝族自治州', 'city', '2026-12-31', '楚雄州民政局', '李四', 'x')`).run();
  db.prepare(`INSERT INTO persons (id, area_code, name, created_by, created_at, updated_at) VALUES ('p1', '532322', '张三', 't', 'x', 'x')`).run();
  db.prepare(`INSERT INTO audit_log (table_name, record_id, action, field, old_value, new_value, operator, at) VALUES ('person', 'p1', 'create', NULL, NULL, NULL, 't', 'x')`).run();
  return db;
}

const cols = (db: Database.Database, t: string) => db.prepare(`SELECT name FROM pragma_table_info(?)`).pluck().all(t);

describe('migration 004 upper_levels', () => {
  it('is registered as version 4', () => {
    expect(migrations[3]).toMatchObject({ version: 4, name: 'upper_levels' });
  });

  it('adds package coverage and feedback to a version-3 file and keeps its records', () => {
    const db = fileAt(3, 'v3.sqlite');
    expect(db.prepare(`SELECT count(*) FROM sqlite_schema WHERE name IN ('package_coverage', 'feedback')`).pluck().get()).toBe(0);
    expect(migrate(db, { to: 4 })).toEqual({ from: 3, to: 4 });
    expect(db.prepare(`SELECT name FROM persons WHERE id = 'p1'`).pluck().get()).toBe('张三');
    expect(cols(db, 'package_coverage')).toEqual(['package_id', 'expected', 'included']);
    expect(cols(db, 'feedback')).toContain('question');
    const ask = db.prepare(`INSERT INTO feedback (id, direction, area_code, record_table, record_id, record_label, question, asked_by, asked_at) VALUES (?, ?, '532322', ?, ?, '张三', '请核实学历', '李四', 'x')`);
    ask.run('f1', 'sent', 'person', 'p1');
    ask.run('f2', 'received', null, null); // a question about the whole return
    expect(() => ask.run('f3', 'sideways', 'person', 'p1')).toThrow(/CHECK/);
    expect(() => ask.run('f4', 'sent', 'person', null)).toThrow(/CHECK/); // a record question names its record
    db.close();
  });
});

describe('migration 005 import_history', () => {
  it('is registered as version 5', () => {
    expect(migrations[4]).toMatchObject({ version: 5, name: 'import_history' });
  });

  it('adds import history and audit notes to a version-4 file; earlier audit entries keep no note', () => {
    const db = fileAt(4, 'v4.sqlite');
    expect(cols(db, 'audit_log')).not.toContain('note');
    expect(migrate(db, { to: 5 })).toEqual({ from: 4, to: 5 });
    expect(cols(db, 'audit_log')).toContain('note');
    expect(db.prepare(`SELECT action, note FROM audit_log WHERE record_id = 'p1'`).get()).toEqual({ action: 'create', note: null });
    expect(cols(db, 'import_batches')).toEqual(['id', 'at', 'operator', 'files', 'audit_to', 'undone_at', 'undone_by']);
    db.prepare(`INSERT INTO import_batches (id, at, operator, files, audit_to) VALUES ('i1', 'x', '李四', '[]', 1)`).run();
    const rec = db.prepare(`INSERT INTO import_records (import_id, table_name, record_id, kind) VALUES ('i1', ?, 'p1', ?)`);
    rec.run('person', 'add');
    expect(() => rec.run('person', 'add')).toThrow(/UNIQUE|PRIMARY/);
    expect(() => rec.run('team', 'update')).toThrow(/CHECK/);
    db.close();
  });
});
