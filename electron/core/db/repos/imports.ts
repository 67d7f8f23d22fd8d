/**
 * What the spreadsheet importer needs beyond the record repositories: whole-table key indexes built
 * in one query each (matching 100k rows one query at a time would dominate an import), and an
 * update that also moves a record's provenance to the file that last changed it.
 */
import type { TableName } from '../../../../shared/census/dictionary';
import type { RecordData, Source } from '../../../../shared/census/schema';
import { codecFor, codecsOf, dataToSql, recordJsonSql, tableOf, type ColumnCodec } from '../columns';
import type Database from 'better-sqlite3';
import { attachFile, sqliteOf, type Db } from '../handle';
import { recordColumns } from './packages';

export interface ImportRepo {
  /** ID number (upper case) → ids of the persons carrying it, oldest first */
  personIdIndex(): Map<string, string[]>;
  /** Credit code (upper case) and name → unit ids, oldest first */
  unitKeyIndex(): { byCode: Map<string, string[]>; byName: Map<string, string[]> };
  /** Unit id → unit name (or credit code when unnamed), for showing references as text */
  unitNames(): Map<string, string>;
  /** Unit id → how many persons name it */
  personCountsByUnit(): Map<string, number>;
  /**
   * Stores a record's new values and where they came from (null: nowhere, as a record typed in): the
   * `fields` given (the columns an import changed), or every data column without them.
   */
  updateImported(table: TableName, id: string, data: RecordData, source: Source | null, updatedAt: string, fields?: readonly string[]): void;
  /** Unit id → its 城乡 code, for deriving a person's */
  unitUrbanRural(): Map<string, string>;
  /** Record id → fields someone edited (grid, form, restore) after the record's last import */
  editedSinceImport(table: TableName): Map<string, Set<string>>;
  /** Persons deleted and not restored: ID number (upper case) → their last record id and name */
  deletedPersons(): Map<string, { recordId: string; name: string | null }>;
  /** Persons whose unit cell holds `name` as text (no unit had it when they were written) */
  personsNamingUnit(name: string): string[];
  /** Points those persons at the unit */
  linkPersons(ids: readonly string[], unitId: string, updatedAt: string): void;
  lastAuditId(): number;
  /** The table's largest rowid (0 when empty): rows inserted after reading it have larger ones */
  lastRowid(table: TableName): number;
  /**
   * Inside the caller's transaction, for the rows of `table` with rowids in `rows` (the records an
   * import just inserted) whose source is `file`/`sheet`: one 'import' audit entry each, its new
   * value the source as JSON — `sourcePrefix` followed by the row number and '}', the text
   * JSON.stringify gives. One statement instead of one per record.
   */
  auditAdded(table: TableName, rows: RowidRange, file: string, sheet: string | null, sourcePrefix: string, operator: string, at: string): void;
  /** Inside the caller's transaction: the records of `table` with rowids in `rows` as added by import `importId` */
  recordAdded(importId: string, table: TableName, rows: RowidRange): void;
  /**
   * Inside the caller's transaction, before they are removed: a 'delete' audit entry for each record of
   * `table` import `importId` added, holding the whole record as JSON (recordJsonSql), in rowid order.
   * Returns the entries written.
   */
  auditRemoved(importId: string, table: TableName, operator: string, at: string, note: string): number;
  /**
   * Inside the caller's transaction: drops the table's indexes whose keys land all over the tree
   * (ID number, name, unit) and returns the function that builds them again. A census-size import
   * into a small table inserts faster without them and builds each once, in sorted order; the
   * transaction makes the pair atomic (a rolled-back import leaves the indexes as they were).
   */
  suspendScatteredIndexes(table: TableName): () => void;
  /**
   * Attaches a stage file (db/stage-file.ts) for the caller's next transaction; SQLite attaches only
   * outside one, so this comes before the write and `detach` after it, whatever happened.
   */
  attachStage(path: string): AttachedStage;
  saveBatch(batch: ImportBatchRow, records: Iterable<ImportRecordRow>): void;
  batches(): ImportBatchRow[];
  batch(id: string): ImportBatchRow | null;
  batchRecords(id: string): ImportRecordRow[];
  /** Touched records with an audit entry after the import's own: who and what, for the refusal message */
  editedSince(id: string, limit: number): { table: TableName; recordId: string; action: string; at: string }[];
  /** Persons outside the import now pointing at units it added */
  outsidersOfAddedUnits(id: string): number;
  markUndone(id: string, at: string, operator: string): void;
  /** Source files named by records of the census, with counts: what an error report can be limited to */
  sourceFiles(): { file: string; persons: number; units: number }[];
}

