/**
 * 上期 → 本期 for the grid: per carried record, last period's value of each field that differs now.
 * Fields that belong to a period (统计期培训学时, 变动情况, the carried 上期 level) are left out.
 */
import type { TableName } from '../../../../shared/census/dictionary';
import { changedFromLast, PER_PERIOD_FIELDS } from '../../../../shared/census/last-values';
import type { RecordData } from '../../../../shared/census/schema';
import type { ServiceContext } from '../context';

/** For these carried records, or all of them: each one whose values differ now, with last period's values of those fields */
export function changedSinceLast(ctx: ServiceContext, table: TableName, ids?: readonly string[]): Record<string, RecordData> {
  const out: Record<string, RecordData> = {};
  // Only the records whose stored values differ as text; the comparison here decides which fields count.
  const differing = ctx.store.periods.previousDiffering(table, PER_PERIOD_FIELDS, ids);
  for (let i = 0; i < differing.length; i += 5000) {
    const batch = differing.slice(i, i + 5000);
    const now = new Map(ctx.store.records[table].getMany(batch.map((b) => b.id)).map((r) => [r.id, r.data]));
    for (const b of batch) {
      const cur = now.get(b.id);
      const diff = cur && changedFromLast(table, b.data, cur);
      if (diff) out[b.id] = diff;
    }
  }
  return out;
}
