/**
 * A census started from the last one: each carried record's values as the last census had them
 * (shown as 上期 → 本期), and the headline figures of earlier censuses of the area (the trend).
 */
import type { TableName } from '../../../../shared/census/dictionary';
import type { RecordData } from '../../../../shared/census/schema';
import { codecFor, recordJsonSql, tableOf } from '../columns';
import type Database from 'better-sqlite3';
import { attachFile, sqliteOf, type Db } from '../handle';
import { recordColumns } from './packages';
import { lazy } from './targets';


/** Which of last census's records a new census carries, and what it changes in them */
export interface CarryRule {
  /** Records not carried */
  skipIds: readonly string[];
  /** Records not carried when this field holds one of these codes */
  skipWhen?: { key: string; codes: readonly string[] };
  /** Fields the carried record starts with these values (`null`: blank) */
  set?: RecordData;
  /** A field given another field's last value when that is one of `codes`, else `otherwise` */
  copy?: { key: string; from: string; codes: readonly string[]; otherwise: string };
}

/** Last census's file, attached for a carry (`PeriodsRepo.attachPrevious`) */
export interface AttachedPrevious {
  /**
   * Inside the caller's transaction: copies the records of `table` the rule carries, in last census's
   * order, as made by `createdBy` at `at` without a source, and keeps their last values as they were
   * (JSON of the record as last census reads it, as `previousOf` gives it back). Returns how many.
   */
  carry(table: TableName, rule: CarryRule, createdBy: string, at: string): number;
  detach(): void;
}

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
  /** Last census's values of these records; records that were not carried are absent */
  previousOf(table: TableName, ids: readonly string[]): Map<string, RecordData>;
  /** Which of these records were carried from last census */
  carriedOf(table: TableName, ids: readonly string[]): Set<string>;
  /**
   * The carried records whose last values may differ from their values now, `ignored` fields left
   * out: every one that does, and possibly some that do not (a blank kept as '' one time and null
   * the other), so the caller compares what it gets. In no particular order; with `ids`, only those.
   */
  previousDiffering(table: TableName, ignored: ReadonlySet<string>, ids?: readonly string[]): { id: string; data: RecordData }[];
  /**
   * Attaches last census's file (a private copy: it is read, never written) for the caller's next
   * transaction; SQLite attaches only outside one, so this comes before it and `detach` after it.
   */
  attachPrevious(path: string): AttachedPrevious;
  /** Earlier censuses, oldest first */
  list(): PeriodRow[];
  upsert(row: PeriodRow): void;
}

