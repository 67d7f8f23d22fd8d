/**
 * Record rows cross from the package worker as one buffer of JSON lines: every value must come back
 * exactly, BigInts as BigInts, text with line breaks, quotes and Chinese intact, an empty table empty.
 */
import { describe, expect, it } from 'vitest';
import { recordColumns, type SqlValue } from '../../electron/core/db';
import { packRows, unpackRows } from '../../electron/core/services/packages/packed-rows';
import { fieldsOf } from '../../shared/census/dictionary';

function sampleRow(n: number): SqlValue[] {
  const fields = fieldsOf.person;
  const row: SqlValue[] = [`id-${n}`, '340102'];
  for (const f of fields) {
    if (f.type === 'integer' || f.type === 'year') row.push(n % 3 === 0 ? null : BigInt(100_000_000_000_000 - n));
    else if (f.type === 'boolean') row.push(n % 2 === 0 ? 1n : 0n);
    else row.push(n % 4 === 0 ? null : `王${n}\n"引号",逗号\\反斜杠 ${f.key}`);
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

  it('an empty table is empty', () => {
    const source = unpackRows(packRows('unit', []));
    expect(source.length).toBe(0);
    expect([...source]).toEqual([]);
  });
});
