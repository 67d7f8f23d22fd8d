/**
 * Stored values → what a spreadsheet cell shows: labels (大学本科, 是, 东华门街道) for people, or the
 * codes themselves (20, 1, 110101001) for statistical tools. The label form re-imports unchanged.
 */
import { codeLabel } from '../census/codes';
import type { FieldDef } from '../census/dictionary';
import type { FieldValue } from '../census/schema';
import { escapeFormula } from './escape';

export interface CellContext {
  /** Township code → the name to show; null keeps the code */
  townshipName?(code: string): string | null;
  /** Unit id → its name (or credit code) */
  unitName?(id: string): string | null;
}

export type OutCell = string | number | null;

/** The cell for one field of one record; text is formula-escaped. */
export function cellValue(f: FieldDef, v: FieldValue | undefined, mode: 'labels' | 'codes', ctx: CellContext = {}): OutCell {
  const out = rawCellValue(f, v, mode, ctx);
  return typeof out === 'string' ? escapeFormula(out) : out;
}

function rawCellValue(f: FieldDef, v: FieldValue | undefined, mode: 'labels' | 'codes', ctx: CellContext): OutCell {
  if (v == null || v === '') return null;
  if (Array.isArray(v)) {
    if (v.length === 0) return null;
    return mode === 'codes' ? v.join(',') : v.map((c) => (f.codeList ? codeLabel(f.codeList, c) : c)).join('、');
  }
  if (typeof v === 'boolean') return mode === 'codes' ? (v ? 1 : 0) : v ? '是' : '否';
  if (typeof v === 'number') return v;
  switch (f.type) {
    case 'code':
      return mode === 'codes' ? v : codeLabel(f.codeList!, v);
    case 'township':
      return mode === 'codes' ? v : (ctx.townshipName?.(v) ?? v);
    case 'unitRef':
      return mode === 'codes' ? v : (ctx.unitName?.(v) ?? v);
    default:
      return v;
  }
}

/** A value as one line of text for previews and audit-style listings. */
export function valueText(f: FieldDef, v: FieldValue | undefined, ctx: CellContext = {}): string {
  const out = rawCellValue(f, v, 'labels', ctx);
  return out == null ? '' : String(out);
}
