/**
 * The grid's contract methods on a real core: bulk rows, one-transaction applies with audit,
 * paste normalisation as on import, restore from history, layouts, and the incremental issues cache
 * agreeing with a full re-validation after every kind of write.
 */
import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { idCheckChar } from '../../shared/census/checks';
import { issueKey, type Issue } from '../../shared/census/issues';
import { validateCensus } from '../../shared/census/validate';
import { validationContext } from '../../electron/core/services/context';
import { censusIssues, type CensusIssues } from '../../electron/core/services/issues';
import { validPerson, validUnit } from '../fixtures/records';
import { openCensusWithUnit, openTestCore, removeDir, type TestCore } from '../fixtures/core';

function idFor(body17: string): string {
  return body17 + idCheckChar(body17);
}
const ID_A = idFor('11010119900101123');
const ID_B = idFor('11010119850315002');

let t: TestCore | undefined;
let warm: CensusIssues | undefined;
afterEach(() => {
  warm = undefined;
  t?.close();
  if (t) removeDir(t.dir);
  t = undefined;
});

async function setUp() {
  const opened = await openCensusWithUnit();
  t = opened.t;
  return opened;
}

/** Every issue the cache serves, against a from-scratch validation of the stored census */
async function expectCacheMatchesFullPass(tc: TestCore) {
  // The same cache object: the write was absorbed incrementally, not by a fresh full pass.
  if (warm) expect(censusIssues(tc.core.ctx)).toBe(warm);
  const cached = (await tc.call('issues.list', { limit: 1_000_000 })).issues.map((i) => issueKey(i) + '|' + i.message).sort();
  const ctx = tc.core.ctx;
  const persons = [...ctx.store.persons.iterate()];
  const units = [...ctx.store.units.iterate()];
  const full = validateCensus({ persons: () => persons, units: () => units }, validationContext(ctx, ctx.store.settings.get()!))
    .map((i: Issue) => issueKey(i) + '|' + i.message)
    .sort();
  expect(cached).toEqual(full);
}

