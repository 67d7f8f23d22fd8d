/**
 * Row classification below the header: data, or one of the few kinds an import skips (and lists in
 * its preview). Everything else is data — a row with errors is imported and flagged, never dropped.
 * Runs once per row of 100k-row returns, so the common case (a data row) is decided without
 * cleaning every cell.
 */
import { cleanText } from '../census/normalize';
import type { Cell, ColumnMapping } from './headers';

export type SkipKind = 'blank' | 'total' | 'notes' | 'header';
export type RowKind = SkipKind | 'data';

export const skipReasons: Record<SkipKind, string> = {
  blank: '空行',
  total: '合计行',
  notes: '说明行',
  header: '重复的表头行',
};

const TOTAL = /^(本页|本表|全部|以上)?(合计|小计|总计|共计|累计)/;
const NOTES = /^(注|说明|备注|填表|填报|制表|审核|负责人|单位负责人|统计负责人|联系人|联系电话|报送|日期)/;
/** Cheap pre-test: could this text be a total or a note at all? */
const MAYBE_SPECIAL = /计|^[\s\u3000]*[注说备填制审负单统联报日]/;
const BLANK = /^[\s\u3000\u00A0\u200B-\u200D\uFEFF]*$/;

export function cellText(c: Cell | undefined): string {
  if (c == null) return '';
  if (c instanceof Date) return Number.isNaN(c.getTime()) ? '' : c.toISOString().slice(0, 10);
  return cleanText(c);
}

function isBlank(c: Cell | undefined): boolean {
  if (c == null) return true;
  if (typeof c !== 'string') return false;
  // Nearly every cell starts with a visible ASCII or CJK character: decided without the regex.
  const ch = c.charCodeAt(0);
  if ((ch > 0x20 && ch < 0x7f) || (ch >= 0x4e00 && ch <= 0x9fff)) return false;
  return BLANK.test(c);
}

export interface RowClass {
  kind: RowKind;
  /** Chinese reason for a skipped row, e.g. 合计行（合计） */
  reason: string;
}

const DATA: RowClass = { kind: 'data', reason: '' };

/**
 * Whether `s` holds the UTF-16 unit `code`. Asked of nearly every cell of a return: `charAt` of a
 * Chinese header made a new one-character string each time (90 MB of garbage per 100k rows).
 */
function hasCharCode(s: string, code: number): boolean {
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) === code) return true;
  return false;
}

/**
 * `mapping`: the sheet's columns. A row is blank when no mapped column has a value other than the
 * township (templates come with the township prefilled on every row).
 */
export function classifyRow(cells: readonly Cell[], mapping: readonly ColumnMapping[], townshipKey = 'township'): RowClass {
  const firstTexts: string[] = [];
  let nonEmpty = 0;
  for (const c of cells) {
    if (isBlank(c)) continue;
    nonEmpty++;
    if (firstTexts.length < 3) firstTexts.push(typeof c === 'string' && MAYBE_SPECIAL.test(c) ? cleanText(c).replace(/\s/g, '') : '');
  }
  if (nonEmpty === 0) return { kind: 'blank', reason: skipReasons.blank };
  // A total row may carry 合计 in an unmapped column (序号) and sums in mapped ones.
  for (const t of firstTexts) {
    const m = TOTAL.exec(t);
    if (m) return { kind: 'total', reason: `${skipReasons.total}（${m[2]}）` };
  }
  if (nonEmpty <= 3 && NOTES.test(firstTexts[0]!)) return { kind: 'notes', reason: skipReasons.notes };
  let filled = 0;
  let onlyTownship = true;
  let sameAsHeader = 0;
  for (const col of mapping) {
    if (!col.field) continue;
    const c = cells[col.index];
    if (isBlank(c)) continue;
    filled++;
    if (col.field !== townshipKey) onlyTownship = false;
    // A repeated header row (printed pages) holds the header texts themselves.
    if (typeof c === 'string' && c.length <= col.header.length + 8 && hasCharCode(c, col.header.charCodeAt(0)) && cleanText(c) === col.header) sameAsHeader++;
  }
  if (filled === 0 || onlyTownship) return { kind: 'blank', reason: skipReasons.blank };
  if (sameAsHeader >= Math.max(2, Math.ceil(filled / 2))) return { kind: 'header', reason: skipReasons.header };
  return DATA;
}
