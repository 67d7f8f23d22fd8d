/** 上期 → 本期 in the record form: last census's value under a field that changed since. */
import { useEffect, useState } from 'react';
import type { FieldDef, TableName } from '../../../shared/census/dictionary';
import { PER_PERIOD_FIELDS, sameValue } from '../../../shared/census/last-values';
import type { FieldValue, RecordData } from '../../../shared/census/schema';
import { cellText } from '../../../shared/grid';
import { call } from '../api/client';

const noLookups = { unitName: () => undefined, townshipName: () => undefined };

/** Last census's values of a carried record; null for a record that was not carried (or a new one) */
export function usePreviousRecord(table: TableName, id: string | null): RecordData | null {
  const [prev, setPrev] = useState<RecordData | null>(null);
  useEffect(() => {
    setPrev(null);
    if (id === null) return;
    let live = true;
    void call('periods.previous', { table, ids: [id] }).then(
      (m) => live && setPrev((m[id] as RecordData | undefined) ?? null),
      () => undefined,
    );
    return () => {
      live = false;
    };
  }, [table, id]);
  return prev;
}

export function PreviousValue({ field, previous, current }: { field: FieldDef; previous: RecordData | null; current: FieldValue | undefined }) {
  if (!previous || PER_PERIOD_FIELDS.has(field.key) || !(field.key in previous)) return null;
  const before = previous[field.key];
  if (sameValue(before, current)) return null;
  return (
    <div className="hint prev-value" data-testid={`form-prev-${field.key}`}>
      上期：{cellText(field, before ?? null, noLookups) || '（空）'} → 本期：{cellText(field, current ?? null, noLookups) || '（空）'}
    </div>
  );
}
