import type { AreaFigureKey, AreaFigures } from '../../../../shared/reports/indicators';
import { sqliteOf, type Db } from '../handle';
import { lazy } from './targets';

export interface AreaFigureEntry {
  code: string;
  figure: AreaFigureKey;
  /** null removes the figure */
  value: number | null;
}

export interface AreaFiguresRepo {
  /** Division code → its older people and care-home beds */
  all(): Map<string, AreaFigures>;
  /** Sets or clears several figures in one transaction */
  setMany(entries: readonly AreaFigureEntry[], operator: string, at: string): void;
}

/** Denominators beside population (老年人口, 养老机构床位数), entered in the app or imported from a sheet. */
export function areaFiguresRepo(db: Db): AreaFiguresRepo {
  const st = lazy(() => {
    const sqlite = sqliteOf(db);
    return {
      sqlite,
      all: sqlite.prepare('SELECT area_code, figure, value FROM area_figures').raw(true),
      upsert: sqlite.prepare(
        `INSERT INTO area_figures (area_code, figure, value, operator, updated_at) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (area_code, figure) DO UPDATE SET value = excluded.value, operator = excluded.operator, updated_at = excluded.updated_at`,
      ),
      remove: sqlite.prepare('DELETE FROM area_figures WHERE area_code = ? AND figure = ?'),
    };
  });
  return {
    all() {
      const out = new Map<string, AreaFigures>();
      for (const [code, figure, value] of st().all.all() as [string, AreaFigureKey, number][]) {
        const f = out.get(code) ?? {};
        f[figure] = value;
        out.set(code, f);
      }
      return out;
    },
    setMany(entries, operator, at) {
      const { sqlite, upsert, remove } = st();
      sqlite.transaction(() => {
        for (const e of entries) {
          if (e.value === null) remove.run(e.code, e.figure);
          else upsert.run(e.code, e.figure, e.value, operator, at);
        }
      }).immediate();
    },
  };
}
