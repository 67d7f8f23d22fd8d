/**
 * Importing township returns through the real dispatch over a real SQLite file: preview (nothing
 * written), commit (one transaction), re-import, mappings, cancel, and every unreadable kind.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ImportPreview } from '../../shared/api/methods/io';
import { DONGCHENG, freshCensusEachTest, type TestCore } from '../fixtures/core';
import {
  CERT, correctedWorkbookSheets, csvRows, makeIdNumber, MESSY_ROWS, messyWorkbookSheets, PEOPLE, UNITS, writeBadFiles, writeCsv, writeXlsx,
} from '../fixtures/township-returns';

let t: TestCore;
freshCensusEachTest(DONGCHENG, (core) => (t = core));

const upload = (file: string) => ({ name: path.basename(file), dataBase64: readFileSync(file).toString('base64') });
const messy = () => writeXlsx(path.join(t.dir, '东华门街道.xlsx'), messyWorkbookSheets());

/** Everything a user could see of the database, as one hash */
async function dbState(): Promise<string> {
  const persons = await t.call('persons.list', { limit: 100_000 });
  const units = await t.call('units.list', { limit: 100_000 });
  const history = await Promise.all(persons.rows.map((p) => t.call('history.list', { table: 'person', recordId: p.id })));
  return createHash('sha256').update(JSON.stringify([persons, units, history])).digest('hex');
}

async function personByName(name: string) {
  const r = await t.call('persons.list', { search: name });
  expect(r.total, name).toBe(1);
  return r.rows[0]!;
}

describe('preview', () => {
  it('lists each value no code matched with its rows: in a list column, a yes/no column and a persons sheet\'s 单位类型', async () => {
    const csv = writeCsv(path.join(t.dir, '领域.csv'), [
      ['姓名', '证件号码', '服务领域', '是否社会工作专业岗位', '所在单位', '单位类型'],
      ['甲', makeIdNumber('19900101', 21), '社区治理、养猫', '也许', '甲单位', '社工机构'],
      ['乙', makeIdNumber('19900102', 22), '养猫', '是', '乙单位', '小卖部'],
      ['丙', makeIdNumber('19900103', 23), '社区治理', '也许', '丙单位', '小卖部'],
    ], 'utf-8');
    const p = await t.call('io.import.preview', { files: [upload(csv)] });
    expect(p.files[0]!.unmapped.map((u) => [u.table, u.field, u.value, u.rows])).toEqual(expect.arrayContaining([
      ['person', 'domains', '养猫', 2],
      ['person', 'swPost', '也许', 2],
      ['unit', 'unitType', '小卖部', 2],
    ]));
    expect(p.files[0]!.unmapped).toHaveLength(3);
  });

  it('reads a messy workbook and shows rows, additions, skipped rows with reasons and issues, writing nothing', async () => {
    const before = await dbState();
    const p = await t.call('io.import.preview', { files: [upload(await messy())] });
    expect(await dbState()).toBe(before);
    const f = p.files[0]!;
    expect(f).toMatchObject({ file: '东华门街道.xlsx', format: 'xlsx', toAdd: 8, toUpdate: 0, skippedTotal: 4 });
    const persons = f.sheets.find((s) => s.sheet === '人员')!;
    expect(persons).toMatchObject({ table: 'person', headerRow: 4, toAdd: 6 });
    expect(persons.skipped).toEqual([
      { sheet: '人员', row: MESSY_ROWS.subtotal, kind: 'total', reason: '合计行（小计）' },
      { sheet: '人员', row: MESSY_ROWS.total, kind: 'total', reason: '合计行（合计）' },
      { sheet: '人员', row: MESSY_ROWS.notes, kind: 'notes', reason: '说明行' },
    ]);
    expect(f.sheets.find((s) => s.sheet === '单位')).toMatchObject({ table: 'unit', headerRow: 1, toAdd: 2, skipped: [{ row: 4, kind: 'total', reason: '合计行（总计）' }] });
    // header mapping shown for confirmation
    const byHeader = Object.fromEntries(persons.columns.map((c) => [c.header, [c.field, c.how]]));
    expect(byHeader).toMatchObject({ 身份证号码: ['idNumber', 'synonym'], 出生年月: ['birthDate', 'synonym'], 文化程度: ['education', 'synonym'], 持证情况: ['qualLevel', 'synonym'], 序号: [null, 'none'] });
    expect(f.issues.map((i) => [i.row, i.rule, i.recordLabel])).toEqual([
      [MESSY_ROWS.li, 'id_excel_number', '李四'],
      [MESSY_ROWS.sun, 'id_checksum', '孙八'],
    ]);
    expect(f.issues[0]!.message).toContain('5.32323196906185E+17');
    expect(f.issues[0]!.message).toContain('文本');
  });

  it('lists the fields a re-import would change, matched by ID number', async () => {
    const file = await messy();
    await t.call('io.import.commit', { importId: (await t.call('io.import.preview', { files: [upload(file)] })).importId });
    const corrected = await writeXlsx(path.join(t.dir, '东华门街道（更正）.xlsx'), correctedWorkbookSheets());
    const p = await t.call('io.import.preview', { files: [upload(corrected)] });
    const f = p.files[0]!;
    // 张三 changed; 孙八's ID was wrong so he cannot be matched and is added; 李四's ID identifies nobody
    expect(f).toMatchObject({ toUpdate: 1, toAdd: 2 });
    expect(f.updates).toEqual([expect.objectContaining({ row: MESSY_ROWS.zhang, label: '张三', changes: [
      { field: 'phone', label: '手机', from: '13812345678', to: '13811112222' },
      { field: 'trainingHours', label: '统计期培训学时', from: '40', to: '80' },
    ] })]);
  });
});

