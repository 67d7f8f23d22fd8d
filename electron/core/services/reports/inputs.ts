/**
 * The user inputs behind 表5 and the dashboard: registered population per area (entered, or
 * imported from a two-column sheet: area name or code, population) and the area's targets.
 * An import either applies every row or nothing: one bad row rejects the file, database unchanged.
 */
import { ApiError } from '../../../../shared/api/errors';
import type { Cell } from '../../../../shared/io';
import type { Deadlines, Targets } from '../../../../shared/reports/indicators';
import { AREA_FIGURES, TARGETS, type AreaFigureKey } from '../../../../shared/reports/indicators';
import { isoNow, requireSettings, type ServiceContext } from '../context';
import { readCsv, readXlsx, sniffFormat, type SheetStream } from '../io/read';
import { censusArea, type CensusArea } from './env';

export interface AreaInputs {
  code: string;
  name: string;
  isArea: boolean;
  population: number | null;
  elderly: number | null;
  careBeds: number | null;
  targets: Targets;
  deadlines: Deadlines;
}

export interface ReportInputs {
  areas: AreaInputs[];
  planningStart: number;
}

/** The census area first, then its sub-areas, each with its population, other denominators and targets */
export function reportInputs(ctx: ServiceContext): ReportInputs {
  const s = requireSettings(ctx);
  const area = censusArea(ctx);
  const pop = ctx.store.population.all();
  const figures = ctx.store.figures.all();
  const targets = ctx.store.targets.all();
  const deadlines = ctx.store.targets.deadlines();
  const row = (code: string, name: string, isArea: boolean): AreaInputs => ({
    code, name, isArea, population: pop.get(code) ?? null,
    elderly: figures.get(code)?.elderly ?? null, careBeds: figures.get(code)?.careBeds ?? null,
    targets: targets.get(code) ?? {}, deadlines: deadlines.get(code) ?? {},
  });
  return { areas: [row(area.code, area.name, true), ...area.subAreas.map((a) => row(a.code, a.name, false))], planningStart: s.planningStart };
}

function areaCodes(area: CensusArea): Map<string, string> {
  return new Map([[area.code, area.name], ...area.subAreas.map((s) => [s.code, s.name] as const)]);
}

function requireAreaCode(ctx: ServiceContext, area: CensusArea, code: string): string {
  const canonical = ctx.divisions.resolve(code) ?? code;
  if (!areaCodes(area).has(canonical)) throw new ApiError('bad_input', `地区代码 ${code} 不是本次统计的地区或其下级地区`);
  return canonical;
}

type FigureInput = { code: string; population?: number | null | undefined } & Partial<Record<AreaFigureKey, number | null | undefined>>;

/** Population and the other denominators of several areas in one transaction; an absent figure is left as it is */
export function setPopulation(ctx: ServiceContext, entries: readonly FigureInput[]): ReportInputs {
  const s = requireSettings(ctx);
  const area = censusArea(ctx);
  const resolved = entries.map((e) => ({ ...e, code: requireAreaCode(ctx, area, e.code) }));
  const at = isoNow(ctx);
  ctx.store.tx(() => {
    ctx.store.population.setMany(resolved.filter((e) => e.population !== undefined).map((e) => ({ code: e.code, population: e.population! })), s.operator, at);
    ctx.store.figures.setMany(
      resolved.flatMap((e) => AREA_FIGURES.filter((f) => e[f.key] !== undefined).map((f) => ({ code: e.code, figure: f.key, value: e[f.key]! }))),
      s.operator, at,
    );
  });
  return reportInputs(ctx);
}

export function setTargets(
  ctx: ServiceContext, code: string | undefined, targets: Partial<Record<keyof Targets, number | null>>, deadlines: Partial<Record<keyof Deadlines, number | null>> = {},
): ReportInputs {
  const s = requireSettings(ctx);
  const area = censusArea(ctx);
  const canonical = code === undefined ? area.code : requireAreaCode(ctx, area, code);
  for (const t of TARGETS) {
    const v = targets[t.key];
    if (v !== undefined && v !== null && t.format === 'percent' && v > 1)
      throw new ApiError('bad_input', `${t.label}的目标应在 0 到 100% 之间`);
    const d = deadlines[t.key];
    if (d !== undefined && d !== null && targets[t.key] === null) throw new ApiError('bad_input', `${t.label}的目标已清除，不能只设期限`);
    if (d !== undefined && d !== null && targets[t.key] === undefined && ctx.store.targets.all().get(canonical)?.[t.key] === undefined)
      throw new ApiError('bad_input', `请先填写${t.label}的目标，再设期限`);
  }
  ctx.store.targets.set(canonical, targets, s.operator, isoNow(ctx), deadlines);
  return reportInputs(ctx);
}

// ---------------------------------------------------------------------------------------------
// Import

const MAX_BYTES = 5 * 1024 * 1024;
const MAX_ROWS = 10_000;

/** 352,000 / 352000人 / 35.2万 → 352000; null when it is not a population figure */
export function parsePopulation(c: Cell): number | null {
  if (typeof c === 'number') return Number.isInteger(c) && c >= 0 ? c : null;
  if (typeof c !== 'string') return null;
  const t = c.replace(/[\s,，]/g, '').replace(/人$/, '');
  const m = /^(\d+(?:\.\d+)?)(万)?$/.exec(t);
  if (!m) return null;
  const n = Number(m[1]) * (m[2] ? 10_000 : 1);
  const rounded = Math.round(n);
  // 35.2万 is exact; 352000.5 people is not a count.
  if (!m[2] && rounded !== n) return null;
  return Number.isSafeInteger(rounded) ? rounded : null;
}

