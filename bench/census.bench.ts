/**
 * End-to-end foundation figures: `init` + `demo --persons 100000 --units 3000` + `check` through the
 * CLI's own entry point on a real SQLite file, beside the raw cost of the same insert in the same run
 * (better-sqlite3 prepared INSERTs of the same rows in one transaction, no validation or audit).
 * Then the next census started from that file (`init --from`, 新建下一期) and its grid's 上期 → 本期 (periods.changes).
 * Last line: `census demo_s=N check_s=N raw_insert_s=N rss_mb=N`.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { main } from '../electron/cli/main';
import { openCoreForFile } from '../electron/core/app';
import { generateDemo } from '../shared/demo';
import { createStore } from '../electron/core/db';
import { loadDivisions } from '../electron/core/divisions';

const PERSONS = Number(process.env.BENCH_PERSONS ?? 100_000);
const UNITS = Math.max(1, Math.round(PERSONS / 33));

let peak = 0;
// The work is synchronous, so a timer would never sample: use the kernel's peak RSS instead.
const peakRss = () => Math.max(peak, process.resourceUsage().maxRSS * 1024);
const sampler = setInterval(() => (peak = peakRss()), 50);
const quiet = { out: () => {}, err: (s: string) => process.stderr.write(s) };

async function timed(label: string, fn: () => Promise<number> | number): Promise<number> {
  const t0 = performance.now();
  const code = await fn();
  const s = (performance.now() - t0) / 1000;
  if (code !== 0 && label !== 'check') throw new Error(`${label} exited ${code}`);
  console.log(`${label.padEnd(28)} ${s.toFixed(2)} s`);
  return s;
}

const dir = mkdtempSync(path.join(tmpdir(), 'headcount-bench-'));
try {
  const db = path.join(dir, 'census.sqlite');
  await timed('init', () => main(['init', '--db', db, '--area', '110101', '--level', 'county', '--ref-date', '2026-12-31'], quiet));
  const demoS = await timed(`demo ${PERSONS} persons`, () => main(['demo', '--db', db, '--persons', String(PERSONS), '--units', String(UNITS), '--seed', '1'], quiet));
  const checkS = await timed('check (all rules)', () => main(['check', '--db', db, '--json'], quiet));

  // Raw baseline: the same generated rows straight into a fresh store, one transaction.
  const divisions = loadDivisions();
  const townships = divisions.townshipsOf('110101').map((t) => ({ code: t.code, name: t.name, countyCode: '110101' }));
  const t0 = performance.now();
  const demo = generateDemo({ areaCode: '110101', townships, persons: PERSONS, units: UNITS, seed: 1, refDate: '2026-12-31' });
  const genS = (performance.now() - t0) / 1000;
  const raw = createStore(path.join(dir, 'raw.sqlite'));
  const now = new Date().toISOString();
  const t1 = performance.now();
  raw.tx(() => {
    raw.units.insertMany(demo.units.map((u) => ({ id: u.id, areaCode: '110101', data: u.data, source: null, createdBy: 'b', createdAt: now, updatedAt: now })));
    raw.persons.insertMany(demo.persons.map((p) => ({ id: p.id, areaCode: '110101', data: p.data, source: null, createdBy: 'b', createdAt: now, updatedAt: now })));
  });
  const rawS = (performance.now() - t1) / 1000;
  raw.close();
  console.log(`${'generate only'.padEnd(28)} ${genS.toFixed(2)} s`);
  console.log(`${'raw insert (same rows)'.padEnd(28)} ${rawS.toFixed(2)} s`);
  // The last line's peak RSS is that of the steps above, as before the next census was added here.
  const rssMb = Math.round(peakRss() / 1048576);
  const next = path.join(dir, 'next.sqlite');
  await timed(`next census (${PERSONS} carried)`, () => main(['init', '--db', next, '--from', db, '--ref-date', '2027-12-31'], quiet));
  const core = openCoreForFile(next);
  await timed('上期 → 本期 (periods.changes)', async () => {
    const r = await core.dispatch('periods.changes', { table: 'person' });
    return r.ok ? 0 : 1;
  });
  core.close();
  clearInterval(sampler);
  console.log(`census demo_s=${demoS.toFixed(2)} check_s=${checkS.toFixed(2)} raw_insert_s=${rawS.toFixed(2)} rss_mb=${rssMb}`);
} finally {
  clearInterval(sampler);
  rmSync(dir, { recursive: true, force: true });
}
