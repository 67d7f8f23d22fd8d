/**
 * Summary tables over 100k persons: `reports.tables` (read every person and unit from SQLite, then
 * aggregate all five tables) and `reports.export` (the same plus the xlsx), beside the raw cost of
 * reading the same rows through `store.persons.iterate()` / `store.units.iterate()` in the same
 * run, and the aggregation alone over rows already in memory. Median of 5 runs each.
 * Last line: `reports tables_s=N cached_s=N export_s=N read_only_s=N aggregate_only_s=N ratio=N rss_mb=N`.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { openCoreForFile } from '../electron/core/app';
import { computeReports } from '../shared/reports/aggregate';
import { reportEnv } from '../electron/core/services/reports/env';
import { touch } from '../electron/core/services/context';

const PERSONS = Number(process.env.BENCH_PERSONS ?? 100_000);
const UNITS = Math.max(1, Math.round(PERSONS / 33));
const RUNS = 5;

const peakRss = () => process.resourceUsage().maxRSS * 1024;

async function median(label: string, fn: () => unknown, before: () => void = () => {}): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    before();
    const t0 = performance.now();
    await fn();
    times.push((performance.now() - t0) / 1000);
  }
  times.sort((a, b) => a - b);
  const m = times[Math.floor(RUNS / 2)]!;
  console.log(`${label.padEnd(40)} ${m.toFixed(3)} s   (min ${times[0]!.toFixed(3)}, max ${times.at(-1)!.toFixed(3)})`);
  return m;
}

const dir = mkdtempSync(path.join(tmpdir(), 'headcount-bench-reports-'));
try {
  const core = openCoreForFile(path.join(dir, 'census.sqlite'), { create: true });
  const call = async (method: string, payload: unknown) => {
    const r = await core.dispatch(method, payload);
    if (!r.ok) throw new Error(`${method}: ${r.error.message}`);
    return r.result;
  };
  await call('census.setup', { areaCode: '110101', level: 'county', refDate: '2026-12-31', officeName: '东城区民政局', operator: 'bench' });
  await call('census.demo', { persons: PERSONS, units: UNITS, seed: 1 });
  const store = core.ctx.store;
  console.log(`${PERSONS} persons, ${UNITS} units`);

  const readS = await median('read only (iterate persons + units)', () => {
    let n = 0;
    for (const u of store.units.iterate()) n += u.id.length;
    for (const p of store.persons.iterate()) n += p.id.length;
    return n;
  });
  const persons = [...store.persons.iterate()];
  const units = [...store.units.iterate()];
  const env = reportEnv(core.ctx);
  const aggS = await median('aggregate only (rows in memory)', () => computeReports({ persons, units }, env));
  // The tables are kept while the file is unchanged: a write before each run measures the computation.
  const changed = () => touch(core.ctx);
  const tablesS = await median('reports.tables (read + aggregate)', () => call('reports.tables', {}), changed);
  const cachedS = await median('reports.tables again, file unchanged', () => call('reports.tables', {}));
  const exportS = await median('reports.export (… + xlsx, base64)', () => call('reports.export', {}), changed);
  core.close();
  console.log(
    `reports tables_s=${tablesS.toFixed(3)} cached_s=${cachedS.toFixed(3)} export_s=${exportS.toFixed(3)} read_only_s=${readS.toFixed(3)} aggregate_only_s=${aggS.toFixed(3)} ratio=${(tablesS / readS).toFixed(2)} rss_mb=${Math.round(peakRss() / 1048576)}`,
  );
} finally {
  rmSync(dir, { recursive: true, force: true });
}
