/**
 * Excel and WPS refuse (or silently cut) a cell of more than 32,767 characters. Exports clip such
 * text themselves and say so in the cell, so nothing is lost without a word: the whole text stays in
 * the database and in CSV exports.
 */
export const EXCEL_CELL_MAX = 32_767;
export const CLIP_NOTE = '…［超出 Excel 单元格上限 32767 字，已截断；完整内容见 CSV 导出］';

export function clipForExcel<T>(v: T): { value: T | string; clipped: boolean } {
  if (typeof v !== 'string' || v.length <= EXCEL_CELL_MAX) return { value: v, clipped: false };
  return { value: v.slice(0, EXCEL_CELL_MAX - CLIP_NOTE.length) + CLIP_NOTE, clipped: true };
}
