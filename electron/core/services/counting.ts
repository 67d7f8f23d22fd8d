/**
 * Who the summary tables count, so that nobody is counted twice across areas.
 *
 * For each person reported by two or more areas (same ID number, different area codes):
 * - pending (no decision in force): exactly one record counts — the one from the smallest area
 *   code (then the smallest record id), so totals are stable and never double; the tables show
 *   how many cases are pending;
 * - decided for an area: only that area's record counts;
 * - decided as 'error' (not the same person, one ID number is wrong): every record counts.
 * Records within one area that share an ID number are a `duplicate_id` error instead, and are not
 * touched here.
 */
import type { ServiceContext } from './context';
import { duplicateGroups } from './packages/duplicates';

export interface CountingRule {
  /** Person record ids the summary tables must leave out */
  excludedPersonIds: ReadonlySet<string>;
  /** Cases still waiting for a decision */
  pendingDuplicates: number;
}

export function countingRule(ctx: ServiceContext): CountingRule {
  const excluded = new Set<string>();
  let pending = 0;
  for (const g of duplicateGroups(ctx)) {
    if (!g.decision) {
      pending++;
      // records come ordered by area code, then id
      for (const r of g.records.slice(1)) excluded.add(r.id);
    } else if (g.decision.chosenArea !== 'error') {
      for (const r of g.records) if (r.areaCode !== g.decision.chosenArea) excluded.add(r.id);
    }
  }
  return { excludedPersonIds: excluded, pendingDuplicates: pending };
}
