/**
 * Portable mode's paths (data beside the program on a USB stick) and the lock file's rules, on real
 * folders in a temp dir: who may take a lock, what the user is told, and that a lost lock is noticed.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { acquireLock, lockedMessage, lockPathFor, STALE_AFTER_MS } from '../../electron/core/workspace/lock';
import { PORTABLE_DATA_DIR, PORTABLE_FLAG_FILE, programDirOf, resolveDataLocation } from '../../electron/core/workspace/portable';
import { localTime } from '../../electron/core/workspace/workspace';
import { removeDir, tempDir } from '../fixtures/core';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) removeDir(d);
});
const dir = () => {
  const d = tempDir('headcount-portable-');
  dirs.push(d);
  return d;
};

describe('portable mode paths', () => {
  it('uses the profile folder normally and the folder beside the program when portable.txt is there', () => {
    const program = dir();
    const home = path.join(dir(), 'profile');
    expect(resolveDataLocation({ programDir: program, defaultDir: home, env: {} })).toEqual({ dataDir: home, portable: false, reason: 'default' });
    writeFileSync(path.join(program, PORTABLE_FLAG_FILE), '');
    expect(resolveDataLocation({ programDir: program, defaultDir: home, env: {} })).toEqual({
      dataDir: path.join(program, PORTABLE_DATA_DIR),
      portable: true,
      reason: 'portable_flag',
    });
  });

  it('can be switched on by HEADCOUNT_PORTABLE=1, and HEADCOUNT_DATA_DIR wins over both', () => {
    const program = dir();
    writeFileSync(path.join(program, PORTABLE_FLAG_FILE), '');
    expect(resolveDataLocation({ programDir: dir(), defaultDir: '/x', env: { HEADCOUNT_PORTABLE: '1' } }).portable).toBe(true);
    expect(resolveDataLocation({ programDir: program, defaultDir: '/x', env: { HEADCOUNT_DATA_DIR: '/data/here' } })).toEqual({
      dataDir: path.resolve('/data/here'),
      portable: false,
      reason: 'env',
    });
  });

  it('finds the program folder of an installed app, an AppImage and a source checkout', () => {
    expect(programDirOf({ isPackaged: true, execPath: '/media/u/STICK/headcount/headcount', appPath: '/x', env: {} })).toBe('/media/u/STICK/headcount');
    expect(programDirOf({ isPackaged: true, execPath: '/tmp/.mount_abc/headcount', appPath: '/x', env: { APPIMAGE: '/media/u/STICK/headcount.AppImage' } })).toBe(
      '/media/u/STICK',
    );
    expect(programDirOf({ isPackaged: false, execPath: '/usr/bin/electron', appPath: '/src/headcount', env: {} })).toBe('/src/headcount');
  });
});

describe('the lock file', () => {
  const A = { host: 'OFFICE-PC1', user: 'zhang', pid: process.pid };
  const B = { host: 'OFFICE-PC2', user: 'li', pid: process.pid };

  it('refuses another computer and tells who holds it and since when; force takes it over', () => {
    const db = path.join(dir(), 'census.sqlite');
    const t0 = new Date('2026-12-01T08:30:00');
    const a = acquireLock(db, { me: A, now: t0 });
    expect(a.ok).toBe(true);
    const b = acquireLock(db, { me: B, now: new Date(t0.getTime() + 60_000) });
    expect(b).toMatchObject({ ok: false, sameHost: false, probablyStale: false, holder: { host: 'OFFICE-PC1', user: 'zhang' } });
    if (b.ok) return;
    const msg = lockedMessage(b.holder, b.sameHost, b.probablyStale, localTime);
    expect(msg).toContain('电脑「OFFICE-PC1」（用户 zhang）');
    expect(msg).toContain('2026-12-01 08:30');
    expect(msg).toContain('强制打开');
    const forced = acquireLock(db, { me: B, force: true });
    expect(forced).toMatchObject({ ok: true, tookOver: { host: 'OFFICE-PC1' } });
    // A notices at its next heartbeat and does not take it back by releasing
    if (a.ok) {
      expect(a.lock.refresh()).toBe(false);
      a.lock.release();
    }
    expect(JSON.parse(readFileSync(lockPathFor(db), 'utf8')).host).toBe('OFFICE-PC2');
  });

  it('calls a foreign lock probably stale when its heartbeat is old, but still does not take it silently', () => {
    const db = path.join(dir(), 'census.sqlite');
    const t0 = new Date('2026-12-01T08:00:00');
    acquireLock(db, { me: A, now: t0 });
    const late = acquireLock(db, { me: B, now: new Date(t0.getTime() + STALE_AFTER_MS + 1000) });
    expect(late).toMatchObject({ ok: false, probablyStale: true });
    if (!late.ok) expect(lockedMessage(late.holder, false, true, localTime)).toContain('没有正常退出或U盘被直接拔下');
  });

  it('on the same computer: a live holder is refused, a dead one is taken over', () => {
    const db = path.join(dir(), 'census.sqlite');
    const other = { ...A, pid: process.ppid };
    acquireLock(db, { me: other });
    expect(acquireLock(db, { me: A })).toMatchObject({ ok: false, sameHost: true });
    const dead = { ...A, pid: 2 ** 22 + 4321 };
    const db2 = path.join(dir(), 'census.sqlite');
    acquireLock(db2, { me: dead });
    expect(acquireLock(db2, { me: A })).toMatchObject({ ok: true, tookOver: { pid: dead.pid } });
  });

  it('takes over an unreadable lock once it is old, and releases only its own', () => {
    const d = dir();
    mkdirSync(d, { recursive: true });
    const db = path.join(d, 'census.sqlite');
    writeFileSync(lockPathFor(db), '{"host":');
    expect(acquireLock(db, { me: A })).toMatchObject({ ok: false, holder: null });
    const later = acquireLock(db, { me: A, now: new Date(Date.now() + 60_000) });
    expect(later.ok).toBe(true);
    if (later.ok) {
      later.lock.release();
      expect(() => readFileSync(lockPathFor(db))).toThrow();
    }
  });
});
