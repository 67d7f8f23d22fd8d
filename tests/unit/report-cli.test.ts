/**
 * `headcount report`: the JSON the issue specifies, the text tables, the workbook written with -o
 * (read back and compared with the JSON), and one-line Chinese errors that write nothing.
 */
import { formatValue } from '../../shared/reports/format';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { layoutOf } from '../../electron/core/services/reports/xlsx';
import { removeDir, tempDir } from '../fixtures/core';
import { runCli } from '../fixtures/cli';

const run = runCli;

interface JsonTable {
  id: string;
  title: string;
  columns: { key: string; title: string; label: string; group: string | null; format: 'integer' | 'percent' | 'permille' | 'decimal' | 'year' | 'progress' }[];
  notes: string[];
  rows: { label: string; section: string | null; values: (number | null)[] }[];
}

let dir: string;
let db: string;
beforeAll(async () => {
  dir = tempDir('headcount-report-cli-');
  db = path.join(dir, 'c.sqlite');
  expect((await run('init', '--db', db, '--area', '640104', '--level', 'county', '--ref-date', '2026-12-31', '--name', '兴庆区民政局')).code).toBe(0);
  expect((await run('demo', '--db', db, '--persons', '800', '--units', '60', '--seed', '5')).code).toBe(0);
});
afterAll(() => removeDir(dir));

describe('headcount report', () => {
  it('prints the JSON shape of the issue: tables with columns and rows, and the pending duplicates', async () => {
    const r = await run('report', '--db', db, '--json');
    expect(r).toMatchObject({ code: 0, err: '' });
    const json = JSON.parse(r.out) as { tables: JsonTable[]; pending_duplicates: number };
    expect(json.pending_duplicates).toBe(0);
    expect(json.tables.map((t) => t.id)).toEqual(['T1', 'T2', 'T3', 'T4', 'T5']);
    for (const t of json.tables) {
      expect(t.title).toMatch(/^表\d /);
      for (const row of t.rows) {
        expect(typeof row.label).toBe('string');
        expect(row.values).toHaveLength(t.columns.length);
      }
    }
    const t1 = json.tables[0]!;
    expect(t1.rows[0]!.label).toBe('兴庆区');
    expect(t1.rows[0]!.values[0]).toBe(800);
    expect(t1.columns.map((c) => c.label).slice(0, 2)).toEqual(['人员总数', '合计']);
    // The policy indicators travel in the JSON: 社区工作者持证率 = community holders ÷ community workers, recomputed
    const rateAt = t1.columns.findIndex((c) => c.title.includes('社区工作者') && c.title.includes('持证率'));
    expect(rateAt).toBeGreaterThan(0);
    const at = (key: string) => t1.rows[0]!.values[t1.columns.findIndex((c) => c.key === key)]!;
    expect(at('communityWorkers')).toBeGreaterThan(0);
    expect(t1.rows[0]!.values[rateAt]).toBeCloseTo(at('communityHolders') / at('communityWorkers'), 12);
    const t5 = json.tables.find((t) => t.id === 'T5')!;
    for (const key of ['trainingScope', 'trained', 'townships', 'coveredTownships', 'stationCoverage', 'perStation', 'progressPersons', 'deadlineHolders'])
      expect(t5.columns.map((c) => c.key)).toContain(key);
  });

  it('prints readable tables by default', async () => {
    const r = await run('report', '--db', db);
    expect(r.code).toBe(0);
    expect(r.out).toContain('表1 社会工作专业人才总体情况');
    expect(r.out).toContain('表5 培训、人口比例、社工站覆盖与目标完成情况');
    expect(r.out).toMatch(/兴庆区\s+800\s/);
    expect(r.out).toMatch(/\d+\.\d%/);
  });

  it('writes the workbook with -o, holding the same numbers as the JSON', async () => {
    const out = path.join(dir, '汇总表.xlsx');
    const r = await run('report', '--db', db, '--json', '-o', out);
    expect(r.code).toBe(0);
    const json = JSON.parse(r.out) as { tables: JsonTable[] };
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(readFileSync(out) as unknown as ArrayBuffer);
    let compared = 0;
    json.tables.forEach((t, k) => {
      const ws = wb.worksheets[k]!;
      expect(ws.getCell(1, 1).value).toBe(t.title);
      const L = layoutOf(t);
      t.rows.forEach((row, i) => {
        expect(ws.getCell(L.firstDataRow + i, L.stubColumns).value).toBe(row.label);
        row.values.forEach((v, j) => {
          // 进度 is written as its words (已达成 …), the JSON keeps the code
          const shown = t.columns[j]!.format === 'progress' && v !== null ? formatValue(v, 'progress') : v;
          expect(ws.getCell(L.firstDataRow + i, L.stubColumns + 1 + j).value ?? null).toBe(shown);
          compared++;
        });
      });
    });
    expect(compared).toBeGreaterThan(400);
  });

  it.each([
    [['report'], '缺少参数 --db'],
    [['report', '--db', 'nowhere.sqlite'], '找不到数据库文件'],
    [['report', '--db', 'x.sqlite', '-o', 'out.pdf'], '.xlsx'],
    [['report', '--db', 'x.sqlite', '--csv'], '不认识的参数'],
  ])('%j fails with a one-line message', async (argv, message) => {
    const r = await run(...argv);
    expect(r.code).toBe(2);
    expect(r.err).toContain(message);
    expect(r.err).not.toMatch(/\n\s+at /);
  });

  it('writes nothing when the output folder does not exist', async () => {
    const out = path.join(dir, 'missing', 'out.xlsx');
    const r = await run('report', '--db', db, '-o', out);
    expect(r.code).toBe(2);
    expect(r.err).toContain('无法写入文件');
    expect(existsSync(out)).toBe(false);
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it('says a database without a census has nothing to report', async () => {
    const empty = path.join(dir, 'empty.sqlite');
    const { createStore } = await import('../../electron/core/db');
    createStore(empty).close();
    const r = await run('report', '--db', empty);
    expect(r.code).toBe(2);
    expect(r.err).toContain('尚未建立统计调查');
  });
});
