/**
 * The Parquet export alone (issue 14 item 5): every person of a census file written as Parquet, in a
 * process that did nothing before but open the file, so its peak RSS is the export's own.
 *
 * The census is a demo census (`census.demo`, one county, BENCH_PERSONS persons, 1M by default), built
 * once in a child process and cached in bench/.data/ (git-ignored). Beside the export, the writer
 * library's own cost in a process of its own (`--library`): the columns of the file's first row group,
 * built as the export builds them, handed to hyparquet-writer as many times as the export writes row
 * groups — what the export would cost if reading the records and building the columns were free.
 * CPU is the process's (all threads, GC helpers included): steadier than wall time on a shared machine.
 * Last line: `parquet persons=N s=N cpu_s=N rss_mb=N mb=N lib_s=N lib_cpu_s=N lib_rss_mb=N`.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, renameSync, rmSync, statSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { openCoreForFile } from '../electron/core/app';
import * as parquetModule from '../electron/core/services/io/parquet';

const PERSONS = Number(process.env.BENCH_PERSONS ?? 1_000_000);
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const cacheFile = path.join(root, 'bench', '.data', `parquet-v1-${PERSONS}.sqlite`);
const self = fileURLToPath(import.meta.url);
const mb = (bytes: number) => Math.round(bytes / 1048576);
const peakRss = () => process.resourceUsage().maxRSS * 1024;

async function build(): Promise<void> {
  mkdirSync(path.dirname(cacheFile), { recursive: true });
  const tmp = `${cacheFile}.building`;
  rmSync(tmp, { force: true });
  const core = openCoreForFile(tmp, { create: true });
  const ok = <T>(r: { ok: true; result: T } | { ok: false; error: { message: string } }): T => {
    if (!r.ok) throw new Error(r.error.message);
    return r.result;
  };
  ok(await core.dispatch('census.setup', { areaCode: '110101', level: 'county', refDate: '2026-12-31', officeName: '东城区民政局', operator: '演示' }));
  ok(await core.dispatch('census.demo', { persons: PERSONS, units: Math.min(100_000, Math.round(PERSONS / 30)), seed: 1 }));
  core.close();
  renameSync(tmp, cacheFile);
}

/** Older code (an A/B run from a worktree) has no RowGroup: then only the export is measured */
const hasBaseline = 'RowGroup' in parquetModule;

interface Figures {
  s: number;
  cpu: number;
  rss: number;
  bytes: number;
}

/** Wall and CPU seconds of `fn` */
async function timed(fn: () => Promise<void>): Promise<{ s: number; cpu: number }> {
  globalThis.gc?.();
  const t = performance.now();
  const c0 = process.cpuUsage();
  await fn();
  const c = process.cpuUsage(c0);
  return { s: (performance.now() - t) / 1000, cpu: (c.user + c.system) / 1e6 };
}

/** The export as the app runs it */
function exportAll(core: ReturnType<typeof openCoreForFile>, out: string) {
  return timed(async () => {
    const r = await core.localDispatch('io.export.toFile', { format: 'parquet', table: 'person', outPath: out });
    if (!r.ok) throw new Error(r.error.message);
  });
}

/**
 * The writer library's own cost: the first row group's columns built once, before the timing, then
 * handed to the writer as many times as the export writes groups.
 */
function libraryAlone(core: ReturnType<typeof openCoreForFile>, out: string) {
  const { openParquet, RowGroup, PARQUET_ROW_GROUP } = parquetModule as Required<typeof parquetModule>;
  const { columns, writer } = openParquet(core.ctx, 'person', out);
  const group = new RowGroup(columns, PARQUET_ROW_GROUP);
  group.add(core.ctx.store.records.person.chunkAfter(0, PARQUET_ROW_GROUP).rows);
  const groups = Math.ceil(PERSONS / PARQUET_ROW_GROUP);
  return timed(async () => {
    for (let i = 0; i < groups; i++) group.writeTo(writer, { keep: true });
    await writer.finish();
  });
}

/** Runs in a process of its own; prints its figures as the last line, JSON */
async function measure(library: boolean): Promise<void> {
  const dir = mkdtempSync(path.join(tmpdir(), 'headcount-bench-parquet-'));
  const out = path.join(dir, 'persons.parquet');
  const core = openCoreForFile(cacheFile);
  try {
    const run = await (library ? libraryAlone(core, out) : exportAll(core, out));
    const f: Figures = { ...run, rss: peakRss(), bytes: statSync(out).size };
    console.log(JSON.stringify(f));
  } finally {
    core.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

function child(args: string[]): Figures {
  const r = spawnSync(process.execPath, [...process.execArgv, self, ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  if (r.status !== 0) throw new Error(`bench child ${args.join(' ')} failed (${r.status})\n${r.stdout}`);
  return JSON.parse(r.stdout.trim().split('\n').pop()!) as Figures;
}

const fmt = (s: number) => s.toFixed(2).padStart(8);
const load = () => loadavg().map((x) => x.toFixed(1)).join(' ');

if (process.argv.includes('--build')) await build();
else if (process.argv.includes('--measure')) await measure(false);
else if (process.argv.includes('--library')) await measure(true);
else {
  if (!existsSync(cacheFile)) {
    console.log(`building a demo census of ${PERSONS} persons into ${path.relative(root, cacheFile)} (cached for later runs)…`);
    const b = spawnSync(process.execPath, [...process.execArgv, self, '--build'], { stdio: 'inherit' });
    if (b.status !== 0) process.exit(b.status ?? 1);
  }
  console.log(`--- ${PERSONS} persons (${mb(statSync(cacheFile).size)} MB census file); load average ${load()}`);
  const exp = child(['--measure']);
  console.log(`${'Parquet export (io.export.toFile)'.padEnd(40)} ${fmt(exp.s)} s   cpu ${exp.cpu.toFixed(2)} s   ${(exp.bytes / 1048576).toFixed(1)} MB   peak RSS ${mb(exp.rss)} MB   (load ${load()})`);
  const lib = hasBaseline ? child(['--library']) : { s: NaN, cpu: NaN, rss: NaN, bytes: NaN };
  console.log(`${'hyparquet-writer alone, same columns'.padEnd(40)} ${fmt(lib.s)} s   cpu ${lib.cpu.toFixed(2)} s   ${(lib.bytes / 1048576).toFixed(1)} MB   peak RSS ${mb(lib.rss)} MB   (load ${load()})`);
  console.log(
    `parquet persons=${PERSONS} s=${exp.s.toFixed(2)} cpu_s=${exp.cpu.toFixed(2)} rss_mb=${mb(exp.rss)} mb=${(exp.bytes / 1048576).toFixed(1)} ` +
      `lib_s=${lib.s.toFixed(2)} lib_cpu_s=${lib.cpu.toFixed(2)} lib_rss_mb=${mb(lib.rss)}`,
  );
}
