/**
 * The error report sent back to a township: the records with unresolved issues, laid out exactly
 * like the template (title row, same headers, labels not codes) so the corrected file re-imports
 * and updates the same people. Offending cells are filled (red for errors, yellow for warnings) and
 * carry the messages as a comment; every message is also listed in the last column, 问题说明.
 * Explained warnings are settled and left out.
 */
import type ExcelJS from 'exceljs';
import { fieldLabel, tableLabels, type TableName } from '../../../../shared/census/dictionary';
import { issueKey, type Issue } from '../../../../shared/census/issues';
import type { RecordRow } from '../../../../shared/census/schema';
import { cellValue, escapeFormula, PROBLEM_COLUMN, SHEET_NAMES, type CellContext } from '../../../../shared/io';
import { requireSettings, type ServiceContext } from '../context';
import { censusIssues } from '../issues';
import { COLORS, columnLetter, FIRST_DATA_ROW, HEADER_ROW, templateColumns, TITLE_ROW } from './layout';
import { sheetDrained, streamingWorkbook, writeAtomically } from './output';
import { townshipsOf } from './places';
import { countedLabel, type Task } from './tasks';

export interface ErrorReportOptions {
  /** Only records imported from this file (their source file name) */
  file?: string;
  /** Only records imported from these files; each row then names its file and sheet */
  files?: readonly string[];
}

/** Columns naming where each row came from, when a report covers more than one file */
const SOURCE_COLUMNS = ['来源文件', '来源工作表', '原表行号'] as const;

/**
 * Printed on A4 from Excel, WPS and LibreOffice: landscape, fitted to the page width, title and
 * header rows on every page. Columns without a problem in any row are hidden (still in the file,
 * so the corrected report re-imports whole) so the ones that matter print large enough to read.
 */
const PAGE_SETUP = {
  paperSize: 9, orientation: 'landscape', fitToPage: true, fitToWidth: 1, fitToHeight: 0,
  printTitlesRow: `${TITLE_ROW}:${HEADER_ROW}`,
  margins: { left: 0.4, right: 0.4, top: 0.5, bottom: 0.5, header: 0.3, footer: 0.3 },
} as const;

/** Always printed: who the row is */
const ALWAYS_SHOWN = new Set(['name', 'idNumber', 'creditCode']);

/**
 * The looks a data cell can have, one object each, shared by every cell that has it: exceljs files a
 * style under the object it is given (a WeakMap), so a shared object is looked up, while the fresh
 * object each cell otherwise gets is serialised and compared — for 100k rows of 42 cells that was
 * most of the report's time. Each names its number format, so no cell's look depends on its value's type.
 */
function cellLooks(fields: readonly { excel: { text?: boolean } }[]): Record<'plain' | 'error' | 'warning', ExcelJS.Style[]> {
  const plain = fields.map((f) => ({ numFmt: f.excel.text ? '@' : 'General' }) as ExcelJS.Style);
  const filled = (argb: string) => plain.map((p) => ({ ...p, fill: { type: 'pattern', pattern: 'solid', fgColor: { argb } } }) as ExcelJS.Style);
  return { plain, error: filled(COLORS.error), warning: filled(COLORS.warning) };
}

/** The source columns' and 问题说明's look (the column's own, given to each cell as one shared object) */
const WRAPPED = { numFmt: 'General', alignment: { wrapText: true, vertical: 'top' } } as ExcelJS.Style;

function severityWord(i: Issue): string {
  return i.severity === 'error' ? '错误' : '警告';
}

export function errorReportFileName(opts: ErrorReportOptions): string {
  const one = opts.file ?? (opts.files?.length === 1 ? opts.files[0] : undefined);
  const base = one ? one.replace(/\.(xlsx|xlsm|csv|txt)$/i, '') : '社会工作专业人才统计表';
  return `${base}_退回修改.xlsx`;
}

/**
 * Records up to which each marked cell also carries its messages as a comment. A report longer than
 * this is a whole return gone wrong (a column missing, a layout misread), not a few slips: a comment
 * on every marked cell then helps no one, and exceljs keeps a sheet's comments (and their VML shapes) in
 * memory until the sheet ends (100k records with a marked cell each: 2.1 s of the report's CPU). Such a
 * report marks the cells and lists every message in 问题说明, and its title says so.
 */
export const NOTED_ROWS = 5_000;

