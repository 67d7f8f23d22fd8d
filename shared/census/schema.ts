/**
 * zod schemas of the record types, derived from the dictionary. Two strengths:
 * - `recordDataSchema`: the shape any stored record has (types only). Imported rows with wrong codes
 *   or unreadable numbers must still be storable and flagged, so codes are plain strings and numeric
 *   and yes/no fields also accept the original text.
 * - `cleanRecordDataSchema`: a record that passes every single-record rule's type and code constraint.
 */
import { z } from 'zod';
import { codesOf } from './codes';
import { fieldsOf, type FieldDef, type TableName } from './dictionary';

export type FieldValue = string | number | boolean | string[] | null;
export type RecordData = Record<string, FieldValue>;

function shapeOf(f: FieldDef): z.ZodType<FieldValue> {
  switch (f.type) {
    case 'codes':
      return z.array(z.string());
    // A value an importer could not read ("十二", "是的吧") is kept as text and flagged, never dropped.
    case 'integer':
    case 'year':
      return z.union([z.number(), z.string()]).nullable();
    case 'boolean':
      return z.union([z.boolean(), z.string()]).nullable();
    default:
      return z.string().nullable();
  }
}

function cleanOf(f: FieldDef): z.ZodType<FieldValue> {
  const list = f.codeList ? (codesOf(f.codeList) as [string, ...string[]]) : null;
  let s: z.ZodType<FieldValue>;
  switch (f.type) {
    case 'code':
      s = z.enum(list!);
      break;
    case 'codes':
      return f.required ? z.array(z.enum(list!)).min(1) : z.array(z.enum(list!));
    case 'integer':
      s = z.number().int().min(f.min ?? Number.MIN_SAFE_INTEGER).max(f.max ?? Number.MAX_SAFE_INTEGER);
      break;
    case 'year':
      s = z.number().int().min(1900).max(2100);
      break;
    case 'boolean':
      s = z.boolean();
      break;
    case 'date':
      s = z.string().regex(/^\d{4}-\d{2}-\d{2}$/);
      break;
    case 'township':
      s = z.string().regex(/^\d{9}$/);
      break;
    default:
      s = f.maxLength ? z.string().min(1).max(f.maxLength) : z.string().min(1);
  }
  return f.required ? s : s.nullable();
}

function build(table: TableName, of: (f: FieldDef) => z.ZodType<FieldValue>) {
  const shape: Record<string, z.ZodType<FieldValue>> = {};
  for (const f of fieldsOf[table]) shape[f.key] = of(f);
  return z.object(shape);
}

export const recordDataSchema = { person: build('person', shapeOf), unit: build('unit', shapeOf) } as const;
/** For partial updates from the grid or the form */
export const recordPatchSchema = {
  person: recordDataSchema.person.partial(),
  unit: recordDataSchema.unit.partial(),
} as const;
/**
 * Last census's values of carried records by id (上期 → 本期), of either table. Strict: the person's schema
 * tried first would otherwise take a unit's values and drop every unit field it does not know.
 */
export const previousValuesSchema = z.record(z.string(), recordPatchSchema.person.strict().or(recordPatchSchema.unit.strict()));
export const cleanRecordDataSchema = { person: build('person', cleanOf), unit: build('unit', cleanOf) } as const;

/** A record with every field empty: the starting point of a new person or unit. */
export function emptyRecord(table: TableName): RecordData {
  const r: RecordData = {};
  for (const f of fieldsOf[table]) r[f.key] = f.type === 'codes' ? [] : null;
  return r;
}

export const sourceSchema = z.object({ file: z.string(), sheet: z.string().optional(), row: z.number().int() });
export type Source = z.infer<typeof sourceSchema>;

export const recordRowSchema = (table: TableName) =>
  z.object({
    id: z.string(),
    areaCode: z.string(),
    data: recordDataSchema[table],
    source: sourceSchema.nullable(),
    createdBy: z.string(),
    createdAt: z.string(),
    updatedAt: z.string(),
  });
export interface RecordRow {
  id: string;
  areaCode: string;
  data: RecordData;
  source: Source | null;
  createdBy: string;
  createdAt: string;
  updatedAt: string;
}