describe('grid.rows and grid.refs', () => {
  it('pages rows as arrays in dictionary order and lists units and townships', async () => {
    const { t, unitId } = await setUp();
    for (let i = 0; i < 5; i++) await t.call('persons.create', { data: validPerson({ unitId, name: `人员${i}` }) });
    const page = await t.call('grid.rows', { table: 'person', offset: 1, limit: 3 });
    expect(page.total).toBe(5);
    expect(page.rows.map((r) => r.values[page.fields.indexOf('name')])).toEqual(['人员1', '人员2', '人员3']);
    expect(page.rows[0]!.values[page.fields.indexOf('domains')]).toEqual(['01', '11']);
    const refs = await t.call('grid.refs', {});
    if (refs.unchanged) throw new Error('a first call without a key gets the lists');
    expect(refs.units).toEqual([{ id: unitId, name: '东华门街道社会工作服务站', creditCode: '91110000100006485K' }]);
    expect(refs.townships.find((x) => x.code === '110101001')?.name).toBe('东华门街道');
  });

  it('grid.refs answers unchanged to the key of the lists it would send, and sends them again once a unit changes', async () => {
    const { t, unitId } = await setUp();
    const first = await t.call('grid.refs', {});
    expect(first.unchanged).toBe(false);
    const { key } = first;
    expect(await t.call('grid.refs', { known: key })).toEqual({ key, unchanged: true });
    // Writes that leave the lists as they are (a person, a layout) keep the key: the lists are read again and hash the same.
    await t.call('persons.create', { data: validPerson({ unitId, name: '人员甲' }) });
    await t.call('grid.layout.set', { table: 'person', layout: { columns: [] } });
    expect(await t.call('grid.refs', { known: key })).toEqual({ key, unchanged: true });
    // A stale or foreign key gets the lists.
    const foreign = await t.call('grid.refs', { known: 'not-a-key' });
    expect(foreign).toMatchObject({ key, unchanged: false });

    const expectSent = async (known: string, unit: (u: { id: string; name: string; creditCode: string | null }[]) => void) => {
      const r = await t.call('grid.refs', { known });
      if (r.unchanged) throw new Error('the lists changed, so they are sent');
      expect(r.key).not.toBe(known);
      unit(r.units);
      expect(await t.call('grid.refs', { known: r.key })).toEqual({ key: r.key, unchanged: true });
      return r.key;
    };
    await t.call('units.update', { id: unitId, patch: { name: '东华门街道社工站' } });
    const renamed = await expectSent(key, (units) => expect(units.map((u) => u.name)).toEqual(['东华门街道社工站']));
    const { row: added } = await t.call('units.create', { data: validUnit({ name: '第二家社工机构', creditCode: null }) });
    const two = await expectSent(renamed, (units) => expect(units.map((u) => u.name).sort()).toEqual(['东华门街道社工站', '第二家社工机构'].sort()));
    expect(two).not.toBe(key);
    await t.call('units.remove', { ids: [added.id] });
    // One unit again, as after the rename: the same lists, the same key.
    expect(await expectSent(two, (units) => expect(units.map((u) => u.id)).toEqual([unitId]))).toBe(renamed);
    // Back to the first name: the lists are what they were, and so is their key.
    await t.call('units.update', { id: unitId, patch: { name: '东华门街道社会工作服务站' } });
    expect(await t.call('grid.refs', { known: key })).toEqual({ key, unchanged: true });
  });

  it('grid.refs keeps its key through edits of persons without reading the units again, and reads them once a unit is written', async () => {
    const { t, unitId } = await setUp();
    const first = await t.call('grid.refs', {});
    const { key } = first;
    const { row: person } = await t.call('persons.create', { data: validPerson({ unitId, name: '人员甲' }) });
    await t.call('grid.apply', { table: 'person', create: [], changes: [{ id: person.id, field: 'name', text: '人员乙' }], remove: [] });
    await t.call('grid.layout.set', { table: 'person', layout: { columns: [] } });
    // Counted, not replaced: the real query runs whenever it is called.
    const reads = vi.spyOn(t.core.ctx.store.units, 'options');
    expect(await t.call('grid.refs', { known: key })).toEqual({ key, unchanged: true });
    expect(reads).toHaveBeenCalledTimes(0);
    // A unit written through the grid, as a clerk would: read again, sent, and then held again.
    await t.call('grid.apply', { table: 'unit', create: [], changes: [{ id: unitId, field: 'name', text: '东华门社工站' }], remove: [] });
    const renamed = await t.call('grid.refs', { known: key });
    if (renamed.unchanged) throw new Error('the unit was renamed');
    expect(renamed.units.map((u) => u.name)).toEqual(['东华门社工站']);
    expect(reads).toHaveBeenCalledTimes(1);
    await t.call('grid.apply', { table: 'person', create: [], changes: [{ id: person.id, field: 'name', text: '人员丙' }], remove: [] });
    expect(await t.call('grid.refs', { known: renamed.key })).toEqual({ key: renamed.key, unchanged: true });
    expect(reads).toHaveBeenCalledTimes(1);
    // Named back: a unit written again, read again, and the key is the first one.
    await t.call('grid.apply', { table: 'unit', create: [], changes: [{ id: unitId, field: 'name', text: '东华门街道社会工作服务站' }], remove: [] });
    expect(await t.call('grid.refs', { known: key })).toEqual({ key, unchanged: true });
    expect(reads).toHaveBeenCalledTimes(2);
  });

  it('grid.refs sees a unit another process wrote to the same census file', async () => {
    const { t } = await setUp();
    const first = await t.call('grid.refs', {});
    const other = await openTestCore(t.dir);
    try {
      await other.call('units.create', { data: validUnit({ name: '另一程序登记的单位', creditCode: null }) });
    } finally {
      other.close();
    }
    const r = await t.call('grid.refs', { known: first.key });
    if (r.unchanged) throw new Error('another process added a unit');
    expect(r.units.map((u) => u.name)).toContain('另一程序登记的单位');
  });
});

