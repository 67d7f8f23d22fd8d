/**
 * Merging 100 county packages of 10,000 persons each into one province-level census (河北省), beside
 * the raw cost of the same work in the same run: inflate every CSV (yauzl), parse it (papaparse) and
 * insert the same rows into a fresh database with the same schema, one transaction per package
 * (no signature, hashes, provenance, origins or checks).
 *
 * The packages are generated with `generateDemo` for 100 real counties and written by the real
 * package writer; they are cached in bench/.data/merge-v1/ (git-ignored) because generating them
 * takes longer than merging them. Peak RSS is the kernel's figure for this process, read right
 * after the merge (before the baseline runs).
 * Last line: `merge persons=N s=N raw_s=N rss_mb=N`.
 */
import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Papa from 'papaparse';
import yauzl from 'yauzl';
import { openCoreForFile } from '../electron/core/app';
import { createStore, recordColumns, type SqlValue } from '../electron/core/db';
import { loadDivisions } from '../electron/core/divisions';
import { mergePackages, writePackage } from '../electron/core/services/packages';
import { MERGE_CACHE_MB } from '../electron/core/services/packages/merge';
import { generateOfficeKey } from '../electron/core/services/packages/crypto';
import { generateDemo } from '../shared/demo';
import { fieldsOf, type TableName } from '../shared/census/dictionary';
import type { RecordRow } from '../shared/census/schema';

const COUNTIES = Number(process.env.BENCH_COUNTIES ?? 100);
const PERSONS = Number(process.env.BENCH_PERSONS ?? 10_000);
const UNITS = Math.round(PERSONS / 30);
const PROVINCE = '13'; // 河北省: 160+ counties
const REF = '2026-12-31';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const cacheDir = path.join(root, 'bench', '.data', `merge-v1-${COUNTIES}x${PERSONS}`);
const divisions = loadDivisions();

function counties(): { code: string; name: string }[] {
  const out: { code: string; name: string }[] = [];
  for (const city of divisions.subAreasOf(PROVINCE)) {
    const list = city.level === 'county' ? [city] : divisions.subAreasOf(city.code);
    for (const c of list) if (divisions.kindOf(c.code) === 'regular' && divisions.townshipsOf(c.code).length > 0) out.push({ code: c.code, name: c.path });
  }
  if (out.length < COUNTIES) throw new Error(`only ${out.length} counties in ${PROVINCE}`);
  return out.slice(0, COUNTIES);
}

async function generate(list: { code: string; name: string }[]): Promise<void> {
  mkdirSync(cacheDir, { recursive: true });
  const t0 = performance.now();
  for (const [i, c] of list.entries()) {
    const file = path.join(cacheDir, `${c.code}.hcpkg`);
    if (existsSync(file)) continue;
    const townships = divisions.townshipsOf(c.code).map((t) => ({ code: t.code, name: t.name, countyCode: c.code }));
    const demo = generateDemo({ areaCode: c.code, townships, persons: PERSONS, units: UNITS, seed: i + 1, refDate: REF });
    const now = '2026-12-20T08:00:00.000Z';
    const row = (r: { id: string; data: RecordRow['data'] }): RecordRow => ({ id: r.id, areaCode: c.code, data: r.data, source: null, createdBy: '演示', createdAt: now, updatedAt: now });
    await writePackage(
      {
        units: () => demo.units.map(row),
        persons: () => demo.persons.map(row),
        firstPackage: () => '',
        explanations: () => [],
        audit: () => [{ table: 'unit', recordId: '*', action: 'import', field: null, oldValue: null, newValue: '{"demo":true}', operator: '演示', at: now }],
        decisions: () => [],
        total: PERSONS + UNITS,
      },
      {
        packageId: randomUUID(), areaCode: c.code, areaName: c.name, level: 'county', refDate: REF, officeName: `${c.name}民政局`,
        operator: '演示', sequence: 1, createdAt: now, appVersion: 'bench', divisionsVersion: divisions.version, sources: [],
        counts: { errors: 0, warnings: 0, unexplainedWarnings: 0, pendingDuplicates: 0 },
      },
      { outPath: file, key: generateOfficeKey() },
    );
    if ((i + 1) % 10 === 0) console.log(`  generated ${i + 1}/${list.length} packages (${((performance.now() - t0) / 1000).toFixed(0)} s)`);
  }
  writeFileSync(path.join(cacheDir, 'READY'), String(list.length));
}

/** The raw baseline's reader: every entry of a zip inflated to a buffer, nothing checked. */
function inflateAll(data: Buffer): Promise<Map<string, Buffer>> {
  return new Promise((resolve, reject) => {
    yauzl.fromBuffer(data, { lazyEntries: true }, (err, zip) => {
      if (err || !zip) return reject(err);
      const out = new Map<string, Buffer>();
      zip.on('entry', (e: yauzl.Entry) => {
        zip.openReadStream(e, (err2, s) => {
          if (err2 || !s) return reject(err2);
          const chunks: Buffer[] = [];
          s.on('data', (c: Buffer) => chunks.push(c));
          s.on('end', () => {
            out.set(e.fileName, Buffer.concat(chunks));
            zip.readEntry();
          });
          s.on('error', reject);
        });
      });
      zip.on('end', () => resolve(out));
      zip.on('error', reject);
      zip.readEntry();
    });
  });
}

