/**
 * Record filters (shared/reports/filter.ts) as SQL. The semantics must match the pure evaluator
 * `compileFilter` exactly — missing values, multi-code fields, the age rule, a person's unit — since
 * a click on a table cell lists the persons the aggregation counted; tests compare the two cell by
 * cell. Values of the wrong type for a field never match (as in the pure evaluator), so they are
 * dropped here rather than left to SQLite's type affinity.
 */
import { ApiError } from '../../../../shared/api/errors';
import type { FieldType, TableName } from '../../../../shared/census/dictionary';
import { filterProblem, resolveFilterField, type FilterCondition, type RecordFilter } from '../../../../shared/reports/filter';

export interface FilterSql {
  sql: string;
  params: unknown[];
}

type Kind = 'text' | 'number' | 'boolean' | 'codes';

const DATE_GLOB = `'[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'`;
const REF = '(SELECT ref_date FROM settings WHERE id = 1)';
/** Completed years at the reference date; NULL when either date is not YYYY-MM-DD (shared/reports/age.ts) */
const AGE_SQL = `(CASE WHEN birth_date GLOB ${DATE_GLOB} AND ${REF} GLOB ${DATE_GLOB} THEN
  CAST(substr(${REF}, 1, 4) AS INTEGER) - CAST(substr(birth_date, 1, 4) AS INTEGER) - (substr(${REF}, 6) < substr(birth_date, 6)) END)`;

function kindOf(type: FieldType): Kind {
  switch (type) {
    case 'integer':
    case 'year':
      return 'number';
    case 'boolean':
      return 'boolean';
    case 'codes':
      return 'codes';
    default:
      return 'text';
  }
}

/**
 * The SQL value for a filter value of a field of this kind, or undefined when it can never match. The
 * columns are STRICT `ANY` without affinity, so an integer never equals text in SQL either: text kept in
 * a number or yes/no field (the clerk's unreadable entry) matches only the same text, as in the pure evaluator.
 */
function sqlValue(kind: Kind, v: string | number | boolean): string | number | undefined {
  switch (kind) {
    case 'number':
      return typeof v === 'boolean' ? undefined : v;
    case 'boolean':
      return typeof v === 'boolean' ? (v ? 1 : 0) : typeof v === 'string' ? v : undefined;
    default:
      return typeof v === 'string' ? v : undefined;
  }
}

function missing(expr: string, kind: Kind): string {
  return kind === 'text' || kind === 'codes' ? `(${expr} IS NULL OR ${expr} = '')` : `(${expr} IS NULL)`;
}

function condition(expr: string, kind: Kind, c: FilterCondition, params: unknown[]): string {
  switch (c.op) {
    case 'empty':
      return missing(expr, kind);
    case 'eq': {
      if (c.value === null) return missing(expr, kind);
      const v = sqlValue(kind, c.value);
      if (v === undefined) return '0';
      params.push(v);
      return `(${expr} = ?)`;
    }
    case 'in':
    case 'notIn': {
      const values = c.values.map((v) => sqlValue(kind, v)).filter((v) => v !== undefined);
      params.push(JSON.stringify(values));
      const hit =
        kind === 'codes'
          ? `EXISTS (SELECT 1 FROM json_each(?) j WHERE instr(',' || ${expr} || ',', ',' || j.value || ',') > 0)`
          : `(${expr} IN (SELECT value FROM json_each(?)))`;
      // A missing value is in no list, so it matches every notIn.
      return c.op === 'in' ? `coalesce(${hit}, 0)` : `NOT coalesce(${hit}, 0)`;
    }
    case 'gte':
    case 'lte': {
      // As the pure evaluator: a number compares with numbers and text with text, nothing else matches
      // (text in a number field is never "160 or more", however SQLite would order it).
      const numeric = typeof c.value === 'number';
      if (kind === 'codes' || (numeric && kind !== 'number')) return '0';
      params.push(c.value);
      const type = numeric ? `typeof(${expr}) IN ('integer', 'real')` : `typeof(${expr}) = 'text'`;
      return `(${type} AND ${expr} ${c.op === 'gte' ? '>=' : '<='} ?)`;
    }
  }
}

/** A WHERE fragment (without WHERE) selecting the records of `table` that match every condition */
export function filterSql(table: TableName, filter: RecordFilter): FilterSql {
  const problem = filterProblem(table, filter);
  if (problem) throw new ApiError('bad_input', problem);
  const params: unknown[] = [];
  const self = table === 'person' ? 'persons' : 'units';
  const parts = filter.map((c) => {
    const f = resolveFilterField(table, c.field)!;
    switch (f.kind) {
      case 'id':
        return condition(`${self}.id`, 'text', c, params);
      case 'age':
        return condition(AGE_SQL, 'number', c, params);
      case 'field':
        return condition(`${self}.${f.def.column}`, kindOf(f.def.type), c, params);
      case 'unitField':
        // NULL when the person names no unit or a unit that does not exist, like the pure evaluator.
        return condition(`(SELECT u.${f.def.column} FROM units u WHERE u.id = persons.unit_id)`, kindOf(f.def.type), c, params);
    }
  });
  return { sql: parts.length ? parts.join(' AND ') : '1', params };
}
