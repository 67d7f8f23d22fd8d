/**
 * RecordData ⇄ SQLite columns, driven by the dictionary's `column` and `type`: booleans are 0/1,
 * `codes` arrays are joined by ',', null is NULL. Numeric and yes/no fields may also hold the clerk's
 * unreadable text, kept for validation to flag. Any other JS type is a bug in the caller (services
 * parse input with the zod schemas first), so it throws rather than storing garbage.
 */
import { fieldsOf, type FieldDef, type TableName } from '../../../shared/census/dictionary';
import { emptyRecord, type FieldValue, type RecordData } from '../../../shared/census/schema';

export type SqlValue = string | number | bigint | null;

export interface ColumnCodec {
  readonly key: string;
  readonly column: string;
  toSql(value: FieldValue | undefined): SqlValue;
  fromSql(value: unknown): FieldValue;
}

function mismatch(f: FieldDef, value: unknown): TypeError {
  return new TypeError(`${f.table}.${f.key} (${f.type}): cannot store ${JSON.stringify(value)}`);
}

function codecOf(f: FieldDef): ColumnCodec {
  const base = { key: f.key, column: f.column };
  switch (f.type) {
    case 'codes':
      return {
        ...base,
        toSql(v) {
          if (v === null || v === undefined) return null;
          if (!Array.isArray(v)) throw mismatch(f, v);
          for (const code of v) {
            // ',' is the separator; the importers split "a、b，c" before storing.
            if (typeof code !== 'string' || code === '' || code.includes(',')) throw mismatch(f, v);
          }
          return v.length ? v.join(',') : null;
        },
        fromSql: (v) => (typeof v === 'string' && v !== '' ? v.split(',') : []),
      };
    case 'boolean':
      return {
        ...base,
        toSql(v) {
          if (v === null || v === undefined) return null;
          if (typeof v === 'string') return v;
          if (typeof v !== 'boolean') throw mismatch(f, v);
          return v ? 1n : 0n;
        },
        fromSql: (v) => (v === null || v === undefined ? null : typeof v === 'string' ? v : v === 1),
      };
    case 'integer':
    case 'year':
      return {
        ...base,
        toSql(v) {
          if (v === null || v === undefined) return null;
          // A fractional number ("12.5 学时") is not a valid integer either: keep it visible as text.
          // better-sqlite3 binds a JS number as REAL; an ANY column would keep it REAL, so bind an integer.
          if (typeof v === 'number') return Number.isSafeInteger(v) ? BigInt(v) : String(v);
          if (typeof v !== 'string') throw mismatch(f, v);
          return v;
        },
        fromSql: (v) => (typeof v === 'number' || typeof v === 'string' ? v : typeof v === 'bigint' ? Number(v) : null),
      };
    default:
      return {
        ...base,
        toSql(v) {
          if (v === null || v === undefined) return null;
          if (typeof v !== 'string') throw mismatch(f, v);
          return v;
        },
        fromSql: (v) => (typeof v === 'string' ? v : null),
      };
  }
}

const codecs: Record<TableName, readonly ColumnCodec[]> = {
  person: fieldsOf.person.map(codecOf),
  unit: fieldsOf.unit.map(codecOf),
};
const codecByKey: Record<TableName, ReadonlyMap<string, ColumnCodec>> = {
  person: new Map(codecs.person.map((c) => [c.key, c])),
  unit: new Map(codecs.unit.map((c) => [c.key, c])),
};

/** Each record table's name in SQL */
export const tableOf: Readonly<Record<TableName, string>> = { person: 'persons', unit: 'units' };

export function codecsOf(table: TableName): readonly ColumnCodec[] {
  return codecs[table];
}

export function codecFor(table: TableName, key: string): ColumnCodec {
  const c = codecByKey[table].get(key);
  if (!c) throw new TypeError(`unknown field ${table}.${key}`);
  return c;
}

