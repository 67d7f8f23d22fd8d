/**
 * Spreadsheet round trip at census scale: import a 100k-row .xlsx and a 100k-row GBK CSV, export
 * 100k rows, each beside the raw library time for the same file in the same run (exceljs streaming
 * parse; iconv-lite + papaparse stream parse), plus peak memory.
 *
 * The input files are generated (fixed seed, labels as the template writes them) by a child process,
 * so the peak RSS reported is that of importing and exporting only.
 * The two imports and their libraries' parses run BENCH_ROUNDS times (default 3), interleaved; the
 * figures are medians. Last line: `import xlsx_s=N xlsx_raw_s=N csv_s=N csv_raw_s=N export_s=N rss_mb=N`.
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
import { median } from './stats';

const PERSONS = Number(process.env.BENCH_PERSONS ?? 100_000);
/** Rounds of each import beside its library's parse (medians reported) */
const ROUNDS = Math.max(1, Math.floor(Number(process.env.BENCH_ROUNDS ?? 3)) || 1);
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
  // A new census each time: the rounds import into the same file name
  for (const suffix of ['', '-wal', '-shm']) rmSync(path.join(dir, name + suffix), { force: true });
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
    const labels: Record<Step, string> = {
      'raw-xlsx': 'raw exceljs streaming parse (xlsx)',
      'own-xlsx': 'our xlsx reader alone (io/xlsx.ts)',
      'import-xlsx': 'import xlsx (read, match, write, issues)',
      'raw-csv': 'raw iconv + papaparse stream parse (GBK csv)',
      'import-csv': 'import GBK csv (read, match, write, issues)',
      'export-xlsx': 'export xlsx (persons + units, labels)',
      'export-csv': 'export csv (persons, labels)',
    };
    type Run = { s: number; rss: number; cpu: number; detail: string };
    const runs = {} as Record<Step, Run[]>;
    const take = (name: Step, round: string) => {
      const r = runStep(name, dir);
      (runs[name] ??= []).push(r);
      console.log(`${`${labels[name]}${round}`.padEnd(50)} ${r.s.toFixed(2).padStart(6)} s ${r.cpu.toFixed(2).padStart(6)} s ${String(r.rss).padStart(6)} MB  ${r.detail}`);
    };
    // Each import beside its library's parse, round after round: on a shared machine one run of each
    // says little (exceljs's own parse took 4.2 to 6.5 s within minutes), so the figures are medians and
    // each ratio is the median of the rounds' own ratios.
    for (let round = 1; round <= ROUNDS; round++) {
      const tag = ROUNDS > 1 ? ` #${round}` : '';
      for (const name of ['raw-xlsx', 'import-xlsx', 'raw-csv', 'import-csv'] as const) take(name, tag);
      if (round === 1) take('own-xlsx', '');
    }
    take('export-xlsx', '');
    take('export-csv', '');
    const m = (name: Step) => median(runs[name].map((r) => r.s));
    const ratio = (a: Step, b: Step, k: 's' | 'cpu' = 's') => median(runs[a].map((r, i) => r[k] / runs[b][i]![k]));
    const each = (a: Step, b: Step) => runs[a].map((r, i) => (r.s / runs[b][i]!.s).toFixed(2)).join(', ');
    const rss = Math.max(...(['import-xlsx', 'import-csv', 'export-xlsx', 'export-csv'] as const).flatMap((n) => runs[n].map((r) => r.rss)));
    console.log('');
    console.log(`xlsx import / exceljs parse, same round: ${ratio('import-xlsx', 'raw-xlsx').toFixed(2)} (aim ≤ 1.3; rounds: ${each('import-xlsx', 'raw-xlsx')})`);
    console.log(`our xlsx reader / exceljs streaming parse: ${(runs['own-xlsx'][0]!.s / runs['raw-xlsx'][0]!.s).toFixed(2)} (CPU ${(runs['own-xlsx'][0]!.cpu / runs['raw-xlsx'][0]!.cpu).toFixed(2)}, round 1)`);
    console.log(`xlsx import CPU / exceljs parse CPU: ${ratio('import-xlsx', 'raw-xlsx', 'cpu').toFixed(2)}; csv import CPU / raw parse CPU: ${ratio('import-csv', 'raw-csv', 'cpu').toFixed(2)}`);
    console.log(`csv import: ${m('import-csv').toFixed(2)} s (aim < 3 s; rounds: ${runs['import-csv'].map((r) => r.s.toFixed(2)).join(', ')}), ${ratio('import-csv', 'raw-csv').toFixed(2)} × its raw parse`);
    console.log(`peak RSS of any import or export: ${rss} MB (aim < 600)`);
    console.log(`import xlsx_s=${m('import-xlsx').toFixed(2)} xlsx_raw_s=${m('raw-xlsx').toFixed(2)} csv_s=${m('import-csv').toFixed(2)} csv_raw_s=${m('raw-csv').toFixed(2)} export_s=${m('export-xlsx').toFixed(2)} rss_mb=${rss}`);
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
