/**
 * The tables' person counts, from the store. SQLite tests the tables' conditions on every person and
 * hands over only the fields the rows classify by (`persons.scanEvaluated`), so a million persons are
 * never built as records.
 *
 * At a city or province the persons of each received package are counted once and the counts kept for
 * as long as the file is open, under the package's id: received records are read-only here (records.ts),
 * so a package's persons change only when another package replaces it, and a new id comes with it.
 * After one more county is merged only that county's persons are read again (through the area-code
 * index); right after a large merge, one pass over the table counts every new package at once. This
 * level's own persons are counted afresh each time, and the persons held back as cross-area duplicates
 * are taken away afterwards (they are few, and which ones they are depends on every package).
 *
 * Counts also live in the file, beside their package (store.personCounts): the merge's reading worker
 * counts each package as it reads it (package-counts.ts), and counts made here are kept there too, so
 * neither a merge nor opening the file again means reading a million persons.
 */
import type { RecordData } from '../../../../shared/census/schema';
import {
  addPersonCounts, countPersons, countPersonsBy, noPersons, personClassifierFields, personConditions, personCountsKey,
  type PersonCounts, type ReportEnv,
} from '../../../../shared/reports/aggregate';
import type { RecordFilter } from '../../../../shared/reports/filter';
import type { RecordScope } from '../../db';
import type { ServiceContext } from '../context';
import { defineSlot } from '../state';
import { decodeCounts, encodeCounts, PRESENT, storedCountsKey } from './package-counts';

/** Per package (id and content hash); emptied when what the counts depend on (sub-areas, reference date, tables) changes */
const PACKAGE_COUNTS = defineSlot('report person counts by package', () => ({ key: '', byPackage: new Map<string, PersonCounts>() }));

export interface CountedPersons {
  counts: PersonCounts;
  /** Persons left out as cross-area duplicates */
  excluded: number;
}

/** Below this share of the table, the packages still to count are read through the area-code index */
const ONE_PASS_SHARE = 0.1;

export function personCounts(ctx: ServiceContext, env: ReportEnv, unitData: ReadonlyMap<string, RecordData>): CountedPersons {
  const conditions = personConditions(env);
  const fields = personClassifierFields(env);
  const scan = (where: RecordFilter, scope?: RecordScope) => ctx.store.persons.scanEvaluated(conditions, fields, where, scope);

  const key = personCountsKey(env);
  const cache = ctx.state.get(PACKAGE_COUNTS);
  if (cache.key !== key) {
    cache.key = key;
    cache.byPackage.clear();
  }
  // A package id names one signed content (merge.ts refuses the same id with other content); the hash is belt and braces.
  const packages = ctx.store.packages.current().map((p) => ({
    id: `${p.id}:${p.manifestSha256}`, packageId: p.id, manifestSha256: p.manifestSha256, areas: JSON.parse(p.areaCodes) as string[],
  }));
  for (const id of cache.byPackage.keys()) if (!packages.some((p) => p.id === id)) cache.byPackage.delete(id);
  const storedKey = storedCountsKey(key);
  if (packages.some((p) => !cache.byPackage.has(p.id))) {
    const kept = ctx.store.personCounts.current(storedKey);
    const template = noPersons(env);
    for (const p of packages) {
      const blob = cache.byPackage.has(p.id) ? undefined : kept.get(p.id);
      const counts = blob && decodeCounts(template, blob);
      if (counts) cache.byPackage.set(p.id, counts);
    }
  }
  const packageOf = new Map(packages.flatMap((p) => p.areas.map((a) => [a, p.id] as const)));
  const byArea = ctx.store.packages.countsByArea('person');
  const ownAreas = [...byArea.keys()].filter((a) => !packageOf.has(a));
  const missing = packages.filter((p) => !cache.byPackage.has(p.id));
  const keptAreas = packages.filter((p) => cache.byPackage.has(p.id)).flatMap((p) => p.areas);
  const size = (areas: readonly string[]) => areas.reduce((n, a) => n + (byArea.get(a) ?? 0), 0);

  let own: PersonCounts;
  if (missing.length > 1 && size(missing.flatMap((p) => p.areas)) >= ONE_PASS_SHARE * ctx.store.persons.count()) {
    // Most of the table is still to count (right after a merge): one pass, each row to its package, the kept ones left out in SQL.
    const OWN = '';
    const sets = countPersonsBy(env, unitData, scan(PRESENT, { areas: [], outsideOf: keptAreas }), (row) => packageOf.get(row.areaCode) ?? OWN);
    for (const p of missing) cache.byPackage.set(p.id, sets.get(p.id) ?? noPersons(env));
    own = sets.get(OWN) ?? noPersons(env);
  } else {
    for (const p of missing) cache.byPackage.set(p.id, countPersons(env, unitData, scan(PRESENT, { areas: p.areas })));
    own = ownAreas.length ? countPersons(env, unitData, scan(PRESENT, { areas: ownAreas })) : noPersons(env);
  }
  if (missing.length) {
    try {
      ctx.store.personCounts.put(missing.map((p) => ({ packageId: p.packageId, manifestSha256: p.manifestSha256, countsKey: storedKey, cells: encodeCounts(cache.byPackage.get(p.id)!) })));
    } catch {
      // Derived data: when the file cannot be written now (another window holds it), the tables are still
      // right, and the counts are kept the next time.
    }
  }
  const total = noPersons(env);
  for (const p of packages) addPersonCounts(total, cache.byPackage.get(p.id)!);
  addPersonCounts(total, own);

  const excludedIds = [...env.excludedPersonIds];
  if (!excludedIds.length) return { counts: total, excluded: 0 };
  const heldBack: RecordFilter = [...PRESENT, { field: 'id', op: 'in', values: excludedIds }];
  addPersonCounts(total, countPersons(env, unitData, scan(heldBack)), -1);
  return { counts: total, excluded: ctx.store.persons.list({ filter: heldBack, limit: 0 }).total };
}

/** Keeps the counts the merge's reading worker made of a package, with the package (call inside the merge's transaction) */
export function keepPackageCounts(ctx: ServiceContext, packageId: string, manifestSha256: string, counts: PersonCounts): void {
  ctx.store.personCounts.put([{ packageId, manifestSha256, countsKey: storedCountsKey(counts.key), cells: encodeCounts(counts) }]);
}
