/**
 * Microdata as Apache Parquet for analysts (DuckDB, pandas, Spark): one table per file, typed
 * columns, and every coded value twice — the code (`education` = "20") and its label beside it
 * (`education_label` = "大学本科"). Both are plain UTF-8 strings; the writer dictionary-encodes them
 * (a code list has a few dozen values), so the label column costs almost nothing on disk while
 * every tool shows it without a join or a categorical type some readers lack. The columns come from
 * the field dictionary, so a field added there is exported without a change here.
 *
 * Rows are read in rowid pages of a few thousand and gathered column by column into one row group at a
 * time, so a national census of 3M persons is never held in memory at once, and few records are alive
 * at any moment (they are garbage as soon as their values are in the columns). Text a clerk typed into a numeric, yes/no or date field that is not
 * a valid value cannot live in a typed column: it is written as null and counted (`untyped`), so the
 * caller can say so.
 */
import { ParquetWriter, fileWriter } from 'hyparquet-writer';
import { fieldsOf, tableLabels, type FieldDef, type TableName } from '../../../../shared/census/dictionary';
import { isoDateDays } from '../../../../shared/census/checks';
import { codeLabel } from '../../../../shared/census/codes';
import type { FieldValue, RecordRow } from '../../../../shared/census/schema';
import { requireSettings, type ServiceContext } from '../context';
import { townshipsOf } from './places';
import { countedLabel, type Task } from './tasks';

type SchemaElement = ConstructorParameters<typeof ParquetWriter>[0]['schema'][number];

/**
 * Rows per row group. Small enough that the writer's per-column arrays of a group (it makes several:
 * a copy, definition levels, dictionary indexes, pages) stay under V8's large-object size (128 KB,
 * 16k slots of 8 bytes) and die young; at 50,000 rows each went to the large-object space and waited
 * for a full collection: 3× the writer's CPU and 3× the memory (bench/README.md, Parquet). A 1M file
 * has 100 groups of ~0.9 MB; DuckDB read it as fast as with 50,000-row groups, and the file is ~2% bigger.
 */
export const PARQUET_ROW_GROUP = 10_000;
/**
 * Records read at a time, several reads to a row group. The records of a read are alive until their
 * values are in the columns; a few thousand of them outlive a young-generation collection, and the
 * collector's cost grows with what survives (5,000: ~50% more CPU than 1,000, and 100 MB more memory).
 */
export const PARQUET_READ = 1_000;

/** How rows are read and grouped: tests set small sizes to cross many boundaries with few rows */
export interface ParquetLayout {
  rowGroup: number;
  read: number;
}

type Kind = 'string' | 'int' | 'bool' | 'date' | 'list';

interface OutColumn {
  name: string;
  kind: Kind;
  /** Chinese description, kept in the file's key-value metadata */
  label: string;
  value(r: RecordRow, untyped: () => void): unknown;
}

const str = (v: FieldValue | undefined): string | null => (typeof v === 'string' && v !== '' ? v : null);

function intOf(v: FieldValue | undefined, untyped: () => void): number | null {
  if (v === null || v === undefined || v === '') return null;
  if (typeof v === 'number' && Number.isSafeInteger(v) && Math.abs(v) < 2 ** 31) return v;
  untyped();
  return null;
}

function boolOf(v: FieldValue | undefined, untyped: () => void): boolean | null {
  if (v === null || v === undefined || v === '') return null;
  if (typeof v === 'boolean') return v;
  untyped();
  return null;
}

/**
 * Days since 1970-01-01: what a DATE column holds. Handing the writer numbers rather than Date objects
 * spares an object per value here and two arrays per value in its statistics; the text is read by
 * character codes, not a regular expression, for the same reason (a match array and three strings).
 */
function dateOf(v: FieldValue | undefined, untyped: () => void): number | null {
  const s = str(v);
  if (s === null) return null;
  // 2026-02-30 would roll over into March: not a date either.
  const days = isoDateDays(s);
  if (days === null) untyped();
  return days;
}

