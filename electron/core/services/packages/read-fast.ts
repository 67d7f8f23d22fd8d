/**
 * The record tables (persons.csv, units.csv) of a current-schema package read in one pass over their
 * UTF-8 bytes: each line is split, checked, converted and written as packed JSON (packed-rows.ts) as
 * it is read. A cell becomes a JS string only where the reader needs one (record id, area code, ID
 * number, the person fields kept for counting); every other cell goes from the CSV's bytes to the
 * packed JSON's bytes — no decoding of the file, no array of cells, no JSON.stringify of a row.
 *
 * It understands only what our writer produces (RFC 4180, CRLF after every line, a field quoted
 * exactly when it must be) and has no messages of its own: on anything else — a quoting it does not
 * expect, a wrong header, a bad cell, a missing provenance row — it gives up (`NotFast`) and the
 * package is read again by the general reader (read.ts), which accepts or refuses it exactly as
 * before, with its messages. So a package read here is one the general reader would accept, with the
 * same values: the cell rules below are read.ts's converters, on bytes.
 */
import { fieldsOf, type TableName } from '../../../../shared/census/dictionary';
import { LIMITS } from '../../../../shared/package';
import type { SqlValue } from '../../db';
import { RowPacker, unpackRows } from './packed-rows';
import type { RecordTable } from './read';

/** This reader stepped aside; the general reader decides */
export class NotFast extends Error {}

const COMMA = 44;
const QUOTE = 34;
const CR = 13;
const LF = 10;
const MINUS = 45;
const ZERO = 48;
const NINE = 57;

/** How a column's cells are converted (read.ts converterOf), by field type */
const TEXT = 0;
const INTEGER = 1;
const BOOLEAN = 2;
const CODES = 3;

function kindsOf(table: TableName): Uint8Array {
  return Uint8Array.from(fieldsOf[table], (f) =>
    f.type === 'integer' || f.type === 'year' ? INTEGER : f.type === 'boolean' ? BOOLEAN : f.type === 'codes' ? CODES : TEXT);
}

const KINDS: Record<TableName, Uint8Array> = { person: kindsOf('person'), unit: kindsOf('unit') };

/** `true` / `false` as bytes */
const TRUE = [116, 114, 117, 101];
const FALSE = [102, 97, 108, 115, 101];

function bytesAre(src: Uint8Array, start: number, end: number, word: readonly number[]): boolean {
  if (end - start !== word.length) return false;
  for (let i = 0; i < word.length; i++) if (src[start + i] !== word[i]) return false;
  return true;
}

/**
 * An integer cell's value (read.ts: `-?\d{1,15}`, then BigInt — leading zeros and a minus zero go),
 * or NaN when it is not one
 */
function integerOf(src: Uint8Array, start: number, end: number): number {
  let i = start;
  const negative = src[i] === MINUS;
  if (negative) i++;
  const digits = end - i;
  if (digits < 1 || digits > 15) return NaN;
  let n = 0;
  for (; i < end; i++) {
    const c = src[i]!;
    if (c < ZERO || c > NINE) return NaN;
    n = n * 10 + (c - ZERO);
  }
  return negative && n !== 0 ? -n : n;
}

/** A codes cell as read.ts takes it: no empty code between, before or after the commas */
function codesOk(src: Uint8Array, start: number, end: number): boolean {
  if (src[start] === COMMA || src[end - 1] === COMMA) return false;
  for (let i = start + 1; i < end; i++) if (src[i] === COMMA && src[i - 1] === COMMA) return false;
  return true;
}

/** The last cell `scan` read: its content's bytes, and whether it was quoted with a doubled quote inside */
let cellStart = 0;
let cellStop = 0;
let cellDoubled = false;

/**
 * Reads the cell at `pos` as our writer writes one (quoted exactly when it must be) and returns where
 * the byte after it is (a comma, a CR, or anything else for the caller to refuse)
 */
