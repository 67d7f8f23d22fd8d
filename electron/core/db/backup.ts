/**
 * Rolling backups of the census database, taken with SQLite's online backup API so the app keeps
 * working meanwhile. Files are named census-YYYYMMDD-HHMMSS.sqlite (local time, which is what the
 * clerk sees); the name, not the file's mtime, is the backup's time, so retention is reproducible.
 */
import { mkdirSync, readdirSync, renameSync, rmSync, statSync, statfsSync, existsSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { basename, dirname, join } from 'node:path';
import Database from 'better-sqlite3';
import { sqliteOf, Db, type Sqlite } from './handle';
import { assertHeadcountDatabase } from './open';
import type { Store } from './store';
import { fsyncPath } from '../fs/durable';
import { ApiError } from '../../../shared/api/errors';

export interface RetentionOptions {
  stem?: string;
  /** Keep the newest backup of each of this many days, today included */
  keepDays?: number;
  /** Keep this many newest backups regardless of day */
  keepLast?: number;
  /** What the kept backups may take together (bytes); the newest is kept whatever its size */
  maxBytes?: number;
  now?: Date;
}

/**
 * The kept backups' default budget. Retention by time alone keeps up to 17 copies: 850 MB for a county's 50 MB file,
 * but ~9 GB for a province's million persons (a 510 MB file) and ~25 GB for the country's three million, on a
 * laptop's disk. Four GB keeps every copy a county's retention names, about eight of a province's and two of the
 * country's.
 */
export const BACKUP_BUDGET_BYTES = 4 * 1024 ** 3;
/**
 * Free space a backup must leave on its disk: the census itself needs room to grow, and a province's merge writes
 * hundreds of megabytes of WAL before its checkpoint. A backup that would eat into it is not taken.
 */
export const BACKUP_RESERVE_BYTES = 1024 ** 3;

export interface BackupOptions extends RetentionOptions {
  /** File-name stem of the backups: the database's own name, so several census files can share one folder */
  stem?: string;
  /** Free bytes on the disk holding `dir` (the disk's own figure unless given) */
  freeBytes?: (dir: string) => number;
}

export interface BackupResult {
  /** Full path of the new backup */
  file: string;
  /** File names deleted by retention */
  removed: string[];
}

const DEFAULT_STEM = 'census';
const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const nameRe = (stem: string) => new RegExp(`^${escapeRe(stem)}-(\\d{4})(\\d{2})(\\d{2})-(\\d{2})(\\d{2})(\\d{2})(?:-(\\d+))?\\.sqlite$`);

/** The stem of the backups of the database at `dbPath`: census.sqlite → census. */
export function backupStem(dbPath: string): string {
  return basename(dbPath).replace(/\.(sqlite3?|db)$/i, '') || DEFAULT_STEM;
}
const HOUR_MS = 3_600_000;

const pad = (n: number, w = 2) => String(n).padStart(w, '0');
const dayKey = (d: Date) => `${d.getFullYear()}${pad(d.getMonth() + 1)}${pad(d.getDate())}`;
const stamp = (d: Date) => `${dayKey(d)}-${pad(d.getHours())}${pad(d.getMinutes())}${pad(d.getSeconds())}`;

export interface BackupFile {
  name: string;
  at: Date;
  /** Disambiguates backups taken within the same second */
  seq: number;
}

/** The backups in `dir`, newest first. Other files are ignored (and never deleted). */
export function listBackups(dir: string, stem = DEFAULT_STEM): BackupFile[] {
  if (!existsSync(dir)) return [];
  const out: BackupFile[] = [];
  const re = nameRe(stem);
  for (const name of readdirSync(dir)) {
    const m = re.exec(name);
    if (!m) continue;
    const [y, mo, d, h, mi, s] = m.slice(1, 7).map(Number) as [number, number, number, number, number, number];
    out.push({ name, at: new Date(y, mo - 1, d, h, mi, s), seq: Number(m[7] ?? 1) });
  }
  return out.sort((a, b) => b.at.getTime() - a.at.getTime() || b.seq - a.seq);
}

/**
 * Deletes the backups retention does not keep; returns their names. Retention by time names what is worth keeping,
 * in order of worth: the newest, each of the last `keepDays` days' newest (the latest day first), then the rest of
 * the newest `keepLast`. Those are kept while they fit in `maxBytes` together; the newest always is.
 */
export function pruneBackups(dir: string, { keepDays = 7, keepLast = 10, maxBytes = BACKUP_BUDGET_BYTES, now = new Date(), stem = DEFAULT_STEM }: RetentionOptions = {}): string[] {
  const all = listBackups(dir, stem);
  const wanted = all.slice(0, Math.min(1, keepLast));
  const days = new Set<string>();
  for (let i = 0; i < keepDays; i++) days.add(dayKey(new Date(now.getFullYear(), now.getMonth(), now.getDate() - i)));
  const seenDays = new Set<string>();
  for (const b of all) {
    const day = dayKey(b.at);
    if (days.has(day) && !seenDays.has(day)) {
      seenDays.add(day);
      wanted.push(b);
    }
  }
  wanted.push(...all.slice(0, keepLast));
  const keep = new Set<string>();
  let bytes = 0;
  for (const b of wanted) {
    if (keep.has(b.name)) continue;
    const size = sizeOf(join(dir, b.name));
    if (keep.size > 0 && bytes + size > maxBytes) continue;
    keep.add(b.name);
    bytes += size;
  }
  const removed = all.filter((b) => !keep.has(b.name)).map((b) => b.name);
  for (const name of removed) rmSync(join(dir, name), { force: true });
  return removed;
}

function sizeOf(file: string): number {
  try {
    return statSync(file).size;
  } catch {
    return 0;
  }
}

/** Bytes the backups of `stem` in `dir` take together */
export function backupsBytes(dir: string, stem = DEFAULT_STEM): number {
  return listBackups(dir, stem).reduce((n, b) => n + sizeOf(join(dir, b.name)), 0);
}

/** Free bytes on the disk that holds `dir` (for an unprivileged user) */
export function diskFreeBytes(dir: string): number {
  const st = statfsSync(dir);
  return st.bavail * st.bsize;
}

const gb = (bytes: number) => (bytes >= 1024 ** 3 ? `${(bytes / 1024 ** 3).toFixed(1)} GB` : `${Math.ceil(bytes / 1024 ** 2)} MB`);

/**
 * Why a backup of `bytes` cannot be taken into `dir` now (too little free space), or null. The census's
 * size is what a backup writes; the reserve is left for the census to grow.
 */
export function backupSpaceProblem(dir: string, bytes: number, freeBytes: (dir: string) => number = diskFreeBytes): string | null {
  let free: number;
  try {
    // The folder is made by the first backup: until then its disk is its parent's.
    let at = dir;
    while (!existsSync(at) && dirname(at) !== at) at = dirname(at);
    free = freeBytes(at);
  } catch {
    return null; // a disk that cannot say: the copy itself will tell
  }
  if (free - bytes >= BACKUP_RESERVE_BYTES) return null;
  return `磁盘剩余空间不足：备份约需 ${gb(bytes)}，备份文件夹所在的磁盘只剩 ${gb(free)}（还须为数据库本身留出 ${gb(BACKUP_RESERVE_BYTES)}）。`;
}

/** Bytes a backup of the open store will take */
export function backupBytesOf(store: Store): number {
  return databaseBytes(sqliteOf(store.db));
}

/** Bytes a backup of the open database will take: its pages, the WAL's included */
function databaseBytes(sqlite: Sqlite): number {
  return Number(sqlite.pragma('page_count', { simple: true })) * Number(sqlite.pragma('page_size', { simple: true }));
}

/** Half-written backups of a crashed run; an hour old is long past any backup still in progress. */
function removeStalePartials(dir: string): void {
  for (const name of readdirSync(dir)) {
    if (!name.endsWith('.partial')) continue;
    const path = join(dir, name);
    if (Date.now() - statSync(path).mtimeMs > HOUR_MS) rmSync(path, { force: true });
  }
}

function freeName(dir: string, now: Date, stem: string): string {
  const base = `${stem}-${stamp(now)}`;
  for (let seq = 1; ; seq++) {
    const name = seq === 1 ? `${base}.sqlite` : `${base}-${seq}.sqlite`;
    if (!existsSync(join(dir, name))) return name;
  }
}

/**
 * Copies the database into `backupsDir` and applies retention. `source` is an open store or handle
 * (the app's case) or the path of a Headcount database (opened read-only for the copy).
 */
export async function backupDatabase(source: Store | Db | string, backupsDir: string, options: BackupOptions = {}): Promise<BackupResult> {
  const now = options.now ?? new Date();
  mkdirSync(backupsDir, { recursive: true });
  removeStalePartials(backupsDir);
  let sqlite: Sqlite;
  let ownConnection = false;
  if (typeof source === 'string') {
    assertHeadcountDatabase(source);
    sqlite = new Database(source, { readonly: true, fileMustExist: true });
    ownConnection = true;
  } else {
    sqlite = sqliteOf(source instanceof Db ? source : source.db);
  }
  const stem = options.stem ?? DEFAULT_STEM;
  try {
    const bytes = databaseBytes(sqlite);
    // Backups retention would remove after this one anyway may go first to make room for it.
    if (backupSpaceProblem(backupsDir, bytes, options.freeBytes)) pruneBackups(backupsDir, { ...options, now, stem });
    const problem = backupSpaceProblem(backupsDir, bytes, options.freeBytes);
    if (problem) throw new ApiError('disk_full', `${problem}本次没有备份。请清理这块磁盘，或把数据库文件移到空间更大的磁盘后再备份。`);
  } catch (e) {
    if (ownConnection) sqlite.close();
    throw e;
  }
  // The final name is chosen only when the copy is done (no await between choosing and renaming), so two
  // backups started in the same second (the timer's and the user's) never take the same name.
  const partial = join(backupsDir, `.${stem}-${process.pid}-${randomUUID().slice(0, 8)}.partial`);
  let file: string;
  try {
    await sqlite.backup(partial);
    fsyncPath(partial);
    file = join(backupsDir, freeName(backupsDir, now, stem));
    renameSync(partial, file);
    fsyncPath(backupsDir);
  } catch (e) {
    rmSync(partial, { force: true });
    throw e;
  } finally {
    if (ownConnection) sqlite.close();
  }
  const removed = pruneBackups(backupsDir, { ...options, now, stem });
  return { file, removed };
}

/**
 * Backs up unless the newest backup is less than `minIntervalMs` (default one hour) old. The core
 * calls this at open and on a timer. A newest backup dated in the future (clock turned back) does not
 * block new backups. Resolves null when skipped, or when the store was closed before the copy
 * finished (the app is shutting down; the half copy is removed).
 */
export async function maybeBackup(
  source: Store | Db | string,
  backupsDir: string,
  options: BackupOptions & { minIntervalMs?: number } = {},
): Promise<BackupResult | null> {
  const now = options.now ?? new Date();
  const newest = listBackups(backupsDir, options.stem)[0];
  if (newest) {
    const age = now.getTime() - newest.at.getTime();
    if (age >= 0 && age < (options.minIntervalMs ?? HOUR_MS)) return null;
  }
  try {
    return await backupDatabase(source, backupsDir, { ...options, now });
  } catch (e) {
    const db = typeof source === 'string' ? null : source instanceof Db ? source : source.db;
    if (db && !db.isOpen) return null;
    throw e;
  }
}
