/**
 * Builds the core that both faces (Electron IPC and the HTTP bridge), the CLI and the tests use:
 * the store, the division index, the services and one dispatch. The app's core works on a
 * workspace whose census file can change at run time (another file, a restored backup) or be absent
 * (damaged, missing, locked): its dispatch is rebuilt on every change, and while no file is open
 * every method but the workspace ones answers with why.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { methodNames } from '../../shared/api/contract';
import { ApiError } from '../../shared/api/errors';
import { maybeBackup, type Store } from './db';
import { createStore, openExistingStore } from './db';
import { createDispatch, type Dispatch, type Handlers } from './dispatch';
import { loadDivisions } from './divisions';
import { createEventBus, type EventBus } from './events';
import { createHandlers } from './handlers/index';
import { fixedFileWorkspaceHandlers, workspaceHandlers } from './handlers/workspace';
import { createContext, type ServiceContext } from './services/context';
import { removeStaleScratch } from './fs/scratch';
import { createWorkspace, type Session, type Workspace, type WorkspaceHost } from './workspace/workspace';
import type { LockIdentity } from './workspace/lock';

export { DB_FILE } from './workspace/workspace';

export interface Core {
  dispatch: Dispatch;
  events: EventBus;
  readonly dbPath: string;
  /** The open census's context; throws while none is open */
  readonly ctx: ServiceContext;
  close(): void;
}

export interface AppCore extends Core {
  workspace: Workspace;
}

/** A core over one census file, as the CLI and tests open it */
export interface FileCore extends Core {
  /** The dispatch of a caller on this computer: also admits the path-taking methods (the CLI's) */
  localDispatch: Dispatch;
}

export function appVersion(): string {
  const pkg = JSON.parse(readFileSync(fileURLToPath(new URL('../../package.json', import.meta.url)), 'utf8')) as { version: string };
  return pkg.version;
}

export interface CoreOptions {
  resourcesDir?: string;
  now?: () => Date;
  /** Where rolling backups go; none when omitted */
  backupsDir?: string;
}

const logInternal = (e: unknown) =>
  process.stderr.write(`[headcount] internal error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);

export function coreForStore(store: Store, dbPath: string, opts: CoreOptions = {}): FileCore {
  const events = createEventBus();
  const ctx = createContext({
    store,
    divisions: loadDivisions(opts.resourcesDir),
    events,
    now: opts.now ?? (() => new Date()),
    app: { version: appVersion(), dbPath },
  });
  const handlers = { ...createHandlers(ctx), ...fixedFileWorkspaceHandlers() };
  const dispatch = createDispatch(handlers, logInternal);
  const localDispatch = createDispatch(handlers, logInternal, { local: true });
  let backupTimer: NodeJS.Timeout | undefined;
  if (opts.backupsDir) {
    const dir = opts.backupsDir;
    // A failed backup (disk full, stick pulled) must never take the app down: report and carry on.
    const backup = () =>
      void maybeBackup(store, dir).catch((e: unknown) => process.stderr.write(`[headcount] backup failed: ${String(e)}\n`));
    backup();
    backupTimer = setInterval(backup, 15 * 60_000);
    backupTimer.unref();
  }
  return {
    dispatch,
    localDispatch,
    events,
    dbPath,
    ctx,
    close: () => {
      if (backupTimer) clearInterval(backupTimer);
      ctx.state.dispose();
      store.close();
    },
  };
}

const isCorruption = (e: unknown) => {
  const code = (e as { code?: unknown } | null)?.code;
  return code === 'SQLITE_CORRUPT' || code === 'SQLITE_NOTADB';
};

export interface AppCoreOptions extends Omit<CoreOptions, 'backupsDir'> {
  dataDir: string;
  portable?: boolean;
  host?: WorkspaceHost;
  identity?: LockIdentity;
  /** How often the lock is renewed and checked (tests shorten it) */
  heartbeatMs?: number;
}

/**
 * The app's core over its data folder: the census file last worked on (at first `census.sqlite`,
 * created on first use), locked against other computers, with rolling backups beside it.
 */
export async function createCore(opts: AppCoreOptions): Promise<AppCore> {
  // What an ended run left in its scratch folders holds personal data: gone before anything else
  removeStaleScratch();
  const events = createEventBus();
  const divisions = loadDivisions(opts.resourcesDir);
  const now = opts.now ?? (() => new Date());
  const version = appVersion();
  const workspace = createWorkspace({ dataDir: opts.dataDir, portable: opts.portable ?? false, now, host: opts.host, identity: opts.identity, heartbeatMs: opts.heartbeatMs });
  const fromWorkspace = workspaceHandlers(workspace);

  const unavailable = (): never => {
    const s = workspace.status();
    throw new ApiError(s.state === 'open' ? 'db_unavailable' : `db_${s.state}`, s.message ?? '当前没有打开的数据库', { state: s.state });
  };
  const closed = Object.fromEntries(methodNames.map((m) => [m, unavailable])) as unknown as Handlers;

  let ctx: ServiceContext | null = null;
  let inner: Dispatch = () => Promise.resolve({ ok: false, error: { code: 'internal', message: '程序尚未就绪' } });
  let corrupted: string | null = null;
  const rebuild = (s: Session | null) => {
    // The previous census's previews and caches go with it (a pending import's stage file among them)
    ctx?.state.dispose();
    ctx = s ? createContext({ store: s.store, divisions, events, now, app: { version, dbPath: s.dbPath } }) : null;
    const handlers = ctx ? { ...closed, ...createHandlers(ctx), ...fromWorkspace } : { ...closed, ...fromWorkspace };
    inner = createDispatch(handlers, (e) => {
      if (isCorruption(e)) corrupted = e instanceof Error ? e.message : String(e);
      logInternal(e);
    });
  };
  workspace.onChange(rebuild);
  rebuild(workspace.session());

  return {
    events,
    workspace,
    get dbPath() {
      return workspace.status().dbPath;
    },
    get ctx(): ServiceContext {
      if (!ctx) unavailable();
      return ctx!;
    },
    async dispatch(method, payload) {
      const reply = await inner(method, payload);
      if (corrupted !== null) {
        // The file broke under us: stop using it and send the UI to the damaged-file screen.
        const detail = corrupted;
        corrupted = null;
        workspace.markDamaged(detail);
        const s = workspace.status();
        return { ok: false, error: { code: 'db_damaged', message: s.message ?? detail, details: { state: s.state } } };
      }
      return reply;
    },
    close: () => {
      ctx?.state.dispose();
      workspace.close();
    },
  };
}

/** For the CLI: an existing database only (a missing or foreign file is an error, never created). */
export function openCoreForFile(dbPath: string, opts: CoreOptions & { create?: boolean } = {}): FileCore {
  const store = opts.create ? createStore(dbPath) : openExistingStore(dbPath);
  return coreForStore(store, dbPath, opts);
}
