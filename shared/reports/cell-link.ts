/** Click-through: the persons behind one cell. */
import { TABLES, type TableDef } from './definitions';
import type { FilterCondition, RecordFilter } from './filter';
import { indicator, indicatorWhere } from './indicators';
import { paramsOf, type ReportEnv } from './env';
import { sectionRows, totalRow } from './rows';

export interface CellLink {
  filter: RecordFilter;
  rowLabel: string;
  columnLabel: string;
}

/**
 * The filter listing the persons counted in one cell, or null when the cell is not a count of
 * persons (rates, units, inputs) or is a sum of person-times.
 */
export function cellLink(env: ReportEnv, tableId: string, rowKey: string, colKey: string, defs: readonly TableDef[] = TABLES): CellLink | null {
  const def = defs.find((d) => d.id === tableId);
  const col = def?.columns.find((c) => c.key === colKey);
  if (!def || !col || col.kind !== 'count') return null;
  const ind = indicator(col.indicator);
  if (ind.subject !== 'person') return null;
  const base: FilterCondition[] = env.excludedPersonIds.size ? [{ field: 'id', op: 'notIn', values: [...env.excludedPersonIds] }] : [];
  const columnLabel = col.group && col.group !== col.label ? `${col.group}·${col.label}` : col.label;
  if (rowKey === 'total') {
    if (col.kind === 'count' && col.rowField) return null;
    return { filter: [...base, ...indicatorWhere(ind, paramsOf(env))], rowLabel: totalRow(def, env).label, columnLabel };
  }
  for (const s of def.sections) {
    const row = sectionRows(s, env).find((r) => r.key === rowKey);
    if (row) return { filter: [...base, ...row.where(col.rowField), ...indicatorWhere(ind, paramsOf(env))], rowLabel: row.section ? `${row.section}·${row.label}` : row.label, columnLabel };
  }
  return null;
}
