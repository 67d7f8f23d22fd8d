/**
 * Real township returns (tests/fixtures/real-returns.ts) to a clean census: units from the returns,
 * derivations, value mapping remembered for later imports and pastes, missing columns set for all rows.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { ImportPreview } from '../../shared/api/methods/io';
import { openCoreForFile } from '../../electron/core/app';
import { DONGCHENG, keptBytes, openTestCore, removeDir, tempDir, type TestCore } from '../fixtures/core';
import { validUnit } from '../fixtures/records';
import { REAL_FILES, REGISTERED_UNITS, writeRealReturns, type RealReturns } from '../fixtures/real-returns';

let t: TestCore | null = null;
let dir = '';
afterEach(() => {
  t?.close();
  t = null;
  if (dir) removeDir(dir);
});

async function setup(): Promise<{ t: TestCore; returns: RealReturns; registered: Record<keyof typeof REGISTERED_UNITS, string> }> {
  dir = tempDir();
  const returns = await writeRealReturns(dir);
  t = await openTestCore(path.join(dir, 'db'));
  await t.call('census.setup', DONGCHENG);
  const a = await t.call('units.create', { data: validUnit({ name: REGISTERED_UNITS.jingshanCentre, creditCode: null, noCreditReason: '事业单位未赋码', unitType: '2', township: '110101002', reportedSwCount: null }) });
  const b = await t.call('units.create', { data: validUnit({ name: REGISTERED_UNITS.jiaodaokouOffice, creditCode: null, noCreditReason: '机关', unitType: '1', township: '110101003', reportedSwCount: null }) });
  return { t, returns, registered: { jingshanCentre: a.row.id, jiaodaokouOffice: b.row.id } };
}

const upload = (file: string) => ({ name: path.basename(file), dataBase64: readFileSync(file).toString('base64') });

function fileOf(p: ImportPreview, name: string) {
  return p.files.find((f) => f.file === name)!;
}

describe('real township returns', () => {
  it('lists each new unit once with its type and township, and offers near names instead of merging them', async () => {
    const { t, returns, registered } = await setup();
    const p = await t.call('io.import.preview', { files: Object.values(returns.files).map(upload) });
    expect(p.newUnits).toHaveLength(13);
    const created = p.newUnits.filter((u) => u.action === 'create');
    expect(created.map((u) => u.name)).toHaveLength(11);
    const station = p.newUnits.find((u) => u.name === '交道口街道社会工作服务站')!;
    expect(station).toMatchObject({ unitType: '5', township: '110101003', rows: 42, action: 'create' });
    const near = p.newUnits.find((u) => u.name === '景山街道社区服务中心')!;
    expect(near).toMatchObject({ near: { unitId: registered.jingshanCentre, name: REGISTERED_UNITS.jingshanCentre }, action: 'skip' });
    expect(p.newUnits.find((u) => u.name === '交道口街道办事处')!.near?.unitId).toBe(registered.jiaodaokouOffice);
    // nothing written by a preview
    expect((await t.call('units.list', {})).total).toBe(2);
    expect((await t.call('persons.list', {})).total).toBe(0);
  });

  it('shows derivations, unmapped values with row counts, span terms with the reason, and the missing columns', async () => {
    const { t, returns } = await setup();
    const p = await t.call('io.import.preview', { files: Object.values(returns.files).map(upload) });
    const messy = fileOf(p, REAL_FILES.messy);
    expect(messy.unmapped).toContainEqual(expect.objectContaining({ field: 'education', value: '高级中学毕业', rows: 8, spanReason: null }));
    const tidy = fileOf(p, REAL_FILES.tidy);
    const span = tidy.unmapped.find((u) => u.value === '高中及以下')!;
    expect(span.rows).toBe(5);
    expect(span.spanReason).toContain('初中');
    // every major but 无 gives a 专业类别 (社会工作 / a related major / 其他专业)
    expect(tidy.derived.find((d) => d.field === 'majorCategory' && d.from === 'majorName')!.rows).toBeGreaterThan(100);
    expect(tidy.derived.find((d) => d.field === 'primaryDomain')?.rows).toBe(150);
    expect(messy.derived.find((d) => d.field === 'domains')?.rows).toBe(150);
    expect(tidy.missingColumns.map((m) => m.label)).toEqual(expect.arrayContaining(['工作地乡镇（街道）', '城乡', '岗位类别', '是否社会工作专业岗位', '编制情况', '人员类别']));
    expect(tidy.missingColumns.find((m) => m.field === 'township')!.rows).toBe(150);
    // 城乡 follows from a unit's, and no unit from these returns has one yet: not guessed
    expect(tidy.derived.find((d) => d.field === 'urbanRural')).toBeUndefined();
    expect(tidy.derived.find((d) => d.field === 'postCategory' || d.field === 'staffing' || d.field === 'employmentType' || d.field === 'swPost')).toBeUndefined();
  });
});

describe('committing real returns', () => {
  async function commitWithDecisions() {
    const s = await setup();
    const files = Object.values(s.returns.files).map(upload);
    const first = await s.t.call('io.import.preview', { files });
    const decisions = {
      units: [
        { name: '景山街道社区服务中心', action: 'link' as const, unitId: s.registered.jingshanCentre },
        { name: '交道口街道办事处', action: 'link' as const, unitId: s.registered.jiaodaokouOffice },
      ],
      values: [{ table: 'person' as const, field: 'education', value: '高级中学毕业', code: '60' }],
      fills: [{ file: REAL_FILES.tidy, sheet: '花名册', field: 'township', value: '东华门街道' }],
    };
    const p = await s.t.call('io.import.preview', { importId: first.importId, decisions });
    return { ...s, first, p, result: await s.t.call('io.import.commit', { importId: p.importId }) };
  }

  it('creates the units and links their people in one write, and applies the clerk\'s mapping and fill to every row', async () => {
    const { t, p, result, registered } = await commitWithDecisions();
    expect(fileOf(p, REAL_FILES.messy).unmapped.find((u) => u.value === '高级中学毕业')).toBeUndefined();
    expect(fileOf(p, REAL_FILES.tidy).missingColumns.find((m) => m.field === 'township')!.fill).toBe('东华门街道');
    expect(result.unitsAdded).toBe(11);
    expect(result.files.find((f) => f.file === REAL_FILES.tidy)!.unitsAdded).toBe(5);
    const units = await t.call('units.list', { limit: 100 });
    expect(units.total).toBe(13);
    const issues = await t.call('issues.list', { limit: 10_000 });
    expect(issues.issues.filter((i) => i.rule === 'unit_missing')).toHaveLength(0);
    // the near name went to the registered unit, not a new one
    const persons = await t.call('persons.list', { limit: 1000 });
    expect(persons.rows.filter((r) => r.data.unitId === registered.jingshanCentre)).toHaveLength(30);
    // 乡镇 set once for the tidy file, and the unit created from its rows got it too
    const dhm = units.rows.find((u) => u.data.name === '多福巷社区居委会')!;
    expect(dhm.data).toMatchObject({ township: '110101001', unitType: '7' });
    expect(issues.issues.filter((i) => i.field === 'township' && i.table === 'person')).toHaveLength(0);
    // the history says what was derived and from what
    const someone = persons.rows.find((r) => r.source?.file === REAL_FILES.tidy)!;
    const history = await t.call('history.list', { table: 'person', recordId: someone.id });
    expect(history.find((h) => h.field === 'primaryDomain')!.note).toBe(JSON.stringify({ derivedFrom: 'domains' }));
    expect(history.find((h) => h.field === 'township')!.note).toBe(JSON.stringify({ fill: true }));
  });

  it('remembers a value mapping for later imports and for pastes', async () => {
    const { t } = await commitWithDecisions();
    const mappings = await t.call('io.valueMappings.list', {});
    expect(mappings).toContainEqual(expect.objectContaining({ field: 'education', value: '高级中学毕业', code: '60', label: '普通高级中学' }));
    const persons = await t.call('persons.list', { limit: 1 });
    const id = persons.rows[0]!.id;
    await t.call('grid.apply', { table: 'person', changes: [{ id, field: 'education', text: '高级中学毕业' }] });
    expect((await t.call('persons.get', { id })).row.data.education).toBe('60');
  });

  it('gives a unit\'s 城乡, set later in the units grid or form, to its persons who have none, never overwriting one', async () => {
    const { t, result } = await commitWithDecisions();
    expect(result.unitsAdded).toBe(11);
    const units = (await t.call('units.list', { limit: 100 })).rows.filter((u) => !u.data.urbanRural);
    expect(units.length).toBeGreaterThan(1);
    const persons = () => t.call('persons.list', { limit: 1000 }).then((r) => r.rows);
    const before = await persons();
    const blankOf = (rows: typeof before, unitId: string) => rows.filter((r) => r.data.unitId === unitId && !r.data.urbanRural);
    const [viaGrid, viaForm] = units as [(typeof units)[0], (typeof units)[0]];
    const blankGrid = blankOf(before, viaGrid.id);
    const blankForm = blankOf(before, viaForm.id);
    expect(blankGrid.length).toBeGreaterThan(0);
    expect(blankForm.length).toBeGreaterThan(0);
    // One person of the unit already has 城乡 from the clerk: it stays.
    const given = blankGrid[0]!;
    await t.call('persons.update', { id: given.id, patch: { urbanRural: '2' } });
    const urbanErrors = async () => (await t.call('issues.list', { field: 'urbanRural', limit: 10_000 })).issues.filter((i) => i.table === 'person').length;
    const errorsBefore = await urbanErrors();
    await t.call('grid.apply', { table: 'unit', changes: [{ id: viaGrid.id, field: 'urbanRural', text: '城镇' }] });
    await t.call('units.update', { id: viaForm.id, patch: { urbanRural: '2' } });
    const after = await persons();
    const byId = new Map(after.map((r) => [r.id, r.data]));
    expect(byId.get(given.id)!.urbanRural).toBe('2');
    for (const p of blankGrid.slice(1)) expect(byId.get(p.id)!.urbanRural).toBe('1');
    for (const p of blankForm) expect(byId.get(p.id)!.urbanRural).toBe('2');
    expect(await urbanErrors()).toBe(errorsBefore - (blankGrid.length - 1) - blankForm.length);
    const history = await t.call('history.list', { table: 'person', recordId: blankForm[0]!.id });
    expect(history.find((h) => h.field === 'urbanRural')!.note).toBe(JSON.stringify({ derivedFrom: 'unitId' }));
  });

  it('links people whose unit cell holds a name when that unit is registered later', async () => {
    const s = await setup();
    const files = [upload(s.returns.files.csv)];
    const p = await s.t.call('io.import.preview', { files });
    const skip = p.newUnits.map((u) => ({ name: u.name, action: 'skip' as const }));
    const p2 = await s.t.call('io.import.preview', { importId: p.importId, decisions: { units: skip } });
    await s.t.call('io.import.commit', { importId: p2.importId });
    const before = await s.t.call('issues.list', { rule: 'unit_missing', limit: 1000 });
    expect(before.total).toBe(125);
    const { row } = await s.t.call('units.create', { data: validUnit({ name: '福祥社区居委会', creditCode: null, noCreditReason: '居委会', unitType: '7', reportedSwCount: null }) });
    const after = await s.t.call('issues.list', { rule: 'unit_missing', limit: 1000 });
    expect(after.total).toBe(125 - 41);
    const linked = (await s.t.call('persons.list', { limit: 1000 })).rows.filter((r) => r.data.unitId === row.id);
    expect(linked).toHaveLength(41);
    // renaming a unit links the people naming its new name
    await s.t.call('units.update', { id: row.id, patch: { name: '交道口街道社会工作服务站' } });
    expect((await s.t.call('issues.list', { rule: 'unit_missing', limit: 1000 })).total).toBe(125 - 41 - 42);
  });
});

describe('re-importing a corrected return', () => {
  async function imported() {
    const s = await setup();
    const files = [upload(s.returns.files.csv)];
    const p = await s.t.call('io.import.preview', { files });
    const r = await s.t.call('io.import.commit', { importId: p.importId });
    const persons = (await s.t.call('persons.list', { limit: 1000 })).rows;
    return { ...s, files, first: r, persons };
  }

  it('keeps the county\'s edits, holds an ID arriving under another name, and does not re-add a deleted person', async () => {
    const { t, files, persons, returns } = await imported();
    const csv = returns.persons.filter((x) => x.file === REAL_FILES.csv);
    const edited = persons.find((x) => x.data.idNumber === csv[0]!.id)!;
    await t.call('persons.update', { id: edited.id, patch: { education: '70' } });
    const gone = persons.find((x) => x.data.idNumber === csv[1]!.id)!;
    await t.call('persons.remove', { ids: [gone.id] });
    // the same file again, with one ID under another name
    const rows = readFileSync(returns.files.csv);
    const iconv = (await import('iconv-lite')).default;
    const text = iconv.decode(rows, 'gbk').replace(`${csv[2]!.name},${csv[2]!.id}`, `王小二,${csv[2]!.id}`);
    const changed = { name: REAL_FILES.csv, dataBase64: iconv.encode(text, 'gbk').toString('base64') };
    const p = await t.call('io.import.preview', { files: [changed] });
    const f = p.files[0]!;
    const kinds = f.conflicts.map((c) => [c.kind, c.label.split(' ')[0], c.field, c.take]);
    expect(kinds).toContainEqual(['edited', edited.data.name, 'education', 'county']);
    expect(f.conflicts.find((c) => c.kind === 'edited')!.countyValue).toBe('初级中学');
    expect(kinds).toContainEqual(['identity', '王小二', 'name', 'county']);
    expect(kinds).toContainEqual(['deleted', csv[1]!.name, null, 'county']);
    expect(f.held).toBe(2);
    expect(f.toAdd).toBe(0);
    await t.call('io.import.commit', { importId: p.importId });
    expect((await t.call('persons.get', { id: edited.id })).row.data.education).toBe('70');
    const after = (await t.call('persons.list', { limit: 1000 })).rows;
    expect(after).toHaveLength(124);
    expect(after.find((x) => x.data.idNumber === csv[2]!.id)!.data.name).toBe(csv[2]!.name);
    void files;
  });

  it('undoes an import as one step, and refuses with the reason once a record it touched was edited', async () => {
    const { t, first, persons } = await imported();
    const history = await t.call('io.imports.list', {});
    expect(history[0]).toMatchObject({ id: first.importId, undoBlocked: null, files: [expect.objectContaining({ file: REAL_FILES.csv, added: 125, unitsAdded: 2 })] });
    await t.call('persons.update', { id: persons[0]!.id, patch: { phone: '13900000000' } });
    const blocked = (await t.call('io.imports.list', {}))[0]!;
    expect(blocked.undoBlocked).toContain(persons[0]!.data.name as string);
    const refused = await t.fail('io.imports.undo', { importId: first.importId! });
    expect(refused.message).toContain('不能撤销');
    expect((await t.call('persons.list', {})).total).toBe(125);
    // a second import, untouched since: undone whole
    await t.call('persons.update', { id: persons[0]!.id, patch: { phone: persons[0]!.data.phone ?? null } });
    const s2 = await t.call('io.import.preview', { files: [upload(path.join(dir, REAL_FILES.tidy))] });
    const r2 = await t.call('io.import.commit', { importId: s2.importId });
    expect((await t.call('persons.list', {})).total).toBe(275);
    // The issues as a fresh look at the file finds them, against what this process's cache says
    const issuesNow = async () => {
      const list = await t.call('issues.list', { limit: 1 });
      return { total: list.total, byRule: list.byRule };
    };
    const fresh = async () => {
      const other = openCoreForFile(t.core.ctx.store.path);
      try {
        const r = await other.dispatch('issues.list', { limit: 1 });
        if (!r.ok) throw new Error(r.error.message);
        const list = r.result as { total: number; byRule: Record<string, number> };
        return { total: list.total, byRule: list.byRule };
      } finally {
        other.close();
      }
    };
    const withImport = await issuesNow();
    const undone = await t.call('io.imports.undo', { importId: r2.importId! });
    expect(undone).toEqual({ removed: 150 + 5, restored: 0 });
    expect((await t.call('persons.list', {})).total).toBe(125);
    expect((await t.call('units.list', {})).total).toBe(2 + 2);
    expect((await t.call('io.imports.list', {}))[0]!.undoneAt).not.toBeNull();
    // Undone with the issues cache warm: brought up to date, and it no longer counts the import's records
    const afterWarm = await issuesNow();
    expect(afterWarm).toEqual(await fresh());
    expect(afterWarm.total).toBeLessThan(withImport.total);
    // And with it stale: a third import written by another process, undone here before anything read the
    // issues again (its persons are held as ones the county deleted; its 5 units are added)
    const other = openCoreForFile(t.core.ctx.store.path);
    let third: string;
    try {
      const p3 = await other.dispatch('io.import.preview', { files: [upload(path.join(dir, REAL_FILES.tidy))] });
      if (!p3.ok) throw new Error(p3.error.message);
      const c3 = await other.dispatch('io.import.commit', { importId: (p3.result as ImportPreview).importId });
      if (!c3.ok) throw new Error(c3.error.message);
      third = (c3.result as { importId: string }).importId;
    } finally {
      other.close();
    }
    expect(await t.call('io.imports.undo', { importId: third })).toEqual({ removed: 5, restored: 0 });
    expect(await issuesNow()).toEqual(afterWarm);
  });
});

describe('error reports per township', () => {
  it('writes one file\'s report or all with file and sheet columns, landscape, fitted to width, header rows repeated, messages wrapped', async () => {
    const s = await setup();
    const p = await s.t.call('io.import.preview', { files: Object.values(s.returns.files).map(upload) });
    await s.t.call('io.import.commit', { importId: p.importId });
    const ExcelJS = (await import('exceljs')).default;
    const all = await s.t.call('io.errorReport', { files: Object.values(REAL_FILES) });
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load((await keptBytes(s.t, all)) as unknown as ArrayBuffer);
    const ws = wb.getWorksheet('人员')!;
    expect(ws.pageSetup).toMatchObject({ orientation: 'landscape', fitToPage: true, fitToWidth: 1, fitToHeight: 0, printTitlesRow: '1:2' });
    const header = (ws.getRow(2).values as unknown[]).filter(Boolean);
    expect(header.slice(-4)).toEqual(['来源文件', '来源工作表', '原表行号', '问题说明']);
    const files = new Set<string>();
    ws.eachRow((row, n) => { if (n > 2) files.add(String(row.getCell(header.length - 3).value)); });
    expect(files).toEqual(new Set(Object.values(REAL_FILES)));
    expect(ws.getRow(3).getCell(header.length).alignment?.wrapText).toBe(true);
    // one township's file: only its rows
    const one = await s.t.call('io.errorReport', { file: REAL_FILES.csv });
    expect(one.fileName).toBe('交道口街道_退回修改.xlsx');
    expect(one.rows).toBe(125 + 2); // its persons and the two units created from its rows
  });
});
