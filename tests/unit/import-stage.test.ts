/**
 * A file is parsed in a worker and its rows staged (io/stage.ts: header, mapping and every cell
 * normalised per the field dictionary) from plain data — the StageSpec the worker-era design still
 * hands over. What comes out must be what the main thread's own normaliser gives the same cells with
 * the census's own context (townships from the divisions, the clerk's value mappings): every field
 * type, clerk text that does not parse, full-width digits, Chinese dates, Excel numbers, blank and
 * whitespace-only cells; and the rows must survive the trip from the worker in batches unchanged.
 */
import path from 'node:path';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { stageFileIsolated } from '../../electron/core/worker/sheets';
import { townshipsOf } from '../../electron/core/services/io/places';
import { cleanCells } from '../../electron/core/services/io/guard';
import { openSpreadsheet, type SheetRow } from '../../electron/core/services/io/read';
import { storedValueMappings, valueMapper, VALUE_MAPPINGS_KEY } from '../../electron/core/services/io/value-mappings';
import { rememberedMappings } from '../../electron/core/services/io/remembered';
import type { StagedSheet, StageSpec } from '../../electron/core/services/io/stage';
import { fieldsOf, type FieldType, type TableName } from '../../shared/census/dictionary';
import { valueKey, type NormalizeContext } from '../../shared/census/normalize';
import { classifyRow, findHeaderRow, HEADER_SEARCH_ROWS, mapHeaders, normalizeRow, UNIT_CREDIT_CODE, UNIT_TYPE, type Cell } from '../../shared/io';
import { DONGCHENG, freshCensusEachTest, type TestCore } from '../fixtures/core';
import { excelNumber, makeCreditCode, makeIdNumber, writeCsv, writeXlsx, type FixtureCell } from '../fixtures/township-returns';

let t: TestCore;
freshCensusEachTest(DONGCHENG, (core) => (t = core));

const FW = (s: string) => s.replace(/[0-9A-Za-z\-.]/g, (c) => String.fromCharCode(c.charCodeAt(0) + 0xfee0));
const ID = makeIdNumber('19850315', 11);
const CODE = makeCreditCode('91110101MA01ABCDE');

/** Values a clerk's return holds, per field type: good, full-width, Chinese, Excel's numbers, nonsense and blanks */
const SAMPLES: Record<FieldType, FixtureCell[]> = {
  text: ['张三', ` ${FW('ABC123')} `, '', '　', 'Ｏ\'Brien', null, '李\u00a0四'],
  code: ['大学本科', '普高毕业', '养猫', FW('20'), '20', '', null, '本科学历'],
  codes: ['社区治理、养猫', '社区治理，老年人服务', '', '养猫；养狗', null, '普高毕业'],
  date: ['1985年3月', '1985年03月15日', '1985.03', 1985.03, 33055, '不详', FW('2020-07-01'), '', null, '二〇二〇年七月', '2020/7/1'],
  year: [FW('2020'), '2020年', '十二', 2020, '', null, '20'],
  integer: [FW('12'), '十二', 12, '12.0', '', null, '-3', '1,200'],
  boolean: ['是', '否', '也许', 'Y', '', null, '√'],
  idNumber: [ID, FW(ID), excelNumber(ID), ID.toLowerCase(), '', null, '护照E1234567'],
  creditCode: [CODE, CODE.toLowerCase(), FW(CODE), '', null, '无'],
  phone: [FW('13800138000'), '010-12345678', 'abc', 13800138000, '', null],
  township: ['东华门街道', '东华门', '110101001', '110101001000', '不存在街道', '', null, ' 景山街道 '],
  unitRef: ['甲单位', '', null, FW('乙单位'), CODE],
};

function sheetRows(table: TableName, rows: number): { header: string[]; rows: FixtureCell[][] } {
  const fields = fieldsOf[table];
  const header = [...fields.map((f) => f.label), ...(table === 'person' ? ['统一社会信用代码', '单位类型'] : [])];
  const out: FixtureCell[][] = [];
  for (let i = 0; i < rows; i++) {
    const row: FixtureCell[] = fields.map((f, k) => {
      const s = SAMPLES[f.type];
      return s[(i + k) % s.length]!;
    });
    if (table === 'person') row.push(i % 3 === 0 ? CODE : '', ['社工机构', '小卖部', '', null][i % 4]!);
    out.push(row);
  }
  // A name with control characters (cleaned and noted) and a cell escaped against formulas
  out[1]![0] = '王\u0007五';
  out[2]![0] = "'=1+1";
  return { header, rows: out };
}

/** The census's context as the main thread builds it, and the same as plain data (StageSpec) */
function contexts(): { main: NormalizeContext; spec: StageSpec } {
  const ctx = t.core.ctx;
  const towns = townshipsOf(ctx);
  const values = storedValueMappings(ctx);
  return {
    main: { resolveTownship: (s) => towns.resolve(s), mapValue: valueMapper(values) },
    spec: { remembered: rememberedMappings(ctx), choices: [], townships: towns.index, values },
  };
}

/** The main thread's own reading: raw cells, header, mapping, and normalizeRow with the census's context */
async function expected(file: string, main: NormalizeContext) {
  const out: { sheet: string | null; rows: unknown[] }[] = [];
  for await (const sheet of openSpreadsheet({ name: path.basename(file), data: readFileSync(file) }).sheets) {
    const all: SheetRow[] = [];
    for await (const r of sheet.rows) all.push(r);
    const found = findHeaderRow(all.slice(0, HEADER_SEARCH_ROWS).map((r) => r.cells))!;
    const columns = mapHeaders(found.table, all[found.index]!.cells);
    const rows: unknown[] = [];
    for (const r of all.slice(found.index + 1)) {
      const notes = cleanCells(r.cells, columns);
      if (classifyRow(r.cells, columns).kind !== 'data') continue;
      const n = normalizeRow(found.table, r.cells as Cell[], columns.filter((c) => c.field), main);
      rows.push({ table: found.table, sheet: sheet.name, row: r.number, data: n.data, unitRef: n.unitRef, ...(notes ? { notes } : {}) });
    }
    out.push({ sheet: sheet.name, rows });
  }
  return out;
}

