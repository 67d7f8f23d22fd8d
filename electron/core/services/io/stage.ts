/**
 * Staging one sheet: header row, column mapping, skipped rows and each data row normalised to typed
 * values per the field dictionary. Pure (no database, no clock), from a plain-data StageSpec: it runs
 * on the importing thread while the parsing worker reads the next rows (worker/sheets.ts).
 */
import type { SheetChoice } from '../../../../shared/api/methods/io';
import type { TableName } from '../../../../shared/census/dictionary';
import type { NormalizeContext } from '../../../../shared/census/normalize';
import type { RecordData } from '../../../../shared/census/schema';
import {
  classifyRow, findHeaderRow, HEADER_SEARCH_ROWS, mapHeaders, normalizeRow, SHEET_NAMES,
  type Cell, type ColumnMapping, type RememberedMappings, type SkipKind,
} from '../../../../shared/io';
import { cleanCells, type RowNote } from './guard';
import { columnLetter } from './layout';
import type { FileFormat, SheetRow, SheetStream, TextEncoding } from './read';
import { resolveTownshipIn, type TownshipIndex } from './township-index';
import { valueMapper, type ValueMappings } from './value-mappings';

export interface StagedRow {
  table: TableName;
  sheet: string | null;
  row: number;
  data: RecordData;
  unitRef: { name: string | null; creditCode: string | null } | null;
  /** What reading the row itself found (control characters removed), shown as the row's issues */
  notes?: RowNote[];
}

export interface SkippedRange {
  sheet: string | null;
  row: number;
  toRow?: number;
  kind: SkipKind;
  reason: string;
}

export interface StagedSheet {
  name: string | null;
  hidden: boolean;
  table: TableName | null;
  headerRow: number | null;
  columns: ColumnMapping[];
  rows: StagedRow[];
  skipped: SkippedRange[];
  skippedTotal: number;
  rowsRead: number;
  note: string | null;
}

export interface StagedFile {
  name: string;
  format: FileFormat;
  encoding: TextEncoding | null;
  sheets: StagedSheet[];
}

/** Everything staging needs from the census, as plain data */
export interface StageSpec {
  remembered: RememberedMappings;
  choices: readonly SheetChoice[];
  townships: TownshipIndex;
  /** The census's value mappings with the preview's decisions applied */
  values: ValueMappings;
}

/** Where a sheet's rows go as they are staged */
export interface RowSink {
  row(r: StagedRow): void;
  /** After every row read (data or not); a promise when the reader should wait for it */
  read(): Promise<void> | undefined;
}

export function normalizeContextOf(spec: StageSpec): NormalizeContext {
  const index = spec.townships;
  return { resolveTownship: (text) => resolveTownshipIn(index, text), mapValue: valueMapper(spec.values) };
}

const SKIP_LIST_CAP = 1000;

function choiceFor(choices: readonly SheetChoice[], file: string, sheet: string | null): SheetChoice | undefined {
  return choices.find((c) => c.file === file && (c.sheet ?? null) === sheet);
}

function columnOverrides(choice: SheetChoice | undefined): Record<number, string | null> | undefined {
  if (!choice?.columns) return undefined;
  const out: Record<number, string | null> = {};
  for (const [k, v] of Object.entries(choice.columns)) out[Number(k)] = v;
  return out;
}

/** Consecutive skipped rows of one kind become one range, so 3,000 trailing blank rows are one line. */
function addSkip(sheet: StagedSheet, row: number, kind: SkipKind, reason: string): void {
  sheet.skippedTotal++;
  const last = sheet.skipped[sheet.skipped.length - 1];
  if (last && last.kind === kind && last.reason === reason && (last.toRow ?? last.row) === row - 1) {
    last.toRow = row;
    return;
  }
  if (sheet.skipped.length < SKIP_LIST_CAP) sheet.skipped.push({ sheet: sheet.name, row, kind, reason });
}

/**
 * Stages one sheet of `file`: its data rows go to `sink` as they are read (the returned sheet's
 * `rows` stays empty), everything else is on the returned sheet.
 */