export function periodsRepo(db: Db): PeriodsRepo {
  const sqlite = sqliteOf(db);
  // Prepared on first use: opening a store must not depend on every capability's tables.
  const st = lazy(() => ({
    carried: sqlite.prepare('SELECT record_id FROM previous_records WHERE table_name = ? AND record_id IN (SELECT value FROM json_each(?))').pluck(),
    selectPrev: sqlite.prepare(
      'SELECT record_id AS id, data FROM previous_records WHERE table_name = ? AND record_id IN (SELECT value FROM json_each(?))',
    ),
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
  const differing = new Map<string, Database.Statement>();
  return {
    previousOf(table, ids) {
      const out = new Map<string, RecordData>();
      if (!ids.length) return out;
      for (const r of st().selectPrev.all(table, JSON.stringify(ids)) as { id: string; data: string }[]) out.set(r.id, JSON.parse(r.data) as RecordData);
      return out;
    },
    carriedOf: (table, ids) => new Set(ids.length ? (st().carried.all(table, JSON.stringify(ids)) as string[]) : []),
    previousDiffering(table, ignored, ids) {
      // Both sides as JSON text of the same keys in the same order: the stored JSON is JSON.stringify of
      // the record as read then, recordJsonSql gives the same text for the record now. Equal text is
      // equal values, so only the others cross into JavaScript (at 100k carried persons the whole
      // comparison there took 2.6 s, this ~0.9 s). An ignored key the table lacks removes nothing.
      const paths = [...ignored].map((k) => {
        if (!/^[A-Za-z][A-Za-z0-9]*$/.test(k)) throw new Error(`field key ${JSON.stringify(k)} is not a plain identifier`);
        return `, '$.${k}'`;
      }).join('');
      const sql = `SELECT pr.record_id AS id, pr.data FROM previous_records pr JOIN main.${tableOf[table]} cur ON cur.id = pr.record_id
        WHERE pr.table_name = ?${ids ? ' AND pr.record_id IN (SELECT value FROM json_each(?))' : ''}
          AND json_remove(pr.data${paths}) IS NOT ${recordJsonSql(table, ignored, 'cur')}`;
      // Kept: an edit of a carried record asks again with its id.
      let stmt = differing.get(sql);
      if (!stmt) differing.set(sql, (stmt = sqlite.prepare(sql)));
      const params: unknown[] = ids ? [table, JSON.stringify(ids)] : [table];
      return (stmt.all(...params) as { id: string; data: string }[]).map((r) => ({ id: r.id, data: JSON.parse(r.data) as RecordData }));
    },
    attachPrevious(path) {
      const detach = attachFile(sqlite, path, 'last_census');
      return {
        carry(table, rule, createdBy, at) {
          if (!sqlite.inTransaction) throw new Error('carry needs the caller\'s transaction');
          const name = tableOf[table];
          const cols = recordColumns(table);
          const data = cols.slice(2, -6);
          const pick: string[] = [];
          const params: unknown[] = [];
          const replaced = new Map<string, (push: unknown[]) => string>();
          for (const [key, v] of Object.entries(rule.set ?? {})) {
            const c = codecFor(table, key);
            replaced.set(c.column, (push) => (push.push(c.toSql(v ?? null)), '?'));
          }
          if (rule.copy) {
            const { key, from, codes, otherwise } = rule.copy;
            const f = codecFor(table, from).column;
            replaced.set(codecFor(table, key).column, (push) => {
              push.push(JSON.stringify(codes), otherwise);
              return `CASE WHEN ${f} IN (SELECT value FROM json_each(?)) THEN ${f} ELSE ? END`;
            });
          }
          for (const c of data) pick.push(replaced.get(c)?.(params) ?? c);
          // Kept apart: the WHERE's parameters follow the SELECT list's.
          const whereParams: unknown[] = [JSON.stringify(rule.skipIds)];
          let where = 'id NOT IN (SELECT value FROM json_each(?))';
          if (rule.skipWhen) {
            const c = codecFor(table, rule.skipWhen.key).column;
            // NOT IN alone would drop the rows where the field is blank (NULL).
            where += ` AND (${c} IS NULL OR ${c} NOT IN (SELECT value FROM json_each(?)))`;
            whereParams.push(JSON.stringify(rule.skipWhen.codes));
          }
          const from = `FROM last_census.${name} WHERE ${where}`;
          // In last census's order (RecordRepo.iterate), which the new rowids keep.
          const n = sqlite
            .prepare(`INSERT INTO main.${name} (${cols.join(', ')}) SELECT id, area_code, ${pick.join(', ')}, NULL, NULL, NULL, ?, ?, ? ${from} ORDER BY created_at, rowid`)
            .run(...params, createdBy, at, at, ...whereParams).changes;
          // In key order: the table is keyed by record id, which may be random, and its rows are large.
          sqlite
            .prepare(`INSERT OR REPLACE INTO main.previous_records (table_name, record_id, data) SELECT ?, id, ${recordJsonSql(table)} ${from} ORDER BY id`)
            .run(table, ...whereParams);
          if (table === 'unit' && n > 0) db.unitWrites++;
          return n;
        },
        detach,
      };
    },
    list: () => st().list.all() as PeriodRow[],
    upsert: (row) => void st().upsert.run(row),
  };
}
