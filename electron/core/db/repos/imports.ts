/**
 * What the spreadsheet importer needs beyond the record repositories: whole-table key indexes built
 * in one query each (matching 100k rows one query at a time would dominate an import), and an
 * update that also moves a record's provenance to the file that last changed it.
 */
import type { TableName } from '../../../../shared/census/dictionary';
import type { RecordData, Source } from '../../../../shared/census/schema';
import { codecsOf, dataToSql } from '../columns';
import type Database from 'better-sqlite3';
import { sqliteOf, type Db } from '../handle';

export interface ImportRepo {
  /** ID number (upper case) → ids of the persons carrying it, oldest first */
  personIdIndex(): Map<string, string[]>;
  /** Credit code (upper case) and name → unit ids, oldest first */
  unitKeyIndex(): { byCode: Map<string, string[]>; byName: Map<string, string[]> };
  /** Unit id → unit name (or credit code when unnamed), for showing references as text */
  unitNames(): Map<string, string>;
  /** Unit id → how many persons name it */
  personCountsByUnit(): Map<string, number>;
  /** Replaces every data column of a record and records where the new values came from */
  updateImported(table: TableName, id: string, data: RecordData, source: Source, updatedAt: string): void;
}

const tableOf: Record<TableName, string> = { person: 'persons', unit: 'units' };

function push(map: Map<string, string[]>, key: string, id: string): void {
  const list = map.get(key);
  if (list) list.push(id);
  else map.set(key, [id]);
}

export function importRepo(db: Db): ImportRepo {
  const sqlite = sqliteOf(db);
  const personIds = sqlite.prepare(
    `SELECT upper(id_number), id FROM persons WHERE id_number IS NOT NULL AND id_number <> '' ORDER BY created_at, rowid`,
  ).raw(true);
  const unitKeys = sqlite.prepare(`SELECT id, upper(credit_code), name FROM units ORDER BY created_at, rowid`).raw(true);
  const unitNames = sqlite.prepare(`SELECT id, coalesce(name, credit_code, '') FROM units`).raw(true);
  const byUnit = sqlite.prepare(`SELECT unit_id, count(*) FROM persons WHERE unit_id IS NOT NULL GROUP BY unit_id`).raw(true);
  const updates = new Map<TableName, Database.Statement<unknown[]>>();
  const updateOf = (table: TableName) => {
    let st = updates.get(table);
    if (!st) {
      const sets = [...codecsOf(table).map((c) => `${c.column} = ?`), 'source_file = ?', 'source_sheet = ?', 'source_row = ?', 'updated_at = ?'];
      st = sqlite.prepare<unknown[]>(`UPDATE ${tableOf[table]} SET ${sets.join(', ')} WHERE id = ?`);
      updates.set(table, st);
    }
    return st;
  };
  return {
    personIdIndex() {
      const out = new Map<string, string[]>();
      for (const [idNumber, id] of personIds.all() as [string, string][]) push(out, idNumber, id);
      return out;
    },
    unitKeyIndex() {
      const byCode = new Map<string, string[]>();
      const byName = new Map<string, string[]>();
      for (const [id, code, name] of unitKeys.all() as [string, string | null, string | null][]) {
        if (code) push(byCode, code, id);
        if (name) push(byName, name, id);
      }
      return { byCode, byName };
    },
    unitNames() {
      return new Map(unitNames.all() as [string, string][]);
    },
    personCountsByUnit() {
      return new Map(byUnit.all() as [string, number][]);
    },
    updateImported(table, id, data, source, updatedAt) {
      updateOf(table).run(...dataToSql(table, data), source.file, source.sheet ?? null, source.row, updatedAt, id);
    },
  };
}
