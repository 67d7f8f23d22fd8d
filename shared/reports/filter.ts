/**
 * Record filters: a list of field conditions that must all hold. They are part of the contract
 * (`persons.list` / `units.list` take one), so the summary tables' click-through, the dashboard and
 * the spreadsheet grid all speak the same language, and the database evaluates them in SQL.
 *
 * A condition names a dictionary field of the listed table, or one of the derived fields:
 * - `id`: the record's internal id (used to leave out persons held as cross-area duplicates);
 * - `age`: completed years at the census reference date (persons; see shared/reports/age.ts);
 * - `unit.<key>`: a field of the person's own unit (persons), null when the unit is missing.
 *
 * Missing values (null, '', no codes) never match `eq` a value, `in`, `gte` or `lte`; they match
 * `eq null`, `notIn` and `empty`. On a multi-code field (服务领域) `in` means "any of", `notIn`
 * "none of". The same semantics are implemented here (pure, for aggregation and tests) and in
 * electron/core/db/repos/records-filter.ts (SQL); tests check that both agree cell by cell.
 */
import { z } from 'zod';
import { codeLabel } from '../census/codes';
import { fieldsOf, type FieldDef, type TableName } from '../census/dictionary';
import type { FieldValue, RecordData } from '../census/schema';
import { ageAt } from './age';

const fieldName = z.string().min(1).max(60);
const scalar = z.union([z.string().max(200), z.number(), z.boolean()]);
// Large enough for the duplicates a province leaves out (`id notIn …`) and a province's townships.
const list = z.array(scalar).max(200_000);

export const filterConditionSchema = z.discriminatedUnion('op', [
  z.object({ field: fieldName, op: z.literal('eq'), value: scalar.nullable() }),
  z.object({ field: fieldName, op: z.literal('in'), values: list }),
  z.object({ field: fieldName, op: z.literal('notIn'), values: list }),
  z.object({ field: fieldName, op: z.literal('gte'), value: z.union([z.number(), z.string().max(20)]) }),
  z.object({ field: fieldName, op: z.literal('lte'), value: z.union([z.number(), z.string().max(20)]) }),
  z.object({ field: fieldName, op: z.literal('empty') }),
]);
export type FilterCondition = z.infer<typeof filterConditionSchema>;

/** All conditions must hold; an empty list matches every record. */
export const recordFilterSchema = z.array(filterConditionSchema).max(50);
export type RecordFilter = FilterCondition[];

/** What a filter field refers to, resolved against the dictionary. */
export type FilterField =
  | { kind: 'id' }
  | { kind: 'age' }
  | { kind: 'field'; def: FieldDef }
  | { kind: 'unitField'; def: FieldDef };

const AGE_LABEL = '年龄';

export function resolveFilterField(table: TableName, name: string): FilterField | null {
  if (name === 'id') return { kind: 'id' };
  if (table === 'person' && name === 'age') return { kind: 'age' };
  if (table === 'person' && name.startsWith('unit.')) {
    const def = fieldsOf.unit.find((f) => f.key === name.slice(5));
    return def ? { kind: 'unitField', def } : null;
  }
  const def = fieldsOf[table].find((f) => f.key === name);
  return def ? { kind: 'field', def } : null;
}

/** A Chinese message for a condition that does not fit the table, or null when it is usable. */
export function filterProblem(table: TableName, filter: RecordFilter): string | null {
  for (const c of filter) {
    if (!resolveFilterField(table, c.field)) return `无法按「${c.field}」筛选${table === 'person' ? '人员' : '单位'}`;
  }
  return null;
}

function isMissing(v: FieldValue | undefined): boolean {
  return v === null || v === undefined || v === '' || (Array.isArray(v) && v.length === 0);
}

/** Values of the same kind compare; anything else (a number against text) does not match. */
function compare(v: FieldValue | undefined, bound: string | number): number | null {
  if (typeof v === 'number' && typeof bound === 'number') return v - bound;
  if (typeof v === 'string' && typeof bound === 'string') return v < bound ? -1 : v > bound ? 1 : 0;
  return null;
}

export interface FilterEnv {
  refDate: string;
  /** The unit a person names, for `unit.<key>` conditions */
  unitData(unitId: string): RecordData | undefined;
}

export type RecordLike = { id: string; data: RecordData };