function cellText(c: Cell): string {
  if (c === null) return '';
  if (c instanceof Date) return c.toISOString().slice(0, 10);
  return String(c).trim();
}

async function firstSheetRows(name: string, data: Buffer): Promise<{ number: number; cells: Cell[] }[]> {
  const file = { name, data };
  const format = sniffFormat(file);
  let sheet: SheetStream | null = null;
  const rows: { number: number; cells: Cell[] }[] = [];
  const collect = async (s: SheetStream) => {
    for await (const r of s.rows) {
      if (r.cells.some((c) => c !== null && cellText(c) !== '')) rows.push(r);
      if (rows.length > MAX_ROWS) throw new ApiError('invalid_file', `「${name}」的行数超过 ${MAX_ROWS} 行，不像人口数据表（应为两列：地区名称或代码、户籍人口）`);
    }
  };
  if (format === 'csv') {
    sheet = readCsv(file).sheet;
    await collect(sheet);
  } else {
    // The first visible sheet that has anything in it; the rest are drained unread.
    for await (const s of readXlsx(file)) {
      if (rows.length === 0 && !s.hidden) await collect(s);
      else for await (const r of s.rows) void r;
    }
  }
  return rows;
}

type ImportColumn = 'population' | AreaFigureKey;
const POPULATION_HEADERS = ['户籍人口', '户籍人口数', '人口', '户籍人口（人）'];
const FIGURE_NAMES: Record<ImportColumn, string> = { population: '户籍人口', elderly: '老年人口', careBeds: '养老机构床位数' };

/** The figure a header cell names, or null */
function headerColumn(text: string): ImportColumn | null {
  const t = text.replace(/[\s（）()人张]/g, '');
  if (POPULATION_HEADERS.some((h) => h.replace(/[\s（）()人]/g, '') === t)) return 'population';
  for (const f of AREA_FIGURES) if (f.synonyms.some((h) => h.replace(/[\s（）()人张]/g, '') === t)) return f.key;
  return null;
}

export async function importPopulation(ctx: ServiceContext, upload: { name: string; data: Buffer }): Promise<{ updated: number } & ReportInputs> {
  requireSettings(ctx);
  const area = censusArea(ctx);
  const what = '应为：地区名称或代码，然后是户籍人口；有表头时可含老年人口、养老机构床位数列';
  if (upload.data.length > MAX_BYTES) throw new ApiError('invalid_file', `「${upload.name}」超过 5 MB，不像人口数据表（${what}）`);
  const rows = await firstSheetRows(upload.name, upload.data);
  const byName = new Map<string, string[]>();
  for (const [code, name] of areaCodes(area)) byName.set(name, [...(byName.get(name) ?? []), code]);
  const problems: string[] = [];
  const seen = new Map<string, number>();
  const entries: FigureInput[] = [];
  // A header row (地区, 户籍人口, 老年人口 …) says which figure each column holds; without one, column 2 is population.
  const head = rows[0]?.cells.slice(1).map((c) => headerColumn(cellText(c))) ?? [];
  const hasHeader = head.some((h) => h !== null);
  const columns: (ImportColumn | null)[] = hasHeader ? head : ['population'];
  rows.forEach((r, i) => {
    const key = cellText(r.cells[0] ?? null);
    if (i === 0 && hasHeader) return;
    // Without a recognised header, a first row naming no area and holding no number is still a header.
    if (i === 0 && parsePopulation(r.cells[1] ?? null) === null && !byName.has(key) && !(/^\d{6,12}$/.test(key) && areaCodes(area).has(ctx.divisions.resolve(key) ?? ''))) return;
    const where = `第${r.number}行`;
    let code: string | null = null;
    if (/^\d{6,12}$/.test(key)) {
      const c = ctx.divisions.resolve(key);
      code = c !== null && areaCodes(area).has(c) ? c : null;
      if (code === null) problems.push(`${where}：代码 ${key} 不是${area.name}或其下级地区`);
    } else if (key === '') {
      problems.push(`${where}：没有填写地区`);
    } else {
      const hits = byName.get(key) ?? [];
      if (hits.length === 1) code = hits[0]!;
      else if (hits.length > 1) problems.push(`${where}：有多个地区叫「${key}」，请改填行政区划代码`);
      else problems.push(`${where}：「${key}」不是${area.name}或其下级地区的名称`);
    }
    const entry: FigureInput = { code: code ?? '' };
    let ok = true;
    columns.forEach((col, j) => {
      if (col === null) return;
      const cell = r.cells[j + 1] ?? null;
      // An empty cell under a header leaves that figure as it is; without a header population is required.
      if (hasHeader && cellText(cell) === '') return;
      const value = parsePopulation(cell);
      if (value === null) {
        problems.push(`${where}：${FIGURE_NAMES[col]}「${cellText(cell)}」不是有效的${col === 'careBeds' ? '床位数' : '人数'}`);
        ok = false;
      } else entry[col] = value;
    });
    if (code !== null && ok) {
      const prev = seen.get(code);
      if (prev !== undefined) problems.push(`${where}：地区「${key}」与第${prev}行重复`);
      else {
        seen.set(code, r.number);
        entries.push(entry);
      }
    }
  });
  if (problems.length) {
    const shown = problems.slice(0, 10).join('；');
    const more = problems.length > 10 ? `；另有 ${problems.length - 10} 处问题` : '';
    throw new ApiError('invalid_file', `「${upload.name}」有 ${problems.length} 处问题，未导入任何数据：${shown}${more}`, { problems });
  }
  if (!entries.length) throw new ApiError('invalid_file', `「${upload.name}」中没有人口数据（${what}）`);
  return { updated: entries.length, ...setPopulation(ctx, entries) };
}
