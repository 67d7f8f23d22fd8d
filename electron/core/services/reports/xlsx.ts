/**
 * The table set as an Excel workbook for superiors: one sheet per table with its title, area,
 * reference date and unit notes, two header rows (column groups and labels), bordered body,
 * frozen header and stub, A4 landscape fitted to the page width, and the 填报单位 / 负责人 /
 * 填表人 / 报出日期 lines. Numbers are numbers; rates are fractions shown as `0.0%`.
 */
import ExcelJS from 'exceljs';
import { toAreaCode } from '../../../../shared/divisions/format';
import { excelFormat, formatValue } from '../../../../shared/reports/format';
import type { ReportSet, ReportTable } from '../../../../shared/reports/schema';

export interface ReportFooter {
  office: string;
  head: string;
  filledBy: string;
  /** YYYY-MM-DD */
  reportDate: string;
}

export interface SheetLayout {
  /** 1-based rows of the two header lines and of the first data row */
  headerRows: [number, number];
  firstDataRow: number;
  /** Number of stub (label) columns before the values */
  stubColumns: number;
}

const thin = { style: 'thin' as const, color: { argb: 'FF000000' } };
const border = { top: thin, left: thin, bottom: thin, right: thin };
const FONT = '宋体';
const ONE_PAGE_ROWS = 40;

/** Tables with several sections (表4) get a 分组 column before the row labels. */
export function layoutOf(t: { notes: readonly string[]; rows: readonly { section: string | null }[] }): SheetLayout {
  const stubColumns = new Set(t.rows.map((r) => r.section).filter((s) => s !== null)).size > 1 ? 2 : 1;
  const notes = t.notes.length;
  const h1 = 3 + notes;
  return { headerRows: [h1, h1 + 1], firstDataRow: h1 + 2, stubColumns };
}

export const UNREPORTED = '未报';

function stubHeader(t: ReportTable): string {
  if (t.rows.some((r) => r.areaCode !== null)) return '地区';
  const sections = [...new Set(t.rows.map((r) => r.section).filter((s): s is string => s !== null))];
  return sections.length === 1 ? sections[0]! : '项目';
}

