/**
 * RecordData ⇄ columns (electron/core/db/columns.ts): the compiled record builder must give what the
 * two spreads it replaces gave, key order included; the stored form must read back as it was; and the
 * record's JSON written by SQL must be JSON.stringify's, byte for byte.
 */
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { fieldsOf, type TableName } from '../../shared/census/dictionary';
import { emptyRecord, type RecordData } from '../../shared/census/schema';
import { asStored, completeRecord, dataFromSql, dataToSql, recordJsonSql } from '../../electron/core/db/columns';
import { validPerson, validUnit } from '../fixtures/records';
import { DONGCHENG, openTestCore, removeDir, type TestCore } from '../fixtures/core';

const partials: [TableName, RecordData][] = [
  ['person', {}],
  ['person', { name: '张三', domains: ['01', '02'], swPost: true, trainingHours: 40 }],
  ['person', { idNumber: undefined, unitId: null, domains: [], certYear: '二〇二〇' } as unknown as RecordData],
  ['person', validPerson()],
  ['unit', { name: '东华门街道社会工作服务站', township: '110101001' }],
  ['unit', validUnit()],
];

describe('completeRecord', () => {
  it.each(partials)('equals emptyRecord overlaid with the fields given, in dictionary order (%s)', (table, data) => {
    const built = completeRecord(table, data);
    const spread = { ...emptyRecord(table), ...data };
    expect(built).toEqual(spread);
    expect(Object.keys(built)).toEqual(Object.keys(spread));
    expect(Object.keys(built)).toEqual(fieldsOf[table].map((f) => f.key));
    // An explicit undefined stays undefined, as a spread leaves it
    for (const [k, v] of Object.entries(data)) expect(built[k]).toBe(v);
  });

  it('gives each record its own empty lists', () => {
    const a = completeRecord('person', {});
    const b = completeRecord('person', {});
    expect(a.domains).toEqual([]);
    expect(a.domains).not.toBe(b.domains);
  });
});

describe('stored columns', () => {
  it('read back as the record they were written from', () => {
    for (const [table, data] of partials) {
      const whole = completeRecord(table, Object.fromEntries(Object.entries(data).filter(([, v]) => v !== undefined)));
      const raw = dataToSql(table, whole).map((v) => (typeof v === 'bigint' ? Number(v) : v));
      expect(dataFromSql(table, raw, 0)).toEqual(whole);
    }
  });
});

describe('asStored', () => {
  it('gives what reading the stored record back gives, where that differs from what was written', async () => {
    const t = await openTestCore();
    try {
      await t.call('census.setup', DONGCHENG);
      const written: RecordData[] = [
        validPerson(),
        // A fraction in integer columns is kept as text; a blank list column reads back as []; yes/no as true/false
        validPerson({ trainingHours: 12.5, startYear: 2010, domains: null, swPost: false, certYear: '二〇二〇' }),
        validPerson({ trainingHours: 0, swPost: '不清楚', domains: ['01', '02'], name: null }),
      ];
      const at = '2026-12-04T00:00:00.000Z';
      t.core.ctx.store.persons.insertMany(written.map((data, i) => ({ id: `p-${i}`, areaCode: '110101', data, source: null, createdBy: '测试', createdAt: at, updatedAt: at })));
      const read = t.core.ctx.store.persons.getMany(written.map((_, i) => `p-${i}`)).map((r) => r.data);
      expect(written.map((d) => asStored('person', d))).toEqual(read);
      expect(read[1]).toMatchObject({ trainingHours: '12.5', domains: [], swPost: false });
      expect(written[1]).not.toEqual(read[1]);
    } finally {
      t.close();
      removeDir(t.dir);
    }
  });
});

describe('recordJsonSql', () => {
  const opened: TestCore[] = [];
  afterEach(() => {
    for (const t of opened.splice(0)) {
      t.close();
      removeDir(t.dir);
    }
  });

  /** Text that JSON has to escape, or that only looks like it does */
  const awkward = ['他说"好"', 'C:\\路径\\文件', '第一行\n第二行\r\n\t缩进', 'bell\u0007 nul\u0000 esc\u001b del\u007f', 'sep\u2028para\u2029', '😀𠮷', '逗号,在里面', '', ' 空格 ', '\\u0041'];

  it('writes each record as JSON.stringify writes its data, whatever the values', async () => {
    const t = await openTestCore();
    opened.push(t);
    await t.call('census.setup', DONGCHENG);
    const persons: RecordData[] = [
      validPerson(),
      completeRecord('person', {}),
      ...awkward.map((text, i) => validPerson({
        name: text, majorName: text, certNumber: i % 2 ? text : null, domains: i % 3 ? ['01', text.replace(/,/g, '') || 'x'] : [],
        swPost: i % 3 === 0 ? true : i % 3 === 1 ? false : text || '不清楚', trainingHours: i % 2 ? i * 7 : text || '十二', certYear: i % 4 ? 2015 + i : null,
        idNumber: text || null,
      })),
    ];
    const units: RecordData[] = [validUnit(), completeRecord('unit', {}), ...awkward.map((text) => validUnit({ name: text, noCreditReason: text }))];
    const at = '2026-12-03T00:00:00.000Z';
    const row = (table: TableName, data: RecordData, i: number) => ({ id: `${table}-${i}`, areaCode: '110101', data, source: null, createdBy: '测试', createdAt: at, updatedAt: at });
    t.core.ctx.store.persons.insertMany(persons.map((d, i) => row('person', d, i)));
    t.core.ctx.store.units.insertMany(units.map((d, i) => row('unit', d, i)));
    const db = new Database(t.core.ctx.store.path, { readonly: true });
    try {
      for (const [table, name, list] of [['person', 'persons', persons], ['unit', 'units', units]] as const) {
        const sql = db.prepare(`SELECT id, ${recordJsonSql(table)} AS json FROM ${name} ORDER BY rowid`).all() as { id: string; json: string }[];
        const stored = t.core.ctx.store.records[table].getMany(list.map((_, i) => `${table}-${i}`));
        expect(sql.map((r) => r.id)).toEqual(stored.map((r) => r.id));
        expect(sql.map((r) => r.json)).toEqual(stored.map((r) => JSON.stringify(r.data)));
      }
    } finally {
      db.close();
    }
  });
});