export async function stageSheet(file: string, stream: SheetStream, spec: StageSpec, normalize: NormalizeContext, sink: RowSink): Promise<StagedSheet> {
  const sheet: StagedSheet = {
    name: stream.name, hidden: stream.hidden, table: null, headerRow: null, columns: [],
    rows: [], skipped: [], skippedTotal: 0, rowsRead: 0, note: null,
  };
  const choice = choiceFor(spec.choices, file, stream.name);
  const iterator = stream.rows[Symbol.asyncIterator]();
  const head: SheetRow[] = [];
  if (choice?.table === null) sheet.note = '已选择不导入此工作表';
  else if (!choice?.table && stream.hidden) sheet.note = '隐藏的工作表，未导入';
  else if (!choice?.table && (stream.name === SHEET_NAMES.instructions || stream.name === SHEET_NAMES.codes)) sheet.note = '模板的说明或代码表，未导入';
  if (sheet.note) {
    // Drain without keeping anything: the streaming reader needs each sheet consumed in turn.
    for (let r = await iterator.next(); !r.done; r = await iterator.next()) await sink.read();
    return sheet;
  }
  while (head.length < HEADER_SEARCH_ROWS) {
    const r = await iterator.next();
    if (r.done) break;
    head.push(r.value);
    await sink.read();
  }
  // The header is searched among the first rows as they are, blank rows included.
  const found = findHeaderRow(head.map((r) => r.cells), { table: choice?.table ?? undefined, sheetName: stream.name ?? '', remembered: spec.remembered });
  if (!found) {
    sheet.note = '没有找到表头行（应包含“姓名”“证件号码”或“单位名称”等列名）';
    for (let r = await iterator.next(); !r.done; r = await iterator.next()) await sink.read();
    return sheet;
  }
  const headerRow = head[found.index]!;
  sheet.table = found.table;
  sheet.headerRow = headerRow.number;
  sheet.columns = mapHeaders(found.table, headerRow.cells, { remembered: spec.remembered, overrides: columnOverrides(choice) });
  const table = found.table;
  const columns = sheet.columns;
  const mapping = columns.filter((c) => c.field);
  const mapped = new Set(columns.map((c) => c.index));
  const headerless = new Map<number, number>();
  // The columns with no header: the gaps among the header's columns, and every column after them
  const width = columns.reduce((n, c) => Math.max(n, c.index + 1), 0);
  const gaps: number[] = [];
  for (let i = 0; i < width; i++) if (!mapped.has(i)) gaps.push(i);
  const countHeaderless = (i: number, v: Cell | undefined) => {
    if (v != null && v !== '') headerless.set(i, (headerless.get(i) ?? 0) + 1);
  };
  const take = (row: SheetRow) => {
    sheet.rowsRead++;
    const notes = cleanCells(row.cells, columns);
    // Data under no header would otherwise vanish: counted here, listed with the columns below.
    for (const i of gaps) countHeaderless(i, row.cells[i]);
    for (let i = width; i < row.cells.length; i++) countHeaderless(i, row.cells[i]);
    const cls = classifyRow(row.cells, columns);
    if (cls.kind !== 'data') {
      addSkip(sheet, row.number, cls.kind, cls.reason);
      return;
    }
    const n = normalizeRow(table, row.cells as Cell[], mapping, normalize);
    const staged: StagedRow = { table, sheet: stream.name, row: row.number, data: n.data, unitRef: n.unitRef };
    if (notes) staged.notes = notes;
    sink.row(staged);
  };
  for (const row of head.slice(found.index + 1)) take(row);
  for (let r = await iterator.next(); !r.done; r = await iterator.next()) {
    take(r.value);
    // Most rows return no promise: awaiting undefined would still cost a turn of the microtask queue.
    const breath = sink.read();
    if (breath) await breath;
  }
  for (const [index, count] of [...headerless].sort((a, b) => a[0] - b[0]))
    sheet.columns.push({ index, header: `（第${columnLetter(index + 1)}列，无列名，${count} 行有内容）`, field: null, how: 'none' });
  return sheet;
}
