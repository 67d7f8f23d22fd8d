/**
 * A package's record rows as they cross from the reading worker to the writing thread: one buffer of
 * SQLite's JSONB, transferred without a copy. The writing thread does not decode it: SQLite does, in
 * one statement per chunk (`insertPackedRecords`), so the rows never become JS values on that thread.
 * Handing over half a million JS values per package instead (structured clone) made every one of
 * them live until the package's transaction ended; binding them row by row from decoded JSON lines
 * cost the writing thread a JSON.parse and ~45 bound values per row, and JSON text SQLite would
 * still have to parse.
 *
 * Layout: one or more chunks back to back, each a JSONB array of rows, each row a JSONB array in
 * recordColumns order of three kinds of element only: NULL, INT (the digits) and TEXTRAW (the UTF-8
 * text as it is, nothing escaped). A chunk stays under CHUNK_BYTES (SQLite takes at most 1e9 bytes a
 * value). Arrays carry a 4-byte size, filled in once their elements are written, and so do texts
 * whose length is known only once written: a size in more bytes than it needs is read by SQLite and
 * held valid by its strict check, `json_valid(x, 8)` (tests/unit/packed-rows.test.ts checks both).
 *
 * JSONB has no BigInt: the integer, year and boolean columns (and source_row) travel as INT elements
 * — every one fits (read.ts admits at most 15 digits) — which SQLite stores as INTEGER, as it does a
 * bound BigInt; in JS they become BigInt again on the way out.
 */
import { fieldsOf, type TableName } from '../../../../shared/census/dictionary';
import type { SqlValue } from '../../db';

/** Rows to insert, iterable once or more, with their number known up front */
export interface RowSource extends Iterable<SqlValue[]> {
  readonly length: number;
  /** The buffer the rows are decoded from, when they are packed (handed to another thread, and to SQLite, as is) */
  readonly packed?: PackedRows;
}

export interface PackedRows {
  packed: true;
  table: TableName;
  length: number;
  /** The chunks, back to back (see the layout above) */
  data: Uint8Array;
  /** Where each chunk ends in `data` (the next starts there) */
  chunks: number[];
  /** The rows were counted, not kept (a preview's read: `RowPacker` with `keep` false); `data` is empty */
  countedOnly?: true;
}

/** Bytes of JSON after which a chunk is closed (a few thousand rows) */
export const CHUNK_BYTES = 4 * 1024 * 1024;

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

const QUOTE = 34;

/** JSONB element types (https://sqlite.org/jsonb.html) */
const NULL = 0;
const INT = 3;
const TEXTRAW = 10;
const ARRAY = 11;
/** A header whose size follows in 4 bytes */
const SIZE4 = 14 << 4;

/**
 * Writes rows as packed JSONB one value at a time, so a package's rows never exist as JS values all
 * at once. The one-pass reader (read-fast.ts) writes cells straight from the CSV's UTF-8 bytes.
 */
export class RowPacker {
  private buf: Uint8Array;
  /** `buf` as a Buffer, for writing JS strings into it */
  private view: Buffer;
  private at = 0;
  /** Where the open chunk's and the open row's headers are (-1: none open) */
  private chunkAt = -1;
  private rowAt = -1;
  private readonly chunks: number[] = [];
  length = 0;

  /**
   * `keep` false: the rows are only counted (a preview wants a package's ids and counts, not its rows):
   * nothing is written, so a package of 100,000 persons does not take a 30 MB buffer per read.
   */
  constructor(readonly table: TableName, expectedBytes: number, private readonly keep = true) {
    // Its own ArrayBuffer (never Node's shared pool): the result is transferred to another thread
    this.buf = new Uint8Array(keep ? Math.max(1024, expectedBytes) : 0);
    this.view = Buffer.from(this.buf.buffer);
  }

  /** Room for `n` more bytes */
  private room(n: number): void {
    if (this.at + n <= this.buf.length) return;
    const next = new Uint8Array(Math.max(this.at + n, this.buf.length * 2));
    next.set(this.buf.subarray(0, this.at));
    this.buf = next;
    this.view = Buffer.from(next.buffer);
  }

  /** A header with a 4-byte size to fill in later (`close`); returns where it is */
  private open(type: number): number {
    this.room(5);
    const at = this.at;
    this.buf[at] = SIZE4 | type;
    this.at += 5;
    return at;
  }

  /** The size of what follows the header at `at`, now that it is written */
  private close(at: number): void {
    this.view.writeUInt32BE(this.at - at - 5, at + 1);
  }

  /** A header for a payload of `n` bytes, in as few bytes as it takes */
  private header(type: number, n: number): void {
    const b = this.buf;
    if (n <= 11) b[this.at++] = (n << 4) | type;
    else if (n <= 0xff) {
      b[this.at++] = (12 << 4) | type;
      b[this.at++] = n;
    } else if (n <= 0xffff) {
      b[this.at++] = (13 << 4) | type;
      b[this.at++] = n >> 8;
      b[this.at++] = n & 0xff;
    } else {
      b[this.at++] = SIZE4 | type;
      this.view.writeUInt32BE(n, this.at);
      this.at += 4;
    }
  }

  beginRow(): void {
    if (!this.keep) return;
    if (this.chunkAt < 0) this.chunkAt = this.open(ARRAY);
    this.rowAt = this.open(ARRAY);
  }

  endRow(): void {
    if (!this.keep) {
      this.length++;
      return;
    }
    this.close(this.rowAt);
    this.rowAt = -1;
    this.length++;
    if (this.at - this.chunkAt >= CHUNK_BYTES) this.closeChunk();
  }