function addSheet(wb: ExcelJS.Workbook, set: ReportSet, t: ReportTable, footer: ReportFooter, areaPath: string): void {
  const name = t.title.split(' ')[0] ?? t.id;
  const L = layoutOf(t);
  const stub = L.stubColumns;
  const width = stub + t.columns.length;
  const [h1, h2] = L.headerRows;
  const ws = wb.addWorksheet(name, {
    pageSetup: {
      paperSize: 9, // A4
      orientation: 'landscape',
      fitToPage: true,
      fitToWidth: 1,
      // An official table usually fits one sheet of paper; a long one (a province's many rows) runs on.
      fitToHeight: t.rows.length <= ONE_PAGE_ROWS ? 1 : 0,
      horizontalCentered: true,
      margins: { left: 0.4, right: 0.4, top: 0.5, bottom: 0.6, header: 0.3, footer: 0.3 },
      printTitlesRow: `${h1}:${h2}`,
    },
    headerFooter: { oddFooter: '&C第 &P 页，共 &N 页' },
    views: [{ state: 'frozen', xSplit: stub, ySplit: h2 }],
  });
  ws.properties.defaultRowHeight = 18;
  const font = (size = 10, bold = false) => ({ name: FONT, size, bold });

  // Title, area and reference date, notes
  ws.mergeCells(1, 1, 1, width);
  const title = ws.getCell(1, 1);
  title.value = t.title;
  title.font = font(16, true);
  title.alignment = { horizontal: 'center', vertical: 'middle' };
  ws.getRow(1).height = 30;
  const half = Math.max(1, Math.floor(width / 2));
  ws.mergeCells(2, 1, 2, half);
  ws.getCell(2, 1).value = `填报地区：${areaPath}（${toAreaCode(set.area.code)}）`;
  ws.getCell(2, 1).font = font(10);
  if (width > half) {
    ws.mergeCells(2, half + 1, 2, width);
    ws.getCell(2, half + 1).value = `统计时点：${set.refDate}`;
    ws.getCell(2, half + 1).alignment = { horizontal: 'right' };
    ws.getCell(2, half + 1).font = font(10);
  }
  t.notes.forEach((note, i) => {
    ws.mergeCells(3 + i, 1, 3 + i, width);
    const c = ws.getCell(3 + i, 1);
    c.value = note;
    c.font = font(9);
  });

  // Header: a group row and a label row; ungrouped columns span both.
  const headerCell = (r: number, c: number, text: string) => {
    const cell = ws.getCell(r, c);
    cell.value = text;
    cell.font = font(10, true);
    cell.alignment = { horizontal: 'center', vertical: 'middle', wrapText: true };
  };
  if (stub === 2) {
    ws.mergeCells(h1, 1, h2, 1);
    headerCell(h1, 1, '分组');
    ws.mergeCells(h1, 2, h2, 2);
    headerCell(h1, 2, '项目');
  } else {
    ws.mergeCells(h1, 1, h2, 1);
    headerCell(h1, 1, stubHeader(t));
  }
  for (let i = 0; i < t.columns.length; ) {
    const col = t.columns[i]!;
    const c = stub + 1 + i;
    if (col.group === null) {
      ws.mergeCells(h1, c, h2, c);
      headerCell(h1, c, col.label);
      i++;
      continue;
    }
    let j = i;
    while (j + 1 < t.columns.length && t.columns[j + 1]!.group === col.group) j++;
    if (j > i) ws.mergeCells(h1, c, h1, stub + 1 + j);
    headerCell(h1, c, col.group);
    for (let k = i; k <= j; k++) headerCell(h2, stub + 1 + k, t.columns[k]!.label);
    i = j + 1;
  }
  ws.getRow(h1).height = 30;
  ws.getRow(h2).height = 30;

  // Body
  let r = L.firstDataRow;
  let sectionStart = r;
  let section: string | null = null;
  const closeSection = (end: number) => {
    if (stub === 2 && section !== null && end > sectionStart) ws.mergeCells(sectionStart, 1, end, 1);
  };
  for (const row of t.rows) {
    if (stub === 2) {
      if (row.section !== section) {
        closeSection(r - 1);
        section = row.section;
        sectionStart = r;
      }
      if (row.section === null) {
        ws.mergeCells(r, 1, r, 2);
        ws.getCell(r, 1).value = row.label;
      } else {
        if (r === sectionStart) ws.getCell(r, 1).value = row.section;
        ws.getCell(r, 2).value = row.label;
      }
    } else {
      ws.getCell(r, 1).value = row.status === 'partial' ? `${row.label}（部分报送）` : row.label;
    }
    row.values.forEach((v, i) => {
      const cell = ws.getCell(r, stub + 1 + i);
      if (v !== null && Number.isFinite(v)) cell.value = t.columns[i]!.format === 'progress' ? formatValue(v, 'progress') : v;
      // A sub-area that sent nothing is 未报 in every cell, never a blank that reads as 0.
      else if (row.status === 'missing') cell.value = UNREPORTED;
      cell.numFmt = excelFormat[t.columns[i]!.format];
      cell.alignment = { horizontal: 'right', vertical: 'middle' };
    });
    const bold = row.kind === 'total';
    for (let c = 1; c <= width; c++) ws.getCell(r, c).font = font(10, bold);
    for (let c = 1; c <= stub; c++) ws.getCell(r, c).alignment = { horizontal: c === 1 && stub === 2 ? 'center' : 'left', vertical: 'middle', indent: row.kind === 'total' ? 0 : c === stub ? 1 : 0 };
    r++;
  }
  closeSection(r - 1);
  const lastBody = r - 1;
  for (let rr = h1; rr <= lastBody; rr++) for (let c = 1; c <= width; c++) ws.getCell(rr, c).border = border;

  // Footer lines: two per row, so narrow tables stay readable.
  const lines = [`填报单位：${footer.office}`, `负责人：${footer.head}`, `填表人：${footer.filledBy}`, `报出日期：${footer.reportDate}`];
  const f1 = lastBody + 2;
  for (let k = 0; k < 4; k++) {
    const rr = f1 + Math.floor(k / 2);
    const left = k % 2 === 0;
    const from = left ? 1 : half + 1;
    const to = left ? half : width;
    if (to > from) ws.mergeCells(rr, from, rr, to);
    const cell = ws.getCell(rr, from);
    cell.value = lines[k];
    cell.font = font(10);
  }

  // Widths: the stub fits area and category names, values fit 7-digit numbers and headers.
  if (stub === 2) {
    ws.getColumn(1).width = 10;
    ws.getColumn(2).width = 18;
  } else {
    ws.getColumn(1).width = Math.min(28, Math.max(12, ...t.rows.map((row) => row.label.length * 2 + 2)));
  }
  for (let i = 0; i < t.columns.length; i++) ws.getColumn(stub + 1 + i).width = t.columns.length > 12 ? 9 : 11;
}

export async function reportWorkbook(set: ReportSet, footer: ReportFooter, areaPath: string): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  wb.creator = 'Headcount';
  wb.title = `${areaPath} 社会工作专业人才统计汇总表`;
  for (const t of set.tables) addSheet(wb, set, t, footer, areaPath);
  return Buffer.from(await wb.xlsx.writeBuffer());
}
