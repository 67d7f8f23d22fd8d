/**
 * Opening Headcount database files. A file is recognised by its SQLite header alone (magic string
 * and application_id), read with plain fs, so a file that is not ours is never handed to SQLite and
 * can never be written to. New files are built under a temporary name and renamed into place, so a
 * crash during creation never leaves a half-made database at the user's path.
 */
import { closeSync, fstatSync, mkdirSync, openSync, readSync, renameSync, rmSync, statSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { basename, dirname, join } from 'node:path';
import Database from 'better-sqlite3';
import { ApiError } from '../../../shared/api/errors';
import { Db, sqliteOf, type Sqlite } from './handle';
import { APPLICATION_ID, SCHEMA_VERSION, migrate, newerVersionError, schemaVersionOf } from './migrations';
import { fsyncPath } from '../fs/durable';

const SQLITE_MAGIC = Buffer.from('SQLite format 3\0', 'latin1');
const HEADER_SIZE = 100;
/** Tables every Headcount schema has had since 001 */
const CORE_TABLES = ['settings', 'persons', 'units', 'audit_log', 'explanations', 'meta'] as const;
const BUSY_TIMEOUT_MS = 5000;

export type DatabaseFileKind =
  | { kind: 'missing' }
  | { kind: 'directory' }
  | { kind: 'empty' }
  | { kind: 'not_sqlite' }
  | { kind: 'foreign'; applicationId: number }
  | { kind: 'headcount'; version: number };

/**
 * What is at `path`, judged from the first 100 bytes only. `version` is the header's user_version,
 * which can lag behind the real one while commits sit in the WAL; `openExistingDatabase` checks again.
 */
export function inspectDatabaseFile(path: string): DatabaseFileKind {
  let fd: number;
  try {
    if (statSync(path).isDirectory()) return { kind: 'directory' };
    fd = openSync(path, 'r');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return { kind: 'missing' };
    throw e;
  }
  try {
    const size = fstatSync(fd).size;
    if (size === 0) return { kind: 'empty' };
    if (size < HEADER_SIZE) return { kind: 'not_sqlite' };
    const header = Buffer.alloc(HEADER_SIZE);
    readSync(fd, header, 0, HEADER_SIZE, 0);
    if (!header.subarray(0, SQLITE_MAGIC.length).equals(SQLITE_MAGIC)) return { kind: 'not_sqlite' };
    const applicationId = header.readUInt32BE(68);
    if (applicationId !== APPLICATION_ID) return { kind: 'foreign', applicationId };
    return { kind: 'headcount', version: header.readUInt32BE(60) };
  } finally {
    closeSync(fd);
  }
}

export function isHeadcountDatabase(path: string): boolean {
  return inspectDatabaseFile(path).kind === 'headcount';
}

function notOurs(path: string, why: string, reason: string): ApiError {
  return new ApiError('invalid_file', `不是 Headcount 数据库文件：${path}（${why}）`, { reason });
}

/** Throws the error a user should see when `path` is not a Headcount database this version can open. */
export function assertHeadcountDatabase(path: string): void {
  const info = inspectDatabaseFile(path);
  switch (info.kind) {
    case 'missing':
      throw new ApiError('not_found', `找不到数据库文件：${path}`, { reason: 'missing' });
    case 'directory':
      throw notOurs(path, '这是一个文件夹', 'directory');
    case 'empty':
      throw notOurs(path, '文件是空的', 'empty');
    case 'not_sqlite':
      throw notOurs(path, '文件不是 SQLite 数据库', 'not_sqlite');
    case 'foreign':
      throw notOurs(path, '这是其他程序的 SQLite 数据库', 'foreign');
    case 'headcount':
      if (info.version > SCHEMA_VERSION) throw newerVersionError(path, info.version);
  }
}

/** WAL size at which a commit checkpoints it into the file */
const CHECKPOINT_BYTES = 64 * 1024 * 1024;

/**
 * Page size of a new census file, bytes (SQLite's default is 4 KiB; a file keeps the size it was made
 * with). A person row is ~350 bytes over ~45 columns, and the large operations are bulk appends and
 * whole-table scans: with 16 KiB pages building the six person indexes after a million-person merge
 * took 3.6–4.6 s instead of 5.0–6.3 s, and an import's write of 100k persons 1.3 s instead of 1.6–2.0 s,
 * while a grid edit's time in the core did not move (bench/README.md, 2026-12-04 session 22).
 */
const PAGE_SIZE = 16 * 1024;

function configure(sqlite: Sqlite, journal: 'WAL' | 'DELETE'): void {
  // busy_timeout first: the other pragmas may need a lock another process holds.
  sqlite.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
  sqlite.pragma(`journal_mode = ${journal}`);
  // FULL: in WAL mode NORMAL may lose the last commits on power loss; an acknowledged census edit must survive.
  sqlite.pragma('synchronous = FULL');
  // Checkpoint every 64 MB of WAL instead of SQLite's 4 MB: merging a package commits tens of MB of
  // index pages, and with the default every commit copied the whole WAL back into the file, so index
  // pages dirtied by consecutive packages were written out again and again (about half the commit
  // time in bench/merge). The size limit truncates the WAL back after a checkpoint. The setting counts
  // pages, and files made before PAGE_SIZE keep their 4 KiB pages.
  sqlite.pragma(`wal_autocheckpoint = ${Math.round(CHECKPOINT_BYTES / (sqlite.pragma('page_size', { simple: true }) as number))}`);
  sqlite.pragma(`journal_size_limit = ${CHECKPOINT_BYTES}`);
  sqlite.pragma('foreign_keys = ON');
}

function createFresh(path: string): void {
  const dir = dirname(path);
  mkdirSync(dir, { recursive: true });
  const tmp = join(dir, `.${basename(path)}.${randomUUID().slice(0, 8)}.creating`);
  const sqlite = new Database(tmp);
  try {
    // Before anything is written: a file's page size is fixed once it holds a table (and in WAL mode).
    sqlite.pragma(`page_size = ${PAGE_SIZE}`);
    // DELETE journal while building: the temp file is then one self-contained file to rename.
    configure(sqlite, 'DELETE');
    migrate(sqlite);
    sqlite.close();
    renameSync(tmp, path);
    fsyncPath(dir);
  } catch (e) {
    if (sqlite.open) sqlite.close();
    rmSync(tmp, { force: true });
    rmSync(`${tmp}-journal`, { force: true });
    throw e;
  }
}

function sqliteCode(e: unknown): string | null {
  return e instanceof Database.SqliteError ? e.code : null;
}

/** Opens a Headcount database that must already exist (the CLI's way), migrating it if it is older. */
export function openExistingDatabase(path: string): Db {
  assertHeadcountDatabase(path);
  let sqlite: Sqlite | null = null;
  try {
    sqlite = new Database(path, { fileMustExist: true });
    sqlite.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
    // The header's version may be stale (commits still in the WAL): check the real one before any write.
    const version = schemaVersionOf(sqlite);
    if (version > SCHEMA_VERSION) throw newerVersionError(path, version);
    if (version >= 1) {
      const present = new Set(
        (sqlite.prepare(`SELECT name FROM sqlite_schema WHERE type = 'table'`).pluck().all() as string[]),
      );
      const missing = CORE_TABLES.filter((t) => !present.has(t));
      if (missing.length) throw notOurs(path, `缺少数据表 ${missing.join('、')}`, 'missing_tables');
    }
    configure(sqlite, 'WAL');
    migrate(sqlite);
    return Db.wrap(path, sqlite);
  } catch (e) {
    if (sqlite?.open) sqlite.close();
    const code = sqliteCode(e);
    if (code === 'SQLITE_CORRUPT' || code === 'SQLITE_NOTADB') {
      throw new ApiError('invalid_file', `数据库文件已损坏，无法打开：${path}。请从备份恢复。`, { reason: 'corrupt' });
    }
    throw e;
  }
}

/** Opens the Headcount database at `path`, creating it (and its folder) when there is none. */
export function openDatabase(path: string): Db {
  const info = inspectDatabaseFile(path);
  if (info.kind === 'missing' || info.kind === 'empty') createFresh(path);
  return openExistingDatabase(path);
}

export function schemaVersion(db: Db): number {
  return schemaVersionOf(sqliteOf(db));
}

/** `PRAGMA integrity_check`: `['ok']` for a sound file, otherwise SQLite's list of problems. */
export function integrityCheck(db: Db): string[] {
  return sqliteOf(db).prepare('PRAGMA integrity_check').pluck().all() as string[];
}

/**
 * A read-only connection to the open census file at `path`, for a snapshot (snapshot.ts). The file is
 * the caller's own census, opened and migrated already by its main connection.
 */
export function openReadOnlyConnection(path: string): Sqlite {
  const sqlite = new Database(path, { readonly: true, fileMustExist: true });
  try {
    sqlite.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
    return sqlite;
  } catch (e) {
    sqlite.close();
    throw e;
  }
}

/**
 * A consistent copy of the Headcount database at `path` written to `to`, read through a read-only
 * connection: the file at `path` (and anything beside it) is never written, even when another process
 * has it open. The copy is an ordinary file the caller may open, migrate and delete.
 */
export function snapshotDatabase(path: string, to: string): void {
  assertHeadcountDatabase(path);
  let sqlite: Sqlite | null = null;
  try {
    sqlite = new Database(path, { readonly: true, fileMustExist: true });
    sqlite.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
    sqlite.prepare('VACUUM INTO ?').run(to);
  } catch (e) {
    const code = sqliteCode(e);
    if (code === 'SQLITE_CORRUPT' || code === 'SQLITE_NOTADB') {
      throw new ApiError('invalid_file', `数据库文件已损坏，无法读取：${path}。请从备份恢复。`, { reason: 'corrupt' });
    }
    throw e;
  } finally {
    if (sqlite?.open) sqlite.close();
  }
}