export interface AttachedStage {
  /**
   * Inside the caller's transaction: appends the stage's rows to `table` in the order they were staged,
   * with who and when; returns how many.
   */
  insertInto(table: TableName, createdBy: string, at: string): number;
  detach(): void;
}

/** Rowids `first` to `last`, both included */
export interface RowidRange {
  first: number;
  last: number;
}

export interface ImportBatchRow {
  id: string;
  at: string;
  operator: string;
  /** JSON array of per-file summaries */
  files: string;
  auditTo: number;
  undoneAt: string | null;
  undoneBy: string | null;
}

export interface ImportRecordRow {
  importId: string;
  table: TableName;
  recordId: string;
  kind: 'add' | 'update';
  before: string | null;
  beforeSource: string | null;
}


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
  // One statement per table and set of columns: a return that only marks 变动情况 binds 5 values a row, not 50.
  const updates = new Map<string, { st: Database.Statement<unknown[]>; codecs: readonly ColumnCodec[]; all: boolean }>();
  const updateOf = (table: TableName, fields?: readonly string[]) => {
    // A messy import could change any mix of columns: past this many statements, rows write every column.
    const key = fields && updates.size < 200 ? `${table}:${fields.join(',')}` : table;
    let u = updates.get(key);
    if (!u) {
      const all = key === table;
      const codecs = all ? codecsOf(table) : fields!.map((f) => codecFor(table, f));
      const sets = [...codecs.map((c) => `${c.column} = ?`), 'source_file = ?', 'source_sheet = ?', 'source_row = ?', 'updated_at = ?'];
      u = { st: sqlite.prepare<unknown[]>(`UPDATE ${tableOf[table]} SET ${sets.join(', ')} WHERE id = ?`), codecs, all };
      updates.set(key, u);
    }
    return u;
  };
  const urbanRural = sqlite.prepare(`SELECT id, urban_rural FROM units WHERE urban_rural IS NOT NULL AND urban_rural <> ''`).raw(true);
  const edited = (table: TableName) => sqlite.prepare(
    `WITH imp AS (SELECT record_id, max(id) AS last FROM audit_log WHERE table_name = '${table}' AND action = 'import' GROUP BY record_id)
     SELECT DISTINCT a.record_id, a.field FROM audit_log a JOIN imp ON imp.record_id = a.record_id
     WHERE a.table_name = '${table}' AND a.action IN ('update', 'restore') AND a.field IS NOT NULL AND a.id > imp.last`,
  ).raw(true);
  const editedStmts = { person: edited('person'), unit: edited('unit') };
  const deleted = sqlite.prepare(
    `SELECT upper(json_extract(a.old_value, '$.idNumber')), a.record_id, json_extract(a.old_value, '$.name')
     FROM audit_log a WHERE a.table_name = 'person' AND a.action = 'delete' AND a.old_value IS NOT NULL
       AND json_valid(a.old_value) AND json_extract(a.old_value, '$.idNumber') IS NOT NULL
       AND NOT EXISTS (SELECT 1 FROM persons p WHERE p.id = a.record_id)
     ORDER BY a.id`,
  ).raw(true);
  const namingUnit = sqlite.prepare(
    `SELECT p.id FROM persons p WHERE p.unit_id = ? AND NOT EXISTS (SELECT 1 FROM units u WHERE u.id = p.unit_id)`,
  ).pluck();
  const link = sqlite.prepare(`UPDATE persons SET unit_id = ?, updated_at = ? WHERE id = ?`);
  const lastAudit = sqlite.prepare(`SELECT coalesce(max(id), 0) FROM audit_log`).pluck();
  const lastRowid = { person: sqlite.prepare(`SELECT coalesce(max(rowid), 0) FROM persons`).pluck(), unit: sqlite.prepare(`SELECT coalesce(max(rowid), 0) FROM units`).pluck() };
  const auditAdded = (table: TableName) => sqlite.prepare(
    `INSERT INTO audit_log (table_name, record_id, action, field, old_value, new_value, operator, at, note)
     SELECT '${table}', id, 'import', NULL, NULL, ? || source_row || '}', ?, ?, NULL FROM ${tableOf[table]}
     WHERE rowid BETWEEN ? AND ? AND source_file = ? AND source_sheet IS ? ORDER BY rowid`,
  );
  const auditAddedStmts = { person: auditAdded('person'), unit: auditAdded('unit') };
  const recordAdded = (table: TableName) => sqlite.prepare(
    `INSERT OR IGNORE INTO import_records (import_id, table_name, record_id, kind, before, before_source)
     SELECT ?, '${table}', id, 'add', NULL, NULL FROM ${tableOf[table]} WHERE rowid BETWEEN ? AND ? ORDER BY rowid`,
  );
  const recordAddedStmts = { person: recordAdded('person'), unit: recordAdded('unit') };
  const auditRemoved = (table: TableName) => sqlite.prepare(
    `INSERT INTO audit_log (table_name, record_id, action, field, old_value, new_value, operator, at, note)
     SELECT '${table}', id, 'delete', NULL, ${recordJsonSql(table)}, NULL, ?, ?, ? FROM ${tableOf[table]}
     WHERE id IN (SELECT record_id FROM import_records WHERE import_id = ? AND table_name = '${table}' AND kind = 'add') ORDER BY rowid`,
  );
  const auditRemovedStmts = { person: auditRemoved('person'), unit: auditRemoved('unit') };
  // Indexes appended to in order by an import (one area code, one timestamp, mostly blank 变动情况) are kept.
  const scattered = sqlite.prepare(
    `SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = ? AND sql IS NOT NULL AND sql NOT LIKE 'CREATE UNIQUE%'
     AND name NOT IN ('persons_area_code', 'persons_created_at', 'persons_change_status', 'units_area_code', 'units_created_at')
     ORDER BY name`,
  ).raw(true);
  const insertBatch = sqlite.prepare(
    `INSERT INTO import_batches (id, at, operator, files, audit_to) VALUES (:id, :at, :operator, :files, :auditTo)`,
  );
  const insertRecord = sqlite.prepare<unknown[]>(
    `INSERT OR IGNORE INTO import_records (import_id, table_name, record_id, kind, before, before_source) VALUES (?, ?, ?, ?, ?, ?)`,
  );
  const batchCols = `id, at, operator, files, audit_to AS auditTo, undone_at AS undoneAt, undone_by AS undoneBy`;
  const listBatches = sqlite.prepare(`SELECT ${batchCols} FROM import_batches ORDER BY at DESC, rowid DESC`);
  const oneBatch = sqlite.prepare(`SELECT ${batchCols} FROM import_batches WHERE id = ?`);
  const recordsOf = sqlite.prepare(
    `SELECT import_id AS importId, table_name AS "table", record_id AS recordId, kind, before, before_source AS beforeSource
     FROM import_records WHERE import_id = ?`,
  );
  const editedAfter = sqlite.prepare(
    `SELECT a.table_name AS "table", a.record_id AS recordId, a.action, a.at FROM audit_log a
     JOIN import_records r ON r.table_name = a.table_name AND r.record_id = a.record_id AND r.import_id = ?
     WHERE a.id > (SELECT audit_to FROM import_batches WHERE id = ?) ORDER BY a.id LIMIT ?`,
  );
  const outsiders = sqlite.prepare(
    `SELECT count(*) FROM persons p WHERE p.unit_id IN (SELECT record_id FROM import_records WHERE import_id = ? AND table_name = 'unit' AND kind = 'add')
       AND p.id NOT IN (SELECT record_id FROM import_records WHERE import_id = ? AND table_name = 'person')`,
  ).pluck();
  const undone = sqlite.prepare(`UPDATE import_batches SET undone_at = ?, undone_by = ? WHERE id = ?`);
  const files = sqlite.prepare(
    `SELECT file, sum(persons), sum(units) FROM (
       SELECT source_file AS file, count(*) AS persons, 0 AS units FROM persons WHERE source_file IS NOT NULL GROUP BY source_file
       UNION ALL SELECT source_file, 0, count(*) FROM units WHERE source_file IS NOT NULL GROUP BY source_file)
     GROUP BY file ORDER BY file`,
  ).raw(true);
  return {
    unitUrbanRural() {
      return new Map(urbanRural.all() as [string, string][]);
    },
    editedSinceImport(table) {
      const out = new Map<string, Set<string>>();
      for (const [id, f] of editedStmts[table].all() as [string, string][]) {
        let set = out.get(id);
        if (!set) out.set(id, (set = new Set()));
        set.add(f);
      }
      return out;
    },
    deletedPersons() {
      const out = new Map<string, { recordId: string; name: string | null }>();
      for (const [idNumber, recordId, name] of deleted.all() as [string, string, string | null][]) out.set(idNumber, { recordId, name });
      return out;
    },
    personsNamingUnit: (name) => namingUnit.all(name) as string[],
    linkPersons(ids, unitId, updatedAt) {
      for (const id of ids) link.run(unitId, updatedAt, id);
    },
    lastAuditId: () => lastAudit.get() as number,
    lastRowid: (table) => Number(lastRowid[table].get()),
    auditAdded(table, rows, file, sheet, sourcePrefix, operator, at) {
      if (!sqlite.inTransaction) throw new Error('auditAdded needs the caller\'s transaction');
      auditAddedStmts[table].run(sourcePrefix, operator, at, rows.first, rows.last, file, sheet);
    },
    recordAdded(importId, table, rows) {
      if (!sqlite.inTransaction) throw new Error('recordAdded needs the caller\'s transaction');
      recordAddedStmts[table].run(importId, rows.first, rows.last);
    },
    auditRemoved(importId, table, operator, at, note) {
      if (!sqlite.inTransaction) throw new Error('auditRemoved needs the caller\'s transaction');
      return auditRemovedStmts[table].run(operator, at, note, importId).changes;
    },
    attachStage(path) {
      const detach = attachFile(sqlite, path, 'import_stage');
      return {
        insertInto(table, createdBy, at) {
          if (!sqlite.inTransaction) throw new Error('insertInto needs the caller\'s transaction');
          const cols = recordColumns(table);
          const kept = cols.slice(0, -3);
          // In rowid order, the order rows were staged: a scan of the stage table, no sort.
          const n = sqlite
            .prepare(`INSERT INTO ${tableOf[table]} (${cols.join(', ')}) SELECT ${kept.join(', ')}, ?, ?, ? FROM import_stage.rows ORDER BY rowid`)
            .run(createdBy, at, at).changes;
          if (table === 'unit' && n > 0) db.unitWrites++;
          return n;
        },
        detach,
      };
    },
    suspendScatteredIndexes(table) {
      if (!sqlite.inTransaction) throw new Error('suspendScatteredIndexes needs the caller\'s transaction');
      const found = scattered.all(tableOf[table]) as [string, string][];
      for (const [name] of found) sqlite.exec(`DROP INDEX "${name.replace(/"/g, '""')}"`);
      return () => {
        for (const [, sql] of found) sqlite.exec(sql);
      };
    },
    saveBatch(batch, records) {
      insertBatch.run(batch);
      for (const r of records) insertRecord.run(r.importId, r.table, r.recordId, r.kind, r.before, r.beforeSource);
    },
    batches: () => listBatches.all() as ImportBatchRow[],
    batch: (id) => (oneBatch.get(id) as ImportBatchRow | undefined) ?? null,
    batchRecords: (id) => recordsOf.all(id) as ImportRecordRow[],
    editedSince: (id, limit) => editedAfter.all(id, id, limit) as { table: TableName; recordId: string; action: string; at: string }[],
    outsidersOfAddedUnits: (id) => outsiders.get(id, id) as number,
    markUndone(id, at, operator) {
      undone.run(at, operator, id);
    },
    sourceFiles: () => (files.all() as [string, number, number][]).map(([file, persons, units]) => ({ file, persons, units })),
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
    updateImported(table, id, data, source, updatedAt, fields) {
      if (table === 'unit') db.unitWrites++;
      const u = updateOf(table, fields);
      const values = u.all ? dataToSql(table, data) : u.codecs.map((c) => c.toSql(data[c.key]));
      u.st.run(...values, source?.file ?? null, source?.sheet ?? null, source?.row ?? null, updatedAt, id);
    },
  };
}
