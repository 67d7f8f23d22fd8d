/**
 * The migration runner. `PRAGMA user_version` records the last applied migration; each migration runs
 * in its own transaction together with the user_version bump, so a crash leaves the file at a clean
 * step. The first transaction also stamps the Headcount application_id, which is what lets
 * `open.ts` tell our files from anyone else's.
 */
import { ApiError } from '../../../../shared/api/errors';
import type { Sqlite } from '../handle';
import { migration001 } from './001_initial';
import { migration002 } from './002_packages';
import { migration003 } from './003_population_targets';
import { migration004 } from './004_upper_levels';
import { migration005 } from './005_import_history';
import { migration006 } from './006_periods';
import { migration007 } from './007_person_categories';
import { migration008 } from './008_package_person_counts';
import { migration009 } from './009_id_number_covering';
import { migration010 } from './010_persons_id_index';
import type { Migration } from './types';

export type { Migration } from './types';

/** Every migration, in order. Append only. */
export const migrations: readonly Migration[] = [migration001, migration002, migration003, migration004, migration005, migration006, migration007, migration008, migration009, migration010];

/** "HCNT": stamped into the SQLite header of every Headcount database. */
export const APPLICATION_ID = 0x48434e54;

export const SCHEMA_VERSION = migrations.length;

export function schemaVersionOf(db: Sqlite): number {
  return db.pragma('user_version', { simple: true }) as number;
}

export function newerVersionError(path: string, version: number, known = SCHEMA_VERSION): ApiError {
  return new ApiError(
    'invalid_file',
    `由更新版本的 Headcount 创建（数据库版本 ${version}，本程序只支持到版本 ${known}），请升级 Headcount 后再打开：${path}`,
    { reason: 'newer_version', version, known },
  );
}

function checkList(list: readonly Migration[]): void {
  list.forEach((m, i) => {
    if (m.version !== i + 1) throw new Error(`migration ${m.name} has version ${m.version}, expected ${i + 1}`);
  });
}

export interface MigrateResult {
  from: number;
  to: number;
}

/**
 * Brings `db` up to `to` (default: the newest). Idempotent; never goes down. Refuses a file whose
 * version is newer than `list` knows, before changing anything.
 */
export function migrate(db: Sqlite, options: { to?: number; list?: readonly Migration[] } = {}): MigrateResult {
  const list = options.list ?? migrations;
  checkList(list);
  const target = options.to ?? list.length;
  if (target < 0 || target > list.length) throw new Error(`no migration ${target}`);
  const from = schemaVersionOf(db);
  if (from > list.length) throw newerVersionError(db.name, from, list.length);
  for (const m of list.slice(from, target)) {
    db.transaction(() => {
      if (m.version === 1) db.pragma(`application_id = ${APPLICATION_ID}`);
      m.up(db);
      db.pragma(`user_version = ${m.version}`);
    }).immediate();
  }
  return { from, to: Math.max(from, target) };
}
