/**
 * A statistician exports the microdata as Parquet from 导入导出 in Chromium, and the downloaded file
 * opens in DuckDB (an independent reader) with typed columns and labels beside the codes.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { beforeAll, describe, expect, it } from 'vitest';
import { ImportExportPage } from './pages/import-export';
import { apiCall, openLoggedPage, type RunningApp } from './support/app';
import { useBrowserSuite } from './support/suite';

const suite = useBrowserSuite({ app: true });
let app: RunningApp;
const cleanups = suite.cleanups;

beforeAll(async () => {
  app = suite.app;
  await apiCall(app, 'census.setup', { areaCode: '110101', level: 'county', refDate: '2026-12-31', officeName: '东城区民政局', operator: '李明' });
  await apiCall(app, 'census.demo', { persons: 400, units: 20, seed: 7 });
});

describe('Parquet export through the UI', () => {
  it('downloads the persons table as Parquet that DuckDB reads with types and labels', async () => {
    const page = await openLoggedPage(suite.browser, cleanups, app);
    await page.goto(app.url);
    const io = new ImportExportPage(page);
    await io.open();
    const panel = io.root.getByTestId('export-panel');
    await panel.getByTestId('export-format').selectOption({ label: 'Parquet（统计分析）' });
    // Parquet carries codes and labels both: the codes/labels choice is gone, the table choice shown
    expect(await panel.getByTestId('export-codes').count()).toBe(0);
    expect(await panel.innerText()).toContain('education_label');
    if (process.env.HEADCOUNT_SHOTS) {
      mkdirSync(process.env.HEADCOUNT_SHOTS, { recursive: true });
      await panel.screenshot({ path: path.join(process.env.HEADCOUNT_SHOTS, 'export-parquet-panel.png') });
    }
    const file = await io.exportParquet('人员');
    expect(file.name).toMatch(/_人员\.parquet$/);
    expect(file.data.subarray(0, 4).toString('latin1')).toBe('PAR1');

    const out = path.join(app.dataDir, file.name);
    writeFileSync(out, file.data);
    const duck = await (await DuckDBInstance.create(':memory:')).connect();
    try {
      const read = async (sql: string) => (await duck.runAndReadAll(sql)).getRowObjectsJson() as Record<string, unknown>[];
      const types = Object.fromEntries((await read(`DESCRIBE SELECT * FROM '${out}'`)).map((r) => [r.column_name, r.column_type]));
      expect(types).toMatchObject({ birth_date: 'DATE', training_hours: 'INTEGER', sw_post: 'BOOLEAN', education_label: 'VARCHAR', domains: 'VARCHAR[]' });
      const [c] = await read(`SELECT count(*) AS n, count(education_label) AS labelled, count(DISTINCT education_label) > 1 AS varied FROM '${out}'`);
      expect(c).toEqual({ n: '400', labelled: '400', varied: true });
      // The persons the app shows are the persons in the file
      const shown = await apiCall(app, 'persons.list', { limit: 1 });
      const [one] = await read(`SELECT name, id_number FROM '${out}' WHERE id = '${shown.rows[0]!.id}'`);
      expect(one).toEqual({ name: shown.rows[0]!.data.name, id_number: shown.rows[0]!.data.idNumber });
    } finally {
      duck.closeSync();
    }
  });
});
