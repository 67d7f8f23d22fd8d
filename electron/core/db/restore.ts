/**
 * Restoring a backup over the census file, and looking inside backups without changing them.
 * Restore works on files only, with the live database closed: the backup is first copied beside the
 * database (so a retention pass or a pulled stick cannot take the source away half-way), then renamed
 * over it in one step, with the old WAL removed so SQLite never replays it onto the restored file.
 */
import { copyFileSync, existsSync, renameSync, rmSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import Database from 'better-sqlite3';
import { fsyncPath } from '../fs/durable';
import { type Sqlite } from './handle';
import { SCHEMA_VERSION, schemaVersionOf } from './migrations';
import { inspectDatabaseFile } from './open';

export interface BackupInspection {
  /** Opens, passes SQLite's quick_check and this version can use it */
  ok: boolean;
  /** Why not, in Chinese */
  problem: string | null;
  persons: number | null;
  units: number | null;
  areaName: string | null;
  schemaVersion: number | null;
}

function countOf(sqlite: Sqlite, table: 'persons' | 'units'): number | null {
  try {
    return sqlite.prepare(`SELECT count(*) FROM ${table}`).pluck().get() as number;
  } catch {
    return null;
  }
}

function areaNameOf(sqlite: Sqlite): string | null {
  try {
    return (sqlite.prepare('SELECT area_name FROM settings WHERE id = 1').pluck().get() as string | undefined) ?? null;
  } catch {
    return null;
  }
}

/** Reads a backup (read-only) for the backups screen: is it sound, and what does it hold. */
export function inspectBackupFile(path: string): BackupInspection {
  const none = { persons: null, units: null, areaName: null, schemaVersion: null };
  const kind = inspectDatabaseFile(path);
  if (kind.kind !== 'headcount') return { ok: false, problem: '文件不是完整的 Headcount 数据库', ...none };
  let sqlite: Sqlite | null = null;
  try {
    sqlite = new Database(path, { readonly: true, fileMustExist: true });
    const version = schemaVersionOf(sqlite);
    const check = sqlite.prepare('PRAGMA quick_check').pluck().all() as string[];
    const info = { persons: countOf(sqlite, 'persons'), units: countOf(sqlite, 'units'), areaName: areaNameOf(sqlite), schemaVersion: version };
    if (check.length !== 1 || check[0] !== 'ok') return { ok: false, problem: '备份文件已损坏（完整性检查未通过）', ...info };
    if (version > SCHEMA_VERSION) return { ok: false, problem: '备份由更新版本的程序生成，请先升级程序', ...info };
    return { ok: true, problem: null, ...info };
  } catch (e) {
    const code = e instanceof Database.SqliteError ? e.code : '';
    const why = code === 'SQLITE_CORRUPT' || code === 'SQLITE_NOTADB' ? '备份文件已损坏' : '备份文件无法读取';
    return { ok: false, problem: `${why}（${e instanceof Error ? e.message : String(e)}）`, ...none };
  } finally {
    sqlite?.close();
  }
}

const sidecars = (dbPath: string) => [`${dbPath}-wal`, `${dbPath}-shm`, `${dbPath}-journal`];

/** Copies `backupPath` beside `dbPath` under a temporary name; returns that name. */
export function stageRestore(backupPath: string, dbPath: string): string {
  const staged = join(dirname(dbPath), `.${basename(dbPath)}.restoring`);
  rmSync(staged, { force: true });
  copyFileSync(backupPath, staged);
  fsyncPath(staged);
  return staged;
}

/** Puts a staged copy in place of the (closed) database. */
export function commitRestore(staged: string, dbPath: string): void {
  for (const f of sidecars(dbPath)) rmSync(f, { force: true });
  renameSync(staged, dbPath);
  fsyncPath(dirname(dbPath));
}

/**
 * Keeps a damaged database (with its WAL, which may hold the last edits) in the backups folder under
 * a name retention never touches, so nothing is thrown away by a restore. Returns the file name.
 */
export function keepDamagedCopy(dbPath: string, backupsDir: string, stem: string, now: Date): string | null {
  if (!existsSync(dbPath)) return null;
  const pad = (n: number) => String(n).padStart(2, '0');
  const stamp = `${now.getFullYear()}${pad(now.getMonth() + 1)}${pad(now.getDate())}-${pad(now.getHours())}${pad(now.getMinutes())}${pad(now.getSeconds())}`;
  let name = `${stem}-damaged-${stamp}.sqlite`;
  for (let n = 2; existsSync(join(backupsDir, name)); n++) name = `${stem}-damaged-${stamp}-${n}.sqlite`;
  copyFileSync(dbPath, join(backupsDir, name));
  const wal = `${dbPath}-wal`;
  if (existsSync(wal) && statSync(wal).size > 0) copyFileSync(wal, join(backupsDir, `${name}-wal`));
  fsyncPath(backupsDir);
  return name;
}
