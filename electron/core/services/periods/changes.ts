/**
 * 上期 → 本期 for the grid: per carried record, last period's value of each field that differs now.
 * Fields that belong to a period (统计期培训学时, 变动情况, the carried 上期 level) are left out.
 */
import type { TableName } from '../../../../shared/census/dictionary';
import { fieldsOf } from '../../../../shared/census/dictionary';
import type { FieldValue, RecordData } from '../../../../shared/census/schema';
import type { ServiceContext } from '../context';

const PER_PERIOD = new Set(['trainingHours', 'change', 'prevQualLevel']);

const encode = (v: FieldValue | undefined) => (v == null || v === '' || (Array.isArray(v) && v.length === 0) ? null : JSON.stringify(v));

export function changedSinceLast(ctx: ServiceContext, table: TableName): Record<string, RecordData> {
  const keys = fieldsOf[table].map((f) => f.key).filter((k) => !PER_PERIOD.has(k));
  const out: Record<string, RecordData> = {};
  let batch: { id: string; data: RecordData }[] = [];
  const flush = () => {
    const now = new Map(ctx.store.records[table].getMany(batch.map((b) => b.id)).map((r) => [r.id, r.data]));
    for (const b of batch) {
      const cur = now.get(b.id);
      if (!cur) continue;
      const diff: RecordData = {};
      let any = false;
      for (const k of keys) {
        if (encode(b.data[k]) === encode(cur[k])) continue;
        diff[k] = b.data[k] ?? null;
        any = true;
      }
      if (any) out[b.id] = diff;
    }
    batch = [];
  };
  // Only the records whose stored values differ as text; the comparison below decides which fields count.
  for (const p of ctx.store.periods.previousDiffering(table, PER_PERIOD)) {
    batch.push(p);
    if (batch.length === 5000) flush();
  }
  if (batch.length) flush();
  return out;
}
