/**
 * A census started from the last one: each carried record's values as the last census had them
 * (shown as 上期 → 本期), and the headline figures of earlier censuses of the area (the trend).
 */
import type { TableName } from '../../../../shared/census/dictionary';
import type { RecordData } from '../../../../shared/census/schema';
import { sqliteOf, type Db } from '../handle';
import { lazy } from './targets';

export interface PeriodRow {
  refDate: string;
  areaCode: string;
  areaName: string;
  persons: number;
  holders: number;
  population: number | null;
  source: string;
}

export interface PeriodsRepo {
  /** Stores last census's values of carried records (joins the caller's transaction) */
  savePrevious(table: TableName, rows: Iterable<{ id: string; data: RecordData }>): number;
  /** Last census's values of these records; records that were not carried are absent */
  previousOf(table: TableName, ids: readonly string[]): Map<string, RecordData>;
  countPrevious(table: TableName): number;
  /** Every carried record's last values, in no particular order */
  iteratePrevious(table: TableName): Generator<{ id: string; data: RecordData }, void, undefined>;
  /** Earlier censuses, oldest first */
  list(): PeriodRow[];
  upsert(row: PeriodRow): void;
}

export function periodsRepo(db: Db): PeriodsRepo {
  const sqlite = sqliteOf(db);
  // Prepared on first use: opening a store must not depend on every capability's tables.
  const st = lazy(() => ({
    insertPrev: sqlite.prepare('INSERT OR REPLACE INTO previous_records (table_name, record_id, data) VALUES (?, ?, ?)'),
    selectPrev: sqlite.prepare(
      'SELECT record_id AS id, data FROM previous_records WHERE table_name = ? AND record_id IN (SELECT value FROM json_each(?))',
    ),
    countPrev: sqlite.prepare('SELECT count(*) FROM previous_records WHERE table_name = ?').pluck(),
    iterate: sqlite.prepare('SELECT record_id AS id, data FROM previous_records WHERE table_name = ?'),
    list: sqlite.prepare(
      `SELECT ref_date AS refDate, area_code AS areaCode, area_name AS areaName, persons, holders, population, source FROM periods ORDER BY ref_date, area_code`,
    ),
    upsert: sqlite.prepare(
      `INSERT INTO periods (ref_date, area_code, area_name, persons, holders, population, source)
       VALUES (:refDate, :areaCode, :areaName, :persons, :holders, :population, :source)
       ON CONFLICT (ref_date, area_code) DO UPDATE SET area_name = excluded.area_name, persons = excluded.persons,
         holders = excluded.holders, population = excluded.population, source = excluded.source`,
    ),
  }));
  return {
    savePrevious(table, rows) {
      return sqlite.transaction(() => {
        let n = 0;
        for (const r of rows) {
          st().insertPrev.run(table, r.id, JSON.stringify(r.data));
          n++;
        }
        return n;
      }).immediate();
    },
    previousOf(table, ids) {
      const out = new Map<string, RecordData>();
      if (!ids.length) return out;
      for (const r of st().selectPrev.all(table, JSON.stringify(ids)) as { id: string; data: string }[]) out.set(r.id, JSON.parse(r.data) as RecordData);
      return out;
    },
    countPrevious: (table) => st().countPrev.get(table) as number,
    *iteratePrevious(table) {
      for (const r of st().iterate.iterate(table) as IterableIterator<{ id: string; data: string }>) yield { id: r.id, data: JSON.parse(r.data) as RecordData };
    },
    list: () => st().list.all() as PeriodRow[],
    upsert: (row) => void st().upsert.run(row),
  };
}
