/**
 * How a stored value reads in a grid cell and on the clipboard: code labels rather than codes,
 * 是/否, unit and township names. Copy uses the same text so a copied block pastes back unchanged.
 */
import { codeLabel } from '../census/codes';
import type { FieldDef } from '../census/dictionary';
import type { FieldValue } from '../census/schema';

export interface CellLookups {
  unitName(id: string): string | undefined;
  townshipName(code: string): string | undefined;
}

export function cellText(f: FieldDef, value: FieldValue | undefined, lookups: CellLookups): string {
  if (value === null || value === undefined) return '';
  switch (f.type) {
    case 'code':
      return typeof value === 'string' && f.codeList ? codeLabel(f.codeList, value) : String(value);
    case 'codes':
      return Array.isArray(value) ? value.map((c) => (f.codeList ? codeLabel(f.codeList, c) : c)).join('、') : String(value);
    case 'boolean':
      return value === true ? '是' : value === false ? '否' : String(value);
    case 'unitRef':
      return typeof value === 'string' ? (lookups.unitName(value) ?? value) : String(value);
    case 'township':
      return typeof value === 'string' ? (lookups.townshipName(value) ?? value) : String(value);
    default:
      return Array.isArray(value) ? value.join('、') : String(value);
  }
}

/** The empty value of a field */
export function emptyValue(f: FieldDef): FieldValue {
  return f.type === 'codes' ? [] : null;
}

/** A comparable key for sorting: numbers as numbers, everything else as its displayed text */
export function sortKey(f: FieldDef, value: FieldValue | undefined, lookups: CellLookups): string | number {
  if (typeof value === 'number') return value;
  return cellText(f, value, lookups);
}
