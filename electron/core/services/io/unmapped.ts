/**
 * The values of coded columns that no code (or remembered mapping) matched, once per column and
 * value with how many rows carry it: what the preview asks the clerk to map (学历「普高毕业」16 行),
 * and what `import --json` reports as not mapped.
 */
import type { z } from 'zod';
import type { unmappedValueSchema } from '../../../../shared/api/methods/io';
import { isValidCode } from '../../../../shared/census/codes';
import { field as fieldDef, fieldsOf, type FieldDef, type TableName } from '../../../../shared/census/dictionary';
import { spanReason } from '../../../../shared/census/normalize';
import type { FieldValue } from '../../../../shared/census/schema';
import type { UnitRef } from '../../../../shared/io';
import type { StagedFile } from './parse';

export type UnmappedValue = z.infer<typeof unmappedValueSchema>;
/** file → `${table}.${field}\0${value}` → the value and its rows */
export type UnmappedIndex = Map<string, Map<string, UnmappedValue>>;

const coded: Record<TableName, readonly FieldDef[]> = {
  person: fieldsOf.person.filter((f) => f.codeList && (f.type === 'code' || f.type === 'codes' || f.type === 'boolean')),
  unit: fieldsOf.unit.filter((f) => f.codeList && (f.type === 'code' || f.type === 'codes' || f.type === 'boolean')),
};

/** Whether every value of a coded cell is a code: what nearly every cell of a return answers, without allocating */
function allMapped(f: FieldDef, v: FieldValue | undefined): boolean {
  if (v == null || v === '') return true;
  if (f.type === 'boolean') return typeof v !== 'string';
  if (Array.isArray(v)) {
    for (let i = 0; i < v.length; i++) if (!isValidCode(f.codeList!, v[i]!)) return false;
    return true;
  }
  return typeof v !== 'string' || isValidCode(f.codeList!, v);
}

/** The values of a cell that `allMapped` refused */
function badValues(f: FieldDef, v: FieldValue): string[] {
  if (typeof v === 'string') return [v];
  return Array.isArray(v) ? v.filter((x) => !isValidCode(f.codeList!, x)) : [];
}

export function collectUnmapped(files: readonly StagedFile[]): UnmappedIndex {
  const out: UnmappedIndex = new Map();
  const unitType = fieldDef('unit', 'unitType');
  for (const file of files) {
    const m = new Map<string, UnmappedValue>();
    const add = (table: TableName, f: FieldDef, value: string) => {
      const key = `${table}.${f.key}\u0000${value}`;
      const hit = m.get(key);
      if (hit) hit.rows++;
      else m.set(key, { table, field: f.key, label: f.label, value, rows: 1, spanReason: spanReason(f.codeList!, value) });
    };
    // This visits every coded cell of a census-size return (2M for 100k persons): indexed loops and a
    // check that allocates nothing. A list per cell and a for-of over it cost ~150 MB of garbage per 100k rows.
    for (const s of file.sheets) {
      const rows = s.rows;
      for (let i = 0; i < rows.length; i++) {
        const r = rows[i]!;
        const fields = coded[r.table];
        for (let j = 0; j < fields.length; j++) {
          const f = fields[j]!;
          const v = r.data[f.key];
          if (!allMapped(f, v)) for (const x of badValues(f, v!)) add(r.table, f, x);
        }
        const t = (r.unitRef as UnitRef | null)?.unitType;
        if (!allMapped(unitType, t)) for (const x of badValues(unitType, t!)) add('unit', unitType, x);
      }
    }
    out.set(file.name, m);
  }
  return out;
}

/** One file's unmapped values, most rows first */
export function unmappedOf(index: UnmappedIndex, file: string): UnmappedValue[] {
  return [...(index.get(file)?.values() ?? [])].sort((a, b) => b.rows - a.rows || a.label.localeCompare(b.label, 'zh'));
}
