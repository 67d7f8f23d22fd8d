/** `headcount import | template | export-data | error-report`, run in-process through main(). */
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { removeDir, tempDir } from '../fixtures/core';
import { csvRows, MESSY_ROWS, messyWorkbookSheets, writeBadFiles, writeCsv, writeXlsx, type BadFiles } from '../fixtures/township-returns';
import { runCli, sha256File } from '../fixtures/cli';

const run = runCli;

const sha = sha256File;

let dir: string;
let db: string;
let xlsx: string;
let csv: string;
let bad: BadFiles;

beforeAll(async () => {
  dir = tempDir('headcount-io-cli-');
  db = path.join(dir, 'census.sqlite');
  expect((await run('init', '--db', db, '--area', '110101', '--level', 'county', '--ref-date', '2026-12-31')).code).toBe(0);
  xlsx = await writeXlsx(path.join(dir, '东华门街道.xlsx'), messyWorkbookSheets());
  csv = writeCsv(path.join(dir, '景山街道.csv'), csvRows(), 'gbk');
  bad = await writeBadFiles(dir);
});
afterAll(() => removeDir(dir));

describe('headcount import', () => {
  it.each(['empty', 'text', 'truncated', 'encrypted', 'pdf'] as const)('refuses a %s file with exit 2, a Chinese message, and the database unchanged', async (kind) => {
    const before = sha(db);
    const r = await run('import', '--db', db, xlsx, bad[kind], '--json');
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/^错误：无法导入「.+」：/);
    expect(r.err).not.toMatch(/\n\s+at /);
    expect(r.out).toBe('');
    expect(sha(db)).toBe(before);
  });

  it('says a missing file is missing', async () => {
    const before = sha(db);
    const r = await run('import', '--db', db, path.join(dir, '没有这个.xlsx'));
    expect(r).toMatchObject({ code: 2, out: '' });
    expect(r.err).toContain('找不到文件');
    expect(sha(db)).toBe(before);
  });

  it('asks for files when none are given', async () => {
    const r = await run('import', '--db', db);
    expect(r.code).toBe(2);
    expect(r.err).toContain('请指定要导入的表格文件');
  });

  it('imports an xlsx and a GBK CSV and prints JSON per file', async () => {
    const r = await run('import', '--db', db, xlsx, csv, '--json');
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    const out = JSON.parse(r.out) as { files: Record<string, unknown>[]; added: number; updated: number };
    expect(out).toMatchObject({ added: 10, updated: 0 });
    expect(out.files[0]).toEqual({
      file: '东华门街道.xlsx', rowsRead: 12, added: 8, updated: 0, unchanged: 0,
      skipped: [
        { sheet: '人员', row: MESSY_ROWS.subtotal, reason: '合计行（小计）' },
        { sheet: '人员', row: MESSY_ROWS.total, reason: '合计行（合计）' },
        { sheet: '人员', row: MESSY_ROWS.notes, reason: '说明行' },
        { sheet: '单位', row: 4, reason: '合计行（总计）' },
      ],
      issues: [
        expect.objectContaining({ sheet: '人员', row: MESSY_ROWS.li, table: 'person', field: 'idNumber', rule: 'id_excel_number', severity: 'error' }),
        expect.objectContaining({ sheet: '人员', row: MESSY_ROWS.sun, table: 'person', field: 'idNumber', rule: 'id_checksum', severity: 'error' }),
      ],
      issueCounts: { error: 2, warning: 0 },
      unitsAdded: 0, unitsAddedNames: [], unmapped: [], derived: [], conflicts: [], held: 0,
    });
    expect(out.files[1]).toMatchObject({ file: '景山街道.csv', rowsRead: 4, added: 2, skipped: [{ sheet: null, row: 4, reason: '空行' }, { sheet: null, row: 5, reason: '合计行（合计）' }], issues: [] });
    // check shows the same issues with their source rows
    const check = await run('check', '--db', db);
    expect(check.code).toBe(1);
    expect(check.out).toContain(`（东华门街道.xlsx 人员 第${MESSY_ROWS.li}行）`);
  });

  it('re-imports the same file as unchanged, in text form', async () => {
    const r = await run('import', '--db', db, csv);
    expect(r.code).toBe(0);
    expect(r.out).toContain('景山街道.csv：读取 4 行，新增 0，更新 0，未变 2，跳过 2 行');
    expect(r.out).toContain('跳过 第5行：合计行（合计）');
  });
});

