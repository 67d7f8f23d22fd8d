import { afterEach, describe, expect, it } from 'vitest';
import { idCheckChar } from '../../shared/census/checks';
import { validPerson } from '../fixtures/records';
import { DONGCHENG, openCensusWithUnit, openTestCore, removeDir, type TestCore } from '../fixtures/core';

const body = '11010119900101123';
const GOOD_ID = body + idCheckChar(body);
const BAD_ID = body + (idCheckChar(body) === '0' ? '1' : '0');

let t: TestCore | undefined;
afterEach(() => {
  t?.close();
  if (t) removeDir(t.dir);
  t = undefined;
});

async function setUp() {
  const opened = await openCensusWithUnit();
  t = opened.t;
  return opened;
}

describe('census setup', () => {
  it('refuses calls before setup and an area of the wrong level', async () => {
    t = await openTestCore();
    expect((await t.fail('census.summary', {})).code).toBe('not_setup');
    const e = await t.fail('census.setup', { ...DONGCHENG, areaCode: '110100', level: 'county' });
    expect(e.message).toMatch(/不是区县级|不存在/);
    expect(await t.call('census.get', {})).toBeNull();
  });

  it('stores the area with its readable path and refuses a second setup', async () => {
    t = await openTestCore();
    const s = await t.call('census.setup', DONGCHENG);
    expect(s.areaName).toContain('东城区');
    expect((await t.fail('census.setup', DONGCHENG)).code).toBe('conflict');
    expect(await t.call('census.get', {})).toMatchObject({ areaCode: '110101', refDate: '2026-12-31', operator: '李四' });
    // the office's signing key exists from setup on, so its fingerprint can be confirmed by phone early
    expect((await t.call('app.info', {})).fingerprint).toMatch(/^[0-9A-F]{4}( [0-9A-F]{4})+$/);
  });
});

describe('persons', () => {
  it('saves a person with a wrong ID number, flags it, and clears the flag when fixed', async () => {
    const { t, unitId } = await setUp();
    const created = await t.call('persons.create', { data: validPerson({ unitId, idNumber: BAD_ID, sex: null, birthDate: null }) });
    expect(created.issues.map((i) => i.rule)).toContain('id_checksum');
    expect((await t.call('census.summary', {})).issues.error).toBeGreaterThan(0);

    const fixed = await t.call('persons.update', { id: created.row.id, patch: { idNumber: GOOD_ID } });
    // sex and birth date derived from the corrected number
    expect(fixed.row.data).toMatchObject({ idNumber: GOOD_ID, sex: '1', birthDate: '1990-01-01' });
    expect(fixed.issues).toEqual([]);
    const summary = await t.call('census.summary', {});
    expect(summary).toMatchObject({ persons: 1, units: 1, issues: { error: 0, warning: 0 } });
  });

  it('writes every change to the audit log with operator, old and new value', async () => {
    const { t, unitId } = await setUp();
    const { row } = await t.call('persons.create', { data: validPerson({ unitId, idNumber: GOOD_ID, sex: '1', birthDate: '1990-01-01' }) });
    await t.call('census.setOperator', { operator: '王五' });
    await t.call('persons.update', { id: row.id, patch: { education: '10', trainingHours: 200 } });
    const h = await t.call('history.list', { table: 'person', recordId: row.id });
    expect(h.map((e) => [e.action, e.field, e.oldValue, e.newValue, e.operator])).toEqual(expect.arrayContaining([
      ['create', null, null, expect.any(String), '李四'],
      ['update', 'education', '"20"', '"10"', '王五'],
      ['update', 'trainingHours', '160', '200', '王五'],
    ]));
  });

  it('flags the same ID number entered twice in the area', async () => {
    const { t, unitId } = await setUp();
    const data = validPerson({ unitId, idNumber: GOOD_ID, sex: '1', birthDate: '1990-01-01' });
    await t.call('persons.create', { data });
    const second = await t.call('persons.create', { data });
    expect(second.issues.map((i) => i.rule)).toEqual(['duplicate_id']);
    const all = await t.call('issues.list', { rule: 'duplicate_id' });
    expect(all.total).toBe(2);
  });

  it('lists and searches persons by name and ID number, and removes them', async () => {
    const { t, unitId } = await setUp();
    await t.call('persons.create', { data: validPerson({ unitId, name: '王小明', idNumber: GOOD_ID, sex: '1', birthDate: '1990-01-01' }) });
    await t.call('persons.create', { data: validPerson({ unitId, name: '赵丽' }) });
    expect((await t.call('persons.list', {})).total).toBe(2);
    expect((await t.call('persons.list', { search: '小明' })).rows.map((r) => r.data.name)).toEqual(['王小明']);
    expect((await t.call('persons.list', { search: GOOD_ID.slice(0, 10) })).total).toBe(1);
    const ids = (await t.call('persons.list', {})).rows.map((r) => r.id);
    expect(await t.call('persons.remove', { ids })).toEqual({ removed: 2 });
    expect((await t.call('persons.list', {})).total).toBe(0);
  });

  it('validates a form without saving it', async () => {
    const { t } = await setUp();
    const r = await t.call('persons.validate', { data: validPerson({ unitId: 'missing', township: '110102001' }) });
    expect(r.issues.map((i) => i.rule).sort()).toEqual(['age_over_65', 'township_outside', 'unit_missing']);
    expect((await t.call('persons.list', {})).total).toBe(0);
  });
});

describe('units and issues', () => {
  it('refuses to delete a unit that still has persons', async () => {
    const { t, unitId } = await setUp();
    await t.call('persons.create', { data: validPerson({ unitId }) });
    const e = await t.fail('units.remove', { ids: [unitId] });
    expect(e.code).toBe('conflict');
    expect((await t.call('units.list', {})).total).toBe(1);
  });

  it('lets a warning be explained but not an error', async () => {
    const { t, unitId } = await setUp();
    const { row } = await t.call('persons.create', { data: validPerson({ unitId }) }); // born 1949: over 65
    const warn = (await t.call('issues.list', { severity: 'warning' })).issues[0]!;
    expect(warn.rule).toBe('age_over_65');
    await t.call('issues.explain', { table: 'person', recordId: row.id, field: warn.field, rule: warn.rule, text: '返聘，仍在岗' });
    const after = await t.call('issues.list', { severity: 'warning' });
    expect(after.issues[0]!.explanation).toBe('返聘，仍在岗');
    expect(await t.call('census.summary', {})).toMatchObject({ explained: 1, unexplainedWarnings: 0 });

    await t.call('persons.update', { id: row.id, patch: { education: null } });
    const err = (await t.call('issues.list', { severity: 'error' })).issues[0]!;
    const e = await t.fail('issues.explain', { table: 'person', recordId: row.id, field: err.field, rule: err.rule, text: '说明' });
    expect(e.message).toContain('错误必须修正');
  });

  it('offers units for the picker by name', async () => {
    const { t } = await setUp();
    const opts = await t.call('units.options', { search: '东华门' });
    expect(opts).toHaveLength(1);
    expect(opts[0]!.name).toBe('东华门街道社会工作服务站');
  });
});
