/**
 * Merging county packages into one province-level census, beside the plain bulk load of the same rows
 * in the same run: every CSV inflated (yauzl), parsed (papaparse) and inserted into a table with the
 * same columns and no key, index or constraint (no signature, hashes, provenance, checks either).
 * Then `census.summary`, `issues.list` (what `check` runs) and `reports.tables` over the result, and
 * the preview the 上报与汇总 page runs before a merge (the same files judged against an empty census),
 * and, for the province, the export of its own return package with every merged person (`export_s`).
 *
 * Two cases: a province, 100 packages × 10,000 persons (1M), all files in one merge as the CLI and
 * the 上报与汇总 page pass them; and national scale, 31 packages × 100,000 persons (3.1M) — there is
 * no national level in Headcount, so they go into one province census; the size is the point. The
 * national case runs in its own process (its memory is its own); BENCH_NATIONAL=0 skips it.
 *
 * The packages are generated with `generateDemo` for real counties and written by the real package
 * writer; they are cached in bench/.data/ (git-ignored) because generating them takes longer than
 * merging them. Peak RSS is the kernel's figure for the process, read right after the merge.
 * Last line: `merge persons=N s=N raw_s=N rss_mb=N` for the 1M case (raw_s = the plain load).
 */
import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Papa from 'papaparse';
import yauzl from 'yauzl';
import { appVersion, openCoreForFile } from '../electron/core/app';
import { createStore, plainLoad, recordColumns, type SqlValue } from '../electron/core/db';
import { loadDivisions } from '../electron/core/divisions';
import { mergePackages, packageCellsOf, previewPackages, writePackage } from '../electron/core/services/packages';
import { generateOfficeKey } from '../electron/core/services/packages/crypto';
import { generateDemo } from '../shared/demo';
import { fieldsOf, type TableName } from '../shared/census/dictionary';
import { columnsOf, recordResource } from '../shared/package/tables';
import type { RecordRow } from '../shared/census/schema';

