/**
 * The benchmarks' baseline for a merge: the same rows loaded into a table with the same columns and
 * no key, index or constraint at all — what SQLite itself costs for the bytes, nothing of ours.
 */
import type { TableName } from '../../../../shared/census/dictionary';
import { sqliteOf, type Db } from '../handle';
import { recordColumns, type SqlValue } from './packages';

export interface PlainLoad {
  /** Inserts rows (in `recordColumns` order) in one transaction; returns how many */
  load(rows: Iterable<readonly SqlValue[]>): number;
}

export function plainLoad(db: Db, table: TableName): PlainLoad {
  const sqlite = sqliteOf(db);
  const name = `plain_${table}`;
  const cols = recordColumns(table);
  sqlite.exec(`CREATE TABLE IF NOT EXISTS ${name} (${cols.join(', ')})`);
  const insert = sqlite.prepare(`INSERT INTO ${name} VALUES (${cols.map(() => '?').join(', ')})`);
  return {
    load: (rows) =>
      sqlite.transaction(() => {
        let n = 0;
        for (const r of rows) {
          insert.run(r);
          n++;
        }
        return n;
      })(),
  };
}
