/**
 * Received return packages and what came with them: the package register, the received audit log
 * and duplicate decisions, and this census's own export log. A package's records are the persons and
 * units whose area code is one of the package's `areaCodes` (see migration 002). The merge writes
 * through `removePackageData` and `insert*` inside one transaction the caller opens.
 */
import type { TableName } from '../../../../shared/census/dictionary';
import { codecsOf, tableOf, type SqlValue } from '../columns';

export type { SqlValue };
import { sqliteOf, type Db, type Sqlite } from '../handle';

export type PackageStatus = 'current' | 'superseded';

export interface PackageRow {
  id: string;
  areaCode: string;
  areaName: string;
  level: 'county' | 'city' | 'province';
  refDate: string;
  sequence: number;
  officeName: string;
  operator: string;
  createdAt: string;
  appVersion: string;
  divisionsVersion: string;
  schemaVersion: number;
  persons: number;
  units: number;
  explanations: number;
  declaredErrors: number;
  declaredWarnings: number;
  declaredUnexplained: number;
  declaredPending: number;
  /** JSON array of SourcePackage */
  sources: string;
  /** JSON array of the area codes of its records */
  areaCodes: string;
  /** JSON object: area code → id of the package that first carried those records upward */
  firstPackages: string;
  signerFingerprint: string;
  manifestSha256: string;
  fileName: string;
  receivedAt: string;
  receivedBy: string;
  status: PackageStatus;
  supersededBy: string | null;
}

export interface ReceivedAuditRow {
  table: TableName;
  recordId: string;
  action: string;
  field: string | null;
  oldValue: string | null;
  newValue: string | null;
  operator: string;
  at: string;
}

export interface PackageDecisionRow {
  idNumber: string;
  areas: string;
  chosenArea: string;
  reason: string;
  operator: string;
  at: string;
  decidedBy: string;
}

export interface ExportRow {
  sequence: number;
  packageId: string;
  fileName: string;
  persons: number;
  units: number;
  encrypted: boolean;
  operator: string;
  startedAt: string;
  finishedAt: string | null;
}

/** Columns of persons/units in the order `insertRecords` expects its rows */
export function recordColumns(table: TableName): string[] {
  return ['id', 'area_code', ...codecsOf(table).map((c) => c.column), 'source_file', 'source_sheet', 'source_row', 'created_by', 'created_at', 'updated_at'];
}


