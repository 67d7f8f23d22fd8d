/**
 * 上期 → 本期: last census's values of carried records, for the cells that differ now. Loaded once
 * with the grid and replaced for the written records by each edit's reply (only the differing fields
 * cross the wire either way).
 */
import type { TableName } from '../../../shared/census/dictionary';
import { PER_PERIOD_FIELDS, sameValue } from '../../../shared/census/last-values';
import type { FieldValue, RecordData } from '../../../shared/census/schema';
import { call } from '../api/client';

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

  /**
   * An edit's reply: each record in `previous` now differs from last census in the fields given, or in
   * nothing (`{}`); the records it leaves out differ as they did. True when it named any.
   */
  take(previous: Readonly<Record<string, Partial<RecordData>>>): boolean {
    let found = false;
    for (const [id, data] of Object.entries(previous)) {
      if (Object.keys(data).length) this.byId.set(id, data as RecordData);
      else this.byId.delete(id);
      found = true;
    }
    if (found) this.any = true;
    return found;
  }

  /** Last period's value when it differs from `current`, else undefined */
  valueOf(id: string, key: string, current: FieldValue | undefined): FieldValue | undefined {
    if (PER_PERIOD_FIELDS.has(key)) return undefined;
    const prev = this.byId.get(id);
    if (!prev || !(key in prev)) return undefined;
    const v = prev[key];
    return sameValue(v, current) ? undefined : (v ?? null);
  }
}
