/**
 * Re-import that respects the county's work. A township sends its corrected return again; the
 * county has meanwhile fixed values in the grid, deleted a duplicate, and some row carries an
 * existing person's ID number under another name. None of that may be undone silently:
 * - a field the county edited since the record's last import keeps the county's value unless the
 *   clerk takes the file's (edited);
 * - an ID number arriving with another name, sex or birth date is held, never written as an update
 *   (identity);
 * - a deleted person is not added again unless the clerk says so (deleted).
 */
import type { ImportConflict, ImportDecisions } from '../../../../shared/api/methods/io';
import { fieldOf as fieldDef, type TableName } from '../../../../shared/census/dictionary';
import type { FieldValue, RecordData } from '../../../../shared/census/schema';
import { valueText, type CellContext } from '../../../../shared/io';
import type { ServiceContext } from '../context';

export interface ConflictIndex {
  edited: Record<TableName, Map<string, Set<string>>>;
  deleted: Map<string, { recordId: string; name: string | null }>;
  take(recordId: string, field: string | null): 'county' | 'file';
}

export function conflictIndex(ctx: ServiceContext, decisions: ImportDecisions, hasMatches: boolean): ConflictIndex {
  const repo = ctx.store.imports;
  const empty = new Map<string, Set<string>>();
  const choices = new Map((decisions.conflicts ?? []).map((c) => [`${c.recordId}\u0000${c.field ?? ''}`, c.take]));
  return {
    // Only a re-import can conflict with edits: skip the audit scan for a first import.
    edited: hasMatches ? { person: repo.editedSinceImport('person'), unit: repo.editedSinceImport('unit') } : { person: empty, unit: empty },
    deleted: repo.deletedPersons(),
    take: (recordId, field) => choices.get(`${recordId}\u0000${field ?? ''}`) ?? 'county',
  };
}

function enc(v: FieldValue | undefined): string | null {
  return v == null || v === '' || (Array.isArray(v) && v.length === 0) ? null : JSON.stringify(v);
}

export interface Where {
  sheet: string | null;
  row: number;
  table: TableName;
  recordId: string;
  label: string;
}

const IDENTITY = ['name', 'sex', 'birthDate'] as const;

/**
 * An update of a person whose ID number now comes with another name, sex or birth date: the first
 * such field, or null. A field the county edited since is not an identity question but an edit.
 */
export function identityConflict(
  before: RecordData, data: RecordData, edited: Set<string> | undefined, where: Where, cells: CellContext, take: 'county' | 'file',
): ImportConflict | null {
  for (const key of IDENTITY) {
    const a = enc(before[key]);
    const b = enc(data[key]);
    if (a === null || b === null || a === b || edited?.has(key)) continue;
    const f = fieldDef('person', key);
    return {
      kind: 'identity', ...where, field: key, fieldLabel: f.label,
      countyValue: valueText(f, before[key], cells), fileValue: valueText(f, data[key], cells), take,
    };
  }
  return null;
}

/**
 * Fields of an update the county edited since the record's last import: each is a conflict, and
 * unless the clerk takes the file's value the county's is put back into `data`.
 */
export function editedConflicts(
  before: RecordData, data: RecordData, edited: Set<string> | undefined, where: Where, cells: CellContext, index: ConflictIndex,
): ImportConflict[] {
  if (!edited) return [];
  const out: ImportConflict[] = [];
  for (const key of edited) {
    if (enc(before[key]) === enc(data[key])) continue;
    const f = fieldDef(where.table, key);
    const take = index.take(where.recordId, key);
    out.push({
      kind: 'edited', ...where, field: key, fieldLabel: f.label,
      countyValue: valueText(f, before[key], cells), fileValue: valueText(f, data[key], cells), take,
    });
    if (take === 'county') data[key] = before[key] ?? null;
  }
  return out;
}

export function deletedConflict(deleted: { recordId: string; name: string | null }, data: RecordData, where: Where, take: 'county' | 'file'): ImportConflict {
  return {
    kind: 'deleted', ...where, recordId: deleted.recordId, field: null, fieldLabel: null,
    countyValue: `已删除（${deleted.name ?? ''}）`, fileValue: String(data.name ?? ''), take,
  };
}