describe('grid.apply', () => {
  it('normalises pasted text as the importers do and derives sex and birth date from the ID number', async () => {
    const { t } = await setUp();
    const id = randomUUID();
    const r = await t.call('grid.apply', {
      table: 'person',
      create: [{ id, values: {} }],
      changes: [
        { id, field: 'name', text: ' 王 小 明 ' },
        { id, field: 'idNumber', text: ID_B.replace(/\d/g, (d) => String.fromCharCode(d.charCodeAt(0) + 0xfee0)) },
        { id, field: 'education', text: '本科' },
        { id, field: 'township', text: '东华门街道' },
        { id, field: 'unitId', text: '东华门街道社会工作服务站' },
        { id, field: 'domains', text: '老年人服务、儿童青少年服务' },
        { id, field: 'swPost', text: '是' },
        { id, field: 'trainingHours', text: '十二' },
      ],
    });
    const fields = (await t.call('grid.rows', { table: 'person' })).fields;
    const values = Object.fromEntries(fields.map((f, i) => [f, r.rows[0]!.values[i]]));
    expect(values).toMatchObject({
      name: '王小明', idNumber: ID_B, idType: '01', sex: '2', birthDate: '1985-03-15', education: '20', township: '110101001', swPost: true, trainingHours: '十二',
    });
    expect(typeof values.unitId).toBe('string');
    expect((values.unitId as string).length).toBe(36);
    expect(Array.isArray(values.domains) && (values.domains as string[]).length).toBe(2);
    expect(r.issues[id]!.map((i) => i.rule)).toContain('number_invalid');
    expect(r.counts.error).toBeGreaterThan(0);
    const history = await t.call('history.list', { table: 'person', recordId: id });
    expect(history.map((h) => h.action)).toEqual(['create']);
  });

  it('writes one audit entry per changed field and skips cells of unknown rows', async () => {
    const { t, unitId } = await setUp();
    const { row } = await t.call('persons.create', { data: validPerson({ unitId, idNumber: ID_A, sex: '1', birthDate: '1990-01-01' }) });
    const r = await t.call('grid.apply', {
      table: 'person',
      changes: [
        { id: row.id, field: 'name', value: '李四' },
        { id: row.id, field: 'phone', value: '13800000000' },
        { id: row.id, field: 'majorName', value: '社会工作' }, // unchanged: no audit entry
        { id: 'nobody', field: 'name', value: 'x' },
      ],
    });
    expect(r.skipped).toBe(1);
    const history = (await t.call('history.list', { table: 'person', recordId: row.id })).filter((h) => h.action === 'update');
    expect(history.map((h) => [h.field, h.oldValue, h.newValue])).toEqual([
      ['name', '"张三"', '"李四"'],
      ['phone', '"13812345678"', '"13800000000"'],
    ]);
  });

  it('rolls back the whole action when one part fails', async () => {
    const { t, unitId } = await setUp();
    const { row } = await t.call('persons.create', { data: validPerson({ unitId }) });
    const e = await t.fail('grid.apply', { table: 'unit', changes: [{ id: unitId, field: 'name', value: '新名称' }], remove: [unitId] });
    expect(e.code).toBe('conflict');
    expect(e.message).toContain('下还有登记人员');
    expect((await t.call('units.get', { id: unitId })).row.data.name).toBe('东华门街道社会工作服务站');
    const bad = await t.fail('grid.apply', { table: 'person', changes: [{ id: row.id, field: 'domains', value: '01' }] });
    expect(bad.message).toContain('服务领域');
  });

  it('reports the cross-record issues a change moves: a duplicate ID number appears and goes', async () => {
    const { t, unitId } = await setUp();
    const a = (await t.call('persons.create', { data: validPerson({ unitId, idNumber: ID_A, sex: '1', birthDate: '1990-01-01' }) })).row;
    const b = (await t.call('persons.create', { data: validPerson({ unitId, idNumber: ID_B, sex: '2', birthDate: '1985-03-15' }) })).row;
    warm = censusIssues(t.core.ctx);
    const dup = await t.call('grid.apply', { table: 'person', changes: [{ id: b.id, field: 'idNumber', value: ID_A }, { id: b.id, field: 'sex', value: '1' }, { id: b.id, field: 'birthDate', value: '1990-01-01' }] });
    expect(dup.issues[a.id]!.map((i) => i.rule)).toEqual(['duplicate_id']);
    expect(dup.issues[b.id]!.map((i) => i.rule)).toEqual(['duplicate_id']);
    await expectCacheMatchesFullPass(t);
    const undo = await t.call('grid.apply', { table: 'person', changes: [{ id: b.id, field: 'idNumber', value: ID_B }, { id: b.id, field: 'sex', value: '2' }, { id: b.id, field: 'birthDate', value: '1985-03-15' }] });
    expect(undo.issues[a.id]).toEqual([]);
    expect(undo.counts).toEqual({ error: 0, warning: 0 });
    await expectCacheMatchesFullPass(t);
  });

  it('keeps the cached issues equal to a full pass through creates, edits, removals and unit changes', async () => {
    const { t, unitId } = await setUp();
    warm = censusIssues(t.core.ctx); // later writes must update this cache, not replace it
    const ids = Array.from({ length: 6 }, () => randomUUID());
    await t.call('grid.apply', {
      table: 'person',
      create: ids.map((id, n) => ({ id, values: { ...validPerson({ unitId, name: `人${n}` }), idNumber: n % 2 ? ID_A : ID_B, sex: null, birthDate: null } })),
    });
    await expectCacheMatchesFullPass(t);
    await t.call('grid.apply', { table: 'unit', changes: [{ id: unitId, field: 'reportedSwCount', value: 3 }] });
    await expectCacheMatchesFullPass(t);
    await t.call('grid.apply', { table: 'person', remove: ids.slice(0, 3) });
    await expectCacheMatchesFullPass(t);
    const u2 = randomUUID();
    await t.call('grid.apply', { table: 'unit', create: [{ id: u2, values: validUnit({ name: '第二单位', reportedSwCount: 1 }) }] });
    await t.call('grid.apply', { table: 'person', changes: [{ id: ids[3]!, field: 'unitId', value: u2 }, { id: ids[4]!, field: 'unitId', value: 'missing' }] });
    await expectCacheMatchesFullPass(t);
    await t.call('persons.update', { id: ids[5]!, patch: { idNumber: ID_A.toLowerCase() } });
    await expectCacheMatchesFullPass(t);
    await t.call('units.remove', { ids: [u2] }).catch(() => undefined);
    await t.call('grid.apply', { table: 'person', changes: [{ id: ids[3]!, field: 'unitId', value: unitId }] });
    await t.call('units.remove', { ids: [u2] });
    await expectCacheMatchesFullPass(t);
  });
});

