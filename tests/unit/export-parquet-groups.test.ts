/**
 * A Parquet export of many row groups, each filled from several reads, read back by DuckDB (an
 * independent reader): every record once, in storage order, with its values and labels, on both sides
 * of every group and read boundary. Small sizes (groups of 1,000 rows, reads of 300) stand in for a
 * national census's 10,000 and 1,000 without writing a million rows.
 */
import path from 'node:path';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { codeLabel } from '../../shared/census/codes';
import type { RecordRow } from '../../shared/census/schema';
import { writeParquet } from '../../electron/core/services/io/parquet';
import { DONGCHENG, openTestCore, removeDir, type TestCore } from '../fixtures/core';

const PERSONS = 2_350;
const layout = { rowGroup: 1_000, read: 300 };
/** Rows on either side of read boundaries (300, 600, 900, 1000 = a group's end, 1300…) and group boundaries */
const MARKED = [0, 299, 300, 999, 1_000, 1_001, 1_999, 2_000, PERSONS - 1];
/** Birth dates as a clerk may have typed them, and whether a DATE column can hold them */
const DATES: [row: number, value: string, valid: boolean][] = [
  [10, '2024-02-29', true], [11, '2000-02-29', true], [12, '1900-02-28', true], [13, '2026-12-31', true],
  [20, '2023-02-29', false], [21, '1900-02-29', false], [22, '2026-04-31', false], [23, '2026-13-01', false],
  [24, '2026-1-01', false], [25, '0099-01-01', false], [26, '2026-01-01 ', false], [27, '2026/01/01', false],
];

let t: TestCore;
let duck: DuckDBConnection;
let file: string;
/** The persons as stored, in rowid order */
let stored: RecordRow[];
let untyped: number;
let rows: number;
/** What the export's progress said, in order */
const progress: { label: string; done: number }[] = [];

async function read(sql: string): Promise<Record<string, unknown>[]> {
  return (await duck.runAndReadAll(sql)).getRowObjectsJson() as Record<string, unknown>[];
}

beforeAll(async () => {
  t = await openTestCore();
  await t.call('census.setup', DONGCHENG);
  await t.call('census.demo', { persons: PERSONS, units: 40, seed: 3 });
  const repo = t.core.ctx.store.records.person;
  const ids = [...repo.scan()].map((r) => r.id);
  // A clerk's text in a numeric field, right at the boundaries: written as null and counted
  for (const i of MARKED) await t.call('persons.update', { id: ids[i]!, patch: { trainingHours: `第${i}行` } });
  for (const [i, birthDate] of DATES) await t.call('persons.update', { id: ids[i]!, patch: { birthDate } });
  stored = [...repo.scan()];
  file = path.join(t.dir, 'groups.parquet');
  const task = { id: null, progress: (label: string, done: number) => void progress.push({ label, done }), step() {}, throwIfCancelled() {}, async breathe() {} };
  ({ rows, untyped } = await writeParquet(t.core.ctx, 'person', file, task, layout));
  duck = await (await DuckDBInstance.create(':memory:')).connect();
});
afterAll(() => {
  duck?.closeSync();
  t.close();
  removeDir(t.dir);
});

describe('Parquet export in several row groups', () => {
  it('writes full groups and one partial last group', async () => {
    const groups = await read(`SELECT row_group_id, any_value(row_group_num_rows) AS n FROM parquet_metadata('${file}') GROUP BY 1 ORDER BY 1`);
    expect(groups.map((g) => Number(g.n))).toEqual([1_000, 1_000, 350]);
    expect(rows).toBe(PERSONS);
  });

  it('reports the records written with each group, counted as the UI groups them', () => {
    expect(progress.map((p) => p.label)).toEqual([
      '正在导出 Parquet（0 / 2,350 条）',
      '正在导出 Parquet（1,000 / 2,350 条）',
      '正在导出 Parquet（2,000 / 2,350 条）',
      '正在导出 Parquet（2,350 / 2,350 条）',
    ]);
    expect(progress.map((p) => p.done)).toEqual([0, 1_000, 2_000, 2_350]);
  });

  it('holds every record once, in storage order, with its values and labels', async () => {
    const got = await read(
      `SELECT id, name, education, education_label, training_hours, birth_date::VARCHAR AS birth_date, domains, domains_label
       FROM read_parquet('${file}', file_row_number = true) ORDER BY file_row_number`,
    );
    expect(got).toHaveLength(stored.length);
    const expected = stored.map((r) => {
      const hours = r.data.trainingHours;
      const domains = r.data.domains as string[];
      return {
        id: r.id,
        name: r.data.name,
        education: r.data.education,
        education_label: codeLabel('education', r.data.education as string),
        training_hours: typeof hours === 'number' ? hours : null,
        birth_date: r.data.birthDate,
        domains,
        domains_label: domains.map((c) => codeLabel('domain', c)),
      };
    });
    // A date that does not exist is left empty (and counted below), never rolled over into another
    for (const [i, value, valid] of DATES) {
      expect(stored[i]!.data.birthDate).toBe(value);
      expected[i]!.birth_date = valid ? value : null;
    }
    // Compared whole, so a dropped, repeated or shifted row anywhere fails with its index
    for (let i = 0; i < expected.length; i++) expect(got[i], `row ${i}`).toEqual(expected[i]);
  });

  it('counts every untyped value once: the boundary rows and the impossible dates', async () => {
    expect(untyped).toBe(MARKED.length + DATES.filter(([, , valid]) => !valid).length);
    const [c] = await read(`SELECT count(*) AS n, count(DISTINCT id) AS ids, count(*) - count(training_hours) AS empty FROM '${file}'`);
    const emptyStored = stored.filter((r) => typeof r.data.trainingHours !== 'number').length;
    expect(c).toEqual({ n: String(PERSONS), ids: String(PERSONS), empty: String(emptyStored) });
    expect(emptyStored).toBeGreaterThanOrEqual(MARKED.length);
  });
});