describe('commit', () => {
  it("keeps text the reader cannot interpret as the clerk wrote it, and flags it", async () => {
    const rows = csvRows();
    const hours = rows[0]!.indexOf('统计期培训学时');
    const post = rows[0]!.indexOf('社会工作专业岗位');
    rows[1]![hours] = '十二';
    rows[1]![post] = '是的吧';
    const file = writeCsv(path.join(t.dir, 'unreadable.csv'), rows, 'utf-8');
    const p = await t.call('io.import.preview', { files: [upload(file)] });
    await t.call('io.import.commit', { importId: p.importId });
    const zhou = await personByName(String(rows[1]![0]));
    expect(zhou.data).toMatchObject({ trainingHours: '十二', swPost: '是的吧' });
    const flagged = (await t.call('issues.list', { recordId: zhou.id })).issues.map((i) => [i.field, i.rule]);
    expect(flagged).toEqual(expect.arrayContaining([['trainingHours', 'number_invalid'], ['swPost', 'boolean_invalid']]));
  });

  it('writes every row with its source, normalised, and issues show where each came from', async () => {
    const p = await t.call('io.import.preview', { files: [upload(await messy())] });
    const r = await t.call('io.import.commit', { importId: p.importId });
    expect(r).toMatchObject({ added: 8, updated: 0 });
    expect(r.files[0]!.issues.map((i) => [i.sheet, i.row, i.rule])).toEqual([
      ['人员', MESSY_ROWS.li, 'id_excel_number'],
      ['人员', MESSY_ROWS.sun, 'id_checksum'],
    ]);

    const zhang = await personByName('张三');
    const station = (await t.call('units.list', { search: UNITS.station.name })).rows[0]!;
    expect(zhang.source).toEqual({ file: '东华门街道.xlsx', sheet: '人员', row: MESSY_ROWS.zhang });
    expect(zhang.data).toMatchObject({
      idType: '01', idNumber: PEOPLE.zhang.id, sex: '1', birthDate: '1985-03-15', education: '20', qualLevel: '1',
      certNumber: CERT, certYear: 2015, unitId: station.id, township: '110101001', postCategory: '2', swPost: true,
      domains: ['01', '11'], primaryDomain: '11', trainingHours: 40,
    });
    expect((await personByName('王五')).data).toMatchObject({ sex: '2', birthDate: '1990-07-01', qualLevel: '2', swPost: true, urbanRural: '2' });
    expect((await personByName('赵六')).data).toMatchObject({ idNumber: PEOPLE.zhao.id, birthDate: '1988-07-20', certYear: 2020, trainingHours: 12, phone: '13700002222', education: '40' });
    expect((await personByName('钱七')).data).toMatchObject({ education: '20', qualLevel: '1', birthDate: '1992-11-05' });
    expect((await personByName('李四')).data).toMatchObject({ idNumber: '5.32323196906185E+17', birthDate: '1969-06-18', education: '30' });
    expect(station.data).toMatchObject({ creditCode: UNITS.station.creditCode, unitType: '4', township: '110101001', isStation: true, staffCount: 12, reportedSwCount: 6 });

    const issues = await t.call('issues.list', {});
    expect(issues.issues.map((i) => [i.recordLabel, i.rule, i.source])).toEqual(expect.arrayContaining([
      ['李四', 'id_excel_number', { file: '东华门街道.xlsx', sheet: '人员', row: MESSY_ROWS.li }],
      ['孙八', 'id_checksum', { file: '东华门街道.xlsx', sheet: '人员', row: MESSY_ROWS.sun }],
    ]));
    expect(issues.total).toBe(2);

    const history = await t.call('history.list', { table: 'person', recordId: zhang.id });
    expect(history).toEqual([expect.objectContaining({ action: 'import', operator: DONGCHENG.operator, newValue: JSON.stringify(zhang.source) })]);
  });

  it('updates the matching people on re-import instead of adding them twice, and the fixed error goes away', async () => {
    const first = await t.call('io.import.preview', { files: [upload(await messy())] });
    await t.call('io.import.commit', { importId: first.importId });
    const sunBefore = await personByName('孙八');
    // The clerk fixes 孙八 in the system, the township fixes the sheet: the ID now matches
    await t.call('persons.update', { id: sunBefore.id, patch: { idNumber: correctedWorkbookSheets()[0]!.rows[MESSY_ROWS.sun - 1]![2] as string } });
    const corrected = await writeXlsx(path.join(t.dir, '东华门街道（更正）.xlsx'), correctedWorkbookSheets());
    const p = await t.call('io.import.preview', { files: [upload(corrected)] });
    const r = await t.call('io.import.commit', { importId: p.importId });
    expect(r.files[0]).toMatchObject({ added: 1, updated: 1 });
    expect((await t.call('persons.list', {})).total).toBe(7); // 李四's unusable ID cannot match: added again and flagged
    const zhang = await personByName('张三');
    expect(zhang.data).toMatchObject({ phone: '13811112222', trainingHours: 80 });
    expect(zhang.source).toEqual({ file: '东华门街道（更正）.xlsx', sheet: '人员', row: MESSY_ROWS.zhang });
    expect((await t.call('units.list', {})).total).toBe(2);
    const issues = await t.call('issues.list', {});
    expect(issues.issues.filter((i) => i.rule === 'id_checksum')).toEqual([]);
    const history = await t.call('history.list', { table: 'person', recordId: zhang.id });
    expect(history.filter((h) => h.action === 'import' && h.field).map((h) => [h.field, h.oldValue, h.newValue])).toEqual([
      ['phone', '"13812345678"', '"13811112222"'],
      ['trainingHours', '40', '80'],
    ]);
  });

  it('plans again at commit when the census changed after the preview', async () => {
    const first = await t.call('io.import.preview', { files: [upload(await messy())] });
    await t.call('io.import.commit', { importId: first.importId });
    const corrected = await writeXlsx(path.join(t.dir, '东华门街道（更正）.xlsx'), correctedWorkbookSheets());
    const p = await t.call('io.import.preview', { files: [upload(corrected)] });
    expect(p.files[0]).toMatchObject({ toUpdate: 1, toAdd: 2 });
    // Between preview and commit the clerk fixes 孙八's ID in the grid: the file's row now matches him
    const sun = await personByName('孙八');
    await t.call('persons.update', { id: sun.id, patch: { idNumber: correctedWorkbookSheets()[0]!.rows[MESSY_ROWS.sun - 1]![2] as string } });
    const r = await t.call('io.import.commit', { importId: p.importId });
    expect(r.files[0]).toMatchObject({ added: 1, updated: 1 });
    expect((await t.call('persons.list', {})).total).toBe(7);
  });

  it('reads CSV in GBK, UTF-8 and UTF-8 with BOM alike, resolving units by credit code', async () => {
    await t.call('io.import.commit', { importId: (await t.call('io.import.preview', { files: [upload(await messy())] })).importId });
    const results = [];
    for (const enc of ['gbk', 'utf-8', 'utf-8-bom'] as const) {
      const file = writeCsv(path.join(t.dir, `景山街道-${enc}.csv`), csvRows(), enc);
      const p = await t.call('io.import.preview', { files: [upload(file)] });
      results.push([p.files[0]!.encoding, p.files[0]!.toAdd, p.files[0]!.skippedTotal, p.files[0]!.issues.length]);
    }
    expect(results).toEqual([['gb18030', 2, 2, 0], ['utf-8', 2, 2, 0], ['utf-8-bom', 2, 2, 0]]);
    const file = writeCsv(path.join(t.dir, '景山街道.csv'), csvRows(), 'gbk');
    await t.call('io.import.commit', { importId: (await t.call('io.import.preview', { files: [upload(file)] })).importId });
    const centre = (await t.call('units.list', { search: UNITS.centre.name })).rows[0]!;
    expect((await personByName('周九')).data).toMatchObject({ unitId: centre.id, township: '110101002', birthDate: '1987-12-01', education: '10', qualLevel: '3', domains: ['01', '11'], phone: '13812345678' });
    expect((await personByName('吴十')).data).toMatchObject({ unitId: centre.id, township: '110101002', education: '60' });
    expect((await personByName('周九')).source).toEqual({ file: '景山街道.csv', row: 2 });
  });

  it('imports several files in one transaction, persons finding units from another file of the batch', async () => {
    const csv = writeCsv(path.join(t.dir, '景山街道.csv'), csvRows(), 'utf-8');
    const p = await t.call('io.import.preview', { files: [upload(csv), upload(await messy())] });
    expect(p.totals).toMatchObject({ toAdd: 10, skipped: 6 });
    expect(p.files[0]!.issues).toEqual([]);
    await t.call('io.import.commit', { importId: p.importId });
    expect((await personByName('周九')).data.unitId).toBe((await t.call('units.list', { search: UNITS.centre.name })).rows[0]!.id);
  });

  it('shows an unreadable number in the preview and keeps it through commit, message quoting it', async () => {
    const sheets = messyWorkbookSheets();
    sheets[0]!.rows[MESSY_ROWS.zhang - 1]![20] = '四十';
    const file = await writeXlsx(path.join(t.dir, 'x.xlsx'), sheets);
    const p = await t.call('io.import.preview', { files: [upload(file)] });
    expect(p.files[0]!.issues.find((i) => i.recordLabel === '张三')).toMatchObject({ rule: 'number_invalid', field: 'trainingHours' });
    const r = await t.call('io.import.commit', { importId: p.importId });
    expect(r.files[0]!.issues.find((i) => i.recordLabel === '张三')?.message).toContain('四十');
    expect((await personByName('张三')).data.trainingHours).toBe('四十');
  });
});

