import type { TableName } from '../../../shared/census/dictionary';
import { dataVersion, markWrite, openTransaction, sqliteOf, totalChanges, transaction, versionOf, type Db, type OpenTransaction, type WriteSpan } from './handle';
import { openDatabase, openExistingDatabase } from './open';
import { auditRepo, type AuditRepo } from './repos/audit';
import { duplicatesRepo, type DuplicatesRepo } from './repos/duplicates';
import { explanationsRepo, type ExplanationsRepo } from './repos/explanations';
import { feedbackRepo, type FeedbackRepo } from './repos/feedback';
import { keysRepo, type KeysRepo } from './repos/keys';
import { importRepo, type ImportRepo } from './repos/imports';
import { metaRepo, type MetaRepo } from './repos/meta';
import { periodsRepo, type PeriodsRepo } from './repos/periods';
import { populationRepo, type PopulationRepo } from './repos/population';
import { packagesRepo, type PackagesRepo } from './repos/packages';
import { recordRepo, type PersonRepo, type UnitRepo } from './repos/records';
import { settingsRepo, type SettingsRepo } from './repos/settings';
import { targetsRepo, type TargetsRepo } from './repos/targets';
import { areaFiguresRepo, type AreaFiguresRepo } from './repos/area-figures';
import { personCountsRepo, type PersonCountsRepo } from './repos/person-counts';
import { unitWritesRepo, type UnitWritesRepo } from './repos/unit-writes';
import { removeStaleStageFiles } from './stage-file';
import { openSnapshot, type Snapshot } from './snapshot';

/** One open census database with all its repositories. */
export interface Store {
  readonly db: Db;
  readonly path: string;
  readonly settings: SettingsRepo;
  readonly persons: PersonRepo;
  readonly units: UnitRepo;
  /** Whether this connection wrote units since last asked (the grid's unit list kept without reading it again) */
  readonly unitWrites: UnitWritesRepo;
  /** persons / units by table name, for code that serves both */
  readonly records: { readonly person: PersonRepo; readonly unit: UnitRepo };
  readonly audit: AuditRepo;
  readonly explanations: ExplanationsRepo;
  readonly meta: MetaRepo;
  /** Registered population per area and the area's targets (表5, dashboard) */
  readonly population: PopulationRepo;
  readonly targets: TargetsRepo;
  /** Older people and care-home beds per area, the denominators beside population */
  readonly figures: AreaFiguresRepo;
  /** Return packages: received packages, record origins, exports */
  readonly packages: PackagesRepo;
  /** Each received package's persons counted into the summary tables (derived, kept with the package) */
  readonly personCounts: PersonCountsRepo;
  readonly duplicates: DuplicatesRepo;
  readonly keys: KeysRepo;
  /** 审核退回 items (sent and received) and the coverage of received merged packages */
  readonly feedback: FeedbackRepo;
  /** Bulk lookups and provenance-aware updates for the spreadsheet importer */
  readonly imports: ImportRepo;
  /** Last census's values of carried records and earlier censuses' headline figures */
  readonly periods: PeriodsRepo;
  /** Runs `fn` as one transaction; nested calls become savepoints. Each commit bumps the change counter. */
  tx<T>(fn: () => T): T;
  /** A transaction left open until committed: several `tx` calls (savepoints) per commit */
  openTx(): OpenTransaction;
  /** The file's state now, whoever wrote it: caches keyed by it are stale when it differs */
  version(): string;
  /** The versions around this process's last write transaction (null after a write outside one) */
  lastWrite(): WriteSpan | null;
  /** Marks a write made outside `tx` */
  markWrite(): void;
  /** Commits by other connections as this one has seen them (SQLite's data_version) */
  othersVersion(): number;
  /** Write transactions committed and writes marked by this process */
  writes(): number;
  /** Rows this connection changed, in or out of transactions */
  totalChanges(): number;
  /** A read snapshot of the file as it is now, on a connection of its own (snapshot.ts); the caller closes it */
  snapshot(): Snapshot;
  close(): void;
}

export function storeOf(db: Db): Store {
  const persons = recordRepo(db, 'person');
  const units = recordRepo(db, 'unit');
  return {
    db,
    path: db.path,
    settings: settingsRepo(db),
    persons,
    units,
    unitWrites: unitWritesRepo(db),
    records: { person: persons, unit: units } satisfies Record<TableName, PersonRepo | UnitRepo>,
    audit: auditRepo(db),
    explanations: explanationsRepo(db),
    meta: metaRepo(db),
    population: populationRepo(db),
    targets: targetsRepo(db),
    figures: areaFiguresRepo(db),
    packages: packagesRepo(db),
    personCounts: personCountsRepo(db),
    duplicates: duplicatesRepo(db),
    keys: keysRepo(db),
    feedback: feedbackRepo(db),
    imports: importRepo(db),
    periods: periodsRepo(db),
    tx: (fn) => transaction(db, fn),
    openTx: () => openTransaction(db),
    version: () => versionOf(db),
    lastWrite: () => db.lastWrite,
    markWrite: () => markWrite(db),
    writes: () => db.writes,
    othersVersion: () => dataVersion(sqliteOf(db)),
    totalChanges: () => totalChanges(db),
    snapshot: () => openSnapshot(db.path),
    close: () => db.close(),
  };
}

/** Opens (creating if needed) the database at `path`; stage files a crashed import left beside it are deleted. */
export function createStore(path: string): Store {
  const store = storeOf(openDatabase(path));
  removeStaleStageFiles(path);
  return store;
}

/** Opens a database that must already exist, e.g. one named on the command line (and sweeps stage files as above). */
export function openExistingStore(path: string): Store {
  const store = storeOf(openExistingDatabase(path));
  removeStaleStageFiles(path);
  return store;
}
