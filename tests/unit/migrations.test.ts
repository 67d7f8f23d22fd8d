import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { ApiError } from '../../shared/api/errors';
import { fieldsOf, type FieldType, type TableName } from '../../shared/census/dictionary';
import { openDatabase } from '../../electron/core/db';
import { sqliteOf } from '../../electron/core/db/handle';
import { APPLICATION_ID, SCHEMA_VERSION, migrate, migrations, type Migration } from '../../electron/core/db/migrations';

const root = mkdtempSync(join(tmpdir(), 'hc-migrations-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let n = 0;
/** An empty SQLite file, as the migration tests start from */
const emptyFile = () => new Database(join(root, `m${n++}.sqlite`));

type Sqlite = Database.Database;
const userVersion = (db: Sqlite) => db.pragma('user_version', { simple: true }) as number;
const tables = (db: Sqlite) =>
  db.prepare(`SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name`).pluck().all() as string[];
const columns = (db: Sqlite, table: string) =>
  db.prepare(`SELECT name, type, pk FROM pragma_table_info(?)`).all(table) as {
    name: string;
    type: string;
    pk: number;
  }[];
const indexes = (db: Sqlite) =>
  db.prepare(`SELECT tbl_name || '(' || (SELECT group_concat(name) FROM pragma_index_info(s.name)) || ')' FROM sqlite_schema s WHERE type = 'index' AND sql IS NOT NULL`)
    .pluck()
    .all() as string[];

describe('the migration runner', () => {
  it('numbers migrations 1, 2, 3… with no gaps, each named', () => {
    migrations.forEach((m, i) => {
      expect(m.version).toBe(i + 1);
      expect(m.name).toMatch(/^[a-z0-9_]+$/);
    });
    expect(SCHEMA_VERSION).toBe(migrations.length);
  });

  it('brings an empty file to the newest version, stamps the application_id, and is idempotent', () => {
    const db = emptyFile();
    expect(migrate(db)).toEqual({ from: 0, to: SCHEMA_VERSION });
    expect(userVersion(db)).toBe(SCHEMA_VERSION);
    expect(db.pragma('application_id', { simple: true })).toBe(APPLICATION_ID);
    const schema = db.prepare('SELECT sql FROM sqlite_schema ORDER BY name').pluck().all();
    expect(migrate(db)).toEqual({ from: SCHEMA_VERSION, to: SCHEMA_VERSION });
    expect(db.prepare('SELECT sql FROM sqlite_schema ORDER BY name').pluck().all()).toEqual(schema);
    db.close();
  });

  it('stops at the version asked for and never goes down', () => {
    const extra: Migration = { version: 2, name: 'extra', up: (d) => d.exec('CREATE TABLE extra (x TEXT) STRICT') };
    const list = [...migrations.slice(0, 1), extra];
    const db = emptyFile();
    migrate(db, { list, to: 1 });
    expect(userVersion(db)).toBe(1);
    expect(tables(db)).not.toContain('extra');
    migrate(db, { list });
    expect(userVersion(db)).toBe(2);
    expect(migrate(db, { list, to: 1 })).toEqual({ from: 2, to: 2 });
    expect(tables(db)).toContain('extra');
    db.close();
  });

  it('runs each migration in its own transaction: a failing one leaves the file at the previous version', () => {
    const broken: Migration = {
      version: 2,
      name: 'broken',
      up(d) {
        d.exec('CREATE TABLE half_done (x TEXT)');
        throw new Error('boom');
      },
    };
    const db = emptyFile();
    expect(() => migrate(db, { list: [...migrations.slice(0, 1), broken] })).toThrow('boom');
    expect(userVersion(db)).toBe(1);
    expect(tables(db)).not.toContain('half_done');
    expect(tables(db)).toContain('persons');
    db.close();
  });

  it('refuses a file from a newer version without touching it', () => {
    const db = emptyFile();
    migrate(db);
    db.pragma(`user_version = ${SCHEMA_VERSION + 3}`);
    let error: unknown;
    try {
      migrate(db);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).code).toBe('invalid_file');
    expect((error as ApiError).message).toContain('由更新版本的 Headcount 创建');
    expect(userVersion(db)).toBe(SCHEMA_VERSION + 3);
    db.close();
  });

  it('refuses a migration list with a gap', () => {
    const db = emptyFile();
    const gap: Migration = { version: 3, name: 'gap', up: () => {} };
    expect(() => migrate(db, { list: [...migrations, gap] })).toThrow(/expected/);
    expect(userVersion(db)).toBe(0);
    db.close();
  });
});

describe('migration 001 (from empty)', () => {
  it('creates the census tables, their indexes, and accepts a row in each', () => {
    const db = emptyFile();
    migrate(db, { to: 1 });
    expect(tables(db)).toEqual(['audit_log', 'explanations', 'meta', 'persons', 'settings', 'units']);
    expect(indexes(db)).toEqual(
      expect.arrayContaining(['persons(id_number)', 'persons(unit_id)', 'persons(name)', 'units(credit_code)', 'audit_log(table_name,record_id)']),
    );
    db.prepare(`INSERT INTO settings VALUES (1, '110105', '朝阳区', 'county', '2026-06-30', '民政局', '张三', 'now')`).run();
    expect(() => db.prepare(`INSERT INTO settings VALUES (2, '110105', '朝阳区', 'county', '2026-06-30', '民政局', '张三', 'now')`).run()).toThrow(
      /CHECK/,
    );
    db.prepare(`INSERT INTO persons (id, area_code, name, sw_post, domains, created_by, created_at, updated_at) VALUES ('p1', '110105', '李四', 1, '01,02', 'x', 'a', 'a')`).run();
    expect(() => db.prepare(`INSERT INTO persons (id, area_code, sw_post, created_by, created_at, updated_at) VALUES ('p2', '110105', 2, 'x', 'a', 'a')`).run()).toThrow(/CHECK/);
    // Numeric columns keep an unreadable answer as text (for validation to flag) but refuse other types.
    db.prepare(`INSERT INTO units (id, area_code, staff_count, created_by, created_at, updated_at) VALUES ('u1', '110105', 'many', 'x', 'a', 'a')`).run();
    expect(db.prepare(`SELECT staff_count FROM units WHERE id = 'u1'`).pluck().get()).toBe('many');
    expect(() => db.prepare(`INSERT INTO units (id, area_code, staff_count, created_by, created_at, updated_at) VALUES ('u2', '110105', 1.5, 'x', 'a', 'a')`).run()).toThrow(
      /CHECK/,
    );
    // STRICT: a number in a TEXT column is stored as text, never as a float that loses digits.
    db.prepare(`INSERT INTO persons (id, area_code, id_number, created_by, created_at, updated_at) VALUES ('p3', '110105', 110105194912310021, 'x', 'a', 'a')`).run();
    expect(db.prepare(`SELECT typeof(id_number) FROM persons WHERE id = 'p3'`).pluck().get()).toBe('text');
    db.prepare(`INSERT INTO audit_log (table_name, record_id, action, operator, at) VALUES ('person', 'p1', 'create', 'x', 'a')`).run();
    expect(() => db.prepare(`INSERT INTO audit_log (table_name, record_id, action, operator, at) VALUES ('person', 'p1', 'rename', 'x', 'a')`).run()).toThrow(/CHECK/);
    db.prepare(`INSERT INTO explanations VALUES ('person', 'p1', 'trainingHours', 'training_high', '确实参加了', 'x', 'a')`).run();
    expect(() => db.prepare(`INSERT INTO explanations VALUES ('person', 'p1', 'trainingHours', 'training_high', '重复', 'x', 'a')`).run()).toThrow(/UNIQUE/);
    db.prepare(`INSERT INTO meta VALUES ('k', '{"a":1}')`).run();
    expect(db.prepare(`SELECT count(*) FROM persons`).pluck().get()).toBe(2);
    db.close();
  });
});

describe('the dictionary and the migrated schema agree', () => {
  const expectedType = (t: FieldType) => (t === 'integer' || t === 'year' || t === 'boolean' ? 'ANY' : 'TEXT');
  const tableOf: Record<TableName, string> = { person: 'persons', unit: 'units' };
  const db = sqliteOf(openDatabase(join(root, 'final.sqlite')));

  for (const table of ['person', 'unit'] as const) {
    it(`every ${table} field has its column, of the right type, in the final schema`, () => {
      const cols = new Map(columns(db, tableOf[table]).map((c) => [c.name, c]));
      const missing = fieldsOf[table].filter((f) => !cols.has(f.column)).map((f) => f.column);
      expect(missing, 'add a migration for these dictionary fields').toEqual([]);
      for (const f of fieldsOf[table]) expect(`${f.column} ${cols.get(f.column)?.type}`).toBe(`${f.column} ${expectedType(f.type)}`);
    });

    it(`${tableOf[table]} has no data column the dictionary does not know`, () => {
      const known = new Set([
        'id', 'area_code', 'source_file', 'source_sheet', 'source_row', 'created_by', 'created_at', 'updated_at',
        ...fieldsOf[table].map((f) => f.column),
      ]);
      expect(columns(db, tableOf[table]).map((c) => c.name).filter((c) => !known.has(c))).toEqual([]);
      // Units keep the id as primary key; persons keep it unique through a named index a bulk merge can drop (migration 010)
      const id = (db.prepare(`SELECT pk, "notnull" FROM pragma_table_info(?) WHERE name = 'id'`).get(tableOf[table]) as { pk: number; notnull: number });
      if (table === 'unit') expect(id.pk).toBe(1);
      else {
        expect(id).toEqual({ pk: 0, notnull: 1 });
        expect(db.prepare(`SELECT "unique" FROM pragma_index_list('persons') WHERE name = 'persons_id'`).pluck().get()).toBe(1);
        expect(db.prepare(`SELECT name FROM pragma_index_info('persons_id')`).pluck().all()).toEqual(['id']);
      }
    });
  }
});
