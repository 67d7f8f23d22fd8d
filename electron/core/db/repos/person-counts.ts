import { sqliteOf, type Db } from '../handle';
import { lazy } from './targets';

export interface KeptPersonCounts {
  packageId: string;
  manifestSha256: string;
  countsKey: string;
  cells: Uint8Array;
}

export interface PersonCountsRepo {
  /** Kept counts of the current packages made under `countsKey`: `${id}:${manifestSha256}` → cells */
  current(countsKey: string): Map<string, Buffer>;
  /** Keeps packages' counts (replacing what they had) and forgets those of packages no longer current, in one transaction */
  put(entries: readonly KeptPersonCounts[]): void;
}

/**
 * The summary tables' person counts of each received package (migration 008). Derived data, written
 * beside the package in the merge's transaction or after a report counted it; not a change of the
 * census (no write is marked), so the tables computed from it stay current.
 */
export function personCountsRepo(db: Db): PersonCountsRepo {
  const st = lazy(() => {
    const sqlite = sqliteOf(db);
    return {
      current: sqlite.prepare(
        `SELECT c.package_id || ':' || c.manifest_sha256, c.cells FROM package_person_counts c
         JOIN packages p ON p.id = c.package_id AND p.manifest_sha256 = c.manifest_sha256 AND p.status = 'current'
         WHERE c.counts_key = ?`,
      ).raw(true),
      upsert: sqlite.prepare(
        `INSERT INTO package_person_counts (package_id, manifest_sha256, counts_key, cells) VALUES (?, ?, ?, ?)
         ON CONFLICT (package_id) DO UPDATE SET manifest_sha256 = excluded.manifest_sha256, counts_key = excluded.counts_key, cells = excluded.cells`,
      ),
      sqlite,
      prune: sqlite.prepare(`DELETE FROM package_person_counts WHERE package_id NOT IN (SELECT id FROM packages WHERE status = 'current')`),
    };
  });
  return {
    current(countsKey) {
      return new Map((st().current.all(countsKey) as [string, Buffer][]).map(([k, cells]) => [k, cells]));
    },
    put(entries) {
      const s = st();
      s.sqlite.transaction(() => {
        for (const e of entries) s.upsert.run(e.packageId, e.manifestSha256, e.countsKey, e.cells);
        s.prune.run();
      })();
    },
  };
}