function scan(src: Buffer, pos: number, end: number): number {
  cellDoubled = false;
  if (src[pos] === QUOTE) {
    cellStart = pos + 1;
    let from = cellStart;
    for (;;) {
      const q = src.indexOf(QUOTE, from);
      if (q < 0) throw new NotFast();
      if (src[q + 1] === QUOTE) {
        cellDoubled = true;
        from = q + 2;
        continue;
      }
      cellStop = q;
      return q + 1;
    }
  }
  cellStart = pos;
  for (;;) {
    const c = src[pos];
    if (c === COMMA || c === CR) break;
    // A quote, a bare line feed or the end of the text inside an unquoted cell: not our writer's
    if (c === QUOTE || c === LF || pos >= end) throw new NotFast();
    pos++;
  }
  cellStop = pos;
  return pos;
}

/** After the cell of column `j` of `n`: past its comma, or past the line's CRLF */
function next(src: Buffer, pos: number, j: number, n: number): number {
  const c = src[pos];
  if (j < n - 1) {
    if (c !== COMMA) throw new NotFast();
    return pos + 1;
  }
  if (c !== CR || src[pos + 1] !== LF) throw new NotFast();
  return pos + 2;
}

/** The last cell's value as a JS string */
function cellText(src: Buffer): string {
  const text = src.toString('utf8', cellStart, cellStop);
  return cellDoubled ? text.replaceAll('""', '"') : text;
}

const INTERN_SLOTS = 4096;
const INTERN_BYTES = 16;

/**
 * Short cells decoded once: most kept fields hold codes (sex, education, township…) that repeat row
 * after row, and a string per cell was most of the reader's garbage. A table of the last string seen
 * per hash of the bytes; a clash only costs a decode.
 */
export class Interned {
  private readonly strings: (string | undefined)[] = new Array<string | undefined>(INTERN_SLOTS);
  private readonly lengths = new Int32Array(INTERN_SLOTS);
  private readonly bytes = new Uint8Array(INTERN_SLOTS * INTERN_BYTES);

  /** The last cell's value (`cellText`) */
  text(src: Buffer): string {
    return cellDoubled ? cellText(src) : this.decode(src, cellStart, cellStop);
  }

  /** The UTF-8 bytes `src[start, stop)` as a string */
  decode(src: Buffer, start: number, stop: number): string {
    const n = stop - start;
    if (n > INTERN_BYTES) return src.toString('utf8', start, stop);
    let h = 0x811c9dc5;
    for (let i = 0; i < n; i++) h = Math.imul(h ^ src[start + i]!, 16777619);
    const slot = (h >>> 0) & (INTERN_SLOTS - 1);
    const at = slot * INTERN_BYTES;
    const known = this.strings[slot];
    if (known !== undefined && this.lengths[slot] === n) {
      let i = 0;
      while (i < n && this.bytes[at + i] === src[start + i]) i++;
      if (i === n) return known;
    }
    const text = src.toString('utf8', start, start + n);
    this.strings[slot] = text;
    this.lengths[slot] = n;
    for (let i = 0; i < n; i++) this.bytes[at + i] = src[start + i]!;
    return text;
  }
}

/** The last cell is longer than a field may be (UTF-16 units never outnumber UTF-8 bytes: only a long cell needs counting) */
function tooLong(src: Buffer, max: number): boolean {
  return cellStop - cellStart > max && cellText(src).length > max;
}

const TABLE_BYTES: Record<TableName, Buffer> = { person: Buffer.from('person'), unit: Buffer.from('unit') };

/**
 * Where the reading of provenance.csv stands. Our writer writes each record's provenance row right
 * as it writes the record, units first: read in that same order, each record's row is the next one,
 * found without an index and compared without decoding. Any other order, a row left over or
 * missing, and the general reader decides (it accepts any order, or refuses with its message).
 */
export interface ProvenanceCursor {
  bytes: Buffer;
  pos: number;
  rows: number;
  declared: number;
}