/** The columns of one table, in the dictionary's order with the labels beside their codes */
export function parquetColumns(table: TableName, names: { township(code: string): string | null; unit(id: string): string | null; area(code: string): string | null }): OutColumn[] {
  const out: OutColumn[] = [
    { name: 'id', kind: 'string', label: '记录编号', value: (r) => r.id },
    { name: 'area_code', kind: 'string', label: '行政区划代码', value: (r) => r.areaCode },
    { name: 'area_name', kind: 'string', label: '行政区划名称', value: (r) => names.area(r.areaCode) },
  ];
  for (const f of fieldsOf[table]) out.push(...fieldColumns(f, names));
  out.push(
    { name: 'source_file', kind: 'string', label: '来源文件', value: (r) => r.source?.file ?? null },
    { name: 'source_sheet', kind: 'string', label: '来源工作表', value: (r) => r.source?.sheet ?? null },
    { name: 'source_row', kind: 'int', label: '来源行号', value: (r) => r.source?.row ?? null },
  );
  return out;
}

function fieldColumns(f: FieldDef, names: Parameters<typeof parquetColumns>[1]): OutColumn[] {
  const get = (r: RecordRow) => r.data[f.key];
  const own = (kind: Kind, value: OutColumn['value']): OutColumn => ({ name: f.column, kind, label: f.label, value });
  const beside = (suffix: string, what: string, value: OutColumn['value']): OutColumn => ({ name: `${f.column}_${suffix}`, kind: 'string', label: `${f.label}（${what}）`, value });
  switch (f.type) {
    case 'code':
      return [own('string', (r) => str(get(r))), beside('label', '名称', (r) => labelOf(f, str(get(r))))];
    case 'codes':
      return [
        own('list', (r) => codesOf(get(r))),
        { name: `${f.column}_label`, kind: 'list', label: `${f.label}（名称）`, value: (r) => codesOf(get(r))?.map((c) => labelOf(f, c)) ?? null },
      ];
    case 'boolean':
      return [own('bool', (r, u) => boolOf(get(r), u))];
    case 'integer':
    case 'year':
      return [own('int', (r, u) => intOf(get(r), u))];
    case 'date':
      return [own('date', (r, u) => dateOf(get(r), u))];
    case 'township':
      return [own('string', (r) => str(get(r))), beside('name', '名称', (r) => {
        const c = str(get(r));
        return c === null ? null : names.township(c);
      })];
    case 'unitRef':
      return [own('string', (r) => str(get(r))), { name: f.column.replace(/_id$/, '') + '_name', kind: 'string', label: `${f.label}（名称）`, value: (r) => {
        const id = str(get(r));
        return id === null ? null : names.unit(id);
      } }];
    default:
      return [own('string', (r) => (get(r) == null ? null : String(get(r))))];
  }
}

function codesOf(v: FieldValue | undefined): string[] | null {
  if (Array.isArray(v)) return v.length ? v : null;
  const s = str(v);
  return s === null ? null : s.split(',');
}

function labelOf(f: FieldDef, code: string | null): string | null {
  if (code === null) return null;
  return f.codeList ? codeLabel(f.codeList, code) : code;
}

function schemaOf(columns: readonly OutColumn[]): SchemaElement[] {
  const out: SchemaElement[] = [{ name: 'root', num_children: columns.length }];
  for (const c of columns) {
    switch (c.kind) {
      case 'string':
        out.push({ name: c.name, type: 'BYTE_ARRAY', converted_type: 'UTF8', repetition_type: c.name === 'id' || c.name === 'area_code' ? 'REQUIRED' : 'OPTIONAL' });
        break;
      case 'int':
        out.push({ name: c.name, type: 'INT32', repetition_type: 'OPTIONAL' });
        break;
      case 'bool':
        out.push({ name: c.name, type: 'BOOLEAN', repetition_type: 'OPTIONAL' });
        break;
      case 'date':
        out.push({ name: c.name, type: 'INT32', converted_type: 'DATE', repetition_type: 'OPTIONAL' });
        break;
      case 'list':
        // The standard three-level LIST: what DuckDB, Arrow (pandas) and Spark read as a list of strings
        out.push(
          { name: c.name, repetition_type: 'OPTIONAL', converted_type: 'LIST', num_children: 1 },
          { name: 'list', repetition_type: 'REPEATED', num_children: 1 },
          { name: 'element', type: 'BYTE_ARRAY', converted_type: 'UTF8', repetition_type: 'REQUIRED' },
        );
        break;
    }
  }
  return out;
}

