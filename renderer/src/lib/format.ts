/** How stored values look on screen. Pure functions so the lists and forms agree and tests can pin them. */
import { countText, formatValue } from '../../../shared/reports/format';
import type { ValueFormat } from '../../../shared/reports/definitions';
import { codeLabel } from '../../../shared/census/codes';
import type { FieldDef } from '../../../shared/census/dictionary';
import type { FieldValue } from '../../../shared/census/schema';

/** 110105194912310021 → 110105********0021: enough to tell people apart in a list, not enough to copy. */
export function maskIdNumber(id: string | null | undefined): string {
  if (!id) return '';
  const s = id.trim();
  if (s.length >= 15) return s.slice(0, 6) + '*'.repeat(s.length - 10) + s.slice(-4);
  if (s.length > 4) return s.slice(0, 2) + '*'.repeat(s.length - 4) + s.slice(-2);
  return s;
}

export interface Lookups {
  /** unit id → unit name */
  units?: ReadonlyMap<string, string>;
  /** township code → township name */
  townships?: ReadonlyMap<string, string>;
}

/** The text a list cell shows for a field's value. */
export function displayValue(f: FieldDef, value: FieldValue | undefined, lookups: Lookups = {}): string {
  if (value === null || value === undefined) return '';
  switch (f.type) {
    case 'code':
      return f.codeList ? codeLabel(f.codeList, String(value)) : String(value);
    case 'codes':
      if (!Array.isArray(value)) return String(value);
      return value.map((c) => (f.codeList ? codeLabel(f.codeList, c) : c)).join('、');
    case 'boolean':
      return value === true ? '是' : value === false ? '否' : String(value);
    case 'idNumber':
      return maskIdNumber(String(value));
    case 'unitRef':
      return lookups.units?.get(String(value)) ?? '（未知单位）';
    case 'township':
      return lookups.townships?.get(String(value)) ?? String(value);
    default:
      return String(value);
  }
}

export function levelLabel(level: string): string {
  return codeLabel('level', level);
}

export { countText };

/**
 * A table value as the screen shows it: formatValue's, with counts past a thousand grouped (100,000 人),
 * as the Excel tables' #,##0 shows them. Years, rates and ratios are formatValue's own.
 */
export function screenValue(v: number | null, format: ValueFormat): string {
  return format === 'integer' && v !== null && Number.isFinite(v) ? countText(Math.round(v)) : formatValue(v, format);
}

export { localDateTime } from '../../../shared/time';
