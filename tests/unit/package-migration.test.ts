/** Migration 002 (packages): migrate to 1, insert, migrate to 2, assert the data and the new tables. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { migrate } from '../../electron/core/db/migrations';

const root = mkdtempSync(join(tmpdir(), 'hc-mig002-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const tables = (db: Database.Database) =>
  db.prepare(`SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name`).pluck().all() as string[];

const pkgRow = (id: string, area: string, status: string) => ({ id, area, status, seq: 1 });

function insertPackage(db: Database.Database, p: ReturnType<typeof pkgRow>) {
  db.prepare(`INSERT INTO packages (id, area_code, area_name, level, ref_date, sequence, office_name, operator, created_at, app_version,
    divisions_version, schema_version, persons, units, explanations, declared_errors, declared_warnings, declared_unexplained, declared_pending,
    sources, area_codes, first_packages, signer_fingerprint, manifest_sha256, file_name, received_at, received_by, status)
    VALUES (?, ?, '瑶海区', 'county', '2026-12-31', ?, '民政局', '张三', 'now', '0.1.0', 'x', 1, 1, 0, 0, 0, 0, 0, 0, '[]', '["340102"]', '{}', 'fp', 'h', 'f.hcpkg', 'now', '李四', ?)`)
    .run(p.id, p.area, p.seq, p.status);
}

describe('migration 002 (packages)', () => {
  it('keeps version-1 data, adds the package tables and indexes records by area code', () => {
    const db = new Database(join(root, 'm.sqlite'));
    migrate(db, { to: 1 });
    db.prepare(`INSERT INTO persons (id, area_code, name, id_number, created_by, created_at, updated_at) VALUES ('p1', '340102', '王五', '11010519491231002X', 'x', 'a', 'a')`).run();
    db.prepare(`INSERT INTO persons (id, area_code, name, created_by, created_at, updated_at) VALUES ('p2', '340102', '赵六', 'x', 'a', 'a')`).run();
    expect(tables(db)).not.toContain('packages');

    migrate(db, { to: 2 });
    expect(db.pragma('user_version', { simple: true })).toBe(2);
    expect(tables(db)).toEqual(expect.arrayContaining([
      'packages', 'received_audit', 'package_decisions', 'duplicate_decisions', 'office_key', 'trusted_keys', 'exports',
    ]));
    expect(db.prepare(`SELECT name FROM persons ORDER BY id`).pluck().all()).toEqual(['王五', '赵六']);

    insertPackage(db, pkgRow('pkg1', '340102', 'current'));
    // One current package per area.
    expect(() => insertPackage(db, pkgRow('pkg2', '340102', 'current'))).toThrow(/UNIQUE/);
    insertPackage(db, pkgRow('pkg0', '340102', 'superseded'));
    db.pragma('foreign_keys = ON');
    expect(() => db.prepare(`INSERT INTO received_audit VALUES ('nope', 1, 'person', 'p1', 'create', NULL, NULL, NULL, 'x', 'now')`).run()).toThrow(/FOREIGN KEY/);
    // A package's records are found by area code, through an index.
    const plan = db.prepare(`EXPLAIN QUERY PLAN SELECT id FROM persons WHERE area_code IN (SELECT value FROM json_each('["340102"]'))`).all() as { detail: string }[];
    expect(plan.map((r) => r.detail).join(' ')).toContain('persons_area_code');

    db.prepare(`INSERT INTO trusted_keys VALUES ('340102', 'aa', 'k1', '民政局', 'now', '李四', NULL)`).run();
    expect(() => db.prepare(`INSERT INTO trusted_keys VALUES ('340102', 'bb', 'k2', '民政局', 'now', '李四', NULL)`).run()).toThrow(/UNIQUE/);
    db.prepare(`INSERT INTO trusted_keys VALUES ('340102', 'bb', 'k2', '民政局', 'now', '李四', 'later')`).run();
    expect(() => db.prepare(`INSERT INTO office_key VALUES (2, 'p', 's', 'f', 'now')`).run()).toThrow(/CHECK/);
    expect(() => db.prepare(`INSERT INTO exports VALUES (1, 'x', 'f', 1, 1, 2, 'op', 'now', NULL)`).run()).toThrow(/CHECK/);
    db.close();
  });
});
