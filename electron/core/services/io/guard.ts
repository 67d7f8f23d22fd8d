/**
 * What reading a row can notice before the values are normalised: control characters (NUL, BEL,
 * ESC…) that a township's system or a copy from a web page put into cells. They are removed here,
 * at the boundary, and each removal is reported on its row so nobody wonders where they went.
 * (A U+FFFD left by a bad decoding is kept and flagged by validation's text_unreadable rule, so it
 * stays an error until someone fixes the value.)
 */
import type { Cell, ColumnMapping } from '../../../../shared/io';
import { CONTROL_CHARS, countControlChars } from '../../../../shared/census/normalize';

export interface RowNote {
  field: string;
  rule: string;
  severity: 'error' | 'warning';
  message: string;
}

/** Removes control characters from the row's text cells in place; notes for the mapped ones. */
export function cleanCells(cells: Cell[], columns: readonly ColumnMapping[]): RowNote[] | undefined {
  let notes: RowNote[] | undefined;
  for (let i = 0; i < cells.length; i++) {
    const v = cells[i];
    if (typeof v !== 'string') continue;
    const n = countControlChars(v);
    if (n === 0) continue;
    cells[i] = v.replace(CONTROL_CHARS, '');
    const col = columns.find((c) => c.index === i);
    if (!col?.field) continue;
    (notes ??= []).push({
      field: col.field,
      rule: 'control_chars_removed',
      severity: 'warning',
      message: `「${col.header}」中有 ${n} 个不可见的控制字符，已删除，请核对内容`,
    });
  }
  return notes;
}
