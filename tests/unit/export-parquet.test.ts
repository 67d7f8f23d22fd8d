/**
 * Parquet export read back by an independent reader: DuckDB (its own C++ Parquet reader), not the
 * library that wrote the file. Checks the column types an analyst gets, the values, the labels beside
 * the codes, and that the CLI writes the same.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fieldsOf } from '../../shared/census/dictionary';
import { keptBytes, openCensusWithUnit, removeDir, type TestCore } from '../fixtures/core';
import { validPerson } from '../fixtures/records';
import { runCli } from '../fixtures/cli';

let t: TestCore;
let duck: DuckDBConnection;
let file: string;

async function rows(sql: string): Promise<Record<string, unknown>[]> {
  return (await duck.runAndReadAll(sql)).getRowObjectsJson() as Record<string, unknown>[];
}

beforeAll(async () => {
  const c = await openCensusWithUnit();
  t = c.t;
  await t.call('persons.create', { data: validPerson({ unitId: c.unitId }) });
  // A clerk's unreadable number and a person with empty optional fields
  await t.call('persons.create', {
    data: validPerson({ unitId: c.unitId, name: '李四', idNumber: '440524188001010014', sex: '1', birthDate: '1880-01-01', trainingHours: '十二', certYear: null, qualLevel: '0', certNumber: null, domains: ['01'], primaryDomain: '01', phone: null }),
  });
  const out = await t.call('io.export', { format: 'parquet', table: 'person', codes: false });
  expect(out.fileName).toMatch(/_人员\.parquet$/);
  expect(out.rows).toBe(2);
  expect(out.untyped).toBe(1);
  file = path.join(t.dir, out.fileName);
  writeFileSync(file, await keptBytes(t, out));
  duck = await (await DuckDBInstance.create(':memory:')).connect();
});
afterAll(() => {
  duck?.closeSync();
  t.close();
  removeDir(t.dir);
});

describe('Parquet export', () => {
  it('types the columns: integers, dates, yes/no, lists of codes, and a label beside every code', async () => {
    const types = Object.fromEntries((await rows(`DESCRIBE SELECT * FROM '${file}'`)).map((r) => [r.column_name, r.column_type]));
    expect(types).toMatchObject({
      id: 'VARCHAR', area_code: 'VARCHAR', area_name: 'VARCHAR', name: 'VARCHAR', id_number: 'VARCHAR',
      birth_date: 'DATE', cert_year: 'INTEGER', training_hours: 'INTEGER', sw_post: 'BOOLEAN',
      education: 'VARCHAR', education_label: 'VARCHAR', domains: 'VARCHAR[]', domains_label: 'VARCHAR[]',
      township: 'VARCHAR', township_name: 'VARCHAR', unit_id: 'VARCHAR', unit_name: 'VARCHAR', source_row: 'INTEGER',
    });
    // Every dictionary field is there: fields added to the dictionary flow through
    for (const f of fieldsOf.person) expect(types, f.key).toHaveProperty(f.column);
  });

  it('carries the values and their labels as stored', async () => {
    const [a, b] = await rows(`SELECT * FROM '${file}' ORDER BY id_number`);
    expect(a).toMatchObject({
      name: '张三', id_number: '11010519491231002X', sex: '2', sex_label: '女', birth_date: '1949-12-31',
      education: '20', education_label: '大学本科', cert_year: 2015, training_hours: 160, sw_post: true,
      domains: ['01', '11'], primary_domain: '11', township: '110101001', township_name: '东华门街道',
      unit_name: '东华门街道社会工作服务站', area_code: '110101',
    });
    expect(a!.area_name).toContain('东城区');
    expect((a!.domains_label as string[])[0]).toBe('社区治理');
    // 「十二」 is not an integer: empty in the typed column (and counted), never a wrong number
    expect(b).toMatchObject({ name: '李四', training_hours: null, cert_year: null, phone: null, domains: ['01'] });
  });

  it('is aggregable in SQL the way an analyst would use it', async () => {
    const [r] = await rows(`SELECT count(*) AS n, sum(training_hours) AS h, min(birth_date) AS oldest FROM '${file}'`);
    expect(r).toEqual({ n: '2', h: '160', oldest: '1880-01-01' });
  });

  it('writes the units table on its own', async () => {
    const out = await t.call('io.export', { format: 'parquet', table: 'unit', codes: false });
    const u = path.join(t.dir, out.fileName);
    writeFileSync(u, await keptBytes(t, out));
    const [r] = await rows(`SELECT name, unit_type, unit_type_label, is_station, staff_count FROM '${u}'`);
    expect(r).toEqual({ name: '东华门街道社会工作服务站', unit_type: '4', unit_type_label: '社工机构', is_station: true, staff_count: 10 });
  });
});

describe('headcount export-data --format parquet', () => {
  it('writes a file DuckDB reads, with every row', async () => {
    const dir = t.dir;
    const db = path.join(dir, 'cli.sqlite');
    expect((await runCli('init', '--db', db, '--area', '110101', '--level', 'county', '--ref-date', '2026-12-31')).code).toBe(0);
    expect((await runCli('demo', '--db', db, '--persons', '300', '--units', '10')).code).toBe(0);
    const out = path.join(dir, 'persons.parquet');
    const r = await runCli('export-data', '--db', db, '--format', 'parquet', '-o', out);
    expect(r.code).toBe(0);
    expect(r.out).toContain('已导出 300 条记录');
    const [c] = await rows(`SELECT count(*) AS n, count(DISTINCT id) AS ids, count(education_label) AS labelled FROM '${out}'`);
    expect(c).toEqual({ n: '300', ids: '300', labelled: '300' });
  });
});
