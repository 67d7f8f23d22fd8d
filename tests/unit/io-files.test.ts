/**
 * Files the county sends out: the template (filled in and imported back), the error report
 * (marked cells, comments, 问题说明; corrected and re-imported), and the microdata export.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import ExcelJS from 'exceljs';
import Papa from 'papaparse';
import { describe, expect, it } from 'vitest';
import { enteredFieldsOf, fieldsOf } from '../../shared/census/dictionary';
import { PROBLEM_COLUMN } from '../../shared/io';
import { writeErrorReport } from '../../electron/core/services/io/error-report';
import { exportData } from '../../electron/core/services/io/export';
import { runTask } from '../../electron/core/services/io/tasks';
import { DONGCHENG, freshCensusEachTest, keptBytes, openTestCore, removeDir, type TestCore } from '../fixtures/core';
import { makeIdNumber, MESSY_ROWS, messyWorkbookSheets, PEOPLE, UNITS, writeXlsx } from '../fixtures/township-returns';

let t: TestCore;
freshCensusEachTest(DONGCHENG, (core) => (t = core));

const upload = (name: string, data: Buffer) => ({ name, dataBase64: data.toString('base64') });

/** A workbook from base64 (the template) or from the bytes of a kept file (the error report) */
async function load(data: string | Buffer): Promise<ExcelJS.Workbook> {
  const wb = new ExcelJS.Workbook();
  const b = typeof data === 'string' ? Buffer.from(data, 'base64') : data;
  await wb.xlsx.load(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer);
  return wb;
}

interface Validations {
  dataValidations: { model: Record<string, { type: string; formulae: string[]; showErrorMessage?: boolean } | undefined> };
}
const validations = (ws: ExcelJS.Worksheet) => (ws as unknown as Validations).dataValidations.model;

async function importMessy(): Promise<void> {
  const file = await writeXlsx(path.join(t.dir, '东华门街道.xlsx'), messyWorkbookSheets());
  const p = await t.call('io.import.preview', { files: [upload('东华门街道.xlsx', readFileSync(file))] });
  await t.call('io.import.commit', { importId: p.importId });
}

