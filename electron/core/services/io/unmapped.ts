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

/** What nearly every cell answers: one list, not one per cell (a census-size return has millions) */
const NONE: readonly string[] = Object.freeze([]);

function badValues(f: FieldDef, v: FieldValue | undefined): readonly string[] {
  if (v == null || v === '') return NONE;
  if (f.type === 'boolean') return typeof v === 'string' ? [v] : NONE;
  if (Array.isArray(v)) return v.every((x) => isValidCode(f.codeList!, x)) ? NONE : v.filter((x) => !isValidCode(f.codeList!, x));
  return typeof v === 'string' && !isValidCode(f.codeList!, v) ? [v] : NONE;
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
    for (const s of file.sheets) {
      for (const r of s.rows) {
        for (const f of coded[r.table]) for (const v of badValues(f, r.data[f.key])) add(r.table, f, v);
        const t = (r.unitRef as UnitRef | null)?.unitType;
        for (const v of badValues(unitType, t)) add('unit', unitType, v);
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