const NATIONAL = process.argv.includes('--national');
const COUNTIES = NATIONAL ? 31 : Number(process.env.BENCH_COUNTIES ?? 100);
const PERSONS = NATIONAL ? 100_000 : Number(process.env.BENCH_PERSONS ?? 10_000);
const UNITS = Math.round(PERSONS / 30);
const PROVINCE = '13'; // 河北省: 160+ counties
const REF = '2026-12-31';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const cacheDir = path.join(root, 'bench', '.data', `merge-v2-${COUNTIES}x${PERSONS}`);
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
        units: () => demo.units.map((r) => packageCellsOf('unit', row(r))),
        persons: () => demo.persons.map((r) => packageCellsOf('person', row(r))),
        firstPackage: () => '',
        explanations: () => [],
        audit: () => [{ table: 'unit', recordId: '*', action: 'import', field: null, oldValue: null, newValue: '{"demo":true}', operator: '演示', at: now }],
        decisions: () => [],
        total: PERSONS + UNITS,
      },
      {
        packageId: randomUUID(), areaCode: c.code, areaName: c.name, level: 'county', refDate: REF, officeName: `${c.name}民政局`,
        operator: '演示', sequence: 1, createdAt: now, appVersion: appVersion(), divisionsVersion: divisions.version, sources: [],
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
  const [header = [], ...rows] = Papa.parse<string[]>(csv, { skipEmptyLines: true }).data;
  const fields = fieldsOf[table];
  // By name, so cached packages of an older schema version (fewer columns) load too: a missing column is empty.
  const names = columnsOf(recordResource[table]);
  const at = fields.map((_, j) => header.indexOf(names[2 + j]!));
  return rows.map((r) => {
    const out: SqlValue[] = [r[0]!, r[1]!];
    fields.forEach((f, j) => {
      const c = at[j]! < 0 ? '' : (r[at[j]!] ?? '');
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
  const r = spawnSync(process.execPath, [...process.execArgv, fileURLToPath(import.meta.url), ...process.argv.slice(2)], { stdio: 'inherit' });
  process.exit(r.status ?? 1);
}
const files = list.map((c) => path.join(cacheDir, `${c.code}.hcpkg`));
const bytes = files.reduce((s, f) => s + statSync(f).size, 0);
const label = NATIONAL ? `national scale: ${files.length} × ${PERSONS}` : `province: ${files.length} × ${PERSONS}`;
console.log(`\n--- ${label} persons; ${(bytes / 1048576).toFixed(1)} MB of packages, into 河北省 (130000); load average ${loadavg().map((x) => x.toFixed(1)).join(' ')}`);

async function timed<T>(fn: () => Promise<T>): Promise<{ value: T; s: number; cpu: number }> {
  const t = performance.now();
  const c = process.cpuUsage();
  const value = await fn();
  return { value, s: (performance.now() - t) / 1000, cpu: cpuSince(c) };
}

const dir = mkdtempSync(path.join(tmpdir(), 'headcount-bench-merge-'));

/** A new province census in `dir` (the merge's, and the preview's empty one) */
async function provinceCensus(name: string) {
  const core = openCoreForFile(path.join(dir, name), { create: true });
  const setup = await core.dispatch('census.setup', { areaCode: '130000', level: 'province', refDate: REF, officeName: '河北省民政厅', operator: '汇总员' });
  if (!setup.ok) throw new Error(setup.error.message);
  return core;
}

/** The package files, each read from disk when its turn comes (as the CLI and the 上报与汇总 page pass them) */
const packageFiles = () => files.map((f) => ({ name: path.basename(f), data: () => readFileSync(f) }));
let national: ReturnType<typeof spawnSync> | null = null;
try {
  if (typeof globalThis.gc === 'function') globalThis.gc();
  const rssBefore = process.resourceUsage().maxRSS * 1024;
  const core = await provinceCensus('province.sqlite');

  let done = 0;
  const t0 = performance.now();
  core.ctx.events.on('progress', (p: { done: number; label: string }) => {
    if (p.done > done && p.done % 10 === 0) console.log(`  ${String(p.done).padStart(8)} packages  ${fmt((performance.now() - t0) / 1000)} s`);
    done = p.done;
  });
  // CPU seconds beside wall seconds: on a shared machine the wall figure moves with other load.
  const merge = await timed(() => mergePackages(core.ctx, packageFiles(), { trustNewKeys: true, countPending: false }));
  let merged = 0;
  for (const r of merge.value.results) {
    if (r.status !== 'merged') throw new Error(`${r.file}: ${r.status} ${r.message}`);
    merged += r.added;
  }
  const rssMerge = process.resourceUsage().maxRSS * 1024;
  const call = (method: 'census.summary' | 'issues.list' | 'reports.tables', input: object) => timed(async () => {
    const r = await core.dispatch(method, input);
    if (!r.ok) throw new Error(r.error.message);
    return r.result;
  });
  const summary = await call('census.summary', {});
  const check = await call('issues.list', { offset: 0, limit: 100 });
  const report = await call('reports.tables', {});
  const rssAll = process.resourceUsage().maxRSS * 1024;
  core.close();
  // The same tables after the file is opened again (the counts kept in it, nothing else in memory)
  const reopened = openCoreForFile(path.join(dir, 'province.sqlite'));
  const reportReopened = await timed(async () => {
    const r = await reopened.dispatch('reports.tables', {});
    if (!r.ok) throw new Error(r.error.message);
  });
  // The analyst's copy: every person as Parquet (issue 14 item 5), from the same file
  const parquetFile = path.join(dir, 'persons.parquet');
  const parquet = await timed(async () => {
    const r = await reopened.localDispatch('io.export.toFile', { format: 'parquet', table: 'person', outPath: parquetFile });
    if (!r.ok) throw new Error(r.error.message);
  });
  const rssParquet = process.resourceUsage().maxRSS * 1024;
  // The province's own return, sent up with every person (the 1M case: what a province statistician waits for)
  const packageFile = path.join(dir, 'province.hcpkg');
  const exported = NATIONAL ? null : await timed(async () => {
    const r = await reopened.localDispatch('packages.export.toFile', { outPath: packageFile, confirmUnexplained: true, allowIncomplete: true });
    if (!r.ok) throw new Error(r.error.message);
    const persons = (r.result as { persons: number }).persons;
    if (persons !== merged) throw new Error(`the province's package holds ${persons} persons, expected ${merged}`);
  });
  const rssExport = process.resourceUsage().maxRSS * 1024;
  reopened.close();

  // Plain bulk load on the same files, into unindexed tables.
  const raw = createStore(path.join(dir, 'raw.sqlite'));
  const plain = { unit: plainLoad(raw.db, 'unit'), person: plainLoad(raw.db, 'person') };
  const rawRun = await timed(async () => {
    let n = 0;
    for (const f of files) {
      const entries = await inflateAll(readFileSync(f));
      plain.unit.load(rawRows('unit', entries.get('units.csv')!.toString('utf8')));
      n += plain.person.load(rawRows('person', entries.get('persons.csv')!.toString('utf8')));
    }
    return n;
  });
  raw.close();

  // What the 上报与汇总 page runs before the merge: the same files judged against an empty census, nothing written
  const fresh = await provinceCensus('preview.sqlite');
  const preview = await timed(() => previewPackages(fresh.ctx, packageFiles(), { trustNewKeys: true }));
  fresh.close();
  if (preview.value.some((r) => r.status !== 'ready')) throw new Error('preview: a package is not ready');
  if (recordColumns('person').length !== 2 + fieldsOf.person.length + 6) throw new Error('column layout changed');

  const persons = (summary.value as { persons: number }).persons;
  console.log(`\n${'preview (read, verify, judge; no write)'.padEnd(40)} ${fmt(preview.s)} s   cpu ${preview.cpu.toFixed(2)} s`);
  console.log(`${'merge (read, verify, replace, insert)'.padEnd(40)} ${fmt(merge.s)} s   ${Math.round(merged / merge.s)} persons/s   cpu ${merge.cpu.toFixed(2)} s`);
  console.log(`${'plain load into an unindexed table'.padEnd(40)} ${fmt(rawRun.s)} s   ${Math.round(rawRun.value / rawRun.s)} persons/s   cpu ${rawRun.cpu.toFixed(2)} s`);
  console.log(`${'ratio merge / plain load'.padEnd(40)} ${fmt(merge.s / rawRun.s)}`);
  console.log(`${'persons in province (summary)'.padEnd(40)} ${String(persons).padStart(8)}`);
  console.log(`${'census.summary'.padEnd(40)} ${fmt(summary.s)} s   cpu ${summary.cpu.toFixed(2)} s`);
  console.log(`${'check (issues.list)'.padEnd(40)} ${fmt(check.s)} s   cpu ${check.cpu.toFixed(2)} s`);
  console.log(`${'report (reports.tables)'.padEnd(40)} ${fmt(report.s)} s   cpu ${report.cpu.toFixed(2)} s`);
  console.log(`${'report, file opened again'.padEnd(40)} ${fmt(reportReopened.s)} s   cpu ${reportReopened.cpu.toFixed(2)} s`);
  console.log(`${'Parquet export of every person'.padEnd(40)} ${fmt(parquet.s)} s   cpu ${parquet.cpu.toFixed(2)} s   ${(statSync(parquetFile).size / 1048576).toFixed(1)} MB   peak RSS ${Math.round(rssParquet / 1048576)} MB`);
  if (exported) console.log(`${'package export of the province'.padEnd(40)} ${fmt(exported.s)} s   cpu ${exported.cpu.toFixed(2)} s   ${(statSync(packageFile).size / 1048576).toFixed(1)} MB   peak RSS ${Math.round(rssExport / 1048576)} MB`);
  console.log(`${'peak RSS before / after merge / after all'.padEnd(40)} ${String(Math.round(rssBefore / 1048576)).padStart(8)} / ${Math.round(rssMerge / 1048576)} / ${Math.round(rssAll / 1048576)} MB`);
  const line = `merge persons=${merged} s=${merge.s.toFixed(2)} raw_s=${rawRun.s.toFixed(2)} rss_mb=${Math.round(rssMerge / 1048576)}`;
  if (NATIONAL) {
    console.log(`national ${line.slice('merge '.length)} summary_s=${summary.s.toFixed(2)} check_s=${check.s.toFixed(2)} report_s=${report.s.toFixed(2)} report_reopened_s=${reportReopened.s.toFixed(2)} parquet_s=${parquet.s.toFixed(2)} preview_s=${preview.s.toFixed(2)}`);
  } else {
    console.log(`province summary_s=${summary.s.toFixed(2)} check_s=${check.s.toFixed(2)} report_s=${report.s.toFixed(2)} report_reopened_s=${reportReopened.s.toFixed(2)} parquet_s=${parquet.s.toFixed(2)} preview_s=${preview.s.toFixed(2)} export_s=${exported!.s.toFixed(2)}`);
    rmSync(dir, { recursive: true, force: true });
    if (process.env.BENCH_NATIONAL !== '0')
      national = spawnSync(process.execPath, [...process.execArgv, fileURLToPath(import.meta.url), '--national'], { stdio: 'inherit' });
    console.log(line);
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
if (national && national.status !== 0) process.exit(national.status ?? 1);