export interface PackagesRepo {
  get(id: string): PackageRow | null;
  /** The package in force for an area (6-digit code), if any */
  currentFor(areaCode: string): PackageRow | null;
  current(): PackageRow[];
  /** Every package ever received, newest first */
  all(): PackageRow[];
  insertPackage(row: PackageRow): void;
  supersede(oldId: string, newId: string): void;
  /** Ids of the records whose area code is one of `areaCodes` (the records a package brought) */
  recordIds(table: TableName, areaCodes: readonly string[]): string[];
  /** Of `ids`, those stored here under an area code not in `areaCodes` (own records or another package's) */
  idsNotFrom(table: TableName, ids: readonly string[], areaCodes: readonly string[]): string[];
  /**
   * Whether the table holds any record under an area code not in `areaCodes`: when none, no id or ID
   * number can clash with another area's, and the lookups above need not run (a province's first preview)
   */
  anyNotFrom(table: TableName, areaCodes: readonly string[]): boolean;
  /** Persons carrying one of `idNumbers` under an area code not in `areaCodes` */
  personsWithIdNumbersNotFrom(idNumbers: readonly string[], areaCodes: readonly string[]): { idNumber: string; id: string; areaCode: string }[];
  /**
   * Removes everything a package brought: the records under its area codes with their
   * explanations, its received audit rows and decisions. The package row stays (as history).
   */
  removePackageData(packageId: string, areaCodes: readonly string[]): { persons: number; units: number };
  insertRecords(table: TableName, rows: Iterable<readonly SqlValue[]>): number;
  /**
   * Inserts the rows of one JSONB array of rows (each an array in recordColumns order), decoded by
   * SQLite, in the array's order; returns how many.
   */
  insertPackedRecords(table: TableName, jsonb: Uint8Array): number;
  insertExplanations(rows: Iterable<readonly [table: string, recordId: string, field: string, rule: string, text: string, operator: string, at: string]>): void;
  insertAudit(packageId: string, rows: Iterable<ReceivedAuditRow>): void;
  insertDecisions(packageId: string, rows: Iterable<PackageDecisionRow>): void;
  /** Area codes of the given records */
  areaCodesOf(table: TableName, ids: readonly string[]): Map<string, string>;
  /** Records per area code */
  countsByArea(table: TableName): Map<string, number>;
  currentDecisions(): (PackageDecisionRow & { packageId: string })[];
  /** The next export sequence, reserved by inserting its row */
  beginExport(row: Omit<ExportRow, 'sequence' | 'finishedAt' | 'fileName'>): number;
  finishExport(sequence: number, fileName: string, at: string): void;
  exports(): ExportRow[];
  /**
   * Raises this connection's page cache to at least `mb` MiB for the rest of its life. Merging into
   * a large census inserts into indexes all over the file; with SQLite's default 2 MB cache every
   * package re-reads and re-writes the same index pages.
   */
  ensureCache(mb: number): void;
  /** Sets this connection's page cache to `kib` KiB until the returned function puts the setting before back */
  setCache(kib: number): () => void;
  /**
   * Bulk merge: drops the secondary indexes of persons and units whose keys scatter over the whole
   * file (ID number, unit, name, created_at, and the unique person id `persons_id` — the merge then
   * keeps ids unique itself, services/packages/bulk.ts; never area_code, which removing a package
   * needs), remembering their definitions in `meta` in the same transaction. `restoreIndexes`
   * builds them again in one sort each; a crash in between leaves the definitions in `meta`, and the
   * next open rebuilds them (see `packagesRepo`). Returns the names of every index now dropped and
   * pending — also those another merge still running had dropped.
   */
  dropScatteredIndexes(owner: number): string[];
  /** Rebuilds what `dropScatteredIndexes` dropped (nothing when nothing is pending); returns the names */
  restoreIndexes(): string[];
  /**
   * The same, one index a statement, each its own commit, `before(i, n)` awaited before each: the sorts
   * take seconds at a province's scale, and the caller reports each one and lets other requests in
   * between. Not inside a transaction. The record of what is pending is cleared after the last one.
   */
  restoreIndexesInTurns(before: (i: number, n: number) => Promise<void>): Promise<string[]>;
  /**
   * Builds one dropped index again now, inside whatever transaction is open, leaving it listed as
   * pending (`restoreIndexes` skips what exists). False when it was not dropped.
   */
  restoreIndex(name: string): boolean;
  /** Every record's id and area code, in storage order */
  iterateIdsAndAreas(table: TableName): IterableIterator<[id: string, areaCode: string]>;
  /** Explanations (核实说明) on the records under these area codes */
  explanationsUnder(areaCodes: readonly string[]): number;
}

/** Page cache (and so sorter memory) while rebuilding dropped indexes, KiB */
const REBUILD_CACHE_KB = 16 * 1024;

/** meta key holding the definitions of indexes dropped for a bulk merge: { owner: pid, indexes: [{ name, sql }] } */
export const BULK_INDEXES_KEY = 'bulk_merge_indexes';

/** The unique index on persons.id (migration 010): dropped for a bulk merge like the scattered ones */
export const PERSONS_ID_INDEX = 'persons_id';

const ifNotExists = (sql: string) => sql.replace(/^CREATE (UNIQUE )?INDEX /i, (_m, u: string | undefined) => `CREATE ${u ?? ''}INDEX IF NOT EXISTS `);

interface PendingIndexes {
  owner: number;
  indexes: { name: string; sql: string }[];
}