describe('headcount template / export-data / error-report', () => {
  it('writes the template to the named file', async () => {
    const out = path.join(dir, 'out', '模板.xlsx');
    const r = await run('template', '--db', db, '-o', out, '--township', '东华门街道');
    expect(r.code).toBe(0);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(out);
    expect(wb.worksheets.map((w) => w.name)).toEqual(['填表说明', '人员', '单位', '代码表']);
  });

  it('exports CSV with codes and xlsx with labels, leaving no temporary files', async () => {
    const c = path.join(dir, 'persons.csv');
    expect((await run('export-data', '--db', db, '--format', 'csv', '--codes', '-o', c)).code).toBe(0);
    const text = readFileSync(c, 'utf8');
    expect(text.charCodeAt(0)).toBe(0xfeff);
    expect(text.split('\r\n').filter(Boolean)).toHaveLength(1 + 8);
    const u = path.join(dir, 'units.csv');
    expect((await run('export-data', '--db', db, '--format', 'csv', '--table', 'unit', '-o', u)).code).toBe(0);
    expect(readFileSync(u, 'utf8')).toContain('社工机构');
    const x = path.join(dir, 'all.xlsx');
    const r = await run('export-data', '--db', db, '--format', 'xlsx', '-o', x);
    expect(r.out).toContain('已导出 10 条记录');
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it('refuses a bad --format without writing', async () => {
    const out = path.join(dir, 'x.json');
    const r = await run('export-data', '--db', db, '--format', 'json', '-o', out);
    expect(r.code).toBe(2);
    expect(r.err).toContain('--format');
    expect(existsSync(out)).toBe(false);
  });

  it('explains an output path it cannot write', async () => {
    writeFileSync(path.join(dir, 'blocker'), 'x');
    const r = await run('export-data', '--db', db, '--format', 'csv', '-o', path.join(dir, 'blocker', 'x.csv'));
    expect(r.code).toBe(2);
    expect(r.err).toContain('无法写入');
    expect(r.err).not.toContain('程序内部错误');
  });

  it('replaces an existing output file only once the new one is complete', async () => {
    const out = path.join(dir, 'again.csv');
    writeFileSync(out, 'old');
    expect((await run('export-data', '--db', db, '--format', 'csv', '-o', out)).code).toBe(0);
    expect(readFileSync(out, 'utf8')).toContain('记录编号');
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it('writes the error report for one file', async () => {
    const out = path.join(dir, 'report.xlsx');
    const r = await run('error-report', '--db', db, '--file', '东华门街道.xlsx', '-o', out);
    expect(r).toMatchObject({ code: 0 });
    expect(r.out).toContain('问题表共 2 条记录');
  });
});

describe('headcount import of real township returns', () => {
  it('reports per file the units it added and the values it could not map', async () => {
    const dir = tempDir();
    try {
      const { writeRealReturns, REAL_FILES } = await import('../fixtures/real-returns');
      const returns = await writeRealReturns(dir);
      const dbFile = path.join(dir, 'c.sqlite');
      expect((await run('init', '--db', dbFile, '--area', '110101', '--level', 'county', '--ref-date', '2026-12-31', '--name', '东城区民政局')).code).toBe(0);
      const r = await run('import', '--db', dbFile, returns.files.tidy, returns.files.messy, returns.files.csv, '--json');
      expect(r.err).toBe('');
      const out = JSON.parse(r.out) as { unitsAdded: number; files: { file: string; unitsAdded: number; unitsAddedNames: string[]; unmapped: { field: string; value: string; rows: number; spanReason?: string }[] }[] };
      expect(out.unitsAdded).toBe(13);
      const messy = out.files.find((f) => f.file === REAL_FILES.messy)!;
      expect(messy.unitsAdded).toBe(5);
      expect(messy.unitsAddedNames).toContain('三眼井社区居委会');
      expect(messy.unmapped).toContainEqual({ table: 'person', field: 'education', value: '高级中学毕业', rows: 8 });
      const tidy = out.files.find((f) => f.file === REAL_FILES.tidy)!;
      expect(tidy.unmapped).toContainEqual(expect.objectContaining({ field: 'education', value: '高中及以下', rows: 5, spanReason: expect.stringContaining('初中') }));
      // the words townships use every day are not among them
      const values = out.files.flatMap((f) => f.unmapped.map((u) => u.value));
      for (const v of ['普通高中', '中等专业学校', '初中及以下', '本科学历', '大专学历', '民盟', '普通群众', '初级社会工作师', '未持证', '初级职称', '为老服务', '禁毒戒毒', '残障康复', '社会服务机构', '街道办事处', '民办非企业单位'])
        expect(values).not.toContain(v);
    } finally {
      removeDir(dir);
    }
  });
});
