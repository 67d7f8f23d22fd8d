/**
 * RecordData ⇄ columns (electron/core/db/columns.ts): the compiled record builder must give what the
 * two spreads it replaces gave, key order included, and the stored form must read back as it was.
 */
import { describe, expect, it } from 'vitest';
import { fieldsOf, type TableName } from '../../shared/census/dictionary';
import { emptyRecord, type RecordData } from '../../shared/census/schema';
import { completeRecord, dataFromSql, dataToSql } from '../../electron/core/db/columns';
import { validPerson, validUnit } from '../fixtures/records';

const partials: [TableName, RecordData][] = [
  ['person', {}],
  ['person', { name: '张三', domains: ['01', '02'], swPost: true, trainingHours: 40 }],
  ['person', { idNumber: undefined, unitId: null, domains: [], certYear: '二〇二〇' }],
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