export function provenanceCursor(bytes: Uint8Array, header: readonly string[], declaredRows: number): ProvenanceCursor {
  const src = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const head = Buffer.from(`${header.join(',')}\r\n`, 'utf8');
  if (header.length !== 9 || src.length < head.length || !src.subarray(0, head.length).equals(head)) throw new NotFast();
  return { bytes: src, pos: head.length, rows: 0, declared: declaredRows };
}

/** Whether every provenance row was claimed by a record, in order */
export function provenanceClaimed(p: ProvenanceCursor): boolean {
  return p.pos === p.bytes.length && p.rows === p.declared;
}

/** `1`–`9` digits, as read.ts takes a source row */
function isRowNumber(src: Buffer, start: number, stop: number): boolean {
  if (stop - start < 1 || stop - start > 9) return false;
  for (let i = start; i < stop; i++) if (src[i]! < ZERO || src[i]! > NINE) return false;
  return true;
}

/**
 * The rows of one record table, packed. Their provenance rows are claimed (deleted from the index)
 * as their records are read, as the general reader does. `bytes` is the whole CSV, already checked
 * to be UTF-8.
 */
export function readRecordsFast(
  table: TableName,
  bytes: Uint8Array,
  header: readonly string[],
  declaredRows: number,
  provenance: ProvenanceCursor,
  keep: readonly string[] = [],
  keepRows = true,
): RecordTable & { idNumbers: (string | null)[]; kept: Map<string, SqlValue[]> } {
  const src = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const head = Buffer.from(`${header.join(',')}\r\n`, 'utf8');
  if (src.length < head.length || !src.subarray(0, head.length).equals(head)) throw new NotFast();
  const fields = fieldsOf[table];
  const kinds = KINDS[table];
  const n = header.length;
  if (n !== 2 + fields.length) throw new NotFast();
  const idCol = table === 'person' ? 2 + fields.findIndex((f) => f.key === 'idNumber') : -1;
  const keptAt = keep.map((key) => 2 + fields.findIndex((f) => f.key === key));
  // An unknown field: the general reader names it
  if (keptAt.some((at) => at < 2)) throw new NotFast();
  // Per column: where its value goes in `kept` (-1: not kept)
  const keptSlot = new Int32Array(n).fill(-1);
  keptAt.forEach((at, j) => (keptSlot[at] = j));
  const keptValues = keep.map(() => [] as SqlValue[]);
  const max = LIMITS.maxFieldChars;
  const ids: string[] = [];
  const rowAreas: string[] = [];
  const idNumbers: (string | null)[] = [];
  const seen = new Set<string>();
  const areaCodes = new Set<string>();
  const firstPackages = new Map<string, string>();
  const interned = new Interned();
  const tableBytes = TABLE_BYTES[table];
  const prov = provenance.bytes;
  const provEnd = prov.length;
  const packer = new RowPacker(table, Math.ceil(src.length * 1.3), keepRows);
  const end = src.length;
  let pos = head.length;
  while (pos < end) {
    if (packer.length >= declaredRows) throw new NotFast();
    packer.beginRow();
    let id = '';
    let idStart = 0;
    let idStop = 0;
    let idDoubled = false;
    let area = '';
    let idNumber: string | null = null;
    // One line: n cells, the last followed by CRLF
    for (let j = 0; j < n; j++) {
      pos = next(src, scan(src, pos, end), j, n);
      const start = cellStart;
      const stop = cellStop;
      const doubled = cellDoubled;
      if (tooLong(src, max)) throw new NotFast();
      const kind = j < 2 ? TEXT : kinds[j - 2]!;
      const slot = keptSlot[j]!;
      // The cell as a JS string, where one is needed
      if (j < 2 || j === idCol || (slot >= 0 && kind === TEXT)) {
        // Record ids and ID numbers are all different; the rest repeat
        const text = j === 0 || j === idCol ? cellText(src) : interned.text(src);
        if (j === 0) {
          id = text;
          idStart = start;
          idStop = stop;
          idDoubled = doubled;
        }
        else if (j === 1) area = text;
        else if (j === idCol) idNumber = text === '' ? null : text;
        if (slot >= 0) keptValues[slot]!.push(text === '' ? null : text);
      }
      if (start === stop) {
        if (j < 2) throw new NotFast();
        packer.null();
        if (slot >= 0 && kind !== TEXT) keptValues[slot]!.push(null);
        continue;
      }
      if (kind === TEXT || kind === CODES) {
        if (kind === CODES && (doubled || !codesOk(src, start, stop))) throw new NotFast();
        packer.textBytes(src, start, stop, doubled);
        if (slot >= 0 && kind === CODES) keptValues[slot]!.push(interned.text(src));
        continue;
      }
      let v: number;
      if (kind === INTEGER) v = doubled ? NaN : integerOf(src, start, stop);
      else v = bytesAre(src, start, stop, TRUE) ? 1 : bytesAre(src, start, stop, FALSE) ? 0 : NaN;
      if (Number.isNaN(v)) throw new NotFast();
      packer.int(v);
      if (slot >= 0) keptValues[slot]!.push(v);
    }

    if (!id || seen.has(id) || !/^\d{6}$/.test(area)) throw new NotFast();
    seen.add(id);
    areaCodes.add(area);
    // Its provenance row, the next one: table, record id, origin package, source file, sheet and row,
    // created by, created at, updated at
    if (provenance.rows >= provenance.declared) throw new NotFast();
    let at = next(prov, scan(prov, provenance.pos, provEnd), 0, 9);
    if (cellDoubled || !prov.subarray(cellStart, cellStop).equals(tableBytes)) throw new NotFast();
    at = next(prov, scan(prov, at, provEnd), 1, 9);
    const sameId = !cellDoubled && !idDoubled ? prov.compare(src, idStart, idStop, cellStart, cellStop) === 0 : cellText(prov) === id;
    if (!sameId) throw new NotFast();
    at = next(prov, scan(prov, at, provEnd), 2, 9);
    if (tooLong(prov, max)) throw new NotFast();
    const first = originText(prov);
    at = next(prov, scan(prov, at, provEnd), 3, 9);
    if (tooLong(prov, max)) throw new NotFast();
    const fileStart = cellStart;
    const fileStop = cellStop;
    const fileDoubled = cellDoubled;
    if (fileStart === fileStop) packer.null();
    else packer.textBytes(prov, fileStart, fileStop, fileDoubled);
    at = next(prov, scan(prov, at, provEnd), 4, 9);
    if (tooLong(prov, max)) throw new NotFast();
    if (cellStart === cellStop) packer.null();
    else packer.textBytes(prov, cellStart, cellStop, cellDoubled);
    at = next(prov, scan(prov, at, provEnd), 5, 9);
    if (cellStart === cellStop) packer.null();
    else {
      if (cellDoubled || !isRowNumber(prov, cellStart, cellStop)) throw new NotFast();
      if (fileStart === fileStop) packer.null();
      else packer.int(integerOf(prov, cellStart, cellStop));
    }
    for (let j = 6; j < 9; j++) {
      at = next(prov, scan(prov, at, provEnd), j, 9);
      if (cellStart === cellStop || tooLong(prov, max)) throw new NotFast();
      packer.textBytes(prov, cellStart, cellStop, cellDoubled);
    }
    provenance.pos = at;
    provenance.rows++;
    packer.endRow();
    const known = firstPackages.get(area);
    if (known === undefined) firstPackages.set(area, first);
    else if (known !== first) throw new NotFast();
    ids.push(id);
    rowAreas.push(area);
    if (idCol >= 0) idNumbers.push(idNumber);
  }
  if (packer.length !== declaredRows) throw new NotFast();
  return { rows: unpackRows(packer.done()), ids, rowAreas, idNumbers, firstPackages, areaCodes, kept: new Map(keep.map((key, j) => [key, keptValues[j]!])) };
}

/** The last cell as text, without decoding the common empty one (a record entered at the sending level) */
function originText(src: Buffer): string {
  return cellStart === cellStop ? '' : cellText(src);
}
