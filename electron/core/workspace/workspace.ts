/**
 * The census file the app works on, as a session that can be closed and reopened at run time: open
 * another file, restore a backup over the current one, or start without one because it is damaged,
 * missing (a stick not plugged in) or locked by another computer. The rest of the core sees only
 * `session()`; app.ts rebuilds the handlers whenever it changes.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import type { BackupEntry, WorkspaceStatus } from '../../../shared/api/methods/workspace';
import { ApiError } from '../../../shared/api/errors';
import {
  backupBytesOf, backupDatabase, backupStem, commitRestore, createStore, keepDamagedCopy, listBackups, maybeBackup, openExistingStore, stageRestore,
  type Store,
} from '../db';
import { describeBackup, describeBackups, type BackupsView } from '../services/backups';
import { acquireLock, currentIdentity, lockedMessage, type HeldLock, type LockHolder, type LockIdentity } from './lock';

export const DB_FILE = 'census.sqlite';
const STATE_FILE = 'workspace.json';
const RECENT_MAX = 8;

export interface WorkspaceHost {
  /** A native file dialog; null when cancelled */
  pickFile?(mode: 'open' | 'create'): Promise<string | null>;
}

export interface WorkspaceOptions {
  dataDir: string;
  portable?: boolean;
  now?: () => Date;
  host?: WorkspaceHost;
  identity?: LockIdentity;
  heartbeatMs?: number;
  backupIntervalMs?: number;
  /** Write rolling backups (the app does; some tests turn it off) */
  backups?: boolean;
}

export interface Session {
  store: Store;
  dbPath: string;
}

type Problem =
  | { state: 'damaged'; message: string }
  | { state: 'missing'; message: string }
  | { state: 'locked'; message: string; lock: NonNullable<WorkspaceStatus['lock']> };

const stateFileSchema = z.object({ current: z.string().nullable(), recent: z.array(z.string()) });

