/**
 * A return package's record cells come straight from the stored values (RecordRepo.packageRows, used by
 * the export), not through a RecordRow: they must be exactly what the package format's encodeCell
 * writes for the record as read (packageCellsOf), for every field type and every form a value is
 * stored in — lists, yes/no, numbers, the clerk's text in a number or yes/no column, blanks, text that
 * needs quoting — and the provenance with and without a source.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PackageCells } from '../../electron/core/db';
import { packageCellsOf } from '../../electron/core/services/packages';
import { fieldsOf, type FieldDef, type TableName } from '../../shared/census/dictionary';
import type { FieldValue, RecordData, RecordRow, Source } from '../../shared/census/schema';
import { DONGCHENG, openTestCore, type TestCore } from '../fixtures/core';

let t: TestCore;
beforeAll(async () => {
  t = await openTestCore();
  await t.call('census.setup', DONGCHENG);
});
afterAll(() => t.close());

/** The i-th variant of a value for one field: each type's stored forms in turn, blank among them */
function valueFor(f: FieldDef, i: number): FieldValue | undefined {
  const k = i % 5;
  if (k === 4) return null;
  switch (f.type) {
    case 'codes':
      return [['01', '03'], ['02'], [], ['01', '02', '04']][k]!;
    case 'boolean':
      return [true, false, '是', true][k]!;
    case 'integer':
      return [12, 0, '十二', 2000][k]!;
    case 'year':
      return [2020, 1985, '二〇二〇年', 2026][k]!;
    default:
      return ['社会工作,"督导"', '第一行\r\n第二行 😀', '', `值${i}`][k]!;
  }
}

const SOURCES: (Source | null)[] = [null, { file: '乡镇.xlsx', sheet: '人员', row: 7 }, { file: 'returns.csv', row: 12 }];

function rows(table: TableName, n: number): RecordRow[] {
  return Array.from({ length: n }, (_, i) => {
    const data: RecordData = {};
    for (const [j, f] of fieldsOf[table].entries()) {
      const v = valueFor(f, i + j);
      if (v !== undefined) data[f.key] = v;
    }
    return {
      id: `${table}-${String(i).padStart(3, '0')}`, areaCode: DONGCHENG.areaCode, data, source: SOURCES[i % 3]!,
      createdBy: '录入员', createdAt: `2026-12-01T00:00:${String(i % 60).padStart(2, '0')}.000Z`, updatedAt: '2026-12-02T00:00:00.000Z',
    };
  });
}

const copy = (c: PackageCells): PackageCells => ({ cells: [...c.cells], areaCode: c.areaCode, provenance: [...c.provenance] });

describe('package cells straight from the stored values', () => {
  it.each(['person', 'unit'] as const)('are what encodeCell writes for every %s field in every stored form', (table) => {
    const repo = t.core.ctx.store.records[table];
    repo.insertMany(rows(table, 40));
    // Copied as they come: the same object is refilled for each row
    const direct = Array.from(repo.packageRows(), copy);
    const viaRecords = [...repo.iterate()].map((r) => packageCellsOf(table, r));
    expect(direct.length).toBe(40);
    expect(direct).toEqual(viaRecords);
    // The forms above did reach the cells (not 40 blank rows agreeing with each other)
    const all = direct.flatMap((r) => r.cells);
    const types = new Set(fieldsOf[table].map((f) => f.type));
    const forms = [
      '第一行\r\n第二行 😀', '社会工作,"督导"',
      ...(types.has('codes') ? ['01,03'] : []),
      ...(types.has('boolean') ? ['true', 'false', '是'] : []),
      ...(types.has('integer') ? ['0', '十二'] : []),
    ];
    for (const text of forms) expect(all).toContain(text);
    expect(direct.map((r) => r.provenance.slice(0, 3))).toContainEqual(['', '', '']);
    expect(direct.map((r) => r.provenance.slice(0, 3))).toContainEqual(['乡镇.xlsx', '人员', '7']);
    expect(direct.map((r) => r.provenance.slice(0, 3))).toContainEqual(['returns.csv', '', '12']);
  });
});
