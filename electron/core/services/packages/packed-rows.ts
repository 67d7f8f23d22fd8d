/**
 * A package's record rows as they cross from the reading worker to the writing thread: one buffer of
 * JSON lines, transferred without a copy, decoded one row at a time as the insert consumes it.
 * Handing over half a million JS values per package instead (structured clone) made every one of
 * them live until the package's transaction ended, long enough to be promoted to the old heap: a
 * million-person merge then carried a quarter of a gigabyte of garbage between major collections.
 * Decoded row by row, the values die young.
 *
 * JSON has no BigInt: the integer, year and boolean columns (and source_row) travel as numbers —
 * every one fits (read.ts admits at most 15 digits) — and become BigInt again on the way out.
 */
import { fieldsOf, type TableName } from '../../../../shared/census/dictionary';
import type { SqlValue } from '../../db';

/** Rows to insert, iterable once or more, with their number known up front */
export interface RowSource extends Iterable<SqlValue[]> {
  readonly length: number;
  /** The buffer the rows are decoded from, when they are packed (handed to another thread as is) */
  readonly packed?: PackedRows;
}

export interface PackedRows {
  packed: true;
  table: TableName;
  length: number;
  /** One JSON array per line, in recordColumns order */
  data: Uint8Array;
}

/** Column positions (recordColumns order) that hold BigInt values */
function bigintColumns(table: TableName): number[] {
  const fields = fieldsOf[table];
  const out: number[] = [];
  fields.forEach((f, j) => {
    if (f.type === 'integer' || f.type === 'year' || f.type === 'boolean') out.push(2 + j);
  });
  out.push(2 + fields.length + 2); // source_row
  return out;
}

const BIG: Record<TableName, number[]> = { person: bigintColumns('person'), unit: bigintColumns('unit') };

/** Packs rows (taking them over: their BigInts are turned into numbers in place) */
export function packRows(table: TableName, rows: SqlValue[][]): PackedRows {
  const big = BIG[table];
  const lines: string[] = new Array<string>(rows.length);
  for (let i = 0; i < rows.length; i++) {
    const r = rows[i]!;
    for (const c of big) if (typeof r[c] === 'bigint') r[c] = Number(r[c]);
    lines[i] = JSON.stringify(r);
  }
  // TextEncoder gives the bytes their own ArrayBuffer (a small Buffer may sit in Node's shared pool, which must never be transferred)
  return { packed: true, table, length: rows.length, data: new TextEncoder().encode(lines.join('\n')) };
}

/**
 * Packs rows one at a time as they are read, so a package's rows never exist as JS values all at
 * once: each row's values die young. Integer, year, boolean and source_row values are given as numbers.
 */
export class RowPacker {
  private buf: Buffer;
  private at = 0;
  length = 0;

  constructor(readonly table: TableName, expectedBytes: number) {
    // Its own ArrayBuffer (never Node's shared pool): the result is transferred to another thread
    this.buf = Buffer.from(new ArrayBuffer(Math.max(1024, expectedBytes)));
  }

  add(row: readonly SqlValue[]): void {
    const line = JSON.stringify(row);
    // A UTF-16 unit takes at most 3 bytes in UTF-8, plus the newline
    const need = this.at + line.length * 3 + 1;
    if (need > this.buf.length) {
      const next = Buffer.from(new ArrayBuffer(Math.max(need, this.buf.length * 2)));
      this.buf.copy(next, 0, 0, this.at);
      this.buf = next;
    }
    if (this.length > 0) this.buf[this.at++] = 10;
    this.at += this.buf.write(line, this.at, 'utf8');
    this.length++;
  }

  done(): PackedRows {
    return { packed: true, table: this.table, length: this.length, data: new Uint8Array(this.buf.buffer, 0, this.at) };
  }
}

/** The rows of a packed buffer, decoded one at a time (JSON escapes newlines inside strings) */
export function unpackRows(p: PackedRows): RowSource {
  const big = BIG[p.table];
  const buf = Buffer.from(p.data.buffer, p.data.byteOffset, p.data.byteLength);
  return {
    length: p.length,
    packed: p,
    *[Symbol.iterator]() {
      if (p.length === 0) return;
      let at = 0;
      while (at <= buf.length) {
        let end = buf.indexOf(10, at);
        if (end < 0) end = buf.length;
        const r = JSON.parse(buf.toString('utf8', at, end)) as SqlValue[];
        for (const c of big) if (typeof r[c] === 'number') r[c] = BigInt(r[c]);
        yield r;
        at = end + 1;
      }
    },
  };
}