function rawRows(table: TableName, csv: string): SqlValue[][] {
  const rows = Papa.parse<string[]>(csv, { skipEmptyLines: true }).data.slice(1);
  const fields = fieldsOf[table];
  return rows.map((r) => {
    const out: SqlValue[] = [r[0]!, r[1]!];
    fields.forEach((f, j) => {
      const c = r[2 + j]!;
      out.push(c === '' ? null : f.type === 'integer' || f.type === 'year' ? BigInt(c) : f.type === 'boolean' ? (c === 'true' ? 1n : 0n) : c);
    });
    out.push(null, null, null, '演示', 'now', 'now');
    return out;
  });
}

const fmt = (s: number) => s.toFixed(2).padStart(8);
/** User + system CPU seconds of this process since `from` (includes libuv's inflate threads) */
const cpuSince = (from: NodeJS.CpuUsage) => {
  const c = process.cpuUsage(from);
  return (c.user + c.system) / 1e6;
};

const list = counties();
if (!existsSync(path.join(cacheDir, 'READY')) || readdirSync(cacheDir).filter((f) => f.endsWith('.hcpkg')).length < list.length) {
  console.log(`generating ${list.length} county packages of ${PERSONS} persons into ${path.relative(root, cacheDir)} (cached for later runs)…`);
  await generate(list);
  // Generation's memory would count in this process's peak RSS: measure in a fresh one.
  const r = spawnSync(process.execPath, [...process.execArgv, fileURLToPath(import.meta.url)], { stdio: 'inherit' });
  process.exit(r.status ?? 1);
}
const files = list.map((c) => path.join(cacheDir, `${c.code}.hcpkg`));
const bytes = files.reduce((s, f) => s + readFileSync(f).length, 0);
console.log(`${files.length} packages, ${(bytes / 1048576).toFixed(1)} MB on disk, province 河北省 (130000)`);

const dir = mkdtempSync(path.join(tmpdir(), 'headcount-bench-merge-'));
try {
  if (typeof globalThis.gc === 'function') globalThis.gc();
  const rssBefore = process.resourceUsage().maxRSS * 1024;
  const core = openCoreForFile(path.join(dir, 'province.sqlite'), { create: true });
  const setup = await core.dispatch('census.setup', { areaCode: '130000', level: 'province', refDate: REF, officeName: '河北省民政厅', operator: '汇总员' });
  if (!setup.ok) throw new Error(setup.error.message);

  console.log('\n  packages   merge s   (cumulative)');
  const t0 = performance.now();
  // CPU seconds beside wall seconds: on a shared machine the wall figure moves with other load.
  const cpu0 = process.cpuUsage();
  let merged = 0;
  for (const [i, f] of files.entries()) {
    const r = await mergePackages(core.ctx, [{ name: path.basename(f), data: readFileSync(f) }], { trustNewKeys: true, countPending: false });
    const res = r.results[0]!;
    if (res.status !== 'merged') throw new Error(`${f}: ${res.status} ${res.message}`);
    merged += res.added;
    if ((i + 1) % 10 === 0) console.log(`  ${String(i + 1).padStart(8)}  ${fmt((performance.now() - t0) / 1000)}`);
  }
  const mergeS = (performance.now() - t0) / 1000;
  const mergeCpu = cpuSince(cpu0);
  const rssMerge = process.resourceUsage().maxRSS * 1024;
  const ts = performance.now();
  const cpuS = process.cpuUsage();
  const summary = await core.dispatch('census.summary', {});
  const summaryS = (performance.now() - ts) / 1000;
  const summaryCpu = cpuSince(cpuS);
  core.close();
  if (!summary.ok) throw new Error(summary.error.message);

  // Raw baseline on the same files.
  const raw = createStore(path.join(dir, 'raw.sqlite'));
  // The same page cache the merge uses, so the ratio shows the merge's own overhead.
  raw.packages.ensureCache(MERGE_CACHE_MB);
  const t1 = performance.now();
  const cpu1 = process.cpuUsage();
  let rawPersons = 0;
  for (const f of files) {
    const entries = await inflateAll(readFileSync(f));
    const units = rawRows('unit', entries.get('units.csv')!.toString('utf8'));
    const persons = rawRows('person', entries.get('persons.csv')!.toString('utf8'));
    raw.tx(() => {
      raw.packages.insertRecords('unit', units);
      rawPersons += raw.packages.insertRecords('person', persons);
    });
  }
  const rawS = (performance.now() - t1) / 1000;
  const rawCpu = cpuSince(cpu1);
  raw.close();
  if (recordColumns('person').length !== 2 + fieldsOf.person.length + 6) throw new Error('column layout changed');

  console.log(`\n${'merge (read, verify, replace, insert)'.padEnd(40)} ${fmt(mergeS)} s   ${Math.round(merged / mergeS)} persons/s   cpu ${mergeCpu.toFixed(2)} s`);
  console.log(`${'raw: inflate + parse + insert'.padEnd(40)} ${fmt(rawS)} s   ${Math.round(rawPersons / rawS)} persons/s   cpu ${rawCpu.toFixed(2)} s`);
  console.log(`${'ratio merge / raw'.padEnd(40)} ${fmt(mergeS / rawS)}`);
  console.log(`${'persons in province (summary)'.padEnd(40)} ${String((summary.result as { persons: number }).persons).padStart(8)}`);
  console.log(`${'census.summary incl. validation, dups'.padEnd(40)} ${fmt(summaryS)} s   cpu ${summaryCpu.toFixed(2)} s`);
  console.log(`${'peak RSS before merge / after merge'.padEnd(40)} ${String(Math.round(rssBefore / 1048576)).padStart(8)} / ${Math.round(rssMerge / 1048576)} MB`);
  console.log(`merge persons=${merged} s=${mergeS.toFixed(2)} raw_s=${rawS.toFixed(2)} rss_mb=${Math.round(rssMerge / 1048576)}`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
