import { sqliteOf, type Db } from './handle';

/**
 * SQLite's data_version: changes whenever another connection (another process: the CLI, a second
 * window) commits. Read inside a write transaction it says whether a plan made earlier is stale.
 */
export function othersCommits(db: Db): number {
  return sqliteOf(db).pragma('data_version', { simple: true }) as number;
}

/** The error better-sqlite3 raises when another connection holds the write lock past busy_timeout. */
export function isBusy(e: unknown): boolean {
  const code = (e as { code?: unknown } | null)?.code;
  return code === 'SQLITE_BUSY' || code === 'SQLITE_LOCKED' || (typeof code === 'string' && code.startsWith('SQLITE_BUSY_'));
}
