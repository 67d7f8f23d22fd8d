import type { Deadlines, TargetKey, Targets } from '../../../../shared/reports/indicators';
import { sqliteOf, type Db } from '../handle';

export interface TargetsRepo {
  /** Division code → its targets */
  all(): Map<string, Targets>;
  /** Division code → the deadline years of its targets */
  deadlines(): Map<string, Deadlines>;
  /**
   * Sets the targets named in `targets` for one area; a null value clears that target (and its
   * deadline). A deadline named in `deadlines` applies to a target kept or set here.
   */
  set(code: string, targets: Partial<Record<TargetKey, number | null>>, operator: string, at: string, deadlines?: Partial<Record<TargetKey, number | null>>): void;
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
      deadlines: sqlite.prepare('SELECT area_code, target, deadline_year FROM targets WHERE deadline_year IS NOT NULL ORDER BY area_code, target').raw(true),
      setDeadline: sqlite.prepare('UPDATE targets SET deadline_year = ?, operator = ?, updated_at = ? WHERE area_code = ? AND target = ?'),
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
    deadlines() {
      const out = new Map<string, Deadlines>();
      for (const [code, target, year] of st().deadlines.all() as [string, TargetKey, number][]) {
        const d = out.get(code) ?? {};
        d[target] = year;
        out.set(code, d);
      }
      return out;
    },
    set(code, targets, operator, at, deadlines = {}) {
      const { sqlite, upsert, remove, setDeadline } = st();
      sqlite.transaction(() => {
        for (const [key, value] of Object.entries(targets)) {
          if (value === undefined) continue;
          if (value === null) remove.run(code, key);
          else upsert.run(code, key, value, operator, at);
        }
        for (const [key, year] of Object.entries(deadlines)) {
          if (year !== undefined) setDeadline.run(year, operator, at, code, key);
        }
      }).immediate();
    },
  };
}
