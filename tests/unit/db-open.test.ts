import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { ApiError } from '../../shared/api/errors';
import {
  APPLICATION_ID,
  SCHEMA_VERSION,
  createStore,
  inspectDatabaseFile,
  integrityCheck,
  isHeadcountDatabase,
  openDatabase,
  openExistingDatabase,
} from '../../electron/core/db';
import { sqliteOf } from '../../electron/core/db/handle';
import { sampleRow } from '../fixtures/db-records';

const root = mkdtempSync(join(tmpdir(), 'hc-db-open-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let n = 0;
const fresh = (name = 'census.sqlite') => {
  const dir = join(root, String(n++));
  mkdirSync(dir);
  return join(dir, name);
};
const hashOf = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex');

/** A new census file holding one person, closed */
function censusWithOnePerson() {
  const path = fresh();
  const store = createStore(path);
  const row = sampleRow('person', 1);
  store.persons.insert(row);
  store.close();
  return { path, row };
}

function apiErrorOf(fn: () => unknown): ApiError {
  try {
    fn();
  } catch (e) {
    if (e instanceof ApiError) return e;
    throw e;
  }
  throw new Error('expected an ApiError');
}

/** A SQLite file of another program, written in WAL mode like many apps do */
function foreignSqlite(path: string): void {
  const other = new Database(path);
  other.pragma('journal_mode = WAL');
  other.exec(`CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT); INSERT INTO notes (body) VALUES ('hello');`);
  other.close();
}

describe('openDatabase', () => {
  it('creates a new file with WAL, FULL sync, foreign keys, the Headcount application_id and the newest schema', () => {
    const path = fresh();
    const db = openDatabase(path);
    const sqlite = sqliteOf(db);
    expect(sqlite.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(sqlite.pragma('synchronous', { simple: true })).toBe(2);
    expect(sqlite.pragma('foreign_keys', { simple: true })).toBe(1);
    expect(sqlite.pragma('busy_timeout', { simple: true })).toBeGreaterThan(0);
    expect(sqlite.pragma('application_id', { simple: true })).toBe(APPLICATION_ID);
    expect(sqlite.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
    expect(integrityCheck(db)).toEqual(['ok']);
    db.close();
    expect(isHeadcountDatabase(path)).toBe(true);
  });

  it('makes new files with 16 KiB pages and checkpoints the WAL at 64 MB', () => {
    const path = fresh();
    const store = createStore(path);
    store.persons.insert(sampleRow('person', 1));
    const sqlite = sqliteOf(store.db);
    expect(sqlite.pragma('page_size', { simple: true })).toBe(16384);
    expect(sqlite.pragma('wal_autocheckpoint', { simple: true })).toBe(4096);
    expect(sqlite.pragma('journal_size_limit', { simple: true })).toBe(64 * 1024 * 1024);
    store.close();
    // The page size is in the file's header (bytes 16–17, big-endian), not only in this connection
    expect(readFileSync(path).readUInt16BE(16)).toBe(16384);
  });

  it('opens a file made with 4 KiB pages as it is: its pages, its data, and the same 64 MB checkpoint', () => {
    const { path, row } = censusWithOnePerson();
    // What an earlier version made: the same schema in SQLite's default 4 KiB pages
    const raw = new Database(path);
    raw.pragma('journal_mode = DELETE');
    raw.pragma('page_size = 4096');
    raw.exec('VACUUM');
    raw.close();
    expect(readFileSync(path).readUInt16BE(16)).toBe(4096);
    const again = createStore(path);
    const sqlite = sqliteOf(again.db);
    expect(sqlite.pragma('page_size', { simple: true })).toBe(4096);
    expect(sqlite.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(sqlite.pragma('wal_autocheckpoint', { simple: true })).toBe(16384);
    expect(again.persons.get(row.id)).toEqual(row);
    expect(integrityCheck(again.db)).toEqual(['ok']);
    again.close();
  });

  it('creates missing folders and leaves no temporary file behind', () => {
    const path = join(fresh(), 'deeper', 'census.sqlite');
    openDatabase(path).close();
    expect(readdirSync(join(path, '..'))).toEqual(['census.sqlite']);
  });

  it('treats a zero-byte file as a new database', () => {
    const path = fresh();
    writeFileSync(path, '');
    openDatabase(path).close();
    expect(isHeadcountDatabase(path)).toBe(true);
  });

  it('reopens an existing file with its data', () => {
    const { path, row } = censusWithOnePerson();
    const again = createStore(path);
    expect(again.persons.get(row.id)).toEqual(row);
    again.close();
  });
});

describe('recognising Headcount files', () => {
  it('refuses a file of random bytes, unchanged', () => {
    const path = fresh('random.sqlite');
    writeFileSync(path, randomBytes(8192));
    const before = hashOf(path);
    expect(isHeadcountDatabase(path)).toBe(false);
    const e = apiErrorOf(() => openDatabase(path));
    expect(e.code).toBe('invalid_file');
    expect(e.message).toContain('不是 Headcount 数据库文件');
    expect(e.message).toContain(path);
    expect(hashOf(path)).toBe(before);
  });

  it('refuses a text file, unchanged', () => {
    const path = fresh('notes.txt');
    writeFileSync(path, '姓名,证件号码\n张三,11010519491231002X\n'.repeat(20));
    const before = hashOf(path);
    expect(isHeadcountDatabase(path)).toBe(false);
    expect(inspectDatabaseFile(path)).toEqual({ kind: 'not_sqlite' });
    expect(apiErrorOf(() => openExistingDatabase(path)).message).toContain('不是 Headcount 数据库文件');
    expect(hashOf(path)).toBe(before);
  });

  it('refuses another program\'s SQLite database and leaves every byte and no side files', () => {
    const path = fresh('other.db');
    foreignSqlite(path);
    const before = hashOf(path);
    const filesBefore = readdirSync(join(path, '..')).sort();
    expect(isHeadcountDatabase(path)).toBe(false);
    expect(inspectDatabaseFile(path)).toEqual({ kind: 'foreign', applicationId: 0 });
    const e = apiErrorOf(() => openDatabase(path));
    expect(e.code).toBe('invalid_file');
    expect(e.message).toBe(`不是 Headcount 数据库文件：${path}（这是其他程序的 SQLite 数据库）`);
    expect(() => createStore(path)).toThrow(/不是 Headcount 数据库文件/);
    expect(hashOf(path)).toBe(before);
    expect(readdirSync(join(path, '..')).sort()).toEqual(filesBefore);
  });

  it('refuses a SQLite file stamped with our application_id but without our tables', () => {
    const path = fresh();
    const fake = new Database(path);
    fake.pragma(`application_id = ${APPLICATION_ID}`);
    fake.pragma('user_version = 1');
    fake.exec('CREATE TABLE something_else (x)');
    fake.close();
    const before = hashOf(path);
    const e = apiErrorOf(() => openDatabase(path));
    expect(e.message).toMatch(/^不是 Headcount 数据库文件：.*缺少数据表 settings、persons/);
    expect(hashOf(path)).toBe(before);
  });

  it('refuses a database from a newer Headcount, unchanged', () => {
    const path = fresh();
    openDatabase(path).close();
    const raw = new Database(path);
    raw.pragma(`user_version = ${SCHEMA_VERSION + 1}`);
    raw.close();
    const before = hashOf(path);
    const e = apiErrorOf(() => openDatabase(path));
    expect(e.code).toBe('invalid_file');
    expect(e.message).toContain('由更新版本的 Headcount 创建');
    expect(e.message).toContain(`数据库版本 ${SCHEMA_VERSION + 1}`);
    expect(hashOf(path)).toBe(before);
  });

  it('sees a newer version even while it is only in the WAL, not yet in the file header', () => {
    const path = fresh();
    openDatabase(path).close();
    const raw = new Database(path);
    raw.pragma('wal_autocheckpoint = 0');
    raw.pragma(`user_version = ${SCHEMA_VERSION + 1}`);
    // Keep the connection open so the WAL is not checkpointed into the main file.
    try {
      expect(inspectDatabaseFile(path)).toEqual({ kind: 'headcount', version: SCHEMA_VERSION });
      expect(apiErrorOf(() => openExistingDatabase(path)).message).toContain('由更新版本的 Headcount 创建');
    } finally {
      raw.close();
    }
  });

  it('says a missing file is missing, and never creates it through openExistingDatabase', () => {
    const path = fresh();
    const e = apiErrorOf(() => openExistingDatabase(path));
    expect(e.code).toBe('not_found');
    expect(e.message).toBe(`找不到数据库文件：${path}`);
    expect(readdirSync(join(path, '..'))).toEqual([]);
  });

  it('refuses a folder and an empty file when the file must exist', () => {
    const dir = join(root, 'a-folder');
    mkdirSync(dir);
    expect(apiErrorOf(() => openExistingDatabase(dir)).message).toContain('这是一个文件夹');
    const empty = fresh();
    writeFileSync(empty, '');
    expect(apiErrorOf(() => openExistingDatabase(empty)).message).toContain('文件是空的');
  });

  it('reports a damaged Headcount file as damaged', () => {
    const path = fresh();
    const store = createStore(path);
    store.persons.insertMany(Array.from({ length: 300 }, (_, i) => sampleRow('person', i)));
    store.close();
    const bytes = readFileSync(path);
    // Keep the header (so it is still recognised as ours) and destroy the schema page's content.
    bytes.fill(0xff, 100, 4096);
    writeFileSync(path, bytes);
    const e = apiErrorOf(() => openExistingDatabase(path));
    expect(e.code).toBe('invalid_file');
    expect(e.message).toContain('数据库文件已损坏');
  });
});

describe('the Db handle', () => {
  it('offers no way to run SQL', () => {
    const db = openDatabase(fresh());
    expect('prepare' in db).toBe(false);
    expect('exec' in db).toBe(false);
    // Its own fields are the path and the in-process change counters, never the SQLite connection.
    expect(Object.keys(db).sort()).toEqual(['lastWrite', 'path', 'unitWrites', 'writes']);
    db.close();
    expect(db.isOpen).toBe(false);
    expect(() => integrityCheck(db)).toThrow(/closed/);
  });
});
