/**
 * The census's value mappings: a clerk maps a value no code matches (学历「普高毕业」) to a code once,
 * and every later import and paste of this census reads it that way. Kept in `meta` under one key,
 * per table and field, by the value's comparable form. Span terms (高中及以下) are never mapped.
 */
import { z } from 'zod';
import type { ImportDecisions } from '../../../../shared/api/methods/io';
import { codeLabel, isValidCode } from '../../../../shared/census/codes';
import { fieldOf as fieldDef, type FieldDef, type TableName } from '../../../../shared/census/dictionary';
import { spanReason, valueKey } from '../../../../shared/census/normalize';
import type { ServiceContext } from '../context';

export const VALUE_MAPPINGS_KEY = 'io.valueMappings';

const entry = z.object({ value: z.string(), code: z.string() });
const schema = z.record(z.string(), z.record(z.string(), z.record(z.string(), entry)));
/** table → field → value key → { value as first written, code } */
export type ValueMappings = z.infer<typeof schema>;

export function storedValueMappings(ctx: ServiceContext): ValueMappings {
  return ctx.store.meta.read(VALUE_MAPPINGS_KEY, schema) ?? {};
}

function usable(f: FieldDef, value: string, code: string): boolean {
  return !!f.codeList && isValidCode(f.codeList, code) && !spanReason(f.codeList, value);
}

/** The stored mappings with the preview's decisions applied (a null code forgets one) */
export function withDecisions(stored: ValueMappings, decisions: ImportDecisions): ValueMappings {
  if (!decisions.values?.length) return stored;
  const out: ValueMappings = JSON.parse(JSON.stringify(stored)) as ValueMappings;
  for (const d of decisions.values) {
    let f: FieldDef;
    try {
      f = fieldDef(d.table, d.field);
    } catch {
      continue;
    }
    const k = valueKey(d.value);
    const slot = ((out[d.table] ??= {})[d.field] ??= {});
    if (d.code === null) delete slot[k];
    else if (usable(f, d.value, d.code)) slot[k] = { value: d.value, code: d.code };
  }
  return out;
}

export function valueMapper(mappings: ValueMappings): (f: FieldDef, text: string) => string | null {
  return (f, text) => {
    const hit = mappings[f.table]?.[f.key]?.[valueKey(text)];
    return hit && usable(f, text, hit.code) ? hit.code : null;
  };
}

export function listValueMappings(ctx: ServiceContext) {
  const out: { table: TableName; field: string; value: string; code: string; label: string }[] = [];
  for (const [table, fields] of Object.entries(storedValueMappings(ctx)) as [TableName, ValueMappings[string]][]) {
    for (const [key, values] of Object.entries(fields)) {
      let f: FieldDef;
      try {
        f = fieldDef(table, key);
      } catch {
        continue;
      }
      for (const v of Object.values(values)) out.push({ table, field: key, value: v.value, code: v.code, label: codeLabel(f.codeList!, v.code) });
    }
  }
  return out;
}