describe('template', () => {
  it('has instructions, persons and units sheets with the dictionary labels, dropdowns, text columns and hidden code lists', async () => {
    const tpl = await t.call('io.template', {});
    expect(tpl.fileName).toMatch(/\.xlsx$/);
    const wb = await load(tpl.dataBase64);
    expect(wb.worksheets.map((w) => [w.name, w.state])).toEqual([['填表说明', 'visible'], ['人员', 'visible'], ['单位', 'visible'], ['代码表', 'hidden']]);
    const persons = wb.getWorksheet('人员')!;
    expect((persons.getRow(2).values as unknown[]).slice(1)).toEqual(enteredFieldsOf.person.map((f) => f.label));
    const col = (label: string) => enteredFieldsOf.person.findIndex((f) => f.label === label) + 1;
    const letterOf = (n: number): string => (n > 26 ? letterOf(Math.floor((n - 1) / 26)) : '') + String.fromCharCode(65 + ((n - 1) % 26));
    const letter = (label: string) => letterOf(col(label));
    expect(persons.getColumn(col('证件号码')).numFmt).toBe('@');
    expect(persons.getColumn(col('手机')).numFmt).toBe('@');
    const dv = validations(persons);
    // every coded column has a dropdown fed from the hidden sheet
    for (const f of enteredFieldsOf.person.filter((x) => x.codeList)) {
      const v = dv[`${letter(f.label)}3`];
      expect(v?.type, f.label).toBe('list');
    }
    expect(dv[`${letter('学历')}3`]!.formulae[0]).toMatch(/^'代码表'!\$[A-Z]+\$2:\$[A-Z]+\$\d+$/);
    expect(dv[`${letter('服务领域')}3`]!.showErrorMessage).toBeFalsy();
    const codes = wb.getWorksheet('代码表')!;
    const educationCol = dv[`${letter('学历')}3`]!.formulae[0]!.match(/\$([A-Z]+)\$2/)![1]!;
    const labels = (codes.getColumn(educationCol).values as unknown[]).slice(2);
    expect(labels).toEqual(['研究生', '大学本科', '大学专科', '中等职业教育', '普通高级中学', '初级中学', '小学', '其他']);
    expect(String(wb.getWorksheet('填表说明')!.getCell('A1').value)).toContain('填表说明');
  });

  it('prefills a township and imports back once filled in, ignoring the unused prefilled rows', async () => {
    const tpl = await t.call('io.template', { township: '景山街道' });
    const wb = await load(tpl.dataBase64);
    const persons = wb.getWorksheet('人员')!;
    const units = wb.getWorksheet('单位')!;
    const pcol = (key: string) => enteredFieldsOf.person.findIndex((f) => f.key === key) + 1;
    const ucol = (key: string) => fieldsOf.unit.findIndex((f) => f.key === key) + 1;
    expect(persons.getCell(3, pcol('township')).value).toBe('景山街道');
    expect(String(persons.getCell(1, 1).value)).toContain('景山街道（110101002）');
    // a township clerk fills one unit and one person
    const u = units.getRow(3);
    u.getCell(ucol('name')).value = UNITS.centre.name;
    u.getCell(ucol('creditCode')).value = UNITS.centre.creditCode;
    u.getCell(ucol('unitType')).value = '事业单位';
    u.getCell(ucol('urbanRural')).value = '城镇';
    u.getCell(ucol('isStation')).value = '否';
    const p = persons.getRow(3);
    const values: Record<string, string | number> = {
      name: '周九', idType: '居民身份证', idNumber: PEOPLE.zhou.id, ethnicity: '汉族', political: '群众', education: '大学本科',
      majorCategory: '社会工作', qualLevel: '无', unitId: UNITS.centre.name, urbanRural: '城镇', postCategory: '管理岗位',
      swPost: '是', personCategory: '事业单位社会工作专业岗位人员', staffing: '无编制', employmentType: '合同', domains: '社区治理、儿童福利', primaryDomain: '儿童福利', trainingHours: 24,
    };
    for (const [k, v] of Object.entries(values)) p.getCell(pcol(k)).value = v;
    const filled = Buffer.from(await wb.xlsx.writeBuffer());
    const preview = await t.call('io.import.preview', { files: [upload(tpl.fileName, filled)] });
    const f = preview.files[0]!;
    expect(f.toAdd).toBe(2);
    expect(f.issues).toEqual([]);
    const pSheet = f.sheets.find((s) => s.sheet === '人员')!;
    expect(pSheet).toMatchObject({ headerRow: 2, skipped: [{ row: 4, toRow: 2002, kind: 'blank' }] });
    expect(pSheet.columns.every((c) => c.how === 'label')).toBe(true);
    expect(f.sheets.find((s) => s.sheet === '代码表')).toMatchObject({ table: null, note: '隐藏的工作表，未导入' });
    await t.call('io.import.commit', { importId: preview.importId });
    const zhou = (await t.call('persons.list', { search: '周九' })).rows[0]!;
    expect(zhou.data).toMatchObject({ township: '110101002', birthDate: '1987-12-01', sex: '1', domains: ['01', '12'], primaryDomain: '12', trainingHours: 24 });
    expect(zhou.source).toEqual({ file: tpl.fileName, sheet: '人员', row: 3 });
  });

  it('refuses a township outside the census area', async () => {
    const err = await t.fail('io.template', { township: '西长安街街道' });
    expect(err.message).toContain('不是');
  });
});

