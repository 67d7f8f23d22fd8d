/**
 * Persons reported by more than one area (same ID number, different area codes) and this level's
 * decisions on them. Pending cases are not stored: they are whatever the records show without a
 * decision in force, so they can never drift from the data.
 */
import { sqliteOf, type Db } from '../handle';

export interface CrossAreaPerson {
  idNumber: string;
  id: string;
  areaCode: string;
}

export interface DuplicateDecisionRow {
  id: number;
  idNumber: string;
  /** Sorted area codes, comma-joined */
  areas: string;
  /** JSON array of record ids */
  recordIds: string;
  /** An area code, or 'error' */
  chosenArea: string;
  reason: string;
  operator: string;
  at: string;
}

export interface DuplicatesRepo {
  /** Every person whose ID number is carried by records of two or more area codes, grouped by ID number */
  crossAreaPersons(): CrossAreaPerson[];
  /** The same, only for the given ID numbers */
  crossAreaPersonsFor(idNumbers: readonly string[]): CrossAreaPerson[];
  /** The decision in force per ID number (the latest) */
  latestDecisions(): Map<string, DuplicateDecisionRow>;
  history(idNumber: string): DuplicateDecisionRow[];
  addDecision(row: Omit<DuplicateDecisionRow, 'id'>): number;
}

/**
 * Persons who left since the last census (变动情况 3x, shared/census/change.ts) are in no count: one who
 * left a county (调出) and joined another (调入) is one person at the level above, not a duplicate.
 */
const PRESENT = `coalesce(change_status, '') NOT GLOB '3?'`;

export function duplicatesRepo(db: Db): DuplicatesRepo {
  const sqlite = sqliteOf(db);
  const crossAll = sqlite.prepare(
    `SELECT id_number AS idNumber, id, area_code AS areaCode FROM persons
     WHERE ${PRESENT} AND id_number IN (SELECT id_number FROM persons WHERE id_number IS NOT NULL AND id_number <> '' AND ${PRESENT}
                         GROUP BY id_number HAVING count(DISTINCT area_code) > 1)
     ORDER BY id_number, area_code, id`,
  );
  const crossFor = sqlite.prepare(
    `SELECT id_number AS idNumber, id, area_code AS areaCode FROM persons
     WHERE ${PRESENT} AND id_number IN (SELECT id_number FROM persons WHERE id_number IN (SELECT value FROM json_each(?)) AND ${PRESENT}
                         GROUP BY id_number HAVING count(DISTINCT area_code) > 1)
     ORDER BY id_number, area_code, id`,
  );
  const cols = `id, id_number AS idNumber, areas, record_ids AS recordIds, chosen_area AS chosenArea, reason, operator, at`;
  const latest = sqlite.prepare(
    `SELECT ${cols} FROM duplicate_decisions d WHERE id = (SELECT max(id) FROM duplicate_decisions WHERE id_number = d.id_number)`,
  );
  const historyStmt = sqlite.prepare(`SELECT ${cols} FROM duplicate_decisions WHERE id_number = ? ORDER BY id`);
  const insert = sqlite.prepare(
    `INSERT INTO duplicate_decisions (id_number, areas, record_ids, chosen_area, reason, operator, at)
     VALUES (:idNumber, :areas, :recordIds, :chosenArea, :reason, :operator, :at)`,
  );
  return {
    crossAreaPersons: () => crossAll.all() as CrossAreaPerson[],
    crossAreaPersonsFor: (ids) => (ids.length ? (crossFor.all(JSON.stringify(ids)) as CrossAreaPerson[]) : []),
    latestDecisions: () => new Map((latest.all() as DuplicateDecisionRow[]).map((d) => [d.idNumber, d])),
    history: (idNumber) => historyStmt.all(idNumber) as DuplicateDecisionRow[],
    addDecision: (row) => Number(insert.run(row).lastInsertRowid),
  };
}
