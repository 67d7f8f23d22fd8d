import type { AuditEntry } from '../../../../shared/api/contract';
import type { TableName } from '../../../../shared/census/dictionary';
import type { FieldValue } from '../../../../shared/census/schema';
import { sqliteOf, type Db } from '../handle';

export type NewAuditEntry = Omit<AuditEntry, 'id'>;

export interface AuditRepo {
  /** Appends in order (joins the caller's transaction if there is one) */
  append(entries: readonly NewAuditEntry[]): void;
  /** A record's history, oldest first */
  list(table: TableName, recordId: string): AuditEntry[];
}

/** The edit history: append-only, one row per changed field (or per whole-record action). */
export function auditRepo(db: Db): AuditRepo {
  const sqlite = sqliteOf(db);
  // Positional parameters: binding by name costs a lookup per value, and an import appends 100k entries.
  const insert = sqlite.prepare<unknown[]>(
    `INSERT INTO audit_log (table_name, record_id, action, field, old_value, new_value, operator, at, note)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const select = sqlite.prepare(
    `SELECT id, table_name AS "table", record_id AS recordId, action, field, old_value AS oldValue,
            new_value AS newValue, operator, at, note
     FROM audit_log WHERE table_name = ? AND record_id = ? ORDER BY id`,
  );
  const appendAll = sqlite.transaction((entries: readonly NewAuditEntry[]) => {
    for (const e of entries) insert.run(e.table, e.recordId, e.action, e.field, e.oldValue, e.newValue, e.operator, e.at, e.note ?? null);
  });
  return {
    append(entries) {
      if (entries.length) appendAll.immediate(entries);
    },
    list: (table, recordId) => select.all(table, recordId) as AuditEntry[],
  };
}

/** How a field value is written into old_value / new_value: its JSON text (absent → NULL). */
export function auditValue(value: FieldValue | undefined): string | null {
  return value === undefined ? null : JSON.stringify(value);
}
