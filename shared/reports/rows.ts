/** Rows of a table: the categories of each section and the record condition that selects each. */
import { codesOf, codeLabel, type CodeListId } from '../census/codes';
import { fieldOf as dictField } from '../census/dictionary';
import { AGE_BANDS } from './age';
import type { ColumnDef, Section, TableDef } from './definitions';
import type { RecordFilter } from './filter';
import type { ReportEnv } from './env';

export const UNKNOWN = '_unknown';
const UNASSIGNED_LABEL = '未能归属到下级地区';
const UNKNOWN_LABEL = '未填或无法识别';

// ---------------------------------------------------------------------------------------------
// Rows: categories of a section and the condition that selects each

export interface RowSpec {
  key: string;
  label: string;
  section: string | null;
  kind: 'total' | 'item' | 'unknown';
  areaCode: string | null;
  /** Rows of a code section: which field of the record selects it (a column may override it) */
  where(fieldOverride?: string): RecordFilter;
}

export function codeListOfField(name: string): CodeListId {
  const def = name.startsWith('unit.') ? dictField('unit', name.slice(5)) : dictField('person', name);
  if (!def.codeList) throw new Error(`${name} has no code list`);
  return def.codeList;
}

export function isMultiCode(name: string): boolean {
  return !name.startsWith('unit.') && dictField('person', name).type === 'codes';
}

export function sectionRows(s: Section, env: ReportEnv): RowSpec[] {
  switch (s.kind) {
    case 'area': {
      const all = env.subAreas.flatMap((a) => a.townships);
      const rows: RowSpec[] = env.subAreas.map((a) => ({
        key: a.code, label: a.name, section: null, kind: 'item', areaCode: a.code,
        where: () => a.townships.length === 1
          ? [{ field: 'township', op: 'eq', value: a.townships[0]! }]
          : [{ field: 'township', op: 'in', values: [...a.townships] }],
      }));
      rows.push({ key: UNKNOWN, label: UNASSIGNED_LABEL, section: null, kind: 'unknown', areaCode: null, where: () => [{ field: 'township', op: 'notIn', values: all }] });
      return rows;
    }
    case 'code': {
      const codes = codesOf(codeListOfField(s.field));
      const list = codeListOfField(s.field);
      const rows: RowSpec[] = codes.map((c) => ({
        key: `${s.field}:${c}`, label: codeLabel(list, c), section: s.label, kind: 'item', areaCode: null,
        where: (f = s.field) => [isMultiCode(f) ? { field: f, op: 'in', values: [c] } : { field: f, op: 'eq', value: c }],
      }));
      rows.push({ key: `${s.field}:${UNKNOWN}`, label: UNKNOWN_LABEL, section: s.label, kind: 'unknown', areaCode: null, where: (f = s.field) => [{ field: f, op: 'notIn', values: codes }] });
      return rows;
    }
    case 'ageBand': {
      const rows: RowSpec[] = AGE_BANDS.map((b) => ({
        key: `age:${b.key}`, label: b.label, section: s.label, kind: 'item', areaCode: null,
        where: () => [
          ...(b.min === null ? [] : [{ field: 'age', op: 'gte', value: b.min } as const]),
          ...(b.max === null ? [] : [{ field: 'age', op: 'lte', value: b.max } as const]),
        ],
      }));
      rows.push({ key: `age:${UNKNOWN}`, label: UNKNOWN_LABEL, section: s.label, kind: 'unknown', areaCode: null, where: () => [{ field: 'age', op: 'empty' }] });
      return rows;
    }
  }
}

export function totalRow(def: TableDef, env: ReportEnv): RowSpec {
  return def.total === 'area'
    ? { key: 'total', label: env.area.name, section: null, kind: 'total', areaCode: env.area.code, where: () => [] }
    : { key: 'total', label: '合计', section: null, kind: 'total', areaCode: null, where: () => [] };
}

/** The row field a count column uses within a section */
export function sectionField(s: Section, c: ColumnDef): string {
  if (s.kind === 'area') return 'area';
  if (s.kind === 'ageBand') return 'age';
  return c.kind === 'count' && c.rowField ? c.rowField : s.field;
}
