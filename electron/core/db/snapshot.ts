/**
 * A read snapshot of the census: a second, read-only connection holding one read transaction, so a
 * long pass (a return package's million records) reads one state of the file while the main connection
 * goes on serving other requests between its chunks. In WAL mode a reader never blocks the writer and
 * sees none of the commits made after its transaction began; iterating on the main connection instead
 * would hold that connection for the whole pass (any write meanwhile fails with "connection is busy"),
 * and releasing it between chunks would mix states.
 */
import type { TableName } from '../../../shared/census/dictionary';
import { Db } from './handle';
import { openReadOnlyConnection } from './open';
import { exportedAuditReader, type ReceivedAuditRow } from './repos/packages';
import { recordRepo, type PackageCells } from './repos/records';

export interface Snapshot {
  /** Every record of `table` in list order (created_at, rowid) as package cells (`RecordRepo.packageRows`) */
  packageRows(table: TableName): Generator<PackageCells, void, undefined>;
  /** The audit trail a package carries: this level's own log, then the one received with its packages (`exportedAuditReader`) */
  ownAudit(): Generator<ReceivedAuditRow, void, undefined>;
  receivedAudit(): Generator<ReceivedAuditRow, void, undefined>;
  /** Ends the read transaction and closes the connection (safe to call more than once) */
  close(): void;
}

/**
 * Opens a snapshot of the census file at `path` as it is now. The state is fixed here, before this
 * returns: whatever the caller checked on its own connection in the same synchronous stretch is
 * what the snapshot reads.
 */
export function openSnapshot(path: string): Snapshot {
  const sqlite = openReadOnlyConnection(path);
  try {
    sqlite.exec('BEGIN');
    // A WAL read transaction takes its snapshot at its first read, not at BEGIN
    sqlite.prepare('SELECT count(*) FROM sqlite_schema').pluck().get();
  } catch (e) {
    sqlite.close();
    throw e;
  }
  const db = Db.wrap(path, sqlite);
  const repos = { person: recordRepo(db, 'person'), unit: recordRepo(db, 'unit') };
  const audit = exportedAuditReader(sqlite);
  return {
    packageRows: (table) => repos[table].packageRows(),
    ownAudit: audit.own,
    receivedAudit: audit.received,
    close() {
      if (!sqlite.open) return;
      try {
        if (sqlite.inTransaction) sqlite.exec('COMMIT');
      } finally {
        sqlite.close();
      }
    },
  };
}