export interface ParquetResult {
  rows: number;
  /** Values that were not valid for their typed column (written as null) */
  untyped: number;
}

/** What a table's file holds before its rows: the columns, and a writer with the schema and metadata */
export function openParquet(ctx: ServiceContext, table: TableName, file: string): { columns: OutColumn[]; writer: ParquetWriter } {
  const settings = requireSettings(ctx);
  const towns = townshipsOf(ctx);
  const units = ctx.store.imports.unitNames();
  const areaNames = new Map<string, string | null>();
  const columns = parquetColumns(table, {
    township: (code) => towns.nameOf(code),
    unit: (id) => units.get(id) ?? null,
    area(code) {
      let n = areaNames.get(code);
      if (n === undefined) areaNames.set(code, (n = ctx.divisions.get(code)?.path ?? null));
      return n;
    },
  });
  const writer = new ParquetWriter({
    writer: fileWriter(file),
    schema: schemaOf(columns),
    createdBy: 'Headcount',
    kvMetadata: [
      { key: 'headcount.table', value: table },
      { key: 'headcount.table_label', value: tableLabels[table] },
      { key: 'headcount.area', value: `${settings.areaCode} ${settings.areaName}` },
      { key: 'headcount.ref_date', value: settings.refDate },
      { key: 'headcount.columns', value: JSON.stringify(Object.fromEntries(columns.map((c) => [c.name, c.label]))) },
    ],
  });
  return { columns, writer };
}

/**
 * One row group's values, column by column, filled from several reads. The arrays are reused from one
 * group to the next (the writer copies what it is given), so a group costs no new arrays of its own.
 */
export class RowGroup {
  private readonly data: unknown[][];
  /** Rows filled so far */
  size = 0;
  untyped = 0;
  private readonly countUntyped = () => void this.untyped++;

  constructor(private readonly columns: readonly OutColumn[], readonly capacity: number) {
    this.data = columns.map(() => new Array<unknown>(capacity).fill(null));
  }

  get full(): boolean {
    return this.size === this.capacity;
  }

  /** Adds the records' values; the caller never passes more than the room left */
  add(rows: readonly RecordRow[]): void {
    const { columns, data, countUntyped } = this;
    for (let j = 0; j < columns.length; j++) {
      const value = columns[j]!.value;
      const out = data[j]!;
      for (let i = 0, at = this.size; i < rows.length; i++, at++) out[at] = value(rows[i]!, countUntyped);
    }
    this.size += rows.length;
  }

  /** Writes the rows filled so far as one row group and empties the group (`keep`: a bench writes it again) */
  writeTo(writer: ParquetWriter, opts: { keep?: boolean } = {}): void {
    const n = this.size;
    if (n === 0) return;
    const columnData = this.columns.map((c, j) => ({ name: c.name, data: n === this.capacity ? this.data[j]! : this.data[j]!.slice(0, n) }));
    // With a file writer (no flush hook) the group is written before write() returns
    void writer.write({ columnData, rowGroupSize: n });
    if (!opts.keep) this.size = 0;
  }
}

/** Writes every record of `table` to `file` (the caller makes it atomic). */
export async function writeParquet(ctx: ServiceContext, table: TableName, file: string, task: Task, layout: ParquetLayout = { rowGroup: PARQUET_ROW_GROUP, read: PARQUET_READ }): Promise<ParquetResult> {
  const { columns, writer } = openParquet(ctx, table, file);
  const repo = ctx.store.records[table];
  const total = repo.count();
  const group = new RowGroup(columns, layout.rowGroup);
  let done = 0;
  const label = () => countedLabel('正在导出 Parquet', done, total);
  task.progress(label(), 0, total, 'write');
  let after = 0;
  for (;;) {
    // Never past the group's end, so every group but the last holds exactly `rowGroup` rows
    const chunk = repo.chunkAfter(after, Math.min(layout.read, group.capacity - group.size));
    if (chunk.rows.length === 0) break;
    after = chunk.last;
    group.add(chunk.rows);
    done += chunk.rows.length;
    if (group.full) {
      group.writeTo(writer);
      task.progress(label(), done, total, 'write');
    }
    await task.breathe();
  }
  group.writeTo(writer);
  await writer.finish();
  task.progress(label(), total, total, 'done');
  return { rows: done, untyped: group.untyped };
}
