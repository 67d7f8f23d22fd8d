/**
 * Spreadsheet round trip at census scale: import a 100k-row .xlsx and a 100k-row GBK CSV, export
 * 100k rows, each beside the raw library time for the same file in the same run (exceljs streaming
 * parse; iconv-lite + papaparse stream parse), plus peak memory.
 *
 * The input files are generated (fixed seed, labels as the template writes them) by a child process,
 * so the peak RSS reported is that of importing and exporting only.
 * Last line: `import xlsx_s=N xlsx_raw_s=N csv_s=N csv_raw_s=N export_s=N rss_mb=N`.
 */
import { spawnSync } from 'node:child_process';
import { createReadStream, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import ExcelJS from 'exceljs';
import iconv from 'iconv-lite';
import Papa from 'papaparse';
import { openCoreForFile } from '../electron/core/app';
import { loadDivisions } from '../electron/core/divisions';
import { exportData } from '../electron/core/services/io/export';
import { importFiles } from '../electron/core/services/io/import';
import { readWorkbook } from '../electron/core/services/io/xlsx';
import { runTask } from '../electron/core/services/io/tasks';
import { fieldsOf, type TableName } from '../shared/census/dictionary';
import { generateDemo } from '../shared/demo';
import { cellValue } from '../shared/io';

const PERSONS = Number(process.env.BENCH_PERSONS ?? 100_000);
const UNITS = Math.max(1, Math.round(PERSONS / 33));
const AREA = '110101';
const SETTINGS = { areaCode: AREA, level: 'county', refDate: '2026-12-31', officeName: '东城区民政局', operator: '基准' } as const;

// ---------------------------------------------------------------------------------------------
// Input generation (child process)

async function generate(dir: string): Promise<void> {
  const divisions = loadDivisions();
  const townships = divisions.townshipsOf(AREA).map((t) => ({ code: t.code, name: t.name, countyCode: AREA }));
  const demo = generateDemo({ areaCode: AREA, townships, persons: PERSONS, units: UNITS, seed: 1, refDate: SETTINGS.refDate });
  const unitName = new Map(demo.units.map((u) => [u.id, String(u.data.name)]));
  const townName = new Map(townships.map((t) => [t.code, t.name]));
  const ctx = { townshipName: (c: string) => townName.get(c) ?? null, unitName: (id: string) => unitName.get(id) ?? null };
  const rows = (table: TableName, records: { data: Record<string, unknown> }[]) =>
    records.map((r) => fieldsOf[table].map((f) => cellValue(f, r.data[f.key] as never, 'labels', ctx)));
  const header = (table: TableName) => fieldsOf[table].map((f) => f.label);

  // .xlsx with shared strings, as Excel writes it: a title row, the header, the data.
  const wb = new ExcelJS.stream.xlsx.WorkbookWriter({ filename: path.join(dir, 'returns.xlsx'), useSharedStrings: true, useStyles: false });
  for (const [table, name, records] of [['person', '人员', demo.persons], ['unit', '单位', demo.units]] as const) {
    const ws = wb.addWorksheet(name);
    ws.addRow([`东城区 社会工作专业人才统计表（${name}）`]).commit();
    ws.addRow(header(table)).commit();
    for (const r of rows(table, records)) ws.addRow(r).commit();
    ws.commit();
  }
  await wb.commit();

  const csv = (table: TableName, records: { data: Record<string, unknown> }[]) =>
    Papa.unparse([header(table), ...rows(table, records)], { newline: '\r\n' }) + '\r\n';
  writeFileSync(path.join(dir, 'persons-gbk.csv'), iconv.encode(csv('person', demo.persons), 'gbk'));
  writeFileSync(path.join(dir, 'units.csv'), '\uFEFF' + csv('unit', demo.units));
}

// ---------------------------------------------------------------------------------------------
// Raw library baselines

async function rawXlsx(file: string): Promise<number> {
  let rows = 0;
  const reader = new ExcelJS.stream.xlsx.WorkbookReader(file, { worksheets: 'emit', sharedStrings: 'cache', styles: 'cache', hyperlinks: 'ignore', entries: 'ignore' });
  for await (const ws of reader) for await (const row of ws) if (row.values) rows++;
  return rows;
}

/** Our own reader (io/xlsx.ts) over the same file: the import's parse without mapping or normalising */
async function ownXlsx(file: string): Promise<number> {
  let rows = 0;
  for await (const ws of readWorkbook(readFileSync(file))) for await (const row of ws.rows) if (row.cells.length) rows++;
  return rows;
}

async function rawCsv(file: string): Promise<number> {
  let rows = 0;
  const parser = Papa.parse(Papa.NODE_STREAM_INPUT, { header: false });
  createReadStream(file).pipe(iconv.decodeStream('gb18030')).pipe(parser);
  for await (const record of parser as AsyncIterable<string[]>) if (record.length) rows++;
  return rows;
}

// ---------------------------------------------------------------------------------------------
// Each measured step runs in its own process, so its peak RSS is its own (as in the app, where one
// import runs in a long-lived process) and no step inherits another's heap.

type Step = 'raw-xlsx' | 'own-xlsx' | 'import-xlsx' | 'raw-csv' | 'import-csv' | 'export-xlsx' | 'export-csv';

async function freshCore(dir: string, name: string) {
  const core = openCoreForFile(path.join(dir, name), { create: true });
  const r = await core.dispatch('census.setup', SETTINGS);
  if (!r.ok) throw new Error(r.error.message);
  return core;
}

/**
 * CPU seconds of this process's main thread alone (Linux: /proc/self/task/<pid>/stat; NaN elsewhere): it leaves out
 * the reading worker, V8's GC helper threads and time spent waiting for a core, so on a busy machine it is the
 * steadiest figure for what the import's own thread costs.
 */
function mainCpu(): number {
  try {
    const f = readFileSync(`/proc/self/task/${process.pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return (Number(f[11]) + Number(f[12])) / 100;
  } catch {
    return NaN;
  }
}

/** Seconds spent in each phase of an import, from its progress events: reading, matching, writing, issues */
function phases(core: { events: { on: (e: 'progress', cb: (p: { taskId: string; label: string }) => void) => () => void } }, t0: () => number) {
  // Wall seconds and this process's CPU seconds (all threads, the reading worker included) per phase
  const cpu = () => {
    const u = process.cpuUsage();
    return (u.user + u.system) / 1e6;
  };
  const marks: [string, number, number, number][] = [];
  const off = core.events.on('progress', (p) => {
    if (p.taskId !== 'bench') return;
    const phase = p.label.startsWith('正在读取') ? 'read' : p.label.startsWith('正在比对') ? 'match' : p.label.startsWith('正在写入') ? 'write' : p.label.startsWith('已写入') ? 'result' : null;
    if (phase && marks.at(-1)?.[0] !== phase) marks.push([phase, t0(), cpu(), mainCpu()]);
  });
  return (end: number) => {
    off();
    const endCpu = cpu();
    const endMain = mainCpu();
    return marks.map(([phase, at, c, m], i) => `${phase} ${((marks[i + 1]?.[1] ?? end) - at).toFixed(1)} (CPU ${((marks[i + 1]?.[2] ?? endCpu) - c).toFixed(1)}, main thread ${((marks[i + 1]?.[3] ?? endMain) - m).toFixed(2)})`).join(', ');
  };
}

async function step(name: Step, dir: string): Promise<{ s: number; detail: string }> {
  const xlsx = path.join(dir, 'returns.xlsx');
  const csv = path.join(dir, 'persons-gbk.csv');
  let detail = '';
  const t0 = performance.now();
  const since = () => (performance.now() - t0) / 1000;
  switch (name) {
    case 'raw-xlsx':
      detail = `${await rawXlsx(xlsx)} rows`;
      break;
    case 'own-xlsx':
      detail = `${await ownXlsx(xlsx)} rows`;
      break;
    case 'raw-csv':
      detail = `${await rawCsv(csv)} rows`;
      break;
    case 'import-xlsx': {
      const core = await freshCore(dir, 'a.sqlite');
      const t1 = performance.now();
      const c1 = process.cpuUsage();
      const m1 = mainCpu();
      const done = phases(core, () => (performance.now() - t1) / 1000);
      const r = await importFiles(core.ctx, [xlsx], 'bench');
      const s = (performance.now() - t1) / 1000;
      const c = process.cpuUsage(c1);
      const m = mainCpu() - m1;
      core.close();
      if (r.added !== PERSONS + UNITS) throw new Error(`xlsx import added ${r.added}, expected ${PERSONS + UNITS}`);
      return { s, detail: `${r.added} added; import CPU ${((c.user + c.system) / 1e6).toFixed(2)} s (main thread ${m.toFixed(2)} s); ${done(s)}` };
    }
    case 'import-csv': {
      const core = await freshCore(dir, 'b.sqlite');
      await importFiles(core.ctx, [path.join(dir, 'units.csv')]);
      const t1 = performance.now();
      const c1 = process.cpuUsage();
      const m1 = mainCpu();
      const done = phases(core, () => (performance.now() - t1) / 1000);
      const r = await importFiles(core.ctx, [csv], 'bench');
      const s = (performance.now() - t1) / 1000;
      const c = process.cpuUsage(c1);
      const m = mainCpu() - m1;
      core.close();
      if (r.added !== PERSONS) throw new Error(`csv import added ${r.added}, expected ${PERSONS}`);
      return { s, detail: `${r.added} added; import CPU ${((c.user + c.system) / 1e6).toFixed(2)} s (main thread ${m.toFixed(2)} s); ${done(s)}` };
    }
    case 'export-xlsx':
    case 'export-csv': {
      const core = openCoreForFile(path.join(dir, 'a.sqlite'));
      const format = name === 'export-xlsx' ? 'xlsx' : 'csv';
      const t1 = performance.now();
      const r = await runTask(core.ctx, undefined, (task) => exportData(core.ctx, { format, codes: false, table: 'person' }, path.join(dir, `out.${format}`), task));
      const s = (performance.now() - t1) / 1000;
      core.close();
      return { s, detail: `${r.rows} rows, ${(statSync(path.join(dir, `out.${format}`)).size / 1048576).toFixed(1)} MB` };
    }
  }
  return { s: since(), detail };
}

/** `cpu`: CPU seconds of the whole step process (start-up included), steadier than wall time on a loaded machine */
function runStep(name: Step, dir: string): { s: number; rss: number; cpu: number; detail: string } {
  const r = spawnSync(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url), '--step', name, dir], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  if (r.status !== 0) throw new Error(`step ${name} failed`);
  return JSON.parse(r.stdout.trim().split('\n').pop()!) as { s: number; rss: number; cpu: number; detail: string };
}

async function run(): Promise<void> {
  const dir = mkdtempSync(path.join(tmpdir(), 'headcount-bench-import-'));
  try {
    const t0 = performance.now();
    const gen = spawnSync(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url), '--generate', dir], { stdio: 'inherit' });
    if (gen.status !== 0) throw new Error('generating the input files failed');
    const mb = (f: string) => (statSync(path.join(dir, f)).size / 1048576).toFixed(1);
    console.log(`inputs: ${PERSONS} persons + ${UNITS} units; xlsx ${mb('returns.xlsx')} MB, GBK csv ${mb('persons-gbk.csv')} MB (generated in ${((performance.now() - t0) / 1000).toFixed(1)} s)\n`);
    console.log(`${'step'.padEnd(46)} ${'time'.padStart(8)} ${'CPU'.padStart(8)} ${'peak RSS'.padStart(9)}  detail`);
    const steps: [Step, string][] = [
      ['raw-xlsx', 'raw exceljs streaming parse (xlsx)'],
      ['own-xlsx', 'our xlsx reader alone (io/xlsx.ts)'],
      ['import-xlsx', 'import xlsx (read, match, write, issues)'],
      ['raw-csv', 'raw iconv + papaparse stream parse (GBK csv)'],
      ['import-csv', 'import GBK csv (read, match, write, issues)'],
      ['export-xlsx', 'export xlsx (persons + units, labels)'],
      ['export-csv', 'export csv (persons, labels)'],
    ];
    const r = {} as Record<Step, { s: number; rss: number; cpu: number; detail: string }>;
    for (const [name, label] of steps) {
      r[name] = runStep(name, dir);
      console.log(`${label.padEnd(46)} ${r[name].s.toFixed(2).padStart(6)} s ${r[name].cpu.toFixed(2).padStart(6)} s ${String(r[name].rss).padStart(6)} MB  ${r[name].detail}`);
    }
    const rss = Math.max(r['import-xlsx'].rss, r['import-csv'].rss, r['export-xlsx'].rss, r['export-csv'].rss);
    console.log('');
    console.log(`xlsx import / raw parse: ${(r['import-xlsx'].s / r['raw-xlsx'].s).toFixed(2)} (aim ≤ 1.3)`);
    console.log(`our xlsx reader / exceljs streaming parse: ${(r['own-xlsx'].s / r['raw-xlsx'].s).toFixed(2)} (CPU ${(r['own-xlsx'].cpu / r['raw-xlsx'].cpu).toFixed(2)})`);
    console.log(`xlsx import CPU / exceljs parse CPU: ${(r['import-xlsx'].cpu / r['raw-xlsx'].cpu).toFixed(2)}; csv import CPU / raw parse CPU: ${(r['import-csv'].cpu / r['raw-csv'].cpu).toFixed(2)}`);
    console.log(`csv  import / raw parse: ${(r['import-csv'].s / r['raw-csv'].s).toFixed(2)} (aim ≤ 1.3)`);
    console.log(`peak RSS of any import or export: ${rss} MB (aim < 600)`);
    console.log(`import xlsx_s=${r['import-xlsx'].s.toFixed(2)} xlsx_raw_s=${r['raw-xlsx'].s.toFixed(2)} csv_s=${r['import-csv'].s.toFixed(2)} csv_raw_s=${r['raw-csv'].s.toFixed(2)} export_s=${r['export-xlsx'].s.toFixed(2)} rss_mb=${rss}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const gen = process.argv.indexOf('--generate');
const stepAt = process.argv.indexOf('--step');
if (gen >= 0) await generate(process.argv[gen + 1]!);
else if (stepAt >= 0) {
  const out = await step(process.argv[stepAt + 1] as Step, process.argv[stepAt + 2]!);
  const cpu = process.cpuUsage();
  console.log(JSON.stringify({ ...out, rss: Math.round(process.resourceUsage().maxRSS / 1024), cpu: (cpu.user + cpu.system) / 1e6 }));
} else await run();