/** Values of every data column in dictionary order; missing keys are NULL, unknown keys throw. */
export function dataToSql(table: TableName, data: RecordData): SqlValue[] {
  return dataToSqlInto(table, data, new Array<SqlValue>(codecs[table].length), 0);
}

/** dataToSql written into `out` from `offset`: an insert builds one array per row, not two. */
export function dataToSqlInto(table: TableName, data: RecordData, out: SqlValue[], offset: number): SqlValue[] {
  const byKey = codecByKey[table];
  for (const key in data) if (!byKey.has(key)) codecFor(table, key);
  const list = codecs[table];
  for (let i = 0; i < list.length; i++) out[offset + i] = list[i]!.toSql(data[list[i]!.key]);
  return out;
}

/** A dictionary key as it may be written into generated code or SQL: letters and digits only */
function plainKey(key: string): string {
  if (!/^[A-Za-z][A-Za-z0-9]*$/.test(key)) throw new Error(`field key ${JSON.stringify(key)} is not a plain identifier`);
  return key;
}

type RowDecoder = (raw: readonly unknown[], offset: number) => RecordData;

/**
 * A decoder that builds each row as one object literal, every key in dictionary order, each value through
 * its own codec at its own call site. Assigning ~40 keys one by one in a loop went through V8's generic
 * keyed store for every cell, and was most of the time of reading a census (a full validation pass
 * reads every record): the literal gets one shape for all rows. The keys are the dictionary's own.
 */
function compileDecoder(list: readonly ColumnCodec[]): RowDecoder {
  for (const c of list) plainKey(c.key);
  const locals = list.map((_, i) => `d${i}`);
  const props = list.map((c, i) => `${JSON.stringify(c.key)}: d${i}(raw[offset + ${i}])`);
  // Generated from the dictionary's keys (JSON-quoted) and nothing else: no input reaches this text.
  // eslint-disable-next-line @typescript-eslint/no-implied-eval
  const make = new Function('codecs', `const [${locals.join(', ')}] = codecs; return (raw, offset) => ({ ${props.join(', ')} });`) as (
    fns: readonly ColumnCodec['fromSql'][],
  ) => RowDecoder;
  return make(list.map((c) => c.fromSql));
}

const decoders: Record<TableName, RowDecoder> = { person: compileDecoder(codecs.person), unit: compileDecoder(codecs.unit) };

type RecordBuilder = (data: RecordData) => RecordData;

/**
 * `{ ...emptyRecord(table), ...data }` as one object literal per record, built the way the decoder is
 * (compileDecoder): every dictionary key in order, blank where `data` lacks it. An import plans 100k
 * records this way; the two spreads took ~4 µs a record and left a second object per record to collect.
 */
function compileBuilder(table: TableName): RecordBuilder {
  const empty = emptyRecord(table);
  const props = fieldsOf[table].map((f) => {
    const k = JSON.stringify(plainKey(f.key));
    return `${k}: ${k} in data ? data[${k}] : ${Array.isArray(empty[f.key]) ? '[]' : 'null'}`;
  });
  // Generated from the dictionary's keys (JSON-quoted) and types and nothing else: no input reaches this text.
  // eslint-disable-next-line @typescript-eslint/no-implied-eval
  return new Function(`return (data) => ({ ${props.join(', ')} });`)() as RecordBuilder;
}

const builders: Record<TableName, RecordBuilder> = { person: compileBuilder('person'), unit: compileBuilder('unit') };

/** A whole record from the fields `data` gives (dictionary keys only; any other key is left out) */
export function completeRecord(table: TableName, data: RecordData): RecordData {
  return builders[table](data);
}

/**
 * An SQL expression over a table's own columns whose value is `JSON.stringify` of the record's data as
 * dataFromSql reads it: every dictionary key in order, lists as arrays (blank → []), yes/no as true and
 * false, numbers as numbers, the clerk's unreadable text as strings. For writing a whole record's JSON by
 * SQL (an undo's delete entries) without reading the rows into JavaScript; tests/unit/columns.test.ts
 * holds it to JSON.stringify byte for byte. `omit`: keys left out; `alias`: the table's name in the query.
 */
