/**
 * Real township returns (tests/fixtures/real-returns.ts) to a clean census: units from the returns,
 * derivations, value mapping remembered for later imports and pastes, missing columns set for all rows.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { ImportPreview } from '../../shared/api/methods/io';
import { DONGCHENG, openTestCore, removeDir, tempDir, type TestCore } from '../fixtures/core';
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
    expect(tidy.missingColumns.map((m) => m.label)).toEqual(expect.arrayContaining(['工作地乡镇（街道）', '城乡', '岗位类别', '是否社会工作专业岗位', '用工形式']));
    expect(tidy.missingColumns.find((m) => m.field === 'township')!.rows).toBe(150);
    // 城乡 follows from a unit's, and no unit from these returns has one yet: not guessed
    expect(tidy.derived.find((d) => d.field === 'urbanRural')).toBeUndefined();
    expect(tidy.derived.find((d) => d.field === 'postCategory' || d.field === 'employmentForm' || d.field === 'swPost')).toBeUndefined();
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
