/**
 * The synthetic census generator alone: 100k persons + 3,000 units for a county (东城区, 17 街道) and
 * for a city (宣城市, 107 townships in 7 counties), beside a baseline measured in the same run — the
 * bare cost of allocating the same number of records with the same keys (no randomness, no checks).
 * Each figure is the median of 5 runs after one warm-up; process CPU time (all threads, GC helpers
 * included) is shown beside wall time because these machines are shared and wall time swings.
 * Last line: `demo gen_s=N gen_cpu_s=N baseline_s=N ratio=N rss_mb=N`.
 */
import { createHash } from 'node:crypto';
import { loadDivisions } from '../electron/core/divisions';
import { generateDemo, type DemoOptions } from '../shared/demo';
import type { RecordData } from '../shared/census/schema';
import { median } from './stats';

const PERSONS = Number(process.env.BENCH_PERSONS ?? 100_000);
const UNITS = Number(process.env.BENCH_UNITS ?? 3_000);
const RUNS = 5;

const divisions = loadDivisions();
const townshipsOf = (countyCodes: string[]) =>
  countyCodes.flatMap((county) =>
    divisions.townshipsOf(county).map((t) => ({ code: t.code, name: t.name, countyCode: county, countyName: divisions.get(county)?.name ?? '' })),
  );
const county: DemoOptions = {
  areaCode: '110101', townships: townshipsOf(['110101']), persons: PERSONS, units: UNITS, seed: 1, refDate: '2026-12-31',
};
const city: DemoOptions = {
  ...county, areaCode: '3418', townships: townshipsOf(divisions.subAreasOf('3418').map((c) => c.code)),
};

interface Timing {
  wall: number;
  cpu: number;
}

function time(fn: () => unknown): Timing {
  globalThis.gc?.();
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  fn();
  const c = process.cpuUsage(c0);
  return { wall: (performance.now() - t0) / 1000, cpu: (c.user + c.system) / 1e6 };
}

function medianOf(fn: () => unknown): Timing {
  const runs = Array.from({ length: RUNS }, () => time(fn));
  return { wall: median(runs.map((r) => r.wall)), cpu: median(runs.map((r) => r.cpu)) };
}

/** Same record count and keys as the demo, values from a template: the floor any generator pays. */
function baseline(persons: number, units: number) {
  const sample = generateDemo({ ...county, persons: 1, units: 1 });
  const p = sample.persons[0]!.data;
  const u = sample.units[0]!.data;
  const out: { units: { id: string; data: RecordData }[]; persons: { id: string; data: RecordData }[] } = { units: [], persons: [] };
  for (let i = 0; i < units; i++) out.units.push({ id: 'u' + i, data: { ...u, name: 'unit' + i } });
  for (let i = 0; i < persons; i++) out.persons.push({ id: 'p' + i, data: { ...p, name: 'p' + i, domains: ['01'] } });
  return out;
}

const digest = (o: DemoOptions) => createHash('sha256').update(JSON.stringify(generateDemo(o))).digest('hex').slice(0, 16);

generateDemo(county); // warm-up
const rows: [string, Timing][] = [];
const countyT = medianOf(() => generateDemo(county));
const cityT = medianOf(() => generateDemo(city));
const baseT = medianOf(() => baseline(PERSONS, UNITS));
const countyS = countyT.wall;
const baseS = baseT.wall;
rows.push([`generate county (${county.townships.length} townships)`, countyT]);
rows.push([`generate city (${city.townships.length} townships)`, cityT]);
rows.push(['baseline: allocate same records', baseT]);
const sameTwice = digest(county) === digest(county);
const rssMb = (process.resourceUsage().maxRSS * 1024) / 2 ** 20;

console.log(`${PERSONS} persons + ${UNITS} units, median of ${RUNS}`);
console.log(`${''.padEnd(40)} ${'wall'.padStart(8)} ${'cpu'.padStart(8)}`);
for (const [label, t] of rows) console.log(`${label.padEnd(40)} ${t.wall.toFixed(3).padStart(6)} s ${t.cpu.toFixed(3).padStart(6)} s`);
console.log(`${'ratio county / baseline'.padEnd(40)} ${(countyS / baseS).toFixed(2)}`);
console.log(`${'deterministic (two runs, same sha256)'.padEnd(40)} ${sameTwice ? 'yes' : 'NO'}`);
console.log(`${'peak rss'.padEnd(40)} ${rssMb.toFixed(0)} MB`);
console.log(`demo gen_s=${countyS.toFixed(3)} gen_cpu_s=${countyT.cpu.toFixed(3)} baseline_s=${baseS.toFixed(3)} ratio=${(countyS / baseS).toFixed(2)} rss_mb=${rssMb.toFixed(0)}`);
if (!sameTwice) process.exit(1);
