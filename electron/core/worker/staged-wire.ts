/**
 * Staged rows as they cross from the reading worker to the main thread. A structured clone copies
 * every string, so 100k rows would arrive with 100k copies of 大学本科's code, of 东华门街道's and of
 * each unit's name, each one a live object the main thread's GC moves until the import ends. The
 * worker hands over each batch's distinct values of the columns that repeat themselves once, in
 * `strings`, and their cells as indexes into it; the main thread puts the strings back. Those
 * fields (codes, yes/no, townships, dates, units) never hold a number, so a number there is an index.
 */
import { fieldsOf, type FieldType, type TableName } from '../../../shared/census/dictionary';
import type { StagedRow } from '../services/io/stage';

const REPEATING = new Set<FieldType>(['code', 'boolean', 'township', 'date', 'unitRef']);
const KEYS: Record<TableName, readonly string[]> = {
  person: fieldsOf.person.filter((f) => REPEATING.has(f.type)).map((f) => f.key),
  unit: fieldsOf.unit.filter((f) => REPEATING.has(f.type)).map((f) => f.key),
};

/** Worker side: replaces the repeating strings of `rows` (in place) by indexes into the returned list */
export function packStrings(rows: StagedRow[]): string[] {
  const strings: string[] = [];
  const index = new Map<string, number>();
  const at = (s: string): number => {
    let i = index.get(s);
    if (i === undefined) {
      i = strings.push(s) - 1;
      index.set(s, i);
    }
    return i;
  };
  for (const r of rows) {
    const data = r.data as Record<string, unknown>;
    for (const k of KEYS[r.table]) {
      const v = data[k];
      if (typeof v === 'string') data[k] = at(v);
    }
    const ref = r.unitRef as { name: unknown; creditCode: unknown } | null;
    if (ref) {
      if (typeof ref.name === 'string') ref.name = at(ref.name);
      if (typeof ref.creditCode === 'string') ref.creditCode = at(ref.creditCode);
    }
  }
  return strings;
}

/** Main thread side: puts the strings back */
export function unpackStrings(rows: StagedRow[], strings: readonly string[]): void {
  for (const r of rows) {
    const data = r.data as Record<string, unknown>;
    for (const k of KEYS[r.table]) {
      const v = data[k];
      if (typeof v === 'number') data[k] = strings[v];
    }
    const ref = r.unitRef as { name: unknown; creditCode: unknown } | null;
    if (ref) {
      if (typeof ref.name === 'number') ref.name = strings[ref.name];
      if (typeof ref.creditCode === 'number') ref.creditCode = strings[ref.creditCode];
    }
  }
}
