/**
 * The Excel export read back: one sheet per table whose every number equals the JSON's, stored as a
 * number with the right format (rates as 0.0%), with the title, area, reference date, notes,
 * two-row headers, borders, frozen panes, A4 landscape page setup and the sign-off lines.
 */
import { formatValue } from '../../shared/reports/format';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ReportSet } from '../../shared/reports/schema';
import { layoutOf } from '../../electron/core/services/reports/xlsx';
import { DONGCHENG, openTestCore, removeDir, type TestCore } from '../fixtures/core';

let t: TestCore;
let set: ReportSet;
let wb: ExcelJS.Workbook;
let fileName: string;

beforeAll(async () => {
  t = await openTestCore();
  await t.call('census.setup', DONGCHENG);
  await t.call('census.demo', { persons: 600, units: 50, seed: 3 });
  await t.call('reports.population.set', { entries: [{ code: '110101', population: 708_829 }, { code: '110101001', population: 30_000 }] });
  await t.call('reports.targets.set', { targets: { totalTalents: 1000, certified: 400, certRate: 0.5, perMille: 1.2, trainingRate: 0.6 } });
  set = await t.call('reports.tables', {});
  const file = await t.call('reports.export', { head: '赵六', reportDate: '2026-11-20' });
  fileName = file.fileName;
  wb = new ExcelJS.Workbook();
  await wb.xlsx.load(Buffer.from(file.dataBase64, 'base64') as unknown as ArrayBuffer);
});
afterAll(() => {
  t.close();
  removeDir(t.dir);
});

const text = (v: ExcelJS.CellValue): string => (v === null || v === undefined ? '' : String(v));
/** The texts of a row, each merged range once */
function rowTexts(ws: ExcelJS.Worksheet, r: number): string[] {
  const out: string[] = [];
  ws.getRow(r).eachCell((cell) => {
    if (cell.master.address === cell.address && text(cell.value) !== '') out.push(text(cell.value));
  });
  return out;
}

describe('the exported workbook', () => {
  it('has one sheet per table, named 表1…表5, and a file name with area and reference date', () => {
    expect(wb.worksheets.map((w) => w.name)).toEqual(['表1', '表2', '表3', '表4', '表5']);
    expect(fileName).toBe('北京市东城区_社会工作专业人才汇总表_2026-12-31.xlsx');
  });

  it('holds every value of the JSON as a number in the same place, rates formatted 0.0%', () => {
    let numbers = 0;
    set.tables.forEach((table, k) => {
      const ws = wb.worksheets[k]!;
      const L = layoutOf(table);
      table.rows.forEach((row, i) => {
        const r = L.firstDataRow + i;
        const label = text(ws.getCell(r, L.stubColumns).value);
        expect(label, `${table.id} row ${i}`).toBe(row.label);
        row.values.forEach((v, j) => {
          const cell = ws.getCell(r, L.stubColumns + 1 + j);
          if (v === null) expect(cell.value, `${table.id} ${row.label} ${j}`).toBeNull();
          else if (table.columns[j]!.format === 'progress') expect(cell.value).toBe(formatValue(v, 'progress'));
          else {
            expect(typeof cell.value).toBe('number');
            expect(cell.value, `${table.id} ${row.label} ${table.columns[j]!.label}`).toBe(v);
            numbers++;
          }
          const fmt = { integer: '#,##0;-#,##0;0', percent: '0.0%', permille: '0.00', decimal: '0.00', year: '0', progress: '@' }[table.columns[j]!.format];
          expect(cell.numFmt).toBe(fmt);
        });
      });
      // Nothing after the body but the sign-off lines
      expect(text(ws.getCell(L.firstDataRow + table.rows.length, 1).value)).toBe('');
    });
    expect(numbers).toBeGreaterThan(500);
  });

  it('states title, area, reference date, unit notes and pending duplicates above the table', () => {
    set.tables.forEach((table, k) => {
      const ws = wb.worksheets[k]!;
      expect(ws.getCell(1, 1).value).toBe(table.title);
      expect(rowTexts(ws, 2)).toEqual(['填报地区：北京市 / 东城区（110101）', '统计时点：2026-12-31']);
      table.notes.forEach((n, i) => expect(ws.getCell(3 + i, 1).value).toBe(n));
      expect(table.notes.join()).toContain('无待核定的跨地区重复人员');
    });
  });

  it('puts column groups over their labels in two header rows', () => {
    const ws = wb.worksheets[0]!;
    const L = layoutOf(set.tables[0]!);
    const [h1, h2] = L.headerRows;
    expect(ws.getCell(h1, 1).value).toBe('地区');
    expect(ws.getCell(h1, 2).value).toBe('人员总数');
    expect(ws.getCell(h2, 2).isMerged).toBe(true);
    expect(ws.getCell(h1, 3).value).toBe('持证人数');
    expect([3, 4, 5, 6].map((c) => ws.getCell(h2, c).value)).toEqual(['合计', '助理社会工作师', '社会工作师', '高级社会工作师']);
    expect(ws.getCell(h1, 6).master.address).toBe(ws.getCell(h1, 3).address);
    const t4 = wb.worksheets[3]!;
    const L4 = layoutOf(set.tables[3]!);
    expect(L4.stubColumns).toBe(2);
    expect(t4.getCell(L4.firstDataRow + 1, 1).value).toBe('年龄');
    expect(t4.getCell(L4.firstDataRow + 2, 1).master.address).toBe(t4.getCell(L4.firstDataRow + 1, 1).address);
  });

  it('draws borders, freezes the header and stub, and prints A4 landscape one page wide', () => {
    set.tables.forEach((table, k) => {
      const ws = wb.worksheets[k]!;
      const L = layoutOf(table);
      expect(ws.views[0]).toMatchObject({ state: 'frozen', xSplit: L.stubColumns, ySplit: L.headerRows[1] });
      expect(ws.pageSetup).toMatchObject({ orientation: 'landscape', paperSize: 9, fitToPage: true, fitToWidth: 1, fitToHeight: table.rows.length <= 40 ? 1 : 0 });
      const body = ws.getCell(L.firstDataRow, L.stubColumns + 1);
      expect(body.border?.top?.style).toBe('thin');
      expect(body.border?.right?.style).toBe('thin');
      expect(ws.getCell(L.headerRows[0], 1).border?.left?.style).toBe('thin');
    });
  });

  it('ends with the 填报单位 / 负责人 / 填表人 / 报出日期 lines', () => {
    set.tables.forEach((table, k) => {
      const ws = wb.worksheets[k]!;
      const L = layoutOf(table);
      const after: string[] = [];
      for (let r = L.firstDataRow + table.rows.length; r <= ws.rowCount; r++) after.push(...rowTexts(ws, r));
      expect(after).toEqual(['填报单位：东城区民政局', '负责人：赵六', '填表人：李四', '报出日期：2026-11-20']);
    });
  });

  it('remembers the head for the next export', async () => {
    const again = await t.call('reports.export', {});
    const wb2 = new ExcelJS.Workbook();
    await wb2.xlsx.load(Buffer.from(again.dataBase64, 'base64') as unknown as ArrayBuffer);
    const ws = wb2.worksheets[0]!;
    const all = [];
    for (let r = 1; r <= ws.rowCount; r++) all.push(...rowTexts(ws, r));
    expect(all).toContain('负责人：赵六');
  });
});