describe('mappings', () => {
  it('lets the user correct a column and a sheet, and remembers the confirmed mapping next time', async () => {
    const rows = [['姓名', '证件号码', '备用电话', '内部编号'], ['张三', PEOPLE.zhang.id, '13812345678', 'A-1']];
    const file = writeCsv(path.join(t.dir, 'a.csv'), rows, 'utf-8');
    const first = await t.call('io.import.preview', { files: [upload(file)] });
    const cols = first.files[0]!.sheets[0]!.columns;
    expect(cols.map((c) => [c.header, c.field, c.how])).toEqual([
      ['姓名', 'name', 'label'], ['证件号码', 'idNumber', 'label'], ['备用电话', 'phone', 'guess'], ['内部编号', null, 'none'],
    ]);
    // The clerk says 备用电话 is not the mobile and 内部编号 is the certificate number
    const second = await t.call('io.import.preview', {
      importId: first.importId,
      sheets: [{ file: 'a.csv', sheet: null, columns: { '2': null, '3': 'certNumber' } }],
    });
    expect(second.importId).toBe(first.importId);
    expect(second.files[0]!.sheets[0]!.columns.map((c) => [c.field, c.how])).toEqual([['name', 'label'], ['idNumber', 'label'], [null, 'override'], ['certNumber', 'override']]);
    await t.call('io.import.commit', { importId: second.importId });
    expect((await personByName('张三')).data).toMatchObject({ phone: null, certNumber: 'A-1' });

    const again = writeCsv(path.join(t.dir, 'b.csv'), [['内部编号', '姓名', '证件号码', '备用电话'], ['B-2', '李四', PEOPLE.wang.id, '1']], 'utf-8');
    const p = await t.call('io.import.preview', { files: [upload(again)] });
    expect(p.files[0]!.sheets[0]!.columns.map((c) => [c.header, c.field, c.how])).toEqual([
      ['内部编号', 'certNumber', 'remembered'], ['姓名', 'name', 'label'], ['证件号码', 'idNumber', 'label'], ['备用电话', null, 'remembered'],
    ]);
    await t.call('io.mappings.reset', {});
    const reset = await t.call('io.import.preview', { files: [upload(again)] });
    expect(reset.files[0]!.sheets[0]!.columns[0]).toMatchObject({ field: null, how: 'none' });
  });

  it('leaves out a sheet the user excludes', async () => {
    const p = await t.call('io.import.preview', { files: [upload(await messy())] });
    const q = await t.call('io.import.preview', { importId: p.importId, sheets: [{ file: '东华门街道.xlsx', sheet: '单位', table: null }] });
    expect(q.files[0]!.sheets.find((s) => s.sheet === '单位')).toMatchObject({ table: null, toAdd: 0, note: '已选择不导入此工作表' });
    expect(q.totals.toAdd).toBe(6);
  });
});

