/**
 * The record tables (persons.csv, units.csv) of a current-schema package read in one pass: each line
 * is split, checked, converted and packed for the insert (packed-rows.ts) as it is read, so no array of
 * every row's cells is ever built — building one was most of a merge's reading time and garbage.
 *
 * It understands only what our writer produces (RFC 4180, CRLF after every line, a field quoted
 * exactly when it must be) and has no messages of its own: on anything else — a quoting it does not
 * expect, a wrong header, a bad cell, a missing provenance row — it gives up (`NotFast`) and the
 * package is read again by the general reader (read.ts), which accepts or refuses it exactly as
 * before, with its messages. So a package read here is one the general reader would accept, with the
 * same values.
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

type Converter = (cell: string) => SqlValue;

/**
 * The cell converters of read.ts with the packed form's numbers for BigInt values. A converter
 * that throws makes the package go to the general reader, which reports the cell.
 */
function packedConverters(table: TableName, convert: (table: TableName) => Converter[]): Converter[] {
  return convert(table).map((c) => (cell: string) => {
    const v = c(cell);
    return typeof v === 'bigint' ? Number(v) : v;
  });
}

/**
 * The rows of one record table, packed. `provenance` rows are claimed (deleted) as their records
 * are read, as the general reader does.
 */
export function readRecordsFast(
  table: TableName,
  text: string,
  header: readonly string[],
  declaredRows: number,
  provenance: Map<string, string[]>,
  convert: (table: TableName) => Converter[],
  keep: readonly string[] = [],
): RecordTable & { idNumbers: (string | null)[]; kept: Map<string, SqlValue[]> } {
  const head = `${header.join(',')}\r\n`;
  if (!text.startsWith(head)) throw new NotFast();
  const conv = packedConverters(table, convert);
  const fields = fieldsOf[table];
  const n = header.length;
  if (n !== 2 + fields.length) throw new NotFast();
  const idCol = table === 'person' ? 2 + fields.findIndex((f) => f.key === 'idNumber') : -1;
  const keptAt = keep.map((key) => 2 + fields.findIndex((f) => f.key === key));
  // An unknown field: the general reader names it
  if (keptAt.some((at) => at < 2)) throw new NotFast();
  const keptValues = keep.map(() => [] as SqlValue[]);
  const k = 2 + fields.length;
  const max = LIMITS.maxFieldChars;
  const ids: string[] = [];
  const idNumbers: (string | null)[] = [];
  const seen = new Set<string>();
  const areaCodes = new Set<string>();
  const firstPackages = new Map<string, string>();
  const packer = new RowPacker(table, Math.ceil(text.length * 1.2));
  const cells: string[] = new Array<string>(n);
  const out: SqlValue[] = new Array<SqlValue>(k + 6);
  const end = text.length;
  let pos = head.length;
  while (pos < end) {
    if (packer.length >= declaredRows) throw new NotFast();
    // One line: n cells, the last followed by CRLF
    for (let j = 0; j < n; j++) {
      let cell: string;
      if (text.charCodeAt(pos) === QUOTE) {
        let from = pos + 1;
        let parts = '';
        for (;;) {
          const q = text.indexOf('"', from);
          if (q < 0) throw new NotFast();
          if (text.charCodeAt(q + 1) === QUOTE) {
            parts += text.slice(from, q + 1);
            from = q + 2;
            continue;
          }
          cell = parts + text.slice(from, q);
          pos = q + 1;
          break;
        }
      } else {
        const start = pos;
        for (;;) {
          const c = text.charCodeAt(pos);
          if (c === COMMA || c === CR) break;
          // A quote, a bare line feed or the end of the text inside an unquoted cell: not our writer's
          if (c === QUOTE || c === LF || pos >= end) throw new NotFast();
          pos++;
        }
        cell = text.slice(start, pos);
      }
      if (cell.length > max) throw new NotFast();
      const c = text.charCodeAt(pos);
      if (j < n - 1) {
        if (c !== COMMA) throw new NotFast();
        pos++;
      } else {
        if (c !== CR || text.charCodeAt(pos + 1) !== LF) throw new NotFast();
        pos += 2;
      }
      cells[j] = cell;
    }

    const id = cells[0]!;
    const area = cells[1]!;
    if (!id || seen.has(id) || !/^\d{6}$/.test(area)) throw new NotFast();
    seen.add(id);
    areaCodes.add(area);
    out[0] = id;
    out[1] = area;
    for (let j = 0; j < fields.length; j++) out[2 + j] = conv[j]!(cells[2 + j]!);
    const key = `${table}|${id}`;
    const p = provenance.get(key);
    if (!p) throw new NotFast();
    provenance.delete(key);
    const file = p[3]!;
    const row = p[5]!;
    if (!p[6] || !p[7] || !p[8]) throw new NotFast();
    if (row && !/^\d{1,9}$/.test(row)) throw new NotFast();
    out[k] = file || null;
    out[k + 1] = p[4] || null;
    out[k + 2] = file && row ? Number(row) : null;
    out[k + 3] = p[6];
    out[k + 4] = p[7];
    out[k + 5] = p[8];
    const first = p[2] ?? '';
    const known = firstPackages.get(area);
    if (known === undefined) firstPackages.set(area, first);
    else if (known !== first) throw new NotFast();
    packer.add(out);
    for (let j = 0; j < keptAt.length; j++) keptValues[j]!.push(out[keptAt[j]!]!);
    ids.push(id);
    if (idCol >= 0) idNumbers.push(typeof out[idCol] === 'string' ? out[idCol] : null);
  }
  if (packer.length !== declaredRows) throw new NotFast();
  return { rows: unpackRows(packer.done()), ids, idNumbers, firstPackages, areaCodes, kept: new Map(keep.map((key, j) => [key, keptValues[j]!])) };
}
