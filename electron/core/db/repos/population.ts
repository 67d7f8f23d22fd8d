import { sqliteOf, type Db } from '../handle';
import { lazy } from './targets';

export interface PopulationEntry {
  code: string;
  /** null removes the figure */
  population: number | null;
}

export interface PopulationRepo {
  /** Division code → registered population */
  all(): Map<string, number>;
  /** Sets or clears several figures in one transaction */
  setMany(entries: readonly PopulationEntry[], operator: string, at: string): void;
}

/** Registered population per area (户籍人口), entered in the app or imported from a sheet. */
export function populationRepo(db: Db): PopulationRepo {
  // Prepared on first use: opening a store must not depend on every capability's tables.
  const st = lazy(() => {
    const sqlite = sqliteOf(db);
    return {
      sqlite,
      all: sqlite.prepare('SELECT area_code, population FROM population').raw(true),
      upsert: sqlite.prepare(
        `INSERT INTO population (area_code, population, operator, updated_at) VALUES (?, ?, ?, ?)
         ON CONFLICT (area_code) DO UPDATE SET population = excluded.population, operator = excluded.operator, updated_at = excluded.updated_at`,
      ),
      remove: sqlite.prepare('DELETE FROM population WHERE area_code = ?'),
    };
  });
  return {
    all: () => new Map(st().all.all() as [string, number][]),
    setMany(entries, operator, at) {
      const { sqlite, upsert, remove } = st();
      sqlite.transaction(() => {
        for (const e of entries) {
          if (e.population === null) remove.run(e.code);
          else upsert.run(e.code, e.population, operator, at);
        }
      }).immediate();
    },
  };
}