const pad = (n: number) => String(n).padStart(2, '0');
export const localTime = (iso: string) => {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}`;
};

export interface Workspace {
  status(): WorkspaceStatus;
  session(): Session | null;
  /** Called with the new session (or null) after every change */
  onChange(cb: (s: Session | null) => void): void;
  open(dbPath: string, opts?: { create?: boolean }): WorkspaceStatus;
  forceOpen(): WorkspaceStatus;
  pickFile(mode: 'open' | 'create'): Promise<string | null>;
  /** The open file turned out damaged while in use (SQLITE_CORRUPT) */
  markDamaged(detail: string): void;
  listBackups(): BackupsView;
  createBackup(): Promise<BackupEntry>;
  restore(name: string): Promise<{ restored: string; keptAs: string | null; status: WorkspaceStatus }>;
  close(): void;
}

export function createWorkspace(opts: WorkspaceOptions): Workspace {
  const dataDir = path.resolve(opts.dataDir);
  mkdirSync(dataDir, { recursive: true });
  const now = opts.now ?? (() => new Date());
  const me = opts.identity ?? currentIdentity();
  const defaultDbPath = path.join(dataDir, DB_FILE);
  const statePath = path.join(dataDir, STATE_FILE);
  const listeners: ((s: Session | null) => void)[] = [];

  let dbPath = defaultDbPath;
  let session: Session | null = null;
  let problem: Problem | null = null;
  let lock: HeldLock | null = null;
  let timers: NodeJS.Timeout[] = [];

  // Paths inside the data folder are remembered relative to it: a stick gets another drive letter on the next machine.
  const remembered = (p: string) => (path.relative(dataDir, p).startsWith('..') || path.isAbsolute(path.relative(dataDir, p)) ? p : path.relative(dataDir, p));
  const resolved = (p: string) => path.resolve(dataDir, p);

  function readState(): z.infer<typeof stateFileSchema> {
    try {
      return stateFileSchema.parse(JSON.parse(readFileSync(statePath, 'utf8')));
    } catch {
      return { current: null, recent: [] };
    }
  }

  function writeState(current: string): void {
    const state = readState();
    const recent = [current, ...state.recent.map(resolved).filter((p) => p !== current)].slice(0, RECENT_MAX);
    const tmp = `${statePath}.tmp`;
    writeFileSync(tmp, JSON.stringify({ current: remembered(current), recent: recent.map(remembered) }, null, 2));
    renameSync(tmp, statePath);
  }

  const backupsDirOf = (p: string) => path.join(path.dirname(p), 'backups');

  function emit(): void {
    for (const cb of listeners) cb(session);
  }

  function stopTimers(): void {
    for (const t of timers) clearInterval(t);
    timers = [];
  }

  function closeSession(): void {
    stopTimers();
    session?.store.close();
    session = null;
  }

  function releaseLock(): void {
    lock?.release();
    lock = null;
  }

  function lockProblem(holder: LockHolder | null, sameHost: boolean, probablyStale: boolean): Problem {
    return {
      state: 'locked',
      message: lockedMessage(holder, sameHost, probablyStale, localTime),
      lock: {
        host: holder?.host ?? '未知',
        user: holder?.user ?? '',
        since: holder?.since ?? '',
        heartbeat: holder?.heartbeat ?? '',
        sameHost,
        probablyStale,
      },
    };
  }

  function startTimers(s: Session): void {
    const heartbeat = setInterval(() => {
      if (!lock || lock.refresh(now())) return;
      // Another computer forced the file open: stop touching it at once.
      closeSession();
      lock = null;
      problem = { state: 'locked', message: '另一台电脑强制打开了这个数据库文件，本机已停止使用它。', lock: { host: '未知', user: '', since: '', heartbeat: '', sameHost: false, probablyStale: false } };
      emit();
    }, opts.heartbeatMs ?? 60_000);
    timers.push(heartbeat);
    if (opts.backups !== false) {
      const dir = backupsDirOf(s.dbPath);
      const stem = backupStem(s.dbPath);
      // A failed backup (disk full, stick pulled) must never take the app down: report and carry on.
      const backup = () =>
        void maybeBackup(s.store, dir, { stem }).catch((e: unknown) => process.stderr.write(`[headcount] backup failed: ${String(e)}\n`));
      backup();
      timers.push(setInterval(backup, opts.backupIntervalMs ?? 15 * 60_000));
    }
    for (const t of timers) t.unref();
  }

  /** Opens the store at `target` (a lock on it is held) or says why it cannot be. */
  function tryOpen(target: string, create: boolean): { store: Store } | { problem: Problem } {
    try {
      return { store: create ? createStore(target) : openExistingStore(target) };
    } catch (e) {
      if (!(e instanceof ApiError)) throw e;
      return {
        problem:
          e.code === 'not_found'
            ? { state: 'missing', message: `找不到数据库文件：${target}。如果它在U盘上，请插入U盘后重试，或打开其他文件。` }
            : { state: 'damaged', message: e.message },
      };
    }
  }

  function adopt(target: string, opened: { store: Store } | { problem: Problem }): void {
    dbPath = target;
    if ('store' in opened) {
      session = { store: opened.store, dbPath: target };
      problem = null;
      startTimers(session);
      writeState(target);
    } else {
      problem = opened.problem;
    }
  }

  function switchTo(target: string, create: boolean, force = false): WorkspaceStatus {
    const same = target === dbPath && lock !== null;
    if (!same && !create && !existsSync(path.dirname(target))) {
      // The folder is gone (a stick not plugged in): nothing to lock, nothing to open.
      const missing: Problem = { state: 'missing', message: `找不到数据库文件：${target}。如果它在U盘上，请插入U盘后重试，或打开其他文件。` };
      if (session) throw new ApiError('not_found', missing.message);
      releaseLock();
      dbPath = target;
      problem = missing;
      emit();
      return status();
    }
    if (create) mkdirSync(path.dirname(target), { recursive: true });
    const result = same && !force ? { ok: true as const, lock: lock!, tookOver: null } : acquireLock(target, { me, now: now(), force });
    if (!result.ok) {
      const p = lockProblem(result.holder, result.sameHost, result.probablyStale);
      // Staying on a working file beats switching to a locked one; at start-up there is nothing to stay on.
      if (session) throw new ApiError('db_locked', p.message);
      dbPath = target;
      problem = p;
      emit();
      return status();
    }
    if (same) closeSession();
    const opened = tryOpen(target, create);
    if ('problem' in opened && session) {
      // Another file that cannot be opened: keep working on this one and say why.
      result.lock.release();
      throw new ApiError(opened.problem.state === 'missing' ? 'not_found' : 'invalid_file', opened.problem.message);
    }
    if (!same) {
      closeSession();
      releaseLock();
    }
    lock = result.lock;
    adopt(target, opened);
    emit();
    return status();
  }

  function status(): WorkspaceStatus {
    return {
      state: session ? 'open' : (problem?.state ?? 'damaged'),
      dbPath,
      backupsDir: backupsDirOf(dbPath),
      dataDir,
      defaultDbPath,
      portable: opts.portable ?? false,
      message: session ? null : (problem?.message ?? null),
      lock: !session && problem?.state === 'locked' ? problem.lock : null,
      recent: readState().recent.map(resolved).filter((p) => p !== dbPath),
      canPickFile: Boolean(opts.host?.pickFile),
    };
  }

  function requireUnlocked(): void {
    if (!session && problem?.state === 'locked') throw new ApiError('db_locked', problem.message);
  }

  // Start-up: the file last worked on, else the data folder's own census (created on first use).
  const last = readState().current;
  const start = last ? resolved(last) : defaultDbPath;
  switchTo(start, start === defaultDbPath);

  return {
    status,
    session: () => session,
    onChange: (cb) => void listeners.push(cb),
    open: (p, o = {}) => switchTo(path.resolve(dataDir, p), o.create ?? false),
    forceOpen: () => switchTo(dbPath, dbPath === defaultDbPath, true),
    pickFile: async (mode) => (opts.host?.pickFile ? opts.host.pickFile(mode) : null),
    markDamaged(detail) {
      if (!session) return;
      closeSession();
      problem = { state: 'damaged', message: `数据库文件已损坏，无法继续使用：${dbPath}（${detail}）。请从备份恢复。` };
      emit();
    },
    listBackups: () => describeBackups(backupsDirOf(dbPath), backupStem(dbPath), session ? backupBytesOf(session.store) : null),
    async createBackup() {
      if (!session) throw new ApiError('db_unavailable', '当前没有打开的数据库，无法备份');
      const dir = backupsDirOf(dbPath);
      const r = await backupDatabase(session.store, dir, { stem: backupStem(dbPath), now: now() });
      const name = path.basename(r.file);
      const entry = listBackups(dir, backupStem(dbPath)).find((b) => b.name === name);
      return describeBackup(dir, name, entry?.at ?? now());
    },
    async restore(name) {
      requireUnlocked();
      const dir = backupsDirOf(dbPath);
      const stem = backupStem(dbPath);
      if (!listBackups(dir, stem).some((b) => b.name === name)) throw new ApiError('not_found', `找不到备份：${name}`);
      const entry = describeBackups(dir, stem).backups.find((b) => b.name === name);
      if (!entry?.ok) throw new ApiError('invalid_file', `不能用这个备份恢复：${entry?.problem ?? '无法读取'}`);
      // Copy first: the safety backup below runs retention, which may remove old backups.
      const staged = stageRestore(path.join(dir, name), dbPath);
      const target = dbPath;
      let keptAs: string | null;
      try {
        if (session) {
          keptAs = path.basename((await backupDatabase(session.store, dir, { stem, now: now() })).file);
          closeSession();
        } else {
          mkdirSync(dir, { recursive: true });
          keptAs = keepDamagedCopy(target, dir, stem, now());
        }
        if (!lock) {
          const l = acquireLock(target, { me, now: now() });
          if (!l.ok) throw new ApiError('db_locked', lockProblem(l.holder, l.sameHost, l.probablyStale).message);
          lock = l.lock;
        }
        commitRestore(staged, target);
      } catch (e) {
        rmSync(staged, { force: true });
        if (!session && lock) adopt(target, tryOpen(target, false));
        emit();
        throw e;
      }
      adopt(target, tryOpen(target, false));
      emit();
      return { restored: name, keptAs, status: status() };
    },
    close() {
      closeSession();
      releaseLock();
    },
  };
}
