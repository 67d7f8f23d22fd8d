/**
 * Builds the core that both faces (Electron IPC and the HTTP bridge), the CLI and the tests use:
 * the store, the division index, the services and one dispatch.
 */
import { mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createStore, maybeBackup, openExistingStore, type Store } from './db';
import { createDispatch, type Dispatch } from './dispatch';
import { loadDivisions } from './divisions';
import { createEventBus, type EventBus } from './events';
import { createHandlers } from './handlers/index';
import type { ServiceContext } from './services/context';

export interface Core {
  dispatch: Dispatch;
  events: EventBus;
  dbPath: string;
  ctx: ServiceContext;
  close(): void;
}

export const DB_FILE = 'census.sqlite';

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

export function coreForStore(store: Store, dbPath: string, opts: CoreOptions = {}): Core {
  const events = createEventBus();
  const ctx: ServiceContext = {
    store,
    divisions: loadDivisions(opts.resourcesDir),
    events,
    now: opts.now ?? (() => new Date()),
    generation: { value: 0 },
    app: { version: appVersion(), dbPath },
  };
  const dispatch = createDispatch(createHandlers(ctx), (e) => {
    process.stderr.write(`[headcount] internal error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  });
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
    events,
    dbPath,
    ctx,
    close: () => {
      if (backupTimer) clearInterval(backupTimer);
      store.close();
    },
  };
}

/** The app's core over `<dataDir>/census.sqlite`, created on first use, with rolling backups. */
export async function createCore(opts: CoreOptions & { dataDir: string }): Promise<Core> {
  mkdirSync(opts.dataDir, { recursive: true });
  const dbPath = path.join(opts.dataDir, DB_FILE);
  const store = createStore(dbPath);
  return coreForStore(store, dbPath, { backupsDir: path.join(opts.dataDir, 'backups'), ...opts });
}

/** For the CLI: an existing database only (a missing or foreign file is an error, never created). */
export function openCoreForFile(dbPath: string, opts: CoreOptions & { create?: boolean } = {}): Core {
  const store = opts.create ? createStore(dbPath) : openExistingStore(dbPath);
  return coreForStore(store, dbPath, opts);
}
