import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import type { CensusSettings } from '../../shared/api/contract';
import { fieldsOf } from '../../shared/census/dictionary';
import { createStore, storeOf, type Store } from '../../electron/core/db';
import { nullData, sampleData, sampleRow } from '../fixtures/db-records';

const root = mkdtempSync(join(tmpdir(), 'hc-db-repos-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let store: Store;
let path: string;
beforeEach(() => {
  store?.close();
  path = join(root, `${randomUUID()}.sqlite`);
  store = createStore(path);
});
afterAll(() => store?.close());

const reopen = () => {
  store.close();
  store = createStore(path);
  return store;
};

describe('settingsRepo', () => {
  const settings: CensusSettings = {
    areaCode: '110105', areaName: '朝阳区', level: 'county', refDate: '2026-06-30',
    officeName: '朝阳区民政局', operator: '张三', createdAt: '2026-07-01T08:00:00.000Z', planningStart: 2026,
  };

  it('has no settings before setup, then keeps what was saved across reopening', () => {
    expect(store.settings.get()).toBeNull();
    store.settings.save(settings);
    expect(reopen().settings.get()).toEqual(settings);
  });

  it('keeps one row: saving again replaces it', () => {
    store.settings.save(settings);
    store.settings.save({ ...settings, operator: '李四' });
    expect(store.settings.get()).toEqual({ ...settings, operator: '李四' });
  });
});

describe('recordRepo round-trips', () => {
  for (const table of ['person', 'unit'] as const) {
    const repo = () => store.records[table];

    it(`stores every ${table} field type and reads it back identically after reopening`, () => {
      const rows = [sampleRow(table, 0), sampleRow(table, 1), sampleRow(table, 2)];
      for (const r of rows) repo().insert(r);
      const back = reopen().records[table];
      for (const r of rows) expect(back.get(r.id)).toEqual(r);
      // Keys in dictionary order (exports and the grid walk them in that order)
      for (const r of rows) expect(Object.keys(back.get(r.id)!.data)).toEqual(fieldsOf[table].map((f) => f.key));
      // The sample must really exercise the edge types, or this test proves little.
      const types = new Set(fieldsOf[table].map((f) => f.type));
      expect(types.has('boolean') && types.has('integer')).toBe(true);
      expect(rows.map((r) => r.source)).toEqual([null, expect.objectContaining({ sheet: '人员' }), { file: '乡镇2.xlsx', row: 4 }]);
    });

    it(`stores an all-empty ${table} (nulls, empty codes) and reads it back`, () => {
      const row = sampleRow(table, 3, { data: nullData(table) });
      repo().insert(row);
      expect(reopen().records[table].get(row.id)).toEqual(row);
    });

    it(`fills fields missing from a ${table}'s data with empty values`, () => {
      const row = sampleRow(table, 4, { data: { name: '只有名字' } });
      repo().insert(row);
      expect(repo().get(row.id)?.data).toEqual({ ...nullData(table), name: '只有名字' });
    });
  }

  it('keeps booleans true and false apart from null, and codes in their order', () => {
    const mk = (swPost: boolean | null, domains: string[]) => sampleRow('person', 5, { data: { ...sampleData('person', 5), swPost, domains } });
    const rows = [mk(true, ['18', '01']), mk(false, ['99']), mk(null, [])];
    store.persons.insertMany(rows);
    expect(store.persons.getMany(rows.map((r) => r.id)).map((r) => [r.data.swPost, r.data.domains])).toEqual([
      [true, ['18', '01']],
      [false, ['99']],
      [null, []],
    ]);
  });

  it('refuses values of the wrong type instead of storing them', () => {
    const bad = (data: Record<string, unknown>) => sampleRow('person', 6, { data: { ...sampleData('person'), ...data } as never });
    expect(() => store.persons.insert(bad({ trainingHours: true }))).toThrow(/trainingHours/);
    expect(() => store.persons.insert(bad({ swPost: 1 }))).toThrow(/swPost/);
    expect(() => store.persons.insert(bad({ certYear: ['2015'] }))).toThrow(/certYear/);
    expect(() => store.persons.insert(bad({ domains: ['01,02'] }))).toThrow(/domains/);
    expect(() => store.persons.insert(bad({ name: 7 }))).toThrow(/name/);
    expect(() => store.persons.insert(bad({ nickname: 'x' }))).toThrow(/unknown field person.nickname/);
    expect(store.persons.count()).toBe(0);
  });

  it("keeps a clerk's unreadable number or yes/no answer as text, to be flagged rather than lost", () => {
    const row = sampleRow('person', 7, { data: { ...sampleData('person'), trainingHours: '十二', swPost: '也许', certYear: 2015, startYear: 1.5 } });
    store.persons.insert(row);
    expect(store.persons.get(row.id)!.data).toMatchObject({ trainingHours: '十二', swPost: '也许', certYear: 2015, startYear: '1.5' });
  });

  it('refuses a second record with the same id', () => {
    const row = sampleRow('unit', 1);
    store.units.insert(row);
    expect(() => store.units.insert(row)).toThrow(/UNIQUE/);
    expect(store.units.count()).toBe(1);
  });
});

describe('recordRepo queries', () => {
  it('lists in creation order with offset and limit, and counts the total', () => {
    const rows = Array.from({ length: 25 }, (_, i) => sampleRow('person', i));
    // Inserted out of order: listing follows created_at, not insertion.
    store.persons.insertMany([...rows].reverse());
    const page = store.persons.list({ offset: 10, limit: 5 });
    expect(page.total).toBe(25);
    expect(page.rows.map((r) => r.id)).toEqual(rows.slice(10, 15).map((r) => r.id));
    expect(store.persons.list().rows).toHaveLength(25);
  });

  it('finds persons by part of the name or the start of the ID number', () => {
    const named = (name: string, idNumber: string) => sampleRow('person', 1, { data: { ...sampleData('person', 1), name, idNumber } });
    const rows = [named('王小明', '110105199001011234'), named('李明华', '440524199001015678'), named('张三', '11010519491231002X'), named('50%_折扣', '9')];
    store.persons.insertMany(rows);
    const names = (search: string) => store.persons.list({ search }).rows.map((r) => r.data.name);
    expect(names('明')).toEqual(['王小明', '李明华']);
    expect(store.persons.list({ search: '明', limit: 1 }).total).toBe(2);
    expect(names('1101')).toEqual(['王小明', '张三']);
    expect(names('11010519491231002x')).toEqual(['张三']);
    // Not a prefix: ID numbers match from the start only.
    expect(names('1234')).toEqual([]);
    // LIKE wildcards in the search are literal characters.
    expect(names('%')).toEqual(['50%_折扣']);
    expect(names('_')).toEqual(['50%_折扣']);
    expect(names('  ')).toHaveLength(4);
  });

  it('finds units by name, credit code prefix, and offers them as options', () => {
    const unit = (name: string, creditCode: string | null) => sampleRow('unit', 1, { data: { ...sampleData('unit', 1), name, creditCode } });
    const rows = [unit('朝阳区社工站', '91110105MA01ABCD12'), unit('阳光社会工作服务中心', null), unit('朝阳区民政局', '11110105000012345X')];
    store.units.insertMany(rows);
    expect(store.units.list({ search: '9111' }).rows.map((r) => r.data.name)).toEqual(['朝阳区社工站']);
    expect(store.units.findByName('阳光社会工作服务中心').map((r) => r.id)).toEqual([rows[1]!.id]);
    expect(store.units.findByCreditCode('11110105000012345X').map((r) => r.id)).toEqual([rows[2]!.id]);
    expect(store.units.findByCreditCode('nope')).toEqual([]);
    expect(store.units.options('朝阳', 10)).toEqual([
      { id: rows[2]!.id, name: '朝阳区民政局', creditCode: '11110105000012345X' },
      { id: rows[0]!.id, name: '朝阳区社工站', creditCode: '91110105MA01ABCD12' },
    ]);
    expect(store.units.options('', 2)).toHaveLength(2);
    expect(store.units.options(undefined, 10).map((o) => o.creditCode)).toContain(null);
  });

  it('finds persons by ID number (all of them, duplicates included) and counts persons per unit', () => {
    const unitId = randomUUID();
    const p = (n: number, idNumber: string) => sampleRow('person', n, { data: { ...sampleData('person', n), idNumber, unitId } });
    store.persons.insertMany([p(1, '11010519491231002X'), p(2, '11010519491231002X'), p(3, '440524188001010014')]);
    expect(store.persons.findByIdNumber('11010519491231002X')).toHaveLength(2);
    expect(store.persons.findByIdNumber('000')).toEqual([]);
    expect(store.persons.countByUnit(unitId)).toBe(3);
    expect(store.persons.countByUnit('other')).toBe(0);
  });

  it('gets many by id in the order asked, skipping unknown and repeated ids', () => {
    const rows = Array.from({ length: 5 }, (_, i) => sampleRow('unit', i));
    store.units.insertMany(rows);
    const ids = [rows[3]!.id, 'missing', rows[0]!.id, rows[3]!.id];
    expect(store.units.getMany(ids).map((r) => r.id)).toEqual([rows[3]!.id, rows[0]!.id]);
    expect(store.units.getMany([])).toEqual([]);
    expect(store.units.get('missing')).toBeNull();
  });

  it('iterates every row in list order', () => {
    const rows = Array.from({ length: 1200 }, (_, i) => sampleRow('person', i));
    store.persons.insertMany(rows);
    const seen = [...store.persons.iterate()];
    expect(seen).toHaveLength(1200);
    expect(seen.map((r) => r.id)).toEqual(rows.map((r) => r.id));
    expect(seen[7]).toEqual(rows[7]);
  });

  it('updates only the given fields and the update time', () => {
    const row = sampleRow('person', 2);
    store.persons.insert(row);
    expect(store.persons.update(row.id, { name: '新名字', trainingHours: null, domains: ['03'], swPost: false }, '2026-08-01T00:00:00.000Z')).toBe(true);
    expect(reopen().persons.get(row.id)).toEqual({
      ...row,
      data: { ...row.data, name: '新名字', trainingHours: null, domains: ['03'], swPost: false },
      updatedAt: '2026-08-01T00:00:00.000Z',
    });
    expect(store.persons.update('missing', { name: 'x' }, 'now')).toBe(false);
    expect(() => store.persons.update(row.id, { bogus: 'x' }, 'now')).toThrow(/unknown field/);
  });

  it('removes by id and says how many were removed', () => {
    const rows = Array.from({ length: 4 }, (_, i) => sampleRow('unit', i));
    store.units.insertMany(rows);
    expect(store.units.remove([rows[0]!.id, rows[2]!.id, 'missing'])).toBe(2);
    expect(store.units.list().rows.map((r) => r.id)).toEqual([rows[1]!.id, rows[3]!.id]);
    expect(store.units.remove([])).toBe(0);
  });

  it('inserts 10,000 rows in one go', () => {
    const rows = Array.from({ length: 10_000 }, (_, i) => sampleRow('person', i));
    expect(store.persons.insertMany(rows)).toBe(10_000);
    expect(reopen().persons.count()).toBe(10_000);
    expect(store.persons.get(rows[9999]!.id)).toEqual(rows[9999]);
  });

  it('inserts all or nothing: a bad row rolls back the whole batch', () => {
    const rows = Array.from({ length: 100 }, (_, i) => sampleRow('unit', i));
    rows[60] = { ...rows[60]!, data: { ...rows[60]!.data, staffCount: false } };
    expect(() => store.units.insertMany(rows)).toThrow(/staffCount/);
    expect(store.units.count()).toBe(0);
  });
});

describe('unitWritesRepo', () => {
  it('says whether units were written through this connection since last asked, by any of the repositories that write them', () => {
    // Unknown before the first question: nothing is known to have stayed the same.
    expect(store.unitWrites.take()).toBe(true);
    expect(store.unitWrites.take()).toBe(false);
    const units = Array.from({ length: 3 }, (_, i) => sampleRow('unit', i));
    store.units.insertMany(units);
    expect(store.unitWrites.take()).toBe(true);
    expect(store.unitWrites.take()).toBe(false);
    store.persons.insert(sampleRow('person', 0));
    store.persons.update(sampleRow('person', 0).id, { name: '改名后的人员' }, '2026-08-01T00:00:00.000Z');
    store.meta.set('grid.layout.person', { columns: [] });
    expect(store.unitWrites.take()).toBe(false);
    store.units.update(units[0]!.id, { name: '改名后的单位' }, '2026-08-01T00:00:00.000Z');
    expect(store.unitWrites.take()).toBe(true);
    store.imports.updateImported('unit', units[0]!.id, { name: '再改名的单位' }, { file: '乡镇.csv', row: 2 }, '2026-08-02T00:00:00.000Z');
    expect(store.unitWrites.take()).toBe(true);
    store.units.remove([units[1]!.id]);
    expect(store.unitWrites.take()).toBe(true);
    // A write rolled back still counts: one needless read rather than a stale list.
    expect(() => store.tx(() => {
      store.units.remove([units[2]!.id]);
      throw new Error('abandoned');
    })).toThrow('abandoned');
    expect(store.units.count()).toBe(2);
    expect(store.unitWrites.take()).toBe(true);
    // A received package's records taken out (set-based, by area).
    store.tx(() => store.packages.removePackageData('no-such-package', [units[0]!.areaCode]));
    expect(store.units.count()).toBe(0);
    expect(store.unitWrites.take()).toBe(true);
    // Two stores over one connection each keep their own answer.
    const second = storeOf(store.db);
    expect(second.unitWrites.take()).toBe(true);
    store.units.insert(sampleRow('unit', 5));
    expect([store.unitWrites.take(), second.unitWrites.take()]).toEqual([true, true]);
    expect([store.unitWrites.take(), second.unitWrites.take()]).toEqual([false, false]);
    // Another connection's write is not this one's to report (its commit moves othersVersion instead).
    const other = createStore(path);
    other.units.insert(sampleRow('unit', 9));
    other.close();
    expect(store.unitWrites.take()).toBe(false);
    expect(store.units.count()).toBe(2);
  });
});

describe('transactions', () => {
  it('rolls back every write of a failed transaction, records and audit alike', () => {
    const row = sampleRow('person', 1);
    expect(() =>
      store.tx(() => {
        store.persons.insert(row);
        store.audit.append([{ table: 'person', recordId: row.id, action: 'create', field: null, oldValue: null, newValue: null, operator: '张三', at: 'now' }]);
        throw new Error('changed my mind');
      }),
    ).toThrow('changed my mind');
    expect(store.persons.count()).toBe(0);
    expect(store.audit.list('person', row.id)).toEqual([]);
  });

  it('nests: insertMany inside a transaction joins it', () => {
    const rows = [sampleRow('unit', 1), sampleRow('unit', 2)];
    expect(() =>
      store.tx(() => {
        store.units.insertMany(rows);
        throw new Error('abort');
      }),
    ).toThrow('abort');
    expect(store.units.count()).toBe(0);
    expect(store.tx(() => store.units.insertMany(rows))).toBe(2);
  });
});

describe('auditRepo', () => {
  it('appends entries and lists one record\'s history oldest first', () => {
    const id = randomUUID();
    const base = { table: 'person' as const, recordId: id, operator: '张三' };
    store.audit.append([
      { ...base, action: 'create', field: null, oldValue: null, newValue: JSON.stringify({ name: '王五' }), at: '2026-07-01T08:00:00Z' },
      { ...base, action: 'update', field: 'name', oldValue: '"王五"', newValue: '"王伍"', at: '2026-07-02T08:00:00Z' },
    ]);
    store.audit.append([{ ...base, recordId: 'other', action: 'delete', field: null, oldValue: null, newValue: null, at: 'x' }]);
    store.audit.append([]);
    const history = reopen().audit.list('person', id);
    expect(history.map((h) => [h.action, h.field, h.oldValue, h.newValue])).toEqual([
      ['create', null, null, '{"name":"王五"}'],
      ['update', 'name', '"王五"', '"王伍"'],
    ]);
    expect(history[0]).toMatchObject({ table: 'person', recordId: id, operator: '张三', at: '2026-07-01T08:00:00Z', id: expect.any(Number) });
    expect(store.audit.list('unit', id)).toEqual([]);
  });
});

describe('explanationsRepo', () => {
  const key = { table: 'person' as const, recordId: 'p1', field: 'trainingHours', rule: 'training_high' };

  it('stores, replaces and (with blank text) deletes an explanation', () => {
    expect(store.explanations.count()).toBe(0);
    store.explanations.set(key, '  参加了全年脱产培训  ', '张三', '2026-07-01');
    expect(store.explanations.get(key)).toEqual({ ...key, text: '参加了全年脱产培训', operator: '张三', at: '2026-07-01' });
    store.explanations.set(key, '已核实', '李四', '2026-07-02');
    store.explanations.set({ ...key, rule: 'other_rule' }, '另一条', '李四', '2026-07-02');
    expect(reopen().explanations.count()).toBe(2);
    expect(store.explanations.all()).toEqual(
      new Map([
        ['person|p1|trainingHours|other_rule', '另一条'],
        ['person|p1|trainingHours|training_high', '已核实'],
      ]),
    );
    expect(store.explanations.list().map((e) => e.operator)).toEqual(['李四', '李四']);
    store.explanations.set(key, '   ', '李四', '2026-07-03');
    expect(store.explanations.get(key)).toBeNull();
    expect(store.explanations.count()).toBe(1);
  });
});

describe('metaRepo', () => {
  it('keeps JSON values by key, and reads them through a schema', () => {
    expect(store.meta.get('mapping')).toBeUndefined();
    store.meta.set('mapping', { 姓名: 'name', columns: [1, 2, null], on: true });
    store.meta.set('n', 3);
    store.meta.set('n', 4);
    expect(reopen().meta.get('mapping')).toEqual({ 姓名: 'name', columns: [1, 2, null], on: true });
    expect(store.meta.read('n', z.number())).toBe(4);
    expect(store.meta.read('n', z.string())).toBeNull();
    expect(store.meta.read('absent', z.number())).toBeNull();
    store.meta.delete('n');
    expect(store.meta.get('n')).toBeUndefined();
  });
});
