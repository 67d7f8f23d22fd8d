/**
 * Record rows cross from the package worker as one buffer of JSONB: every value must come back
 * exactly, BigInts as BigInts, text with line breaks, quotes and Chinese intact, an empty table empty;
 * and SQLite, which decodes the buffer itself in a merge, must store exactly what binding the same
 * rows one by one stores — same values, same types, same order — however many chunks the rows span.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { createStore, recordColumns, type SqlValue } from '../../electron/core/db';
import { CHUNK_BYTES, packedChunks, packRows, RowPacker, unpackRows } from '../../electron/core/services/packages/packed-rows';
import { fieldsOf } from '../../shared/census/dictionary';

const root = mkdtempSync(join(tmpdir(), 'hc-packed-rows-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

function sampleRow(n: number, text = ''): SqlValue[] {
  const fields = fieldsOf.person;
  const row: SqlValue[] = [`id-${n}`, '340102'];
  for (const f of fields) {
    if (f.type === 'integer' || f.type === 'year') row.push(n % 3 === 0 ? null : BigInt(n % 5 === 0 ? -(100_000_000_000_000 - n) : 100_000_000_000_000 - n));
    else if (f.type === 'boolean') row.push(n % 2 === 0 ? 1n : 0n);
    else row.push(n % 4 === 0 ? null : `王${n}\n"引号",逗号\\反斜杠\t\u0001 𠮷 ${f.key}${text}`);
  }
  row.push('乡镇表.xlsx', '人员', BigInt(n + 2), '录入员', '2026-12-01T00:00:00.000Z', '2026-12-02T00:00:00.000Z');
  return row;
}

describe('packed record rows', () => {
  it('give back every value of every row, BigInts included, however often they are read', () => {
    const rows = Array.from({ length: 50 }, (_, i) => sampleRow(i));
    const expected = rows.map((r) => [...r]);
    expect(rows[0]!.length).toBe(recordColumns('person').length);
    const source = unpackRows(structuredClone(packRows('person', rows)));
    expect(source.length).toBe(50);
    expect([...source]).toEqual(expected);
    expect([...source]).toEqual(expected);
  });

  it('counted, not kept: the rows are counted, nothing is written, and reading them is an error, not an empty table', () => {
    const packer = new RowPacker('person', 10 * 1024 * 1024, false);
    for (let i = 0; i < 40; i++) packer.add(sampleRow(i, 'x'.repeat(i * 100)));
    expect(packer.length).toBe(40);
    const done = packer.done();
    expect(done).toMatchObject({ length: 40, countedOnly: true, chunks: [] });
    expect(done.data.byteLength).toBe(0);
    // As it crosses from the worker
    const source = unpackRows(structuredClone(done));
    expect(source.length).toBe(40);
    expect(() => [...source]).toThrow('the 40 person rows were counted only');
  });

  it('an empty table is empty', () => {
    const source = unpackRows(packRows('unit', []));
    expect(source.length).toBe(0);
    expect([...source]).toEqual([]);
    expect(packedChunks(source.packed!)).toEqual([]);
  });

  it('are stored by SQLite exactly as the same rows bound one by one: values, types and order, across chunks', () => {
    // Rows of ~2 MB each, of texts over 64 KiB (a 4-byte size): chunks of a few rows
    const long = '中'.repeat(25_000);
    const rows = Array.from({ length: 12 }, (_, i) => sampleRow(11 - i, long));
    const packed = packRows('person', rows);
    const chunks = packedChunks(packed);
    expect(chunks.length).toBeGreaterThan(2);
    expect(chunks.every((c) => c.byteLength < CHUNK_BYTES * 1.5)).toBe(true);
    expect([...unpackRows(packed)]).toEqual(rows);
    const check = new Database(':memory:');
    // SQLite's strict check of JSONB holds every chunk valid (the sizes written in 4 bytes included)
    expect(chunks.map((c) => check.prepare('SELECT json_valid(?, 8)').pluck().get(Buffer.from(c)))).toEqual(chunks.map(() => 1));
    check.close();

    const stored = (file: string) => {
      const db = new Database(file, { readonly: true });
      try {
        const cols = recordColumns('person');
        return db.prepare(`SELECT ${cols.map((c) => `${c}, typeof(${c})`).join(', ')} FROM persons ORDER BY rowid`).raw().all() as unknown[][];
      } finally {
        db.close();
      }
    };
    const one = join(root, 'one.sqlite');
    const s1 = createStore(one);
    s1.tx(() => s1.packages.insertRecords('person', rows));
    s1.close();
    const two = join(root, 'two.sqlite');
    const s2 = createStore(two);
    let n = 0;
    s2.tx(() => {
      for (const c of chunks) n += s2.packages.insertPackedRecords('person', c);
    });
    s2.close();
    expect(n).toBe(12);
    const a = stored(one);
    expect(a.length).toBe(12);
    // The list's order, which is not the ids' order
    expect(a.map((r) => r[0])).toEqual(rows.map((r) => r[0]));
    expect(stored(two)).toEqual(a);
    expect(a.flat()).toContain('integer');
    expect(a.flat()).toContain('null');
  });

  it('write cells straight from CSV bytes at every size a JSONB header takes, quoted or not', () => {
    const sizes = [1, 11, 12, 255, 256, 65_535, 65_536, 200_000];
    const texts = sizes.map((n, i) => (i % 2 ? 'é' : 'a').repeat(i % 2 ? Math.ceil(n / 2) : n));
    const packer = new RowPacker('unit', 16);
    for (const t of texts) {
      // As the CSV holds it unquoted, then quoted with a doubled quote
      const plain = Buffer.from(t, 'utf8');
      const quoted = Buffer.from(`${t}""x`, 'utf8');
      packer.beginRow();
      packer.textBytes(plain, 0, plain.length, false);
      packer.textBytes(quoted, 0, quoted.length, true);
      packer.int(-123456789012345);
      packer.null();
      packer.endRow();
    }
    const packed = packer.done();
    const rows = [...unpackRows(packed)];
    expect(rows).toEqual(texts.map((t) => [t, `${t}"x`, -123456789012345, null]));
    const db = new Database(':memory:');
    try {
      for (const c of packedChunks(packed)) expect(db.prepare('SELECT json_valid(?, 8)').pluck().get(Buffer.from(c))).toBe(1);
      const back = packedChunks(packed).flatMap((c) => db.prepare('SELECT value ->> 0, value ->> 1, value ->> 2, value ->> 3 FROM jsonb_each(?)').raw().all(Buffer.from(c)));
      expect(back).toEqual(texts.map((t) => [t, `${t}"x`, -123456789012345, null]));
    } finally {
      db.close();
    }
  });
});
