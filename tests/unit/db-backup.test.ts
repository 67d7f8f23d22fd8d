import { mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  BACKUP_RESERVE_BYTES, backupBytesOf, backupDatabase, backupSpaceProblem, backupsBytes, createStore, integrityCheck, listBackups, maybeBackup, openExistingStore, pruneBackups,
} from '../../electron/core/db';
import { sampleRow } from '../fixtures/db-records';

const root = mkdtempSync(join(tmpdir(), 'hc-db-backup-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let n = 0;
const freshDir = () => {
  const dir = join(root, String(n++));
  mkdirSync(dir);
  return dir;
};
/** Local time, as backup names use it */
const at = (day: number, hour = 12, minute = 0, second = 0) => new Date(2026, 6, day, hour, minute, second);
const names = (dir: string) => readdirSync(dir).filter((f) => f.startsWith('census-')).sort();
/** Empty placeholder backups: retention only looks at names */
const touchBackups = (dir: string, ...files: string[]) => files.forEach((f) => writeFileSync(join(dir, f), ''));

describe('backupDatabase', () => {
  it('writes a consistent, openable copy named by the time, while the store stays usable', async () => {
    const dir = freshDir();
    const store = createStore(join(dir, 'census.sqlite'));
    const rows = Array.from({ length: 2000 }, (_, i) => sampleRow('person', i));
    store.persons.insertMany(rows);
    const result = await backupDatabase(store, join(dir, 'backups'), { now: at(5, 9, 3, 7) });
    expect(result).toEqual({ file: join(dir, 'backups', 'census-20260705-090307.sqlite'), removed: [] });
    store.persons.insert(sampleRow('person', 9999));
    store.close();
    const copy = openExistingStore(result.file);
    expect(copy.persons.count()).toBe(2000);
    expect(copy.persons.get(rows[1234]!.id)).toEqual(rows[1234]);
    expect(integrityCheck(copy.db)).toEqual(['ok']);
    copy.close();
    expect(readdirSync(join(dir, 'backups')).filter((f) => f.endsWith('.partial'))).toEqual([]);
  });

  it('backs up a database given by path, and gives two backups in one second different names', async () => {
    const dir = freshDir();
    const path = join(dir, 'census.sqlite');
    const store = createStore(path);
    store.units.insert(sampleRow('unit', 1));
    store.close();
    const first = await backupDatabase(path, join(dir, 'b'), { now: at(5) });
    const second = await backupDatabase(path, join(dir, 'b'), { now: at(5) });
    expect([first.file, second.file].map((f) => f.slice(dir.length + 3))).toEqual(['census-20260705-120000.sqlite', 'census-20260705-120000-2.sqlite']);
    expect(listBackups(join(dir, 'b')).map((b) => b.name)).toEqual(['census-20260705-120000-2.sqlite', 'census-20260705-120000.sqlite']);
  });

  it('refuses to back up a file that is not a Headcount database', async () => {
    const dir = freshDir();
    writeFileSync(join(dir, 'x.sqlite'), 'not a database');
    await expect(backupDatabase(join(dir, 'x.sqlite'), join(dir, 'b'))).rejects.toThrow(/不是 Headcount 数据库文件/);
  });
});

describe('retention', () => {
  it('keeps the newest backup of each of the last 7 days plus the last 10, and deletes the rest', () => {
    const dir = freshDir();
    // Three backups a day (08:00, 12:00, 18:00) for 20 days: 1 … 20 July.
    const all: string[] = [];
    for (let day = 1; day <= 20; day++) for (const h of ['08', '12', '18']) all.push(`census-202607${String(day).padStart(2, '0')}-${h}0000.sqlite`);
    touchBackups(dir, ...all);
    touchBackups(dir, 'notes.txt', 'census-backup-old.sqlite');
    const removed = pruneBackups(dir, { now: at(20, 19) });
    const kept = [
      // the newest of each of 14 … 20 July (17 … 20 are among the last 10 anyway)
      ...[14, 15, 16].map((d) => `census-202607${d}-180000.sqlite`),
      // the last 10: 17 July 18:00 … 20 July 18:00
      'census-20260717-180000.sqlite',
      ...[18, 19, 20].flatMap((d) => ['08', '12', '18'].map((h) => `census-202607${d}-${h}0000.sqlite`)),
    ].sort();
    expect(names(dir)).toEqual([...kept, 'census-backup-old.sqlite'].sort());
    expect(removed).toHaveLength(all.length - kept.length);
    // Files that are not backups are never touched.
    expect(readdirSync(dir)).toContain('notes.txt');
  });

  it('keeps an old day\'s backup while it is within keepDays even when there are few backups', () => {
    const dir = freshDir();
    touchBackups(dir, 'census-20260701-080000.sqlite', 'census-20260701-090000.sqlite', 'census-20260620-080000.sqlite');
    // keepLast 1: only day coverage keeps more.
    expect(pruneBackups(dir, { now: at(3), keepDays: 7, keepLast: 1 }).sort()).toEqual(['census-20260620-080000.sqlite', 'census-20260701-080000.sqlite']);
    expect(names(dir)).toEqual(['census-20260701-090000.sqlite']);
  });
});

describe('retention within a size budget', () => {
  /** Backups of `bytes` each: retention reads their names and sizes only */
  const sizedBackups = (dir: string, bytes: number, ...files: string[]) => files.forEach((f) => writeFileSync(join(dir, f), Buffer.alloc(bytes)));

  it('keeps the newest, then each day\'s newest (the latest day first), then the last 10, while they fit the budget', () => {
    const dir = freshDir();
    const all: string[] = [];
    for (let day = 1; day <= 20; day++) for (const h of ['08', '12', '18']) all.push(`census-202607${String(day).padStart(2, '0')}-${h}0000.sqlite`);
    sizedBackups(dir, 1000, ...all);
    // Room for five: time alone would keep 13 (see above); the budget keeps today's and the four days before it.
    const removed = pruneBackups(dir, { now: at(20, 19), maxBytes: 5500 });
    expect(names(dir)).toEqual([16, 17, 18, 19, 20].map((d) => `census-202607${d}-180000.sqlite`));
    expect(removed).toHaveLength(all.length - 5);
    expect(backupsBytes(dir)).toBe(5000);
    // With room for nine, the days' four more and then the newest of the last 10 not yet kept.
    const again = freshDir();
    sizedBackups(again, 1000, ...all);
    pruneBackups(again, { now: at(20, 19), maxBytes: 9000 });
    expect(names(again)).toEqual([
      ...[14, 15, 16, 17, 18, 19].map((d) => `census-202607${d}-180000.sqlite`),
      'census-20260720-080000.sqlite', 'census-20260720-120000.sqlite', 'census-20260720-180000.sqlite',
    ]);
  });

  it('keeps the newest backup even when it alone is over the budget', () => {
    const dir = freshDir();
    sizedBackups(dir, 2000, 'census-20260705-080000.sqlite', 'census-20260705-090000.sqlite');
    expect(pruneBackups(dir, { now: at(5), maxBytes: 1000 })).toEqual(['census-20260705-080000.sqlite']);
    expect(names(dir)).toEqual(['census-20260705-090000.sqlite']);
  });
});

describe('disk space', () => {
  it('refuses a backup that would leave the disk less than the reserve, in words a clerk can act on, writing nothing', async () => {
    const dir = freshDir();
    const store = createStore(join(dir, 'census.sqlite'));
    store.persons.insertMany(Array.from({ length: 500 }, (_, i) => sampleRow('person', i)));
    const bytes = backupBytesOf(store);
    const backups = join(dir, 'backups');
    mkdirSync(backups);
    const short = () => bytes + BACKUP_RESERVE_BYTES - 1;
    await expect(backupDatabase(store, backups, { now: at(5), freeBytes: short })).rejects.toThrow(/^磁盘剩余空间不足：备份约需 \d+ MB，备份文件夹所在的磁盘只剩 1\.0 GB（还须为数据库本身留出 1\.0 GB）。本次没有备份。请清理这块磁盘/);
    await expect(maybeBackup(store, backups, { now: at(5), freeBytes: short })).rejects.toMatchObject({ code: 'disk_full' });
    expect(readdirSync(backups)).toEqual([]);
    expect(backupSpaceProblem(backups, bytes, short)).toMatch(/^磁盘剩余空间不足/);
    // One byte more and it is taken; the copy is the size the check assumed.
    const r = await backupDatabase(store, backups, { now: at(5), freeBytes: () => bytes + BACKUP_RESERVE_BYTES });
    expect(statSync(r.file).size).toBe(bytes);
    expect(backupSpaceProblem(backups, bytes, () => bytes + BACKUP_RESERVE_BYTES)).toBeNull();
    store.close();
  });

  it('first lets go of the backups retention would remove anyway, and backs up if that makes room', async () => {
    const dir = freshDir();
    const store = createStore(join(dir, 'census.sqlite'));
    const bytes = backupBytesOf(store);
    const backups = join(dir, 'backups');
    mkdirSync(backups);
    // Fifteen old backups, one a day in June: retention by time keeps the newest 10.
    const old = Array.from({ length: 15 }, (_, i) => `census-202606${String(i + 1).padStart(2, '0')}-080000.sqlite`);
    old.forEach((f) => writeFileSync(join(backups, f), Buffer.alloc(100_000)));
    // A disk that has room only once the five oldest are gone
    const capacity = 10 * 100_000 + bytes + BACKUP_RESERVE_BYTES;
    const free = (d: string) => capacity - backupsBytes(d);
    const r = await backupDatabase(store, backups, { now: at(5), freeBytes: free });
    expect(r.file).toBe(join(backups, 'census-20260705-120000.sqlite'));
    expect(names(backups)).toEqual([...old.slice(6), 'census-20260705-120000.sqlite'].sort());
    store.close();
  });
});

describe('maybeBackup', () => {
  it('makes at most one backup per hour', async () => {
    const dir = freshDir();
    const store = createStore(join(dir, 'census.sqlite'));
    const backups = join(dir, 'backups');
    expect(await maybeBackup(store, backups, { now: at(5, 10, 0) })).not.toBeNull();
    expect(await maybeBackup(store, backups, { now: at(5, 10, 30) })).toBeNull();
    expect(await maybeBackup(store, backups, { now: at(5, 10, 59, 59) })).toBeNull();
    expect(await maybeBackup(store, backups, { now: at(5, 11, 0) })).not.toBeNull();
    expect(names(backups)).toEqual(['census-20260705-100000.sqlite', 'census-20260705-110000.sqlite']);
    store.close();
  });

  it('is not blocked by a backup dated in the future (the clock was turned back)', async () => {
    const dir = freshDir();
    const store = createStore(join(dir, 'census.sqlite'));
    touchBackups(dir, 'census-20300101-000000.sqlite');
    expect(await maybeBackup(store, dir, { now: at(5) })).not.toBeNull();
    store.close();
  });

  it('gives up quietly when the store is closed while it copies, leaving no half file', async () => {
    const dir = freshDir();
    const store = createStore(join(dir, 'census.sqlite'));
    const pending = maybeBackup(store, join(dir, 'backups'), { now: at(5) });
    store.close();
    expect(await pending).toBeNull();
    expect(readdirSync(join(dir, 'backups'))).toEqual([]);
  });
});
