/**
 * The database handle the rest of the app sees. `Db` carries no SQL surface on purpose: the raw
 * better-sqlite3 connection is reachable only through `sqliteOf`, which lives in this folder and is
 * not re-exported by `db/index.ts`, so SQL stays in the repositories (the linter enforces it).
 */
import type Database from 'better-sqlite3';

export type Sqlite = Database.Database;

const handles = new WeakMap<Db, Sqlite>();

/** Versions on either side of the last write transaction this connection committed */
export interface WriteSpan {
  before: string;
  after: string;
}

export class Db {
  /** Write transactions committed (and writes marked) through this handle: the in-process change counter */
  writes = 0;
  /**
   * Statements the repositories ran against the units table through this handle, committed or not (a
   * rolled-back one costs a needless read of the unit list, never a stale one): `UnitWritesRepo`.
   */
  unitWrites = 0;
  lastWrite: WriteSpan | null = null;

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
 *
 * Every outermost commit bumps the change counter, and `lastWrite` records the version just before
 * and just after it, both read while the write lock is held: a cache that was current at `before` may
 * be brought forward to `after` by the writer itself (no other process can have committed between).
 */
export function transaction<T>(db: Db, fn: () => T): T {
  const sqlite = sqliteOf(db);
  if (sqlite.inTransaction) return sqlite.transaction(fn).immediate();
  let span: WriteSpan | null = null;
  const result = sqlite
    .transaction(() => {
      const before = versionOf(db);
      const out = fn();
      // The counter is bumped only once the commit succeeds; `after` names that future value.
      span = { before, after: `${dataVersion(sqlite)}.${db.writes + 1}` };
      return out;
    })
    .immediate();
  db.writes++;
  db.lastWrite = span;
  return result;
}

/** A write transaction left open across several steps (see `openTransaction`) */
export interface OpenTransaction {
  commit(): void;
  /** Undoes everything since it opened (nothing when SQLite already rolled it back) */
  rollback(): void;
  /** False once SQLite itself rolled it back (a disk-full or I/O error ends the whole transaction) */
  readonly open: boolean;
}

/**
 * BEGIN IMMEDIATE now, COMMIT when told: for a bulk merge that writes several packages (each in its own
 * savepoint through `transaction`) per commit. The caller must not yield to other work of this
 * connection while it is open. The commit bumps the change counter as `transaction` does.
 */
export function openTransaction(db: Db): OpenTransaction {
  const sqlite = sqliteOf(db);
  if (sqlite.inTransaction) throw new Error('a transaction is already open');
  sqlite.exec('BEGIN IMMEDIATE');
  const before = versionOf(db);
  let done = false;
  return {
    get open() {
      return !done && sqlite.inTransaction;
    },
    commit() {
      if (done) return;
      const span = { before, after: `${dataVersion(sqlite)}.${db.writes + 1}` };
      sqlite.exec('COMMIT');
      done = true;
      db.writes++;
      db.lastWrite = span;
    },
    rollback() {
      if (done) return;
      done = true;
      if (sqlite.inTransaction) sqlite.exec('ROLLBACK');
      markWrite(db);
    },
  };
}

/** Marks a write made outside `transaction` (it invalidates every cache keyed by the version). */
export function markWrite(db: Db): void {
  db.writes++;
  db.lastWrite = null;
}

/** SQLite's count of commits by other connections (it moves when another process writes the file) */
export function dataVersion(sqlite: Sqlite): number {
  return sqlite.pragma('data_version', { simple: true }) as number;
}

/**
 * The state of the file as this connection sees it now: other processes' commits (data_version) and
 * this process's own (the change counter). Equal versions mean nobody wrote in between.
 */
export function versionOf(db: Db): string {
  return `${dataVersion(sqliteOf(db))}.${db.writes}`;
}

/** Rows changed by this connection since it opened, in or out of transactions (SQLite's total_changes) */
export function totalChanges(db: Db): number {
  return sqliteOf(db).prepare('SELECT total_changes()').pluck().get() as number;
}

/**
 * Attaches another database file as `schema` for the caller's next transaction (SQLite attaches only
 * outside one) and returns what detaches it, once however often it is called.
 */
export function attachFile(sqlite: Sqlite, path: string, schema: string): () => void {
  if (!/^[a-z_]+$/.test(schema)) throw new Error(`schema ${JSON.stringify(schema)} cannot be named in SQL`);
  if (sqlite.inTransaction) throw new Error(`attaching ${schema} must come before the transaction`);
  sqlite.prepare(`ATTACH DATABASE ? AS ${schema}`).run(path);
  let attached = true;
  return () => {
    if (!attached) return;
    attached = false;
    sqlite.exec(`DETACH DATABASE ${schema}`);
  };
}
