/**
 * 上期 → 本期: how a carried record's values now compare with last census's. One rule for the core
 * (periods.changes, an edit's reply), the grid and the record form.
 */
import { fieldsOf, type TableName } from './dictionary';
import type { FieldValue, RecordData } from './schema';

/** Fields that belong to a period (统计期培训学时, 变动情况, the carried 上期 level): a different value there is no change to point out */
export const PER_PERIOD_FIELDS: ReadonlySet<string> = new Set(['trainingHours', 'change', 'prevQualLevel']);

const encode = (v: FieldValue | undefined) => (v == null || v === '' || (Array.isArray(v) && v.length === 0) ? null : JSON.stringify(v));

/** The same value to a clerk: blanks (null, '', an empty list) are one */
export function sameValue(a: FieldValue | undefined, b: FieldValue | undefined): boolean {
  return a === b || encode(a) === encode(b);
}

/** Last census's value of each field that differs now (per-period fields left out); null when none does */
export function changedFromLast(table: TableName, last: RecordData, now: RecordData): RecordData | null {
  let diff: RecordData | null = null;
  for (const f of fieldsOf[table]) {
    if (PER_PERIOD_FIELDS.has(f.key) || sameValue(last[f.key], now[f.key])) continue;
    (diff ??= {})[f.key] = last[f.key] ?? null;
  }
  return diff;
}