describe('error report', () => {
  it('lists the rows with issues, marks the offending cells with comments and a 问题说明 column', async () => {
    await importMessy();
    const report = await t.call('io.errorReport', { file: '东华门街道.xlsx' });
    expect(report).toMatchObject({ rows: 2, fileName: '东华门街道_退回修改.xlsx' });
    const wb = await load(await keptBytes(t, report));
    expect(wb.worksheets.map((w) => w.name)).toEqual(['人员']);
    const ws = wb.getWorksheet('人员')!;
    const headers = (ws.getRow(2).values as unknown[]).slice(1);
    expect(headers).toEqual([...enteredFieldsOf.person.map((f) => f.label), PROBLEM_COLUMN]);
    const idCol = enteredFieldsOf.person.findIndex((f) => f.key === 'idNumber') + 1;
    const li = ws.getRow(3);
    expect(li.getCell(1).value).toBe('李四');
    const cell = li.getCell(idCol);
    expect(cell.value).toBe('5.32323196906185E+17');
    expect(cell.fill).toMatchObject({ type: 'pattern', fgColor: { argb: 'FFFFC7CE' } });
    const note = cell.note as string | { texts: { text: string }[] };
    const noteText = typeof note === 'string' ? note : note.texts.map((x) => x.text).join('');
    expect(noteText).toContain('Excel 当作数字');
    expect(String(li.getCell(headers.length).value)).toMatch(/【错误】证件号码：.*Excel 当作数字[\s\S]*第6行/);
    // cells without issues are left plain, values as labels
    const eduCol = enteredFieldsOf.person.findIndex((f) => f.key === 'education') + 1;
    expect(li.getCell(eduCol).value).toBe('大学专科');
    expect(li.getCell(eduCol).fill).toBeUndefined();
    expect(ws.getRow(4).getCell(1).value).toBe('孙八');
  });

  it('keeps text columns as text and says how far it is to a task that asks', async () => {
    await importMessy();
    const seen: string[] = [];
    t.core.events.on('progress', (e) => void (e.taskId === 'report-1' && seen.push(`${e.label} ${e.done}/${e.total}`)));
    const report = await t.call('io.errorReport', { file: '东华门街道.xlsx', taskId: 'report-1' });
    expect(seen[0]).toBe('正在生成问题表（0 / 2 条） 0/2');
    const ws = (await load(await keptBytes(t, report))).getWorksheet('人员')!;
    const col = (key: string) => enteredFieldsOf.person.findIndex((f) => f.key === key) + 1;
    // Every cell of a text column is text (a marked one too), so a corrected ID number stays as typed
    expect(ws.getRow(3).getCell(col('idNumber')).numFmt).toBe('@');
    expect(ws.getRow(4).getCell(col('phone')).numFmt).toBe('@');
    expect(ws.getRow(3).getCell(col('education')).numFmt).not.toBe('@');
    const last = ws.getRow(3).getCell(enteredFieldsOf.person.length + 1);
    expect(last.alignment).toMatchObject({ wrapText: true, vertical: 'top' });
  });

  it('past NOTED_ROWS records marks the cells without a comment on each, and its title says where the messages are', async () => {
    await importMessy();
    const target = path.join(t.dir, 'report.xlsx');
    const r = await runTask(t.core.ctx, undefined, (task) => writeErrorReport(t.core.ctx, { file: '东华门街道.xlsx' }, target, task, 1));
    expect(r).toEqual({ rows: 2, noted: false });
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(target);
    const ws = wb.getWorksheet('人员')!;
    expect(String(ws.getRow(1).getCell(1).value)).toContain(`共 2 条记录，批注从略：请按标色单元格和最后一列「${PROBLEM_COLUMN}」改正后重新报送`);
    const cell = ws.getRow(3).getCell(enteredFieldsOf.person.findIndex((f) => f.key === 'idNumber') + 1);
    expect(cell.fill).toMatchObject({ type: 'pattern', fgColor: { argb: 'FFFFC7CE' } });
    expect(cell.note).toBeUndefined();
    expect(String(ws.getRow(3).getCell(enteredFieldsOf.person.length + 1).value)).toMatch(/【错误】证件号码：.*Excel 当作数字/);
    // At the limit the comments are there
    expect(await runTask(t.core.ctx, undefined, (task) => writeErrorReport(t.core.ctx, { file: '东华门街道.xlsx' }, target, task, 2))).toEqual({ rows: 2, noted: true });
  });

  it('re-imports once corrected and the issues go away', async () => {
    await importMessy();
    const report = await t.call('io.errorReport', {});
    const wb = await load(await keptBytes(t, report));
    const ws = wb.getWorksheet('人员')!;
    const idCol = enteredFieldsOf.person.findIndex((f) => f.key === 'idNumber') + 1;
    ws.getRow(3).getCell(idCol).value = PEOPLE.li.id;
    ws.getRow(4).getCell(idCol).value = makeIdNumber('1979-01-02', 61);
    const corrected = Buffer.from(await wb.xlsx.writeBuffer());
    const p = await t.call('io.import.preview', { files: [upload('东华门街道_退回修改.xlsx', corrected)] });
    // The broken IDs matched nobody, so the corrected rows are new people; the clerk removes the old ones
    expect(p.files[0]!.issues).toEqual([]);
    expect(p.files[0]!.sheets[0]!.columns.find((c) => c.header === PROBLEM_COLUMN)).toMatchObject({ field: null });
    await t.call('io.import.commit', { importId: p.importId });
    const li = (await t.call('persons.list', { search: PEOPLE.li.id })).rows[0]!;
    expect(li.data).toMatchObject({ name: '李四', sex: '2', education: '30', unitId: (await t.call('units.list', { search: UNITS.station.name })).rows[0]!.id });
  });
});

