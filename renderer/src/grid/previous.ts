/**
 * 上期 → 本期: last census's values of carried records, for the cells that differ now. Loaded once
 * with the grid (only the differing fields cross the wire) and replaced for a record by each edit's reply.
 */
import type { TableName } from '../../../shared/census/dictionary';
import type { FieldValue, RecordData } from '../../../shared/census/schema';
import { call } from '../api/client';

const encode = (v: FieldValue | undefined) => (v == null || v === '' || (Array.isArray(v) && v.length === 0) ? null : JSON.stringify(v));

/** Fields that belong to a period: a different value there is no change to point out */
const PER_PERIOD = new Set(['trainingHours', 'change', 'prevQualLevel']);

export class PreviousValues {
  private readonly byId = new Map<string, RecordData>();
  /** false until a census started from the last one shows it has carried records */
  any = false;

  constructor(private readonly table: TableName) {}

  async load(): Promise<void> {
    const m = await call('periods.changes', { table: this.table });
    this.byId.clear();
    for (const [id, data] of Object.entries(m)) this.byId.set(id, data as RecordData);
    this.any = this.byId.size > 0;
  }

  /** Records just edited, as the core's reply gives them: their whole last values, so a field changed now shows too */
  take(previous: Readonly<Record<string, Partial<RecordData>>>): boolean {
    let found = false;
    for (const [id, data] of Object.entries(previous)) {
      this.byId.set(id, data as RecordData);
      found = true;
    }
    if (found) this.any = true;
    return found;
  }

  /** Last period's value when it differs from `current`, else undefined */
  valueOf(id: string, key: string, current: FieldValue | undefined): FieldValue | undefined {
    if (PER_PERIOD.has(key)) return undefined;
    const prev = this.byId.get(id);
    if (!prev || !(key in prev)) return undefined;
    const v = prev[key];
    return encode(v) === encode(current) ? undefined : (v ?? null);
  }
}
