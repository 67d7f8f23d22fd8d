/**
 * The user inputs behind 表5 and the dashboard: registered population per area (entered, or
 * imported from a two-column sheet: area name or code, population) and the area's targets.
 * An import either applies every row or nothing: one bad row rejects the file, database unchanged.
 */
import { ApiError } from '../../../../shared/api/errors';
import type { Cell } from '../../../../shared/io';
import type { Targets } from '../../../../shared/reports/indicators';
import { TARGETS } from '../../../../shared/reports/indicators';
import { isoNow, requireSettings, type ServiceContext } from '../context';
import { readCsv, readXlsx, sniffFormat, type SheetStream } from '../io/read';
import { censusArea, type CensusArea } from './env';

export interface AreaInputs {
  code: string;
  name: string;
  isArea: boolean;
  population: number | null;
  targets: Targets;
}

/** The census area first, then its sub-areas, each with its population and targets */
export function reportInputs(ctx: ServiceContext): { areas: AreaInputs[] } {
  const area = censusArea(ctx);
  const pop = ctx.store.population.all();
  const targets = ctx.store.targets.all();
  const row = (code: string, name: string, isArea: boolean): AreaInputs => ({
    code, name, isArea, population: pop.get(code) ?? null, targets: targets.get(code) ?? {},
  });
  return { areas: [row(area.code, area.name, true), ...area.subAreas.map((s) => row(s.code, s.name, false))] };
}

function areaCodes(area: CensusArea): Map<string, string> {
  return new Map([[area.code, area.name], ...area.subAreas.map((s) => [s.code, s.name] as const)]);
}

function requireAreaCode(ctx: ServiceContext, area: CensusArea, code: string): string {
  const canonical = ctx.divisions.resolve(code) ?? code;
  if (!areaCodes(area).has(canonical)) throw new ApiError('bad_input', `地区代码 ${code} 不是本次统计的地区或其下级地区`);
  return canonical;
}

export function setPopulation(ctx: ServiceContext, entries: readonly { code: string; population: number | null }[]): { areas: AreaInputs[] } {
  const s = requireSettings(ctx);
  const area = censusArea(ctx);
  const resolved = entries.map((e) => ({ code: requireAreaCode(ctx, area, e.code), population: e.population }));
  ctx.store.population.setMany(resolved, s.operator, isoNow(ctx));
  return reportInputs(ctx);
}

export function setTargets(ctx: ServiceContext, code: string | undefined, targets: Partial<Record<keyof Targets, number | null>>): { areas: AreaInputs[] } {
  const s = requireSettings(ctx);
  const area = censusArea(ctx);
  const canonical = code === undefined ? area.code : requireAreaCode(ctx, area, code);
  for (const t of TARGETS) {
    const v = targets[t.key];
    if (v !== undefined && v !== null && t.format === 'percent' && v > 1)
      throw new ApiError('bad_input', `${t.label}的目标应在 0 到 100% 之间`);
  }
  ctx.store.targets.set(canonical, targets, s.operator, isoNow(ctx));
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

export async function importPopulation(ctx: ServiceContext, upload: { name: string; data: Buffer }): Promise<{ updated: number; areas: AreaInputs[] }> {
  const s = requireSettings(ctx);
  const area = censusArea(ctx);
  if (upload.data.length > MAX_BYTES) throw new ApiError('invalid_file', `「${upload.name}」超过 5 MB，不像人口数据表（应为两列：地区名称或代码、户籍人口）`);
  const rows = await firstSheetRows(upload.name, upload.data);
  const byName = new Map<string, string[]>();
  for (const [code, name] of areaCodes(area)) byName.set(name, [...(byName.get(name) ?? []), code]);
  const problems: string[] = [];
  const seen = new Map<string, number>();
  const entries: { code: string; population: number }[] = [];
  rows.forEach((r, i) => {
    const key = cellText(r.cells[0] ?? null);
    const value = r.cells[1] ?? null;
    const population = parsePopulation(value);
    // A first row naming no area and holding no number is the header (地区, 户籍人口).
    if (i === 0 && population === null && !byName.has(key) && !(/^\d{6,12}$/.test(key) && areaCodes(area).has(ctx.divisions.resolve(key) ?? ''))) return;
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
    if (population === null) problems.push(`${where}：户籍人口「${cellText(value)}」不是有效的人数`);
    if (code !== null && population !== null) {
      const prev = seen.get(code);
      if (prev !== undefined) problems.push(`${where}：地区「${key}」与第${prev}行重复`);
      else {
        seen.set(code, r.number);
        entries.push({ code, population });
      }
    }
  });
  if (problems.length) {
    const shown = problems.slice(0, 10).join('；');
    const more = problems.length > 10 ? `；另有 ${problems.length - 10} 处问题` : '';
    throw new ApiError('invalid_file', `「${upload.name}」有 ${problems.length} 处问题，未导入任何数据：${shown}${more}`, { problems });
  }
  if (!entries.length) throw new ApiError('invalid_file', `「${upload.name}」中没有人口数据（应为两列：地区名称或代码、户籍人口）`);
  ctx.store.population.setMany(entries, s.operator, isoNow(ctx));
  return { updated: entries.length, ...reportInputs(ctx) };
}