describe('progress and cancel', () => {
  function bigCsv(n: number): string {
    const rows: (string | number)[][] = [['姓名', '证件号码', '学历']];
    for (let i = 0; i < n; i++) rows.push([`人员${i}`, `11010119850315${String(i % 1000).padStart(3, '0')}X`, '本科']);
    return writeCsv(path.join(t.dir, 'big.csv'), rows, 'utf-8');
  }

  it('reports progress for the task and stops when cancelled, leaving the database unchanged', async () => {
    const file = bigCsv(30_000);
    const before = await dbState();
    const events: { label: string; done: number; total: number }[] = [];
    let cancelled: Promise<unknown> | null = null;
    t.core.events.on('progress', (e) => {
      if (e.taskId !== 'imp-1') return;
      events.push(e);
      if (!cancelled && e.done > 0) cancelled = t.call('io.cancel', { taskId: 'imp-1' });
    });
    const err = await t.fail('io.import.preview', { files: [upload(file)], taskId: 'imp-1' });
    expect(err).toMatchObject({ code: 'cancelled', message: '已取消，数据库没有任何改动' });
    // `cancelled` is assigned inside the listener, which TypeScript's narrowing cannot see
    expect(await (cancelled as Promise<unknown> | null)).toEqual({ cancelled: true });
    expect(events.length).toBeGreaterThan(0);
    expect(events[0]!.label).toContain('big.csv');
    expect(await dbState()).toBe(before);
    // A finished task can no longer be cancelled
    expect(await t.call('io.cancel', { taskId: 'imp-1' })).toEqual({ cancelled: false });
  });

  it('reports the checking of a preview, and the write of a commit as one step with no share to tell', async () => {
    const file = bigCsv(2_000);
    const checks: string[] = [];
    const offCheck = t.core.events.on('progress', (e) => void (e.taskId === 'p-1' && e.label.startsWith('正在核查') && checks.push(`${e.label} ${e.done}/${e.total} ${e.phase}`)));
    const p = await t.call('io.import.preview', { files: [upload(file)], taskId: 'p-1' });
    offCheck();
    // Its start at once (the matching's last figure no longer stands meanwhile), then at most ten a second
    expect(checks[0]).toBe('正在核查数据（0 / 2,000 条） 0/2000 check');
    for (const c of checks.slice(1)) expect(c).toMatch(/^正在核查数据（1,024 \/ 2,000 条） 1024\/2000 check$/);
    const labels: string[] = [];
    t.core.events.on('progress', (e) => void (e.taskId === 'c-1' && labels.push(`${e.label} ${e.done}/${e.total}${e.measured === false ? ' unmeasured' : ''}`)));
    await t.call('io.import.commit', { importId: p.importId, taskId: 'c-1' });
    expect(labels).toContain('正在写入数据库（2,000 条，全部完成或全部不做） 0/0 unmeasured');
    expect(labels.at(-1)).toBe('已写入数据库 2000/2000');
    expect((await t.call('persons.list', {})).total).toBe(2000);
    expect(await t.fail('io.import.commit', { importId: p.importId })).toMatchObject({ code: 'not_found' });
  });

  it('names each progress phase explicitly (the import page acts on the phase, never on the label text)', async () => {
    const file = bigCsv(2_000);
    const phases: string[] = [];
    const off = t.core.events.on('progress', (e) => void (e.taskId.startsWith('ph-') && phases.push(`${e.taskId}:${e.phase}`)));
    const p = await t.call('io.import.preview', { files: [upload(file)], taskId: 'ph-p' });
    await t.call('io.import.commit', { importId: p.importId, taskId: 'ph-c' });
    off();
    const preview = phases.filter((x) => x.startsWith('ph-p:'));
    const commit = phases.filter((x) => x.startsWith('ph-c:'));
    expect(preview[0]).toBe('ph-p:read');
    expect(preview.at(-1)).toBe('ph-p:done');
    expect(preview).not.toContain('ph-p:write');
    expect(commit).toContain('ph-c:write');
    expect(commit.at(-1)).toBe('ph-c:done');
    expect(phases.every((x) => /:(read|check|write|done)$/.test(x))).toBe(true);
  });
});