/** Writes the report to `target` and returns how many records it lists (`notedRows`: NOTED_ROWS; tests lower it). */
export async function writeErrorReport(ctx: ServiceContext, opts: ErrorReportOptions, target: string, task: Task, notedRows = NOTED_ROWS): Promise<{ rows: number; noted: boolean }> {
  const settings = requireSettings(ctx);
  const all = censusIssues(ctx);
  const explained = ctx.store.explanations.all();
  const byRecord = new Map<string, Issue[]>();
  for (const i of all.issues) {
    if (i.severity === 'warning' && explained.has(issueKey(i))) continue;
    const meta = all.meta.get(i.recordId);
    if (opts.file !== undefined && meta?.source?.file !== opts.file) continue;
    if (opts.files !== undefined && !opts.files.includes(meta?.source?.file ?? '')) continue;
    const list = byRecord.get(i.recordId);
    if (list) list.push(i);
    else byRecord.set(i.recordId, [i]);
  }
  const towns = townshipsOf(ctx);
  const units = ctx.store.imports.unitNames();
  const cells: CellContext = { townshipName: (code) => towns.nameOf(code), unitName: (id) => units.get(id) ?? null };
  const records = new Map<TableName, RecordRow[]>();
  for (const table of ['person', 'unit'] as const) {
    const ids = [...byRecord.keys()].filter((id) => byRecord.get(id)![0]!.table === table);
    const rows: RecordRow[] = [];
    for (let i = 0; i < ids.length; i += 5000) rows.push(...ctx.store.records[table].getMany(ids.slice(i, i + 5000)));
    // In the order of the township's own sheet
    rows.sort((a, b) => (a.source?.file ?? '').localeCompare(b.source?.file ?? '') || (a.source?.row ?? 0) - (b.source?.row ?? 0));
    records.set(table, rows);
  }
  const total = byRecord.size;
  const noted = total <= notedRows;
  let done = 0;
  const label = () => countedLabel('正在生成问题表', done, total);
  task.progress(label(), 0, total, 'write');
  await writeAtomically(target, async (tmp) => {
    const wb = streamingWorkbook(tmp, { styles: true });
    for (const table of ['person', 'unit'] as const) {
      const rows = records.get(table)!;
      // Only sheets with rows; an empty report still has the persons sheet.
      if (rows.length === 0 && !(table === 'person' && records.get('unit')!.length === 0)) continue;
      const fields = templateColumns(table);
      const sources = opts.file === undefined ? SOURCE_COLUMNS : [];
      const flagged = new Set(rows.flatMap((rec) => (byRecord.get(rec.id) ?? []).map((x) => x.field)));
      const ws = wb.addWorksheet(SHEET_NAMES[table], { views: [{ state: 'frozen', xSplit: 1, ySplit: HEADER_ROW }], pageSetup: { ...PAGE_SETUP } });
      ws.columns = [
        ...fields.map((f) => ({
          width: f.excel.width + 2, ...(f.excel.text ? { style: { numFmt: '@' } } : {}),
          hidden: rows.length > 0 && !ALWAYS_SHOWN.has(f.key) && !flagged.has(f.key),
        })),
        ...sources.map((h) => ({ width: h === '原表行号' ? 8 : 18, style: { alignment: { wrapText: true, vertical: 'top' as const } } })),
        { width: 60 },
      ];
      const title = ws.getRow(TITLE_ROW);
      title.getCell(1).value = `${settings.areaName.split(' / ').pop() ?? ''} 社会工作专业人才统计表（${tableLabels[table]}）— 退回修改：${noted ? '请按标色单元格的批注改正后重新报送' : `共 ${total.toLocaleString('zh-CN')} 条记录，批注从略：请按标色单元格和最后一列「${PROBLEM_COLUMN}」改正后重新报送`}${opts.file ? `（原文件：${opts.file}）` : ''}`;
      title.getCell(1).font = { bold: true, size: 13 };
      title.commit();
      const header = ws.getRow(HEADER_ROW);
      [...fields.map((f) => f.label), ...sources, PROBLEM_COLUMN].forEach((label, i) => {
        const c = header.getCell(i + 1);
        c.value = label;
        c.font = { bold: true, color: { argb: i < fields.length && fields[i]!.required ? COLORS.required : 'FF000000' } };
        c.fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: COLORS.header } };
      });
      header.commit();
      const looks = cellLooks(fields);
      let r = FIRST_DATA_ROW;
      for (const rec of rows) {
        const issues = byRecord.get(rec.id) ?? [];
        const row = ws.getRow(r++);
        fields.forEach((f, i) => {
          const c = row.getCell(i + 1);
          c.value = cellValue(f, rec.data[f.key], 'labels', cells);
          const mine = issues.filter((x) => x.field === f.key);
          if (mine.length) {
            c.style = mine.some((x) => x.severity === 'error') ? looks.error[i]! : looks.warning[i]!;
            if (noted) c.note = mine.map((x) => `【${severityWord(x)}】${x.message}`).join('\n');
          } else c.style = looks.plain[i]!;
        });
        const where = rec.source ? `（原表${rec.source.sheet ? `「${rec.source.sheet}」` : ''}第${rec.source.row}行）` : '';
        const text = issues.map((x) => `【${severityWord(x)}】${x.field ? `${fieldLabel(table, x.field)}：` : ''}${x.message}`).join('\n');
        if (sources.length) {
          const values = [escapeFormula(rec.source?.file ?? ''), escapeFormula(rec.source?.sheet ?? ''), rec.source?.row ?? null];
          values.forEach((v, k) => {
            const c = row.getCell(fields.length + 1 + k);
            c.value = v;
            c.style = WRAPPED;
          });
        }
        const last = row.getCell(fields.length + sources.length + 1);
        last.value = escapeFormula(`${text}${where ? `\n${where}` : ''}`);
        last.style = WRAPPED;
        row.commit();
        done++;
        if ((done & 255) === 0) {
          task.progress(label(), done, total, 'write');
          await task.breathe();
          // exceljs does not wait for the compressor: without this a large report's XML piles up in memory
          if ((done & 1023) === 0) await sheetDrained(ws);
        }
      }
      ws.autoFilter = `A${HEADER_ROW}:${columnLetter(fields.length + sources.length + 1)}${HEADER_ROW}`;
      ws.commit();
    }
    await wb.commit();
  });
  return { rows: total, noted };
}
