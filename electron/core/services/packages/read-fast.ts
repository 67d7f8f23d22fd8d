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

/**
 * The rows of one record table, packed. `provenance` rows are claimed (deleted) as their records
 * are read, as the general reader does. `bytes` is the whole CSV, already checked to be UTF-8.
 */
export function readRecordsFast(
  table: TableName,
  bytes: Uint8Array,
  header: readonly string[],
  declaredRows: number,
  provenance: Map<string, string[]>,
  keep: readonly string[] = [],
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
  const idNumbers: (string | null)[] = [];
  const seen = new Set<string>();
  const areaCodes = new Set<string>();
  const firstPackages = new Map<string, string>();
  const packer = new RowPacker(table, Math.ceil(src.length * 1.3));
  const end = src.length;
  let pos = head.length;
  while (pos < end) {
    if (packer.length >= declaredRows) throw new NotFast();
    packer.beginRow();
    let id = '';
    let area = '';
    let idNumber: string | null = null;
    // One line: n cells, the last followed by CRLF
    for (let j = 0; j < n; j++) {
      let start: number;
      let stop: number;
      // Whether the cell was quoted and holds a doubled quote (its bytes are not its value as they are)
      let doubled = false;
      if (src[pos] === QUOTE) {
        start = pos + 1;
        let from = start;
        for (;;) {
          const q = src.indexOf(QUOTE, from);
          if (q < 0) throw new NotFast();
          if (src[q + 1] === QUOTE) {
            doubled = true;
            from = q + 2;
            continue;
          }
          stop = q;
          pos = q + 1;
          break;
        }
      } else {
        start = pos;
        for (;;) {
          const c = src[pos];
          if (c === COMMA || c === CR) break;
          // A quote, a bare line feed or the end of the text inside an unquoted cell: not our writer's
          if (c === QUOTE || c === LF || pos >= end) throw new NotFast();
          pos++;
        }
        stop = pos;
      }
      const c = src[pos];
      if (j < n - 1) {
        if (c !== COMMA) throw new NotFast();
        pos++;
      } else {
        if (c !== CR || src[pos + 1] !== LF) throw new NotFast();
        pos += 2;
      }
      // UTF-16 units never outnumber UTF-8 bytes: only a long cell needs counting
      if (stop - start > max) {
        const text = src.toString('utf8', start, stop);
        if ((doubled ? text.replaceAll('""', '"') : text).length > max) throw new NotFast();
      }
      const kind = j < 2 ? TEXT : kinds[j - 2]!;
      const slot = keptSlot[j]!;
      // The cell as a JS string, where one is needed
      if (j < 2 || j === idCol || (slot >= 0 && kind === TEXT)) {
        let text = src.toString('utf8', start, stop);
        if (doubled) text = text.replaceAll('""', '"');
        if (j === 0) id = text;
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
        if (slot >= 0 && kind === CODES) keptValues[slot]!.push(src.toString('utf8', start, stop));
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
    const key = `${table}|${id}`;
    const p = provenance.get(key);
    if (!p) throw new NotFast();
    provenance.delete(key);
    const file = p[3]!;
    const row = p[5]!;
    if (!p[6] || !p[7] || !p[8]) throw new NotFast();
    if (row && !/^\d{1,9}$/.test(row)) throw new NotFast();
    if (file) packer.text(file);
    else packer.null();
    if (p[4]) packer.text(p[4]);
    else packer.null();
    if (file && row) packer.int(Number(row));
    else packer.null();
    packer.text(p[6]);
    packer.text(p[7]);
    packer.text(p[8]);
    packer.endRow();
    const first = p[2] ?? '';
    const known = firstPackages.get(area);
    if (known === undefined) firstPackages.set(area, first);
    else if (known !== first) throw new NotFast();
    ids.push(id);
    if (idCol >= 0) idNumbers.push(idNumber);
  }
  if (packer.length !== declaredRows) throw new NotFast();
  return { rows: unpackRows(packer.done()), ids, idNumbers, firstPackages, areaCodes, kept: new Map(keep.map((key, j) => [key, keptValues[j]!])) };
}