/** Compiles a filter into a predicate; unknown fields throw (callers check `filterProblem` first). */
export function compileFilter(table: TableName, filter: RecordFilter, env: FilterEnv): (r: RecordLike) => boolean {
  const tests = filter.map((c) => {
    const f = resolveFilterField(table, c.field);
    if (!f) throw new Error(`unknown filter field ${c.field}`);
    const get: (r: RecordLike) => FieldValue | undefined =
      f.kind === 'id' ? (r) => r.id
      : f.kind === 'age' ? (r) => ageAt(r.data.birthDate, env.refDate)
      : f.kind === 'field' ? (r) => r.data[f.def.key]
      : (r) => {
          const unitId = r.data.unitId;
          return typeof unitId === 'string' ? env.unitData(unitId)?.[f.def.key] : null;
        };
    return conditionTest(c, get);
  });
  if (tests.length === 0) return () => true;
  if (tests.length === 1) return tests[0]!;
  return (r) => {
    for (const t of tests) if (!t(r)) return false;
    return true;
  };
}

function conditionTest(c: FilterCondition, get: (r: RecordLike) => FieldValue | undefined): (r: RecordLike) => boolean {
  switch (c.op) {
    case 'eq': {
      if (c.value === null) return (r) => isMissing(get(r));
      const want = c.value;
      return (r) => {
        const v = get(r);
        return Array.isArray(v) ? v.length === 1 && v[0] === want : v === want;
      };
    }
    case 'in':
    case 'notIn': {
      const set = new Set<string | number | boolean>(c.values);
      const hit = (v: FieldValue | undefined): boolean =>
        !isMissing(v) && (Array.isArray(v) ? v.some((x) => set.has(x)) : set.has(v as string | number | boolean));
      return c.op === 'in' ? (r) => hit(get(r)) : (r) => !hit(get(r));
    }
    case 'gte':
    case 'lte': {
      const sign = c.op === 'gte' ? 1 : -1;
      const bound = c.value;
      return (r) => {
        const d = compare(get(r), bound);
        return d !== null && d * sign >= 0;
      };
    }
    case 'empty':
      return (r) => isMissing(get(r));
  }
}

function fieldLabelOf(table: TableName, name: string): string {
  const f = resolveFilterField(table, name);
  if (!f) return name;
  switch (f.kind) {
    case 'id':
      return '记录';
    case 'age':
      return AGE_LABEL;
    case 'field':
      return f.def.label;
    case 'unitField':
      return `单位的${f.def.label}`;
  }
}

/** Names of places (townships) by code; the divisions live in the core, not here. */
export type PlaceName = (code: string) => string | null | undefined;

function valueLabel(table: TableName, name: string, v: string | number | boolean, placeName?: PlaceName): string {
  const f = resolveFilterField(table, name);
  const def = f && (f.kind === 'field' || f.kind === 'unitField') ? f.def : null;
  if (def?.type === 'township' && typeof v === 'string') return placeName?.(v) ?? v;
  if (def?.type === 'boolean') return v === true || v === '1' ? '是' : '否';
  if (def?.codeList && typeof v === 'string') return codeLabel(def.codeList, v);
  return String(v);
}

/** One line of Chinese describing a filter, for the chip above a filtered list. */
export function describeFilter(table: TableName, filter: RecordFilter, placeName?: PlaceName): string {
  const parts: string[] = [];
  // A lower and an upper bound on the same field read as one range.
  const ranges = new Map<string, { lo?: string | number; hi?: string | number }>();
  for (const c of filter) {
    if (c.op === 'gte' || c.op === 'lte') {
      const r = ranges.get(c.field) ?? {};
      if (c.op === 'gte') r.lo = c.value;
      else r.hi = c.value;
      ranges.set(c.field, r);
    }
  }
  for (const c of filter) {
    const label = fieldLabelOf(table, c.field);
    switch (c.op) {
      case 'eq':
        parts.push(c.value === null ? `${label}为空` : `${label}：${valueLabel(table, c.field, c.value, placeName)}`);
        break;
      case 'in':
      case 'notIn': {
        if (c.field === 'id' && c.op === 'notIn') {
          parts.push(`不含待处理的重复人员 ${c.values.length} 人`);
          break;
        }
        const shown = c.values.slice(0, 5).map((v) => valueLabel(table, c.field, v, placeName)).join('、');
        const more = c.values.length > 5 ? ` 等${c.values.length}项` : '';
        parts.push(`${label}${c.op === 'in' ? '：' : '不是'}${shown}${more}`);
        break;
      }
      case 'gte':
      case 'lte': {
        const r = ranges.get(c.field);
        if (!r) break;
        ranges.delete(c.field);
        const unit = c.field === 'age' ? '岁' : '';
        if (r.lo !== undefined && r.hi !== undefined) parts.push(`${label} ${r.lo}–${r.hi}${unit}`);
        else if (r.lo !== undefined) parts.push(`${label} ${r.lo}${unit}及以上`);
        else parts.push(`${label} ${String(r.hi)}${unit}及以下`);
        break;
      }
      case 'empty':
        parts.push(`${label}未填`);
        break;
    }
  }
  return parts.length ? parts.join('；') : '全部';
}