async function staged(file: string, spec: StageSpec, inProcess = false) {
  const before = process.env.HEADCOUNT_PARSE_IN_PROCESS;
  if (inProcess) process.env.HEADCOUNT_PARSE_IN_PROCESS = '1';
  try {
    return await stageFileIsolated({ name: path.basename(file), data: readFileSync(file) }, spec);
  } finally {
    if (before === undefined) delete process.env.HEADCOUNT_PARSE_IN_PROCESS;
    else process.env.HEADCOUNT_PARSE_IN_PROCESS = before;
  }
}

describe('rows read through the parsing worker and staged', () => {
  it('equal the main thread normaliser’s for every field type, in an xlsx and a GBK csv, with the clerk’s value mappings', async () => {
    // A clerk mapped 普高毕业 to 普通高级中学 once: the staged rows must read it that way too.
    t.core.ctx.store.meta.set(VALUE_MAPPINGS_KEY, { person: { education: { [valueKey('普高毕业')]: { value: '普高毕业', code: '60' } } } });
    const persons = sheetRows('person', 40);
    const units = sheetRows('unit', 20);
    const xlsx = await writeXlsx(path.join(t.dir, 'returns.xlsx'), [
      { name: '人员', rows: [['东城区统计表'], persons.header, ...persons.rows] },
      { name: '单位', rows: [units.header, ...units.rows] },
    ]);
    const csv = writeCsv(path.join(t.dir, 'persons.csv'), [persons.header, ...persons.rows], 'gbk');
    const { main, spec } = contexts();
    for (const file of [xlsx, csv]) {
      const got = await staged(file, spec);
      const want = await expected(file, main);
      expect(got.sheets.map((s) => ({ sheet: s.name, rows: s.rows }))).toStrictEqual(want);
      // The same parse on this thread (workers off) gives the same file, sheet for sheet.
      expect(await staged(file, spec, true)).toStrictEqual(got);
    }
    // The samples reached every field type and the context was used, not just carried.
    const got = await staged(xlsx, spec);
    const p = got.sheets[0]!;
    const typesOf = (table: TableName, s: StagedSheet) => new Set(s.columns.flatMap((c) => fieldsOf[table].filter((f) => f.key === c.field).map((f) => f.type)));
    expect([...new Set([...typesOf('person', p), ...typesOf('unit', got.sheets[1]!)])].sort()).toEqual(Object.keys(SAMPLES).sort());
    expect(p.columns.map((c) => c.field)).toEqual(expect.arrayContaining([UNIT_CREDIT_CODE, UNIT_TYPE]));
    const all = (key: string) => p.rows.map((r) => r.data[key]);
    expect(all('education')).toContain('60');
    expect(all('education')).toContain('养猫');
    expect(all('township')).toEqual(expect.arrayContaining(['110101001', null]));
    expect(all('township').filter((v) => typeof v === 'string' && /^\d{9}$/.test(v)).length).toBeGreaterThan(5);
    expect(all('birthDate')).toEqual(expect.arrayContaining(['1985-03-15']));
    expect(all('idNumber')).toContain(ID);
    expect(all('name').slice(1, 3)).toEqual(['王五', '=1+1']);
    // The csv keeps the control character the xlsx writer dropped: cleaned, and noted on its row.
    expect((await staged(csv, spec)).sheets[0]!.rows[1]!.notes).toEqual([expect.objectContaining({ field: 'name', rule: 'control_chars_removed' })]);
  });

  it('arrive whole and in order across many batches and sheets, a skipped sheet between them', async () => {
    // 1,300 persons and 700 units are several of the worker's 512-row batches each; the instructions
    // sheet between them is drained, not staged; a data row after 3,000 blank-looking rows ends the persons.
    const persons = sheetRows('person', 1300);
    const units = sheetRows('unit', 700);
    const blanks: FixtureCell[][] = Array.from({ length: 3000 }, () => ['　']);
    const xlsx = await writeXlsx(path.join(t.dir, 'big.xlsx'), [
      { name: '人员', rows: [persons.header, ...persons.rows, ...blanks, persons.rows[5]!] },
      { name: '填表说明', rows: [['姓名', '证件号码'], ['按身份证填写', '18 位']] },
      { name: '单位', rows: [units.header, ...units.rows] },
    ]);
    const { spec } = contexts();
    const got = await staged(xlsx, spec);
    expect(got.sheets.map((s) => [s.name, s.table, s.rows.length, s.rowsRead, s.skippedTotal])).toEqual([
      ['人员', 'person', 1301, 4301, 3000],
      ['填表说明', null, 0, 0, 0],
      ['单位', 'unit', 700, 700, 0],
    ]);
    const p = got.sheets[0]!;
    expect(p.rows.map((r) => r.row)).toEqual([...Array.from({ length: 1300 }, (_, i) => i + 2), 4302]);
    expect(p.skipped).toEqual([{ sheet: '人员', row: 1302, toRow: 4301, kind: 'blank', reason: '空行' }]);
    expect(p.rows[1300]!.data).toStrictEqual(p.rows[5]!.data);
    expect(got.sheets[2]!.rows.at(-1)!.row).toBe(701);
    expect(await staged(xlsx, spec, true)).toStrictEqual(got);
  });
});
