/**
 * The tables' person counts, from the store. SQLite tests the tables' conditions on every person and
 * hands over only the fields the rows classify by (`persons.scanEvaluated`), so a million persons are
 * never built as records.
 *
 * At a city or province the persons of each received package are counted once and the counts kept for
 * as long as the file is open, under the package's id: received records are read-only here (records.ts),
 * so a package's persons change only when another package replaces it, and a new id comes with it.
 * After one more county is merged only that county's persons are read again. This level's own persons
 * are counted afresh each time, and the persons held back as cross-area duplicates are taken away
 * afterwards (they are few, and which ones they are depends on every package).
 */
import { LEAVE_CODES } from '../../../../shared/census/change';
import type { RecordData } from '../../../../shared/census/schema';
import {
  addPersonCounts, countPersons, noPersons, personClassifierFields, personConditions, personCountsKey,
  type PersonCounts, type ReportEnv,
} from '../../../../shared/reports/aggregate';
import type { RecordFilter } from '../../../../shared/reports/filter';
import type { RecordScope } from '../../db';
import type { ServiceContext } from '../context';
import { defineSlot } from '../state';

/** Per package (id and content hash); emptied when what the counts depend on (sub-areas, reference date, tables) changes */
const PACKAGE_COUNTS = defineSlot('report person counts by package', () => ({ key: '', byPackage: new Map<string, PersonCounts>() }));

/** Persons who left since the last census stay in the file for 表6 only */
const PRESENT: RecordFilter = [{ field: 'change', op: 'notIn', values: [...LEAVE_CODES] }];

export interface CountedPersons {
  counts: PersonCounts;
  /** Persons left out as cross-area duplicates */
  excluded: number;
}

export function personCounts(ctx: ServiceContext, env: ReportEnv, unitData: ReadonlyMap<string, RecordData>): CountedPersons {
  const conditions = personConditions(env);
  const fields = personClassifierFields(env);
  const count = (where: RecordFilter, scope?: RecordScope) => countPersons(env, unitData, ctx.store.persons.scanEvaluated(conditions, fields, where, scope));

  const key = personCountsKey(env);
  const cache = ctx.state.get(PACKAGE_COUNTS);
  if (cache.key !== key) {
    cache.key = key;
    cache.byPackage.clear();
  }
  const total = noPersons(env);
  const packaged: string[] = [];
  const current = new Set<string>();
  for (const p of ctx.store.packages.current()) {
    const areas = JSON.parse(p.areaCodes) as string[];
    packaged.push(...areas);
    // A package id names one signed content (merge.ts refuses the same id with other content); the hash is belt and braces.
    const id = `${p.id}:${p.manifestSha256}`;
    current.add(id);
    let c = cache.byPackage.get(id);
    if (!c) {
      c = count(PRESENT, { areas });
      cache.byPackage.set(id, c);
    }
    addPersonCounts(total, c);
  }
  for (const id of cache.byPackage.keys()) if (!current.has(id)) cache.byPackage.delete(id);
  addPersonCounts(total, count(PRESENT, { areas: [], outsideOf: packaged }));

  const excludedIds = [...env.excludedPersonIds];
  if (!excludedIds.length) return { counts: total, excluded: 0 };
  const heldBack: RecordFilter = [...PRESENT, { field: 'id', op: 'in', values: excludedIds }];
  addPersonCounts(total, count(heldBack), -1);
  return { counts: total, excluded: ctx.store.persons.list({ filter: heldBack, limit: 0 }).total };
}
