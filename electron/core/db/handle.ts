/**
 * The database handle the rest of the app sees. `Db` carries no SQL surface on purpose: the raw
 * better-sqlite3 connection is reachable only through `sqliteOf`, which lives in this folder and is
 * not re-exported by `db/index.ts`, so SQL stays in the repositories (tests/unit/db-boundary.test.ts
 * enforces it).
 */
import type Database from 'better-sqlite3';

export type Sqlite = Database.Database;

const handles = new WeakMap<Db, Sqlite>();

export class Db {
  private constructor(readonly path: string) {}

  /** Internal: wraps a connection that `open.ts` has configured and migrated. */
  static wrap(path: string, sqlite: Sqlite): Db {
    const db = new Db(path);
    handles.set(db, sqlite);
    return db;
  }

  get isOpen(): boolean {
    return handles.get(this)?.open ?? false;
  }

  close(): void {
    const sqlite = handles.get(this);
    if (sqlite?.open) sqlite.close();
  }
}

export function sqliteOf(db: Db): Sqlite {
  const sqlite = handles.get(db);
  if (!sqlite) throw new Error('not a Headcount database handle');
  if (!sqlite.open) throw new Error(`database is closed: ${db.path}`);
  return sqlite;
}

/**
 * Runs `fn` in one transaction (BEGIN IMMEDIATE, so a writer never fails half-way on a lock
 * upgrade). Nested calls become savepoints; an exception rolls back and rethrows.
 */
export function transaction<T>(db: Db, fn: () => T): T {
  return sqliteOf(db).transaction(fn).immediate();
}