describe('microdata export', () => {
  it('writes CSV with a BOM, labels or codes, and escapes formula-like text', async () => {
    await importMessy();
    const zhang = (await t.call('persons.list', { search: '张三' })).rows[0]!;
    await t.call('persons.update', { id: zhang.id, patch: { majorName: '=HYPERLINK("http://x","点我")' } });
    const labels = await t.call('io.export', { format: 'csv', codes: false, table: 'person' });
    const bytes = await keptBytes(t, labels);
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const rows = Papa.parse<string[]>(bytes.toString('utf8').slice(1), { skipEmptyLines: true }).data;
    expect(rows[0]).toEqual(['记录编号', '行政区划代码', ...fieldsOf.person.map((f) => f.label), '来源文件', '来源工作表', '来源行号']);
    expect(rows).toHaveLength(1 + 6);
    const header = rows[0]!;
    const z = rows.find((r) => r[header.indexOf('姓名')] === '张三')!;
    expect(z[header.indexOf('学历')]).toBe('大学本科');
    expect(z[header.indexOf('是否社会工作专业岗位')]).toBe('是');
    expect(z[header.indexOf('工作地乡镇（街道）')]).toBe('东华门街道');
    expect(z[header.indexOf('所在单位')]).toBe(UNITS.station.name);
    expect(z[header.indexOf('专业名称')]).toBe(`'=HYPERLINK("http://x","点我")`);
    expect(z[header.indexOf('来源行号')]).toBe(String(MESSY_ROWS.zhang));
    const codes = await t.call('io.export', { format: 'csv', codes: true, table: 'person' });
    const crows = Papa.parse<string[]>((await keptBytes(t, codes)).toString('utf8').slice(1), { skipEmptyLines: true }).data;
    const cz = crows.find((r) => r[header.indexOf('姓名')] === '张三')!;
    expect([cz[header.indexOf('学历')], cz[header.indexOf('是否社会工作专业岗位')], cz[header.indexOf('工作地乡镇（街道）')], cz[header.indexOf('服务领域')]]).toEqual(['20', '1', '110101001', '01,11']);
  });

  it('writes both tables to xlsx, text as text cells', async () => {
    await importMessy();
    const x = await t.call('io.export', { format: 'xlsx', codes: false, table: 'person' });
    expect(x.rows).toBe(8);
    const wb = await load((await keptBytes(t, x)).toString('base64'));
    expect(wb.worksheets.map((w) => [w.name, w.rowCount])).toEqual([['人员', 7], ['单位', 3]]);
    const ws = wb.getWorksheet('人员')!;
    const header = (ws.getRow(1).values as unknown[]).slice(1);
    const idCol = header.indexOf('证件号码') + 1;
    expect(ws.getRow(2).getCell(idCol).value).toBe(PEOPLE.zhang.id);
    expect(ws.getRow(2).getCell(header.indexOf('统计期培训学时') + 1).value).toBe(40);
  });

  it('continues a table past a sheet’s row limit on 人员（2）, header repeated, and the workbook imports back whole', async () => {
    await importMessy();
    // Excel's limit lowered to 4 data rows a sheet: the 6 persons take two sheets, the 2 units one.
    const file = path.join(t.dir, 'split.xlsx');
    const r = await runTask(t.core.ctx, undefined, (task) => exportData(t.core.ctx, { format: 'xlsx', codes: false, table: 'person' }, file, task, 4));
    expect(r.rows).toBe(8);
    const wb = await load(readFileSync(file).toString('base64'));
    expect(wb.worksheets.map((w) => [w.name, w.rowCount])).toEqual([['人员', 5], ['人员（2）', 3], ['单位', 3]]);
    const first = (wb.getWorksheet('人员')!.getRow(1).values as unknown[]).slice(1);
    expect((wb.getWorksheet('人员（2）')!.getRow(1).values as unknown[]).slice(1)).toEqual(first);
    const ids = (name: string) => wb.getWorksheet(name)!.getColumn(first.indexOf('证件号码') + 1).values.slice(2);
    const exported = [...ids('人员'), ...ids('人员（2）')];
    expect(new Set(exported).size).toBe(6);

    const other = await openTestCore();
    await other.call('census.setup', DONGCHENG);
    try {
      const p = await other.call('io.import.preview', { files: [upload('split.xlsx', readFileSync(file))] });
      expect(p.files[0]!.sheets.map((sh) => [sh.sheet, sh.table, sh.toAdd])).toEqual([['人员', 'person', 4], ['人员（2）', 'person', 2], ['单位', 'unit', 2]]);
      await other.call('io.import.commit', { importId: p.importId });
      const back = (await other.call('persons.list', { limit: 100 })).rows.map((row) => row.data.idNumber);
      expect(back.sort()).toEqual([...exported].sort());
      expect((await other.call('units.list', {})).total).toBe(2);
    } finally {
      other.close();
      removeDir(other.dir);
    }
  });
});