  private closeChunk(): void {
    if (this.chunkAt < 0) return;
    this.close(this.chunkAt);
    this.chunks.push(this.at);
    this.chunkAt = -1;
  }

  null(): void {
    if (!this.keep) return;
    this.room(1);
    this.buf[this.at++] = NULL;
  }

  /** An integer (|n| < 2^53), its digits written without making a string of them */
  int(n: number): void {
    if (!this.keep) return;
    this.room(20);
    const negative = n < 0;
    if (negative) n = -n;
    let digits = 1;
    for (let m = n; m >= 10; m = Math.floor(m / 10)) digits++;
    this.header(INT, digits + (negative ? 1 : 0));
    const b = this.buf;
    if (negative) b[this.at++] = 45; // -
    let at = this.at + digits;
    this.at = at;
    do {
      b[--at] = 48 + (n % 10);
      n = Math.floor(n / 10);
    } while (n > 0);
  }

  /** A JS string */
  text(s: string): void {
    if (!this.keep) return;
    this.room(s.length * 3 + 5);
    const at = this.open(TEXTRAW);
    this.at += this.view.write(s, this.at, 'utf8');
    this.close(at);
  }

  /**
   * UTF-8 bytes `src[start, end)` as text; with `quoted`, each `""` in them is one `"` (a quoted CSV
   * cell's content). The bytes are valid UTF-8 (read.ts checked the whole file) cut at ASCII
   * delimiters, so they are copied as they are.
   */
  textBytes(src: Uint8Array, start: number, end: number, quoted: boolean): void {
    if (!this.keep) return;
    const n = end - start;
    this.room(n + 5);
    const b = this.buf;
    if (!quoted) {
      this.header(TEXTRAW, n);
      let at = this.at;
      for (let i = start; i < end; i++) b[at++] = src[i]!;
      this.at = at;
      return;
    }
    const h = this.open(TEXTRAW);
    let at = this.at;
    for (let i = start; i < end; i++) {
      const c = src[i]!;
      b[at++] = c;
      if (c === QUOTE) i++;
    }
    this.at = at;
    this.close(h);
  }

  /** A whole row of SQL values (BigInts as numbers) */
  add(row: readonly SqlValue[]): void {
    this.beginRow();
    for (const v of row) {
      if (v === null) this.null();
      else if (typeof v === 'bigint' || typeof v === 'number') {
        if (!Number.isSafeInteger(Number(v))) throw new RangeError(`not a packable integer: ${v}`);
        this.int(Number(v));
      } else if (typeof v === 'string') this.text(v);
      else throw new TypeError('packed rows hold text, integers and nulls only');
    }
    this.endRow();
  }

  done(): PackedRows {
    if (!this.keep) return countedRows(this.table, this.length).packed!;
    this.closeChunk();
    return { packed: true, table: this.table, length: this.length, data: this.buf.subarray(0, this.at), chunks: [...this.chunks] };
  }
}

/** Packs rows that exist as JS values already (the general reader's) */
export function packRows(table: TableName, rows: readonly (readonly SqlValue[])[]): PackedRows {
  const packer = new RowPacker(table, 1024);
  for (const r of rows) packer.add(r);
  return packer.done();
}

/** A JSONB element's payload: where it starts and how long it is */
function payload(buf: Buffer, at: number): [start: number, size: number] {
  const x = buf[at]! >> 4;
  if (x <= 11) return [at + 1, x];
  if (x === 12) return [at + 2, buf[at + 1]!];
  if (x === 13) return [at + 3, buf.readUInt16BE(at + 1)];
  if (x === 14) return [at + 5, buf.readUInt32BE(at + 1)];
  throw new Error('packed rows: unexpected JSONB size');
}

/**
 * `length` rows that were counted, not kept: reading them is a mistake in the caller (a preview's
 * package handed to a writer), never an empty table
 */
export function countedRows(table: TableName, length: number): RowSource {
  return {
    length,
    packed: { packed: true, table, length, data: new Uint8Array(0), chunks: [], countedOnly: true },
    [Symbol.iterator]() {
      throw new Error(`packed rows: the ${length} ${table} rows were counted only (a preview's read), not kept`);
    },
  };
}

/** The rows of a packed buffer, decoded one at a time in JS (what SQLite reads them as) */
export function unpackRows(p: PackedRows): RowSource {
  if (p.countedOnly) return countedRows(p.table, p.length);
  const big = new Set(BIG[p.table]);
  const buf = Buffer.from(p.data.buffer, p.data.byteOffset, p.data.byteLength);
  return {
    length: p.length,
    packed: p,
    *[Symbol.iterator]() {
      let at = 0;
      while (at < buf.length) {
        const [first, chunkSize] = payload(buf, at);
        const chunkEnd = first + chunkSize;
        let r = first;
        while (r < chunkEnd) {
          const [start, size] = payload(buf, r);
          const row: SqlValue[] = [];
          let e = start;
          while (e < start + size) {
            const type = buf[e]! & 15;
            const [from, n] = payload(buf, e);
            if (type === NULL) row.push(null);
            else if (type === INT) {
              const digits = buf.toString('latin1', from, from + n);
              row.push(big.has(row.length) ? BigInt(digits) : Number(digits));
            } else if (type === TEXTRAW) row.push(buf.toString('utf8', from, from + n));
            else throw new Error('packed rows: unexpected JSONB element');
            e = from + n;
          }
          yield row;
          r = start + size;
        }
        at = chunkEnd;
      }
    },
  };
}

/** The chunks of a packed buffer, each one JSON array of rows, as views of it */
export function packedChunks(p: PackedRows): Uint8Array[] {
  let from = 0;
  return p.chunks.map((end) => {
    const c = p.data.subarray(from, end);
    from = end;
    return c;
  });
}