describe('unreadable files', () => {
  it.each([
    ['empty', '文件是空的'],
    ['text', '没有找到可导入的人员或单位表格'],
    ['truncated', '文件不完整或已损坏'],
    ['encrypted', '设置了打开密码'],
    ['pdf', 'PDF'],
  ] as const)('refuses the %s file with a clear message and changes nothing', async (kind, text) => {
    const files = await writeBadFiles(t.dir);
    const good = await messy();
    const before = await dbState();
    const err = await t.fail('io.import.preview', { files: [upload(good), upload(files[kind])] });
    expect(err.code).toBe('invalid_file');
    expect(err.message).toContain(text);
    expect(err.message).toContain(path.basename(files[kind]));
    expect(await dbState()).toBe(before);
  });

  it.each([0.1, 0.35, 0.6, 0.9, 0.999])('refuses an xlsx cut at %f of its length', async (fraction) => {
    const bytes = readFileSync(await messy());
    const before = await dbState();
    const err = await t.fail('io.import.preview', { files: [{ name: 'cut.xlsx', dataBase64: bytes.subarray(0, Math.floor(bytes.length * fraction)).toString('base64') }] });
    expect(err).toMatchObject({ code: 'invalid_file', message: expect.stringContaining('文件不完整或已损坏') });
    expect(await dbState()).toBe(before);
  });

  it('refuses a zip that is not a workbook', async () => {
    const ExcelJS = (await import('exceljs')).default;
    const wb = new ExcelJS.Workbook();
    wb.addWorksheet('x');
    const zip = Buffer.from(await wb.xlsx.writeBuffer());
    // Rename every worksheet part: what is left is a zip without sheets, like a .docx
    const renamed = Buffer.from(zip.toString('latin1').replace(/xl\/worksheets\/sheet/g, 'xl/documents/sheetx'), 'latin1');
    const err = await t.fail('io.import.preview', { files: [{ name: '文档.xlsx', dataBase64: renamed.toString('base64') }] });
    expect(err).toMatchObject({ code: 'invalid_file', message: expect.stringContaining('不是 Excel 工作簿') });
  });

  it('explains an old .xls file', async () => {
    const err = await t.fail('io.import.preview', { files: [{ name: '旧表.xls', dataBase64: Buffer.concat([Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]), Buffer.alloc(600)]).toString('base64') }] });
    expect(err.message).toContain('另存为');
  });
});

export type { ImportPreview };
