/**
 * Nothing silently corrupted or lost on import: Chinese text in a large workbook read cell for cell
 * (characters straddle every inflate chunk), sheet names from the workbook's own list whatever the
 * part order, CSV with CRLF/LF/CR mixed, GBK behind a UTF-8 BOM, data under no header, control
 * characters and U+FFFD. Every file is written by tests/fixtures/hostile-files.ts into a temp dir.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import iconv from 'iconv-lite';
import { readCsv, readXlsx } from '../../electron/core/services/io/read';
import type { Cell } from '../../shared/io';
import { runCli, sha256File } from '../fixtures/cli';
import { DONGCHENG, keptBytes, openTestCore, removeDir, tempDir, type TestCore } from '../fixtures/core';
import { gbkBehindUtf8Bom, mixedLineEndingsCsv, sheetsFirst, writeCjkWorkbook } from '../fixtures/hostile-files';
import { makeIdNumber, writeXlsx } from '../fixtures/township-returns';

let dir: string;
beforeAll(() => {
  dir = tempDir('headcount-decoding-');
});
afterAll(() => removeDir(dir));

async function readAll(file: string): Promise<{ name: string; rows: Cell[][] }[]> {
  const out: { name: string; rows: Cell[][] }[] = [];
  for await (const s of readXlsx({ name: path.basename(file), data: readFileSync(file) })) {
    const rows: Cell[][] = [];
    for await (const r of s.rows) rows.push(r.cells);
    out.push({ name: s.name!, rows });
  }
  return out;
}

const fffd = (rows: Cell[][]) => rows.reduce((n, r) => n + r.filter((c) => typeof c === 'string' && c.includes('\uFFFD')).length, 0);

describe('a 50,000-row workbook of Chinese text', () => {
  const N = 50_000;
  it.each([['shared strings', true], ['inline strings', false]] as const)('is read back cell for cell with %s, no U+FFFD anywhere', async (_, shared) => {
    const file = path.join(dir, `cjk-${shared ? 's' : 'i'}.xlsx`);
    const written = await writeCjkWorkbook(file, N, { sharedStrings: shared });
    const [sheet] = await readAll(file);
    expect(sheet!.name).toBe('人员信息');
    expect(sheet!.rows).toHaveLength(N + 1);
    expect(fffd(sheet!.rows)).toBe(0);
    const mismatches = sheet!.rows.filter((r, i) => written[i]!.some((w, j) => (r[j] ?? '') !== w)).length;
    expect(mismatches).toBe(0);
  });

  it('round-trips through the CLI: import into an empty county, export as xlsx, every name as written', async () => {
    const file = path.join(dir, 'cjk-roundtrip.xlsx');
    const written = await writeCjkWorkbook(file, N, { sharedStrings: true, seed: 11 });
    const db = path.join(dir, 'roundtrip.sqlite');
    expect((await runCli('init', '--db', db, '--area', '110101', '--level', 'county', '--ref-date', '2026-12-31')).code).toBe(0);
    const imp = await runCli('import', '--db', db, file, '--json');
    expect(imp.err).toBe('');
    expect(JSON.parse(imp.out).added).toBe(N);
    const out = path.join(dir, 'export.xlsx');
    expect((await runCli('export-data', '--db', db, '--format', 'xlsx', '-o', out)).code).toBe(0);
    const sheets = await readAll(out);
    const persons = sheets.find((s) => s.rows[0]?.includes('姓名'))!;
    const col = persons.rows[0]!.indexOf('姓名');
    const names = persons.rows.slice(1).map((r) => r[col]);
    expect(names).toHaveLength(N);
    expect(names.filter((n) => typeof n !== 'string' || n.includes('\uFFFD'))).toEqual([]);
    expect([...names].sort()).toEqual(written.slice(1).map((r) => r[0]).sort());
  });
});

describe('sheet names', () => {
  it('come from the workbook’s own list and order when the sheets are stored before it (WPS, openpyxl)', async () => {
    const id = makeIdNumber('1985-03-15', 11);
    const base = await writeXlsx(path.join(dir, 'base.xlsx'), [
      { name: '填表说明', rows: [['请按下表填写']] },
      { name: '人员信息', rows: [['姓名', '证件号码'], ['张三', id], ['李四', '110105194912310021']] },
    ]);
    const file = path.join(dir, 'wps.xlsx');
    writeFileSync(file, await sheetsFirst(readFileSync(base)));
    expect((await readAll(file)).map((s) => s.name)).toEqual(['填表说明', '人员信息']);

    const t = await openTestCore();
    try {
      await t.call('census.setup', DONGCHENG);
      const p = await t.call('io.import.preview', { files: [{ name: 'wps.xlsx', dataBase64: readFileSync(file).toString('base64') }] });
      const f = p.files[0]!;
      expect(f.sheets.map((s) => s.sheet)).toEqual(['填表说明', '人员信息']);
      expect(f.sheets[1]).toMatchObject({ table: 'person', toAdd: 2 });
      expect(f.issues.find((i) => i.rule === 'id_checksum')).toMatchObject({ sheet: '人员信息', row: 3 });
      await t.call('io.import.commit', { importId: p.importId });
      const report = await t.call('io.errorReport', {});
      const wb = new ExcelJS.Workbook();
      await wb.xlsx.load((await keptBytes(t, report)) as unknown as ArrayBuffer);
      const text = wb.worksheets.map((ws) => ws.getSheetValues().flat().join('|')).join('|');
      expect(text).toContain('人员信息');
      expect(text).not.toContain('Sheet1');
    } finally {
      t.close();
      removeDir(t.dir);
    }
  });
});

describe('CSV and text', () => {
  let t: TestCore;
  beforeAll(async () => {
    t = await openTestCore();
    await t.call('census.setup', DONGCHENG);
  });
  afterAll(() => {
    t.close();
    removeDir(t.dir);
  });
  const preview = (name: string, data: Buffer) => t.call('io.import.preview', { files: [{ name, dataBase64: data.toString('base64') }] });

  it('reads every row of a CSV whose lines end in CRLF, LF and CR by turns, each cell in its own column', async () => {
    const { data, names } = mixedLineEndingsCsv();
    const p = await preview('mixed.csv', data);
    const f = p.files[0]!;
    expect(f).toMatchObject({ rowsRead: 3, toAdd: 3 });
    const r = await t.call('io.import.commit', { importId: p.importId });
    expect(r.added).toBe(3);
    for (const n of names) {
      const found = await t.call('persons.list', { search: n });
      expect(found.total, n).toBe(1);
      expect(String(found.rows[0]!.data.township ?? '')).not.toMatch(/[张李王]/);
    }
  });

  it('reads every row of a long GBK CSV once and in order while the reader pauses and resumes (many rows to a 64 KiB slice)', async () => {
    // Short rows: each slice of bytes holds thousands, far more than the reader lets wait, so it
    // stops feeding the parser and resumes hundreds of times; a quoted cell with a line break in it and
    // line endings changing from row to row land on slice boundaries somewhere among them.
    const N = 40_000;
    const rows: string[][] = [];
    let text = '';
    for (let i = 1; i <= N; i++) {
      const row = i % 997 === 0 ? [`张${i}`, `第一行\n第二行${i}`, ''] : [`李${i}`, String(i), i % 3 === 0 ? '' : '社工'];
      rows.push(row);
      text += row.map((c) => (c.includes('\n') ? `"${c}"` : c)).join(',') + (i % 7 === 0 ? '\n' : i % 11 === 0 ? '\r' : '\r\n');
    }
    const data = iconv.encode(text, 'gbk');
    expect(data.length).toBeGreaterThan(8 * 64 * 1024);
    const { encoding, sheet } = readCsv({ name: 'long.csv', data });
    expect(encoding).toBe('gb18030');
    const read: { number: number; cells: Cell[] }[] = [];
    for await (const r of sheet.rows) read.push({ number: r.number, cells: [...r.cells] });
    expect(read.length).toBe(N);
    read.forEach((r, i) => {
      expect(r.number).toBe(i + 1);
      expect(r.cells).toEqual(rows[i]!.map((c) => (c === '' ? null : c)));
    });
  });

  it('reads GBK text behind a UTF-8 BOM as GBK, names and all, and says so', async () => {
    const rows = [['姓名', '证件号码', '性别'], ['周九', makeIdNumber('1987-12-01', 71), '男'], ['吴十', makeIdNumber('1995-05-05', 82), '女'], ['郑十一', makeIdNumber('1991-02-03', 93), '男']];
    const p = await preview('gbk-bom.csv', gbkBehindUtf8Bom(rows));
    const f = p.files[0]!;
    expect(f.encoding).toBe('gb18030-bom');
    expect(f.sheets[0]!.columns.find((c) => c.header === '姓名')?.field).toBe('name');
    expect(f.toAdd).toBe(3);
    expect(f.issues.filter((i) => i.field === 'name')).toEqual([]);
  });

  it('refuses a file whose BOM says UTF-8 but whose text is neither UTF-8 nor GBK, changing nothing', async () => {
    const before = (await t.call('persons.list', { limit: 10 })).total;
    const data = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('姓名,证件号码\r\n', 'utf8'), Buffer.from([0xff, 0xfe, 0x81, 0x20, 0x0d, 0x0a])]);
    const e = await t.fail('io.import.preview', { files: [{ name: 'bad-bom.csv', dataBase64: data.toString('base64') }] });
    expect(e.code).toBe('invalid_file');
    expect(e.message).toContain('既不是有效的 UTF-8 也不是 GBK');
    expect((await t.call('persons.list', { limit: 10 })).total).toBe(before);
  });

  it('refuses a CSV whose quote is never closed, naming the line, instead of merging the people after it into one cell', async () => {
    const before = (await t.call('persons.list', { limit: 10 })).total;
    const id = (n: number) => makeIdNumber('1990-01-01', n);
    const people = [['张三', id(1)], ['"李四', id(2)], ['王五', id(3)], ['赵六', id(4)]];
    const csv = `姓名,证件号码\r\n${people.map((p) => p.join(',')).join('\r\n')}\r\n`;
    const e = await t.fail('io.import.preview', { files: [{ name: 'quote.csv', dataBase64: Buffer.from(csv, 'utf8').toString('base64') }] });
    expect(e.code).toBe('invalid_file');
    expect(e.message).toBe('无法导入「quote.csv」：第 3 行有一个引号（"）没有配对，从它到文件末尾的 3 行会被并成一格。请用记事本或 Excel 打开，删去或补全这个引号后再导入');
    expect((await t.call('persons.list', { limit: 10 })).total).toBe(before);
    // Quotes used the CSV way still read as before: a cell with a line break, a quote doubled inside one.
    const ok = `姓名,证件号码,备注\r\n孙八,${id(5)},"住址：\r\n东城区"\r\n周九,${id(6)},"他说""你好"""\r\n`;
    const p = await preview('ok.csv', Buffer.from(ok, 'utf8'));
    expect(p.files[0]).toMatchObject({ rowsRead: 2, toAdd: 2 });
    const cells: Cell[][] = [];
    for await (const r of readCsv({ name: 'ok.csv', data: Buffer.from(ok, 'utf8') }).sheet.rows) cells.push([...r.cells]);
    expect(cells.map((c) => c[2])).toEqual(['备注', '住址：\n东城区', '他说"你好"']);
  });

  it('counts the data under a blank header between two headed columns, and under none after them', async () => {
    const csv = `姓名,,证件号码\r\n赵六,13700002222,${makeIdNumber('1988-07-20', 41)},x\r\n钱七,,${makeIdNumber('1992-11-05', 42)},y\r\n`;
    const p = await preview('gap.csv', Buffer.from(csv, 'utf8'));
    const cols = p.files[0]!.sheets[0]!.columns;
    expect(cols.find((c) => c.index === 1)).toMatchObject({ field: null, how: 'none', header: '（第B列，无列名，1 行有内容）' });
    expect(cols.find((c) => c.index === 3)).toMatchObject({ field: null, how: 'none', header: '（第D列，无列名，2 行有内容）' });
  });

  it('shows a column that has data but no header in the preview, and the clerk can map it', async () => {
    const id = makeIdNumber('1988-07-20', 41);
    const csv = `姓名,证件号码,\r\n赵六,${id},13700002222\r\n`;
    const p = await preview('headless.csv', Buffer.from(csv, 'utf8'));
    const cols = p.files[0]!.sheets[0]!.columns;
    const extra = cols.find((c) => c.index === 2);
    expect(extra).toMatchObject({ field: null, how: 'none' });
    expect(extra!.header).toContain('无列名');
    const again = await t.call('io.import.preview', { importId: p.importId, sheets: [{ file: 'headless.csv', sheet: null, columns: { '2': 'phone' } }] });
    expect(again.files[0]!.sheets[0]!.columns.find((c) => c.index === 2)).toMatchObject({ field: 'phone', how: 'override' });
    await t.call('io.import.commit', { importId: again.importId });
    expect((await t.call('persons.list', { search: '赵六' })).rows[0]!.data.phone).toBe('13700002222');
  });

  it('removes control characters from cells and says so on the row; keeps U+FFFD as an error on the row', async () => {
    const csv = `姓名,证件号码,专业名称\r\n孙\u0000八\u0007,${makeIdNumber('1979-01-02', 61)},社会工作\r\n钱七,${makeIdNumber('1992-11-05', 52)},社\uFFFD\uFFFD作\r\n`;
    const p = await preview('controls.csv', Buffer.from(csv, 'utf8'));
    const issues = p.files[0]!.issues;
    expect(issues.find((i) => i.rule === 'control_chars_removed')).toMatchObject({ row: 2, field: 'name', severity: 'warning', recordLabel: '孙八' });
    expect(issues.find((i) => i.rule === 'text_unreadable')).toMatchObject({ row: 3, field: 'majorName', severity: 'error' });
    await t.call('io.import.commit', { importId: p.importId });
    expect((await t.call('persons.list', { search: '孙八' })).total).toBe(1);
    // Stored as read, and still an error in the census until someone fixes it.
    const all = await t.call('grid.issues', { table: 'person' });
    expect(JSON.stringify(all)).toContain('text_unreadable');
  });
});

describe('through the CLI', () => {
  it('imports the mixed-line-ending CSV with every row, and refuses the lying BOM with the database unchanged', async () => {
    const db = path.join(dir, 'cli.sqlite');
    expect((await runCli('init', '--db', db, '--area', '110101', '--level', 'county', '--ref-date', '2026-12-31')).code).toBe(0);
    const mixed = path.join(dir, 'mixed.csv');
    writeFileSync(mixed, mixedLineEndingsCsv().data);
    const r = await runCli('import', '--db', db, mixed, '--json');
    expect(JSON.parse(r.out).added).toBe(3);
    const bad = path.join(dir, 'bad.csv');
    writeFileSync(bad, Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from([0xff, 0xfe, 0x81, 0x20])]));
    const before = sha256File(db);
    const refused = await runCli('import', '--db', db, bad);
    expect(refused.code).toBe(2);
    expect(refused.err).toContain('GBK');
    expect(sha256File(db)).toBe(before);
  });
});

describe('cells over Excel’s limit', () => {
  it('an xlsx export clips a 60,000-character cell to 32,767 with a note in the cell and says so; CSV keeps it whole', async () => {
    const db = path.join(dir, 'clip.sqlite');
    expect((await runCli('init', '--db', db, '--area', '110101', '--level', 'county', '--ref-date', '2026-12-31')).code).toBe(0);
    const long = '社'.repeat(60_000);
    const csv = path.join(dir, 'long.csv');
    writeFileSync(csv, `姓名,证件号码,专业名称\r\n张三,${makeIdNumber('1985-03-15', 11)},${long}\r\n`);
    expect(JSON.parse((await runCli('import', '--db', db, csv, '--json')).out).added).toBe(1);
    const out = path.join(dir, 'long.xlsx');
    const r = await runCli('export-data', '--db', db, '--format', 'xlsx', '-o', out);
    expect(r.out).toContain('1 个单元格超过 Excel 的上限 32767 字');
    const persons = (await readAll(out)).find((s) => s.rows[0]?.includes('专业名称'))!;
    const cell = persons.rows[1]![persons.rows[0]!.indexOf('专业名称')] as string;
    expect(cell.length).toBe(32_767);
    expect(cell).toMatch(/已截断；完整内容见 CSV 导出］$/);
    const whole = path.join(dir, 'long.csv.out');
    expect((await runCli('export-data', '--db', db, '--format', 'csv', '-o', whole)).code).toBe(0);
    expect(readFileSync(whole, 'utf8')).toContain(long);
  });
});
