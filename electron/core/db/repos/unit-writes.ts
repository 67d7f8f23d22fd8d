import { sqliteOf, type Db, type Sqlite } from '../handle';

export interface UnitWritesRepo {
  /**
   * Whether this connection has written the units table since the last call (true on the first call, and
   * after a write that was rolled back: a spare true costs one read, a missed one a stale list). Other
   * processes' writes do not show here; their commits move `othersVersion`.
   */
  take(): boolean;
}

/**
 * Tells a person's edit from a unit's without reading the units: temporary triggers (this connection only,
 * nothing written to the file) call back on every row written to `units`. Installed on the first call, so a
 * connection that never asks pays nothing; after it, a written unit row costs one call (a national merge's
 * 100k units, a few tens of ms).
 */
export function unitWritesRepo(db: Db): UnitWritesRepo {
  let installed = false;
  let written = true;
  return {
    take() {
      if (!installed) {
        onUnitWrites(sqliteOf(db), () => (written = true));
        installed = true;
      }
      const was = written;
      written = false;
      return was;
    },
  };
}

/** Each connection's listeners: two stores over one handle each keep their own flag */
const listeners = new WeakMap<Sqlite, Set<() => void>>();

function onUnitWrites(sqlite: Sqlite, listener: () => void): void {
  let set = listeners.get(sqlite);
  if (!set) {
    const mine = new Set<() => void>();
    sqlite.function('hc_units_written', { deterministic: false }, () => {
      for (const fn of mine) fn();
      return null;
    });
    for (const op of ['INSERT', 'UPDATE', 'DELETE']) {
      sqlite.exec(`CREATE TEMP TRIGGER IF NOT EXISTS hc_units_${op.toLowerCase()} AFTER ${op} ON main.units BEGIN SELECT hc_units_written(); END`);
    }
    listeners.set(sqlite, mine);
    set = mine;
  }
  set.add(listener);
}
