/**
 * Microdata export: every record with labels (大学本科) or codes (20), as .xlsx (both tables, exceljs
 * streaming writer; a table past Excel's row limit continues on further sheets) or .csv (one table,
 * UTF-8 with BOM so Excel reads the Chinese, CRLF). Text that a spreadsheet would run as a formula is
 * escaped (shared/io/escape.ts). Parquet (one table, typed, codes with labels beside them) is written
 * by parquet.ts.
 */
import { createWriteStream } from 'node:fs';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import Papa from 'papaparse';
import { fieldsOf, tableLabels, type TableName } from '../../../../shared/census/dictionary';
import type { RecordRow } from '../../../../shared/census/schema';
import { cellValue, escapeFormula, SHEET_NAMES, type CellContext, type OutCell } from '../../../../shared/io';
import { clipForExcel } from '../../../../shared/io/clip';
import { requireSettings, type ServiceContext } from '../context';
import { townshipsOf } from './places';
import { sheetDrained, streamingWorkbook, writeAtomically } from './output';
import { writeParquet } from './parquet';
import { XLSX_LIMITS } from './xlsx';
import { countedLabel, type Task } from './tasks';

export interface ExportOptions {
  format: 'xlsx' | 'csv' | 'parquet';
  /** xlsx and csv only: Parquet always carries codes with their labels beside them */
  codes: boolean;
  /** CSV and Parquet hold one table */
  table: TableName;
}

const PAGE = 2000;
/**
 * Data rows per worksheet: Excel's grid ends at row 1,048,576 and the header takes one. A table with
 * more records (a merged province) continues on 人员（2）, 人员（3）…, each with the header again, so
 * Excel opens the whole workbook and the import reads every sheet back.
 */
const SHEET_ROWS = XLSX_LIMITS.maxRows - 1;

/** The n-th (from 1) worksheet of a table */
function sheetNameOf(table: TableName, n: number): string {
  return n === 1 ? SHEET_NAMES[table] : `${SHEET_NAMES[table]}（${n}）`;
}

const LEAD = ['记录编号', '行政区划代码'];
const TAIL = ['来源文件', '来源工作表', '来源行号'];

function headers(table: TableName): string[] {
  return [...LEAD, ...fieldsOf[table].map((f) => f.label), ...TAIL];
}

function rowCells(table: TableName, r: RecordRow, mode: 'labels' | 'codes', ctx: CellContext): OutCell[] {
  return [
    r.id,
    r.areaCode,
    ...fieldsOf[table].map((f) => cellValue(f, r.data[f.key], mode, ctx)),
    r.source ? escapeFormula(r.source.file) : null,
    r.source?.sheet ? escapeFormula(r.source.sheet) : null,
    r.source?.row ?? null,
  ];
}

export function exportFileName(ctx: ServiceContext, opts: ExportOptions): string {
  const s = requireSettings(ctx);
  const area = s.areaName.split(' / ').pop() ?? s.areaCode;
  const what = opts.format === 'xlsx' ? '' : `_${tableLabels[opts.table]}`;
  return `社会工作专业人才_${area}${what}${opts.codes && opts.format !== 'parquet' ? '_代码' : ''}.${opts.format}`;
}

function cellContext(ctx: ServiceContext): CellContext {
  const towns = townshipsOf(ctx);
  const units = ctx.store.imports.unitNames();
  return { townshipName: (code) => towns.nameOf(code), unitName: (id) => units.get(id) ?? null };
}

/** Writes the export to `target` (atomically) and returns how many records it holds. */
export async function exportData(
  ctx: ServiceContext, opts: ExportOptions, target: string, task: Task,
  /** Data rows per worksheet (tests lower it) */
  sheetRows = SHEET_ROWS,
): Promise<{ rows: number; clipped: number; untyped?: number }> {
  requireSettings(ctx);
  if (opts.format === 'parquet') return writeAtomically(target, (tmp) => writeParquet(ctx, opts.table, tmp, task)).then((r) => ({ ...r, clipped: 0 }));
  const mode = opts.codes ? 'codes' : 'labels';
  const cells = cellContext(ctx);
  const tables: TableName[] = opts.format === 'csv' ? [opts.table] : ['person', 'unit'];
  const total = tables.reduce((n, t) => n + ctx.store.records[t].count(), 0);
  let done = 0;
  let clipped = 0;
  const label = () => countedLabel('正在导出', done, total);
  task.progress(label(), 0, total, 'write');
  const tick = async () => {
    done++;
    if ((done & 1023) === 0) {
      task.progress(label(), done, total, 'write');
      await task.breathe();
    }
  };
  // Pages of rows, read between writes: iterate() would hold the connection across the awaits
  // (another request's write would then fail with "connection is busy"), and a snapshot of every
  // row would cost hundreds of megabytes at census scale.
  async function* pages(table: TableName): AsyncGenerator<OutCell[][]> {
    const repo = ctx.store.records[table];
    for (let offset = 0; ; offset += PAGE) {
      const { rows } = repo.list({ offset, limit: PAGE });
      if (rows.length === 0) return;
      yield rows.map((r) => rowCells(table, r, mode, cells));
      if (rows.length < PAGE) return;
    }
  }
  await writeAtomically(target, async (tmp) => {
    if (opts.format === 'xlsx') {
      const wb = streamingWorkbook(tmp, { styles: false });
      for (const table of tables) {
        let sheets = 0;
        const sheet = () => {
          const ws = wb.addWorksheet(sheetNameOf(table, ++sheets), { views: [{ state: 'frozen', ySplit: 1 }] });
          ws.columns = headers(table).map((h) => ({ header: h, width: Math.max(10, h.length * 2 + 2) }));
          ws.getRow(1).commit();
          return ws;
        };
        let ws = sheet();
        let rows = 0;
        for await (const page of pages(table)) {
          for (const cellsOfRow of page) {
            for (let i = 0; i < cellsOfRow.length; i++) {
              const c = clipForExcel(cellsOfRow[i]);
              if (c.clipped) clipped++;
              cellsOfRow[i] = c.value as OutCell;
            }
            if (rows === sheetRows) {
              ws.commit();
              ws = sheet();
              rows = 0;
            }
            ws.addRow(cellsOfRow).commit();
            rows++;
            // Yielding lets the zip stream drain to disk instead of piling up in memory.
            await tick();
            if ((rows & 1023) === 0) await sheetDrained(ws);
          }
        }
        ws.commit();
      }
      await wb.commit();
    } else {
      const header = headers(opts.table);
      await pipeline(
        Readable.from((async function* () {
          yield '\uFEFF' + Papa.unparse([header], { newline: '\r\n' }) + '\r\n';
          for await (const page of pages(opts.table)) {
            yield Papa.unparse(page, { newline: '\r\n' }) + '\r\n';
            for (let k = 0; k < page.length; k++) await tick();
          }
        })()),
        createWriteStream(tmp),
      );
    }
  });
  task.progress(label(), total, total, 'done');
  return { rows: total, clipped };
}
