/**
 * The census database: the only place SQL lives. Callers get a `Db` handle with no SQL surface and
 * work through the repositories (usually bundled as a `Store`).
 */
export { Db, transaction, type OpenTransaction } from './handle';
export { isBusy } from './version';
export {
  openDatabase,
  openExistingDatabase,
  isHeadcountDatabase,
  assertHeadcountDatabase,
  inspectDatabaseFile,
  integrityCheck,
  schemaVersion,
  snapshotDatabase,
  type DatabaseFileKind,
} from './open';
export { APPLICATION_ID, SCHEMA_VERSION } from './migrations';
export { createStore, openExistingStore, storeOf, type Store } from './store';
export type { Snapshot } from './snapshot';
export { settingsRepo, type SettingsRepo } from './repos/settings';
export { recordRepo, type RecordRepo, type PersonRepo, type UnitRepo, type UnitOption, type ListQuery, type RecordScope, type PackageCells } from './repos/records';
export { auditRepo, auditValue, type AuditRepo, type NewAuditEntry } from './repos/audit';
export { explanationsRepo, type ExplanationsRepo, type Explanation, type ExplanationKey } from './repos/explanations';
export { metaRepo, type MetaRepo, type Json } from './repos/meta';
export { periodsRepo, type PeriodsRepo, type PeriodRow } from './repos/periods';
export { populationRepo, type PopulationRepo, type PopulationEntry } from './repos/population';
export { targetsRepo, type TargetsRepo } from './repos/targets';
export { areaFiguresRepo, type AreaFiguresRepo, type AreaFigureEntry } from './repos/area-figures';
export { packagesRepo, recordColumns, PERSONS_ID_INDEX, type SqlValue, type PackagesRepo, type PackageRow, type ReceivedAuditRow, type PackageDecisionRow, type ExportRow } from './repos/packages';
export { duplicatesRepo, type DuplicatesRepo, type CrossAreaPerson, type DuplicateDecisionRow } from './repos/duplicates';
export { keysRepo, type KeysRepo, type OfficeKeyRow, type TrustedKeyRow } from './repos/keys';
export { feedbackRepo, type FeedbackRepo, type FeedbackRow, type Coverage } from './repos/feedback';
export { plainLoad, type PlainLoad } from './repos/plain-load';
export { importRepo, type ImportRepo, type ImportBatchRow, type ImportRecordRow, type RowidRange, type AttachedStage } from './repos/imports';
export { createStageFile, removeStageFile, removeStaleStageFiles, stageFilePath, type StageFile } from './stage-file';
export {
  BACKUP_BUDGET_BYTES, BACKUP_RESERVE_BYTES, backupBytesOf, backupDatabase, backupSpaceProblem, backupStem, backupsBytes, maybeBackup, pruneBackups, listBackups,
  type BackupOptions, type BackupResult, type BackupFile,
} from './backup';
export { commitRestore, inspectBackupFile, keepDamagedCopy, stageRestore, type BackupInspection } from './restore';
