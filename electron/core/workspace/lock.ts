/**
 * A lock file beside the census database (`census.sqlite.lock`) so two computers never open the same
 * file at once — the case of a USB stick carried between office machines, or a shared folder.
 * SQLite's own locks do not cover this: they do not work across machines on FAT sticks and network
 * shares, and they protect single writes, not a whole working session.
 *
 * The holder rewrites the file every minute (heartbeat) and checks it is still its own, so a
 * computer whose lock was taken over (forced open elsewhere) notices and stops. A lock left by a
 * process of this computer that no longer runs is stale and taken over silently; one from another
 * computer is never taken over without the user saying so, because that computer's clock may differ
 * from ours and "old" cannot be judged reliably — the user sees who holds it and since when.
 */
import { closeSync, fsyncSync, openSync, readFileSync, renameSync, rmSync, statSync, writeSync } from 'node:fs';
import os from 'node:os';
import { z } from 'zod';
import { processAlive } from '../fs/process';

export const lockHolderSchema = z.object({
  host: z.string(),
  user: z.string(),
  pid: z.number().int(),
  /** When this holder opened the file (ISO, the holder's clock) */
  since: z.string(),
  /** Last heartbeat (ISO, the holder's clock) */
  heartbeat: z.string(),
});
export type LockHolder = z.infer<typeof lockHolderSchema>;

export interface LockIdentity {
  host: string;
  user: string;
  pid: number;
}

export function currentIdentity(): LockIdentity {
  let user = '';
  try {
    user = os.userInfo().username;
  } catch {
    // No passwd entry (some containers): the host name still identifies the machine.
  }
  return { host: os.hostname(), user, pid: process.pid };
}

export const lockPathFor = (dbPath: string) => `${dbPath}.lock`;

/** A heartbeat older than this (by our clock) makes a foreign lock "probably stale" in what we tell the user. */
export const STALE_AFTER_MS = 10 * 60_000;
/** A lock file this young that cannot be parsed may still be being written by its owner. */
const UNREADABLE_GRACE_MS = 5_000;

export type LockResult =
  | { ok: true; lock: HeldLock; tookOver: LockHolder | null }
  | { ok: false; holder: LockHolder | null; sameHost: boolean; probablyStale: boolean };

export interface HeldLock {
  readonly path: string;
  /** Rewrites the heartbeat; false when the lock is no longer ours (another computer forced it) */
  refresh(now?: Date): boolean;
  release(): void;
}

function readHolder(path: string): LockHolder | null | 'missing' {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return 'missing';
    throw e;
  }
  try {
    const parsed = lockHolderSchema.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

const isSelf = (h: LockHolder, me: LockIdentity) => h.host === me.host && h.pid === me.pid;

function writeAtomically(path: string, holder: LockHolder): void {
  const tmp = `${path}.${process.pid}.tmp`;
  const fd = openSync(tmp, 'w');
  try {
    writeSync(fd, JSON.stringify(holder));
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, path);
}

function held(path: string, me: LockIdentity, since: string): HeldLock {
  let released = false;
  return {
    path,
    refresh(now = new Date()) {
      if (released) return false;
      const current = readHolder(path);
      if (current === 'missing' || current === null || !isSelf(current, me)) return false;
      writeAtomically(path, { ...me, since, heartbeat: now.toISOString() });
      return true;
    },
    release() {
      if (released) return;
      released = true;
      const current = readHolder(path);
      if (current !== 'missing' && current !== null && isSelf(current, me)) rmSync(path, { force: true });
    },
  };
}

/**
 * Takes the lock for `dbPath`. `force` takes it over whoever holds it (the user confirmed that the
 * other computer no longer uses the file).
 */
export function acquireLock(dbPath: string, opts: { me?: LockIdentity; now?: Date; force?: boolean } = {}): LockResult {
  const me = opts.me ?? currentIdentity();
  const now = opts.now ?? new Date();
  const path = lockPathFor(dbPath);
  const mine: LockHolder = { ...me, since: now.toISOString(), heartbeat: now.toISOString() };
  try {
    const fd = openSync(path, 'wx');
    try {
      writeSync(fd, JSON.stringify(mine));
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    return { ok: true, lock: held(path, me, mine.since), tookOver: null };
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
  }
  const holder = readHolder(path);
  const takeOver = (previous: LockHolder | null): LockResult => {
    writeAtomically(path, mine);
    return { ok: true, lock: held(path, me, mine.since), tookOver: previous };
  };
  if (holder === 'missing') return acquireLock(dbPath, opts);
  if (holder === null) {
    // Unreadable: a crash mid-write long ago, or an owner writing right now.
    const age = now.getTime() - statSync(path).mtimeMs;
    if (opts.force || age > UNREADABLE_GRACE_MS) return takeOver(null);
    return { ok: false, holder: null, sameHost: false, probablyStale: false };
  }
  const sameHost = holder.host === me.host;
  if (opts.force || isSelf(holder, me) || (sameHost && !processAlive(holder.pid))) return takeOver(holder);
  const age = now.getTime() - Date.parse(holder.heartbeat);
  return { ok: false, holder, sameHost, probablyStale: !(age < STALE_AFTER_MS) };
}

/** The Chinese explanation shown when the file is locked, naming the other computer and the time. */
export function lockedMessage(holder: LockHolder | null, sameHost: boolean, probablyStale: boolean, formatTime: (iso: string) => string): string {
  if (!holder) return '这个数据库文件正被另一处打开（锁文件无法识别）。请确认其他电脑已关闭本程序后再打开。';
  const who = sameHost ? '本机上的另一个程序窗口' : `电脑「${holder.host}」${holder.user ? `（用户 ${holder.user}）` : ''}`;
  const parts = [`这个数据库文件正由${who}使用：自 ${formatTime(holder.since)} 起打开，最近一次活动在 ${formatTime(holder.heartbeat)}。`];
  parts.push(sameHost ? '请切换到已打开的窗口，或先关闭它。' : '为防止两台电脑同时修改同一份数据，现在不能打开。请先在那台电脑上关闭本程序。');
  if (probablyStale) parts.push('这个锁已很久没有更新，多半是那台电脑没有正常退出或U盘被直接拔下。');
  if (!sameHost) parts.push('如果确认那台电脑已不再使用它，可以选择“强制打开”。');
  return parts.join('');
}
