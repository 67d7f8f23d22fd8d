/**
 * Rolling backups of the census database, taken with SQLite's online backup API so the app keeps
 * working meanwhile. Files are named census-YYYYMMDD-HHMMSS.sqlite (local time, which is what the
 * clerk sees); the name, not the file's mtime, is the backup's time, so retention is reproducible.
 */
import { mkdirSync, readdirSync, renameSync, rmSync, statSync, existsSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { basename, join } from 'node:path';
import Database from 'better-sqlite3';
import { sqliteOf, Db, type Sqlite } from './handle';
import { assertHeadcountDatabase } from './open';
import type { Store } from './store';
import { fsyncPath } from '../fs/durable';

export interface RetentionOptions {
  stem?: string;
  /** Keep the newest backup of each of this many days, today included */
  keepDays?: number;
  /** Keep this many newest backups regardless of day */
  keepLast?: number;
  now?: Date;
}

export interface BackupOptions extends RetentionOptions {
  /** File-name stem of the backups: the database's own name, so several census files can share one folder */
  stem?: string;
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

/** Deletes the backups retention does not keep; returns their names. */
export function pruneBackups(dir: string, { keepDays = 7, keepLast = 10, now = new Date(), stem = DEFAULT_STEM }: RetentionOptions = {}): string[] {
  const all = listBackups(dir, stem);
  const keep = new Set(all.slice(0, keepLast).map((b) => b.name));
  const days = new Set<string>();
  for (let i = 0; i < keepDays; i++) days.add(dayKey(new Date(now.getFullYear(), now.getMonth(), now.getDate() - i)));
  const seenDays = new Set<string>();
  for (const b of all) {
    const day = dayKey(b.at);
    if (days.has(day) && !seenDays.has(day)) {
      seenDays.add(day);
      keep.add(b.name);
    }
  }
  const removed = all.filter((b) => !keep.has(b.name)).map((b) => b.name);
  for (const name of removed) rmSync(join(dir, name), { force: true });
  return removed;
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
  // The final name is chosen only when the copy is done (no await between choosing and renaming), so two
  // backups started in the same second (the timer's and the user's) never take the same name.
  const partial = join(backupsDir, `.${options.stem ?? DEFAULT_STEM}-${process.pid}-${randomUUID().slice(0, 8)}.partial`);
  let file: string;
  try {
    await sqlite.backup(partial);
    fsyncPath(partial);
    file = join(backupsDir, freeName(backupsDir, now, options.stem ?? DEFAULT_STEM));
    renameSync(partial, file);
    fsyncPath(backupsDir);
  } catch (e) {
    rmSync(partial, { force: true });
    throw e;
  } finally {
    if (ownConnection) sqlite.close();
  }
  const removed = pruneBackups(backupsDir, { ...options, now, stem: options.stem ?? DEFAULT_STEM });
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
