/**
 * Persons given column by column, each stored field dictionary-coded: its distinct values and, per
 * person, which of them it holds. Every table condition and every section classifier reads exactly one
 * stored field (a field, the birth date for ages, the unit for unit fields, the township for areas), so
 * over coded columns each is evaluated once per distinct value, and a person costs only table lookups.
 * A package of 10,000 persons holds a few hundred distinct values per field; birth dates a few thousand.
 */
import type { FieldValue } from '../census/schema';

export interface CodedColumn {
  /** The distinct values, decoded */
  readonly values: readonly FieldValue[];
  /** Per person: the index of its value in `values` */
  readonly at: ArrayLike<number>;
}

export interface PersonColumns {
  /** How many persons */
  readonly size: number;
  /** The persons' record ids (only `id` conditions read them) */
  readonly ids: readonly string[];
  /** A stored field as `personFieldsRead` names it */
  column(field: string): CodedColumn;
}

/**
 * Codes one column of raw values: each distinct raw value (by `Map` identity: 1 and '1' are two) is
 * decoded once.
 */
export function codeColumn<T>(raw: readonly T[], decode: (v: T) => FieldValue): CodedColumn {
  const index = new Map<T, number>();
  const values: FieldValue[] = [];
  const at = new Int32Array(raw.length);
  for (let i = 0; i < raw.length; i++) {
    const v = raw[i]!;
    let j = index.get(v);
    if (j === undefined) {
      j = values.push(decode(v)) - 1;
      index.set(v, j);
    }
    at[i] = j;
  }
  return { values, at };
}

/** Every person its own value: the record ids */
export function idColumn(ids: readonly string[]): CodedColumn {
  const at = new Int32Array(ids.length);
  for (let i = 0; i < at.length; i++) at[i] = i;
  return { values: ids, at };
}

/**
 * `f`, which reads the record's `field` only and keeps no reference to the record, evaluated once per
 * distinct value of the column (on one record, refilled)
 */
export function perValue<R>(column: CodedColumn, field: string, f: (r: { id: string; data: Record<string, FieldValue> }) => R): R[] {
  const r = { id: '', data: {} as Record<string, FieldValue> };
  return column.values.map((v) => {
    if (field === 'id') r.id = v as string;
    else r.data[field] = v;
    return f(r);
  });
}