function alive(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * The audit trail a package carries, read by an export's snapshot (snapshot.ts): `own`, this level's audit
 * log oldest first; `received`, the audit rows of the packages it holds now, in area then file order.
 */
export function exportedAuditReader(sqlite: Sqlite) {
  const received = sqlite.prepare(
    `SELECT a.table_name AS "table", a.record_id AS recordId, a.action, a.field, a.old_value AS oldValue, a.new_value AS newValue, a.operator, a.at
     FROM received_audit a JOIN packages p ON p.id = a.package_id AND p.status = 'current'
     ORDER BY p.area_code, a.seq`,
  );
  const own = sqlite.prepare(
    `SELECT table_name AS "table", record_id AS recordId, action, field, old_value AS oldValue, new_value AS newValue, operator, at
     FROM audit_log ORDER BY id`,
  );
  return {
    *own(): Generator<ReceivedAuditRow, void, undefined> {
      yield* own.iterate() as IterableIterator<ReceivedAuditRow>;
    },
    *received(): Generator<ReceivedAuditRow, void, undefined> {
      yield* received.iterate() as IterableIterator<ReceivedAuditRow>;
    },
  };
}

export function packagesRepo(db: Db): PackagesRepo {
  const sqlite = sqliteOf(db);
  const cols = `id, area_code AS areaCode, area_name AS areaName, level, ref_date AS refDate, sequence, office_name AS officeName,
    operator, created_at AS createdAt, app_version AS appVersion, divisions_version AS divisionsVersion,
    schema_version AS schemaVersion, persons, units, explanations, declared_errors AS declaredErrors,
    declared_warnings AS declaredWarnings, declared_unexplained AS declaredUnexplained, declared_pending AS declaredPending,
    sources, area_codes AS areaCodes, first_packages AS firstPackages, signer_fingerprint AS signerFingerprint, manifest_sha256 AS manifestSha256, file_name AS fileName,
    received_at AS receivedAt, received_by AS receivedBy, status, superseded_by AS supersededBy`;
  const getStmt = sqlite.prepare(`SELECT ${cols} FROM packages WHERE id = ?`);
  const currentForStmt = sqlite.prepare(`SELECT ${cols} FROM packages WHERE area_code = ? AND status = 'current'`);
  const currentStmt = sqlite.prepare(`SELECT ${cols} FROM packages WHERE status = 'current' ORDER BY area_code`);
  const allStmt = sqlite.prepare(`SELECT ${cols} FROM packages ORDER BY received_at DESC, rowid DESC`);
  const insertStmt = sqlite.prepare(`INSERT INTO packages (id, area_code, area_name, level, ref_date, sequence, office_name, operator,
    created_at, app_version, divisions_version, schema_version, persons, units, explanations, declared_errors, declared_warnings,
    declared_unexplained, declared_pending, sources, area_codes, first_packages, signer_fingerprint, manifest_sha256, file_name, received_at, received_by, status, superseded_by)
    VALUES (:id, :areaCode, :areaName, :level, :refDate, :sequence, :officeName, :operator, :createdAt, :appVersion, :divisionsVersion,
    :schemaVersion, :persons, :units, :explanations, :declaredErrors, :declaredWarnings, :declaredUnexplained, :declaredPending, :sources,
    :areaCodes, :firstPackages, :signerFingerprint, :manifestSha256, :fileName, :receivedAt, :receivedBy, :status, :supersededBy)`);
  const supersedeStmt = sqlite.prepare(`UPDATE packages SET status = 'superseded', superseded_by = ? WHERE id = ?`);
  const perTable = <T>(make: (table: TableName, name: string) => T): Record<TableName, T> =>
    ({ person: make('person', 'persons'), unit: make('unit', 'units') });
  const recordIdsStmt = perTable((_t, name) => sqlite.prepare(`SELECT id FROM ${name} WHERE area_code IN (SELECT value FROM json_each(?))`).pluck());
  const notFromStmt = perTable((_t, name) =>
    sqlite.prepare(
      `SELECT id FROM ${name} WHERE id IN (SELECT value FROM json_each(:ids)) AND area_code NOT IN (SELECT value FROM json_each(:areas))`,
    ).pluck());
  const anyNotFromStmt = perTable((_t, name) =>
    sqlite.prepare(`SELECT EXISTS (SELECT 1 FROM ${name} WHERE area_code NOT IN (SELECT value FROM json_each(?)))`).pluck());
  const idNumbersStmt = sqlite.prepare(
    `SELECT id_number AS idNumber, id, area_code AS areaCode FROM persons
     WHERE id_number IN (SELECT value FROM json_each(:ids)) AND area_code NOT IN (SELECT value FROM json_each(:areas))`,
  );
  const deleteExplanations = perTable((table, name) =>
    sqlite.prepare(
      `DELETE FROM explanations WHERE table_name = '${table}'
       AND record_id IN (SELECT id FROM ${name} WHERE area_code IN (SELECT value FROM json_each(?)))`,
    ));
  const deleteStmt = perTable((_t, name) => sqlite.prepare(`DELETE FROM ${name} WHERE area_code IN (SELECT value FROM json_each(?))`));
  const deleteAudit = sqlite.prepare(`DELETE FROM received_audit WHERE package_id = ?`);
  const deleteDecisions = sqlite.prepare(`DELETE FROM package_decisions WHERE package_id = ?`);
  const insertRecordStmt = (table: TableName) => {
    const c = recordColumns(table);
    return sqlite.prepare(`INSERT INTO ${tableOf[table]} (${c.join(', ')}) VALUES (${c.map(() => '?').join(', ')})`);
  };
  const insertRecord = { person: insertRecordStmt('person'), unit: insertRecordStmt('unit') };
  // JSONB, so each column is a lookup into the row, with nothing to parse. jsonb_each walks the array in
  // order and the insert takes its rows as they come, so the rowids follow the list (an ORDER BY key
  // would add a sort of every row).
  const insertPackedStmt = (table: TableName) => {
    const c = recordColumns(table);
    return sqlite.prepare(
      `INSERT INTO ${tableOf[table]} (${c.join(', ')}) SELECT ${c.map((_, i) => `value ->> ${i}`).join(', ')} FROM jsonb_each(?)`,
    );
  };
  const insertPacked = { person: insertPackedStmt('person'), unit: insertPackedStmt('unit') };
  const insertExplanation = sqlite.prepare(
    `INSERT INTO explanations (table_name, record_id, field, rule, text, operator, at) VALUES (?, ?, ?, ?, ?, ?, ?)
     ON CONFLICT (table_name, record_id, field, rule) DO UPDATE SET text = excluded.text, operator = excluded.operator, at = excluded.at`,
  );
  const insertAuditStmt = sqlite.prepare(
    `INSERT INTO received_audit (package_id, seq, table_name, record_id, action, field, old_value, new_value, operator, at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const insertDecisionStmt = sqlite.prepare(
    `INSERT INTO package_decisions (package_id, id_number, areas, chosen_area, reason, operator, at, decided_by)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const areaCodesStmt = perTable((_t, name) =>
    sqlite.prepare(`SELECT id, area_code FROM ${name} WHERE id IN (SELECT value FROM json_each(?))`).raw(true));
  const idsAndAreasStmt = perTable((_t, name) => sqlite.prepare(`SELECT id, area_code FROM ${name}`).raw(true));
  const countsByAreaStmt = perTable((_t, name) => sqlite.prepare(`SELECT area_code, count(*) FROM ${name} GROUP BY area_code`).raw(true));
  const currentDecisionsStmt = sqlite.prepare(
    `SELECT d.package_id AS packageId, d.id_number AS idNumber, d.areas, d.chosen_area AS chosenArea, d.reason, d.operator, d.at, d.decided_by AS decidedBy
     FROM package_decisions d JOIN packages p ON p.id = d.package_id AND p.status = 'current' ORDER BY d.id_number`,
  );
  const nextSeqStmt = sqlite.prepare(`SELECT coalesce(max(sequence), 0) + 1 FROM exports`).pluck();
  const beginExportStmt = sqlite.prepare(
    `INSERT INTO exports (sequence, package_id, file_name, persons, units, encrypted, operator, started_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const finishExportStmt = sqlite.prepare(`UPDATE exports SET file_name = ?, finished_at = ? WHERE sequence = ?`);
  const exportsStmt = sqlite.prepare(
    `SELECT sequence, package_id AS packageId, file_name AS fileName, persons, units, encrypted, operator,
            started_at AS startedAt, finished_at AS finishedAt FROM exports ORDER BY sequence DESC`,
  );

  const scatteredStmt = sqlite.prepare(
    `SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name IN ('persons', 'units') AND sql IS NOT NULL
     AND (sql NOT LIKE 'CREATE UNIQUE%' OR name = '${PERSONS_ID_INDEX}') AND name NOT IN ('persons_area_code', 'units_area_code') ORDER BY name`,
  );
  const pendingStmt = sqlite.prepare(`SELECT value FROM meta WHERE key = '${BULK_INDEXES_KEY}'`).pluck();
  const setPendingStmt = sqlite.prepare(`INSERT INTO meta (key, value) VALUES ('${BULK_INDEXES_KEY}', ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value`);
  const clearPendingStmt = sqlite.prepare(`DELETE FROM meta WHERE key = '${BULK_INDEXES_KEY}'`);
  const explanationsUnderStmt = sqlite.prepare(
    `SELECT (SELECT count(*) FROM explanations e JOIN persons p ON p.id = e.record_id
             WHERE e.table_name = 'person' AND p.area_code IN (SELECT value FROM json_each(:a)))
          + (SELECT count(*) FROM explanations e JOIN units u ON u.id = e.record_id
             WHERE e.table_name = 'unit' AND u.area_code IN (SELECT value FROM json_each(:a)))`,
  ).pluck();
  const pending = (): PendingIndexes | null => {
    const text = pendingStmt.get() as string | undefined;
    return text === undefined ? null : (JSON.parse(text) as PendingIndexes);
  };
  const rebuild = sqlite.transaction(() => {
    const p = pending();
    if (!p) return [];
    // IF NOT EXISTS: a migration may have created one of them again meanwhile, or a merge one early
    for (const ix of p.indexes) sqlite.exec(ifNotExists(ix.sql));
    clearPendingStmt.run();
    return p.indexes.map((ix) => ix.name);
  });
  // The sort behind each CREATE INDEX keeps up to cache_size bytes in memory before it spills to a
  // temporary file, on top of the page cache itself: with a merge's 64 MB cache that was the peak of a
  // million-person merge's memory. The cache is emptied and kept small while rebuilding.
  const smallCache = (): (() => void) => {
    const cache = sqlite.pragma('cache_size', { simple: true }) as number;
    sqlite.pragma('shrink_memory');
    sqlite.pragma(`cache_size = -${REBUILD_CACHE_KB}`);
    return () => void sqlite.pragma(`cache_size = ${cache}`);
  };
  const restore = (): string[] => {
    if (!pending()) return [];
    const back = smallCache();
    try {
      return rebuild.immediate();
    } finally {
      back();
    }
  };
  const restoreInTurns = async (before: (i: number, n: number) => Promise<void>): Promise<string[]> => {
    const p = pending();
    if (!p) return [];
    const back = smallCache();
    try {
      for (const [i, ix] of p.indexes.entries()) {
        await before(i, p.indexes.length);
        // Its own statement and commit: what a crash leaves is still listed, and the next open builds it
        sqlite.exec(ifNotExists(ix.sql));
      }
    } finally {
      back();
    }
    // Clears the record, building first whatever another merge dropped meanwhile
    return restore();
  };
  // A bulk merge that never finished (the process died): its indexes are rebuilt now, unless the
  // process that dropped them is still running (another window merging; it rebuilds them itself).
  const left = pending();
  if (left && !alive(left.owner)) restore();

  return {
    dropScatteredIndexes(owner) {
      return sqlite.transaction(() => {
        const found = scatteredStmt.all() as { name: string; sql: string }[];
        const before = pending();
        const all = [...(before?.indexes ?? []), ...found];
        setPendingStmt.run(JSON.stringify({ owner, indexes: all } satisfies PendingIndexes));
        for (const ix of found) sqlite.exec(`DROP INDEX "${ix.name.replace(/"/g, '""')}"`);
        return all.map((ix) => ix.name);
      }).immediate();
    },
    restoreIndexes: restore,
    restoreIndexesInTurns: restoreInTurns,
    restoreIndex(name) {
      const ix = pending()?.indexes.find((x) => x.name === name);
      if (!ix) return false;
      sqlite.exec(ifNotExists(ix.sql));
      return true;
    },
    iterateIdsAndAreas: (table) => idsAndAreasStmt[table].iterate() as IterableIterator<[string, string]>,
    explanationsUnder: (areaCodes) => explanationsUnderStmt.get({ a: JSON.stringify(areaCodes) }) as number,
    get: (id) => (getStmt.get(id) as PackageRow | undefined) ?? null,
    currentFor: (areaCode) => (currentForStmt.get(areaCode) as PackageRow | undefined) ?? null,
    current: () => currentStmt.all() as PackageRow[],
    all: () => allStmt.all() as PackageRow[],
    insertPackage: (row) => void insertStmt.run(row),
    supersede: (oldId, newId) => void supersedeStmt.run(newId, oldId),
    recordIds: (table, areaCodes) => recordIdsStmt[table].all(JSON.stringify(areaCodes)) as string[],
    idsNotFrom(table, ids, areaCodes) {
      if (!ids.length) return [];
      return notFromStmt[table].all({ ids: JSON.stringify(ids), areas: JSON.stringify(areaCodes) }) as string[];
    },
    anyNotFrom(table, areaCodes) {
      return anyNotFromStmt[table].get(JSON.stringify(areaCodes)) === 1;
    },
    personsWithIdNumbersNotFrom(idNumbers, areaCodes) {
      if (!idNumbers.length) return [];
      return idNumbersStmt.all({ ids: JSON.stringify(idNumbers), areas: JSON.stringify(areaCodes) }) as { idNumber: string; id: string; areaCode: string }[];
    },
    removePackageData(packageId, areaCodes) {
      const areas = JSON.stringify(areaCodes);
      deleteExplanations.person.run(areas);
      deleteExplanations.unit.run(areas);
      const persons = deleteStmt.person.run(areas).changes;
      const units = deleteStmt.unit.run(areas).changes;
      if (units > 0) db.unitWrites++;
      deleteAudit.run(packageId);
      deleteDecisions.run(packageId);
      return { persons, units };
    },
    insertRecords(table, rows) {
      const stmt = insertRecord[table];
      let n = 0;
      for (const r of rows) {
        stmt.run(r);
        n++;
      }
      if (table === 'unit' && n > 0) db.unitWrites++;
      return n;
    },
    insertPackedRecords(table, jsonb) {
      const n = insertPacked[table].run(Buffer.from(jsonb.buffer, jsonb.byteOffset, jsonb.byteLength)).changes;
      if (table === 'unit' && n > 0) db.unitWrites++;
      return n;
    },
    insertExplanations(rows) {
      for (const r of rows) insertExplanation.run(r);
    },
    insertAudit(packageId, rows) {
      let seq = 0;
      for (const r of rows) insertAuditStmt.run(packageId, ++seq, r.table, r.recordId, r.action, r.field, r.oldValue, r.newValue, r.operator, r.at);
    },
    insertDecisions(packageId, rows) {
      for (const d of rows) insertDecisionStmt.run(packageId, d.idNumber, d.areas, d.chosenArea, d.reason, d.operator, d.at, d.decidedBy);
    },
    areaCodesOf(table, ids) {
      if (!ids.length) return new Map();
      return new Map(areaCodesStmt[table].all(JSON.stringify(ids)) as [string, string][]);
    },
    countsByArea: (table) => new Map(countsByAreaStmt[table].all() as [string, number][]),
    currentDecisions: () => currentDecisionsStmt.all() as (PackageDecisionRow & { packageId: string })[],
    beginExport(row) {
      return sqlite.transaction(() => {
        const seq = nextSeqStmt.get() as number;
        beginExportStmt.run(seq, row.packageId, '', row.persons, row.units, row.encrypted ? 1 : 0, row.operator, row.startedAt);
        return seq;
      }).immediate();
    },
    finishExport: (sequence, fileName, at) => void finishExportStmt.run(fileName, at, sequence),
    ensureCache(mb) {
      const cur = sqlite.pragma('cache_size', { simple: true }) as number;
      const bytes = cur < 0 ? -cur * 1024 : cur * (sqlite.pragma('page_size', { simple: true }) as number);
      if (bytes < mb * 1024 * 1024) sqlite.pragma(`cache_size = -${Math.round(mb * 1024)}`);
    },
    setCache(kib) {
      const cur = sqlite.pragma('cache_size', { simple: true }) as number;
      sqlite.pragma(`cache_size = -${Math.round(kib)}`);
      return () => void sqlite.pragma(`cache_size = ${cur}`);
    },
    exports: () => (exportsStmt.all() as (Omit<ExportRow, 'encrypted'> & { encrypted: number })[]).map((r) => ({ ...r, encrypted: r.encrypted === 1 })),
  };
}
