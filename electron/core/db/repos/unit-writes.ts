import type { Db } from '../handle';

export interface UnitWritesRepo {
  /**
   * Whether the units table was written through this connection since the last call (true on the first
   * call). Other processes' writes do not show here; their commits move `othersVersion`.
   */
  take(): boolean;
}

/**
 * Tells a person's edit from a unit's without reading the units: every repository statement that writes
 * `units` counts itself on the handle (`Db.unitWrites`). A counter, not a trigger: a temporary trigger on
 * `units` made SQLite keep a statement journal for every insert, and inserting 100k units took 3.8–4.0 s
 * instead of 1.1–1.3 s.
 */
export function unitWritesRepo(db: Db): UnitWritesRepo {
  let seen = -1;
  return {
    take() {
      const now = db.unitWrites;
      const written = now !== seen;
      seen = now;
      return written;
    },
  };
}
