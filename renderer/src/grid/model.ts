/** The grid's row shape and the per-table column facts derived from the dictionary. */
import { fieldsOf, type FieldDef, type FieldGroup, type TableName } from '../../../shared/census/dictionary';
import type { Issue } from '../../../shared/census/issues';
import type { FieldValue } from '../../../shared/census/schema';

/** One record in the grid: values in dictionary order, its issues (null when it has none) */
export interface GridRow {
  id: string;
  v: FieldValue[];
  iss: Issue[] | null;
}

export const GROUPS: readonly FieldGroup[] = ['基本信息', '学历与资格', '单位与岗位', '服务与培训'];

export const ROW_NUMBER_COL = '__row';
export const STATUS_COL = '__status';

/** Fields edited through a picker (typed values); the rest through text normalised like a paste */
export function usesPicker(f: FieldDef): boolean {
  return f.type === 'code' || f.type === 'codes' || f.type === 'boolean' || f.type === 'unitRef' || f.type === 'township';
}

export function tableFields(table: TableName): readonly FieldDef[] {
  return fieldsOf[table];
}

export function errorsOf(row: GridRow): { error: number; warning: number } {
  let error = 0;
  let warning = 0;
  for (const i of row.iss ?? []) if (i.severity === 'error') error++;
  else warning++;
  return { error, warning };
}

/** The worst issue of a cell, for its colour and tooltip */
export function cellIssues(row: GridRow, field: string): Issue[] {
  if (!row.iss) return [];
  return row.iss.filter((i) => i.field === field);
}