describe('grid.restore and layouts', () => {
  it('puts an earlier value back as a restore entry in the history', async () => {
    const { t, unitId } = await setUp();
    const { row } = await t.call('persons.create', { data: validPerson({ unitId }) });
    await t.call('grid.apply', { table: 'person', changes: [{ id: row.id, field: 'majorName', value: '心理学' }] });
    const entry = (await t.call('history.list', { table: 'person', recordId: row.id })).find((h) => h.field === 'majorName')!;
    const r = await t.call('grid.restore', { table: 'person', recordId: row.id, auditId: entry.id, side: 'old' });
    expect(r.rows[0]!.values).toContain('社会工作');
    const last = (await t.call('history.list', { table: 'person', recordId: row.id })).at(-1)!;
    expect(last).toMatchObject({ action: 'restore', field: 'majorName', oldValue: '"心理学"', newValue: '"社会工作"' });
  });

  it('remembers a layout per table in the database', async () => {
    const { t: first } = await setUp();
    expect(await first.call('grid.layout.get', { table: 'person' })).toBeNull();
    const layout = { columns: [{ key: 'name', width: 140 }, { key: 'phone', hidden: true }], sort: [{ key: 'name', dir: 'asc' as const }] };
    await first.call('grid.layout.set', { table: 'person', layout });
    const dir = first.dir;
    first.close();
    const again = await openTestCore(dir);
    t = again;
    expect(await again.call('grid.layout.get', { table: 'person' })).toEqual(layout);
    expect(await again.call('grid.layout.get', { table: 'unit' })).toBeNull();
  });
});
