/**
 * A package's record rows as they cross from the reading worker to the writing thread: one buffer of
 * JSON text, transferred without a copy. The writing thread does not decode it: SQLite does, in one
 * statement per chunk (`insertPackedRecords`), so the rows never become JS values on that thread.
 * Handing over half a million JS values per package instead (structured clone) made every one of
 * them live until the package's transaction ended; binding them row by row from decoded JSON lines
 * cost the writing thread a JSON.parse and ~45 bound values per row.
 *
 * Layout: one or more chunks, each a JSON array of rows (each row a JSON array in recordColumns
 * order), laid out one row a line — `[`, then `row,` lines, the last row without the comma, then `]`,
 * each on its own line — so the rows can also be decoded one at a time in JS (`unpackRows`) without
 * parsing the whole text. A chunk stays under CHUNK_BYTES: SQLite takes at most 1e9 bytes a value,
 * and the JSON of a 768 MB CSV can be larger.
 *
 * JSON has no BigInt: the integer, year and boolean columns (and source_row) travel as numbers —
 * every one fits (read.ts admits at most 15 digits) — which SQLite stores as INTEGER, as it does a
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
const BACKSLASH = 92;
const COMMA = 44;
const LF = 10;
const OPEN = 91;
const CLOSE = 93;
const HEX = '0123456789abcdef';

/**
 * Writes rows as packed JSON one value at a time, so a package's rows never exist as JS values all at
 * once. The one-pass reader (read-fast.ts) writes cells straight from the CSV's UTF-8 bytes.
 */
export class RowPacker {
  private buf: Uint8Array;
  /** `buf` as a Buffer, for writing JS strings into it */
  private view: Buffer;
  private at = 0;
  private chunkStart = 0;
  /** Values written in the open row (a comma goes before every one but the first) */
  private values = 0;
  private readonly chunks: number[] = [];
  length = 0;

  constructor(readonly table: TableName, expectedBytes: number) {
    // Its own ArrayBuffer (never Node's shared pool): the result is transferred to another thread
    this.buf = new Uint8Array(Math.max(1024, expectedBytes));
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

  private separator(): void {
    if (this.values++ > 0) this.buf[this.at++] = COMMA;
  }

  beginRow(): void {
    this.room(4);
    const b = this.buf;
    if (this.at === this.chunkStart) {
      b[this.at++] = OPEN;
      b[this.at++] = LF;
    } else {
      b[this.at++] = COMMA;
      b[this.at++] = LF;
    }
    b[this.at++] = OPEN;
    this.values = 0;
  }

  endRow(): void {
    this.room(1);
    this.buf[this.at++] = CLOSE;
    this.length++;
    if (this.at - this.chunkStart >= CHUNK_BYTES) this.closeChunk();
  }

  private closeChunk(): void {
    if (this.at === this.chunkStart) return;
    this.room(3);
    this.buf[this.at++] = LF;
    this.buf[this.at++] = CLOSE;
    this.buf[this.at++] = LF;
    this.chunks.push(this.at);
    this.chunkStart = this.at;
  }

  null(): void {
    this.room(5);
    this.separator();
    const b = this.buf;
    b[this.at++] = 110; // n
    b[this.at++] = 117; // u
    b[this.at++] = 108; // l
    b[this.at++] = 108; // l
  }

  /** An integer (|n| < 2^53), its digits written without making a string of them */
  int(n: number): void {
    this.room(18);
    this.separator();
    const b = this.buf;
    if (n < 0) {
      b[this.at++] = 45; // -
      n = -n;
    }
    let digits = 1;
    for (let m = n; m >= 10; m = Math.floor(m / 10)) digits++;
    let at = this.at + digits;
    this.at = at;
    do {
      b[--at] = 48 + (n % 10);
      n = Math.floor(n / 10);
    } while (n > 0);
  }

  /** A JS string as a JSON string */
  text(s: string): void {
    const json = JSON.stringify(s);
    this.room(json.length * 3 + 1);
    this.separator();
    this.at += this.view.write(json, this.at, 'utf8');
  }

  /**
   * UTF-8 bytes `src[start, end)` as a JSON string; with `quoted`, each `""` in them is one `"` (a
   * quoted CSV cell's content). The bytes are valid UTF-8 (read.ts checked the whole file) cut at
   * ASCII delimiters, so they are copied as they are, but for what JSON escapes.
   */
  textBytes(src: Uint8Array, start: number, end: number, quoted: boolean): void {
    // Worst case: every byte a \u00XX escape
    this.room((end - start) * 6 + 3);
    this.separator();
    const b = this.buf;
    let at = this.at;
    b[at++] = QUOTE;
    for (let i = start; i < end; i++) {
      const c = src[i]!;
      if (c >= 32 && c !== QUOTE && c !== BACKSLASH) b[at++] = c;
      else if (c === QUOTE || c === BACKSLASH) {
        b[at++] = BACKSLASH;
        b[at++] = c;
        if (quoted && c === QUOTE) i++;
      } else {
        b[at++] = BACKSLASH;
        b[at++] = 117; // u
        b[at++] = 48;
        b[at++] = 48;
        b[at++] = HEX.charCodeAt(c >> 4);
        b[at++] = HEX.charCodeAt(c & 15);
      }
    }
    b[at++] = QUOTE;
    this.at = at;
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

/** The rows of a packed buffer, decoded one at a time (JSON escapes line breaks inside strings) */
export function unpackRows(p: PackedRows): RowSource {
  const big = BIG[p.table];
  const buf = Buffer.from(p.data.buffer, p.data.byteOffset, p.data.byteLength);
  return {
    length: p.length,
    packed: p,
    *[Symbol.iterator]() {
      let at = 0;
      while (at < buf.length) {
        let end = buf.indexOf(LF, at);
        if (end < 0) end = buf.length;
        // A chunk's `[` and `]` lines; a row line ends in a comma but the chunk's last
        if (end - at > 1) {
          const stop = buf[end - 1] === COMMA ? end - 1 : end;
          const r = JSON.parse(buf.toString('utf8', at, stop)) as SqlValue[];
          for (const c of big) if (typeof r[c] === 'number') r[c] = BigInt(r[c]);
          yield r;
        }
        at = end + 1;
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
