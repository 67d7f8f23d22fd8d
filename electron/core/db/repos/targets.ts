import type { TargetKey, Targets } from '../../../../shared/reports/indicators';
import { sqliteOf, type Db } from '../handle';

export interface TargetsRepo {
  /** Division code → its targets */
  all(): Map<string, Targets>;
  /** Sets the targets named in `targets` for one area; a null value clears that target */
  set(code: string, targets: Partial<Record<TargetKey, number | null>>, operator: string, at: string): void;
}

/** Builds a value on first call only (prepared statements of tables a migration adds) */
export function lazy<T>(make: () => T): () => T {
  let value: T | undefined;
  return () => (value ??= make());
}

/** The targets an area sets itself (目标值): total talents, certified count, rates. */
export function targetsRepo(db: Db): TargetsRepo {
  const st = lazy(() => {
    const sqlite = sqliteOf(db);
    return {
      sqlite,
      all: sqlite.prepare('SELECT area_code, target, value FROM targets ORDER BY area_code, target').raw(true),
      upsert: sqlite.prepare(
        `INSERT INTO targets (area_code, target, value, operator, updated_at) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (area_code, target) DO UPDATE SET value = excluded.value, operator = excluded.operator, updated_at = excluded.updated_at`,
      ),
      remove: sqlite.prepare('DELETE FROM targets WHERE area_code = ? AND target = ?'),
    };
  });
  return {
    all() {
      const out = new Map<string, Targets>();
      for (const [code, target, value] of st().all.all() as [string, TargetKey, number][]) {
        const t = out.get(code) ?? {};
        t[target] = value;
        out.set(code, t);
      }
      return out;
    },
    set(code, targets, operator, at) {
      const { sqlite, upsert, remove } = st();
      sqlite.transaction(() => {
        for (const [key, value] of Object.entries(targets)) {
          if (value === undefined) continue;
          if (value === null) remove.run(code, key);
          else upsert.run(code, key, value, operator, at);
        }
      }).immediate();
    },
  };
}