export function recordJsonSql(table: TableName, omit: ReadonlySet<string> = new Set(), alias = ''): string {
  if (alias && !/^[a-z][a-z0-9_]*$/.test(alias)) throw new Error(`alias ${JSON.stringify(alias)} cannot be named in SQL`);
  const pairs = fieldsOf[table].filter((f) => !omit.has(f.key)).map((f) => {
    if (!/^[a-z][a-z0-9_]*$/.test(f.column)) throw new Error(`column ${JSON.stringify(f.column)} cannot be named in SQL`);
    plainKey(f.key);
    const c = alias ? `${alias}.${f.column}` : f.column;
    let value: string;
    switch (f.type) {
      case 'codes':
        // json_quote escapes quotes, backslashes and control characters but never a comma, and a code
        // holds no comma (toSql refuses one): so each comma of the quoted text is a boundary between items.
        value = `CASE WHEN ${c} IS NULL OR ${c} = '' THEN json('[]') ELSE json('[' || replace(json_quote(${c}), ',', '","') || ']') END`;
        break;
      case 'boolean':
        value = `CASE WHEN typeof(${c}) IN ('integer', 'real') THEN json(CASE WHEN ${c} = 1 THEN 'true' ELSE 'false' END) ELSE ${c} END`;
        break;
      case 'integer':
      case 'year':
        value = `CASE WHEN typeof(${c}) IN ('integer', 'real', 'text') THEN ${c} END`;
        break;
      default:
        value = `CASE WHEN typeof(${c}) = 'text' THEN ${c} END`;
    }
    return `'${f.key}', ${value}`;
  });
  return `json_object(${pairs.join(', ')})`;
}

/**
 * `data` as reading it back after storing it gives (lists blank as [], yes/no from 0/1, a fractional
 * number as the text it is kept as): for a writer that holds what it wrote and need not read it again.
 */
export function asStored(table: TableName, data: RecordData): RecordData {
  const raw = dataToSql(table, data);
  // The driver reads integers back as numbers; the codecs bind them as bigints.
  for (let i = 0; i < raw.length; i++) if (typeof raw[i] === 'bigint') raw[i] = Number(raw[i]);
  return decoders[table](raw, 0);
}

/**
 * A stored value as the text of its cell in a return package's CSV: what the package format's
 * `encodeCell(codec.fromSql(v))` writes (lists joined by ',', yes/no as true/false, the clerk's text
 * in a number column as written, nothing as ''), without building the value first. A million persons'
 * values made that way and dropped again were most of a province's export (bench/README.md);
 * tests/unit/package-cells.test.ts holds the two ways to each other for every field type.
 */
function cellTextOf(f: FieldDef): (v: unknown) => string {
  switch (f.type) {
    case 'boolean':
      return (v) => (v === null || v === undefined ? '' : typeof v === 'string' ? v : v === 1 ? 'true' : 'false');
    case 'integer':
    case 'year':
      return (v) => (typeof v === 'string' ? v : typeof v === 'number' ? String(v) : typeof v === 'bigint' ? String(Number(v)) : '');
    default:
      // Text, and code lists too: stored joined by ',', as encodeCell joins them
      return (v) => (typeof v === 'string' ? v : '');
  }
}

const cellTexts: Record<TableName, readonly ((v: unknown) => string)[]> = {
  person: fieldsOf.person.map(cellTextOf),
  unit: fieldsOf.unit.map(cellTextOf),
};

/** The data columns of a raw row from `offset`, as package cell texts written into `out` from `at` */
export function cellTextsInto(table: TableName, raw: readonly unknown[], offset: number, out: string[], at: number): void {
  const list = cellTexts[table];
  for (let i = 0; i < list.length; i++) out[at + i] = list[i]!(raw[offset + i]);
}

/** Reads the data columns of a raw row starting at `offset`. */
export function dataFromSql(table: TableName, raw: readonly unknown[], offset: number): RecordData {
  return decoders[table](raw, offset);
}
