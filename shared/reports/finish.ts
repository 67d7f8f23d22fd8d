/** Finishing a table: totals of person-time columns, inputs, rates and gaps, and the rows shown. */
import type { ColumnDef, InputSource, TableDef } from './definitions';
import { formatOf } from './definitions';
import { indicator, type TargetKey } from './indicators';
import { paramsOf, type ReportEnv } from './env';
import { progressOf } from './progress';
import type { RowSpec } from './rows';
import type { ReportColumn, ReportRow, ReportTable } from './schema';

export interface TablePlan {
  def: TableDef;
  rows: RowSpec[];
  /** Row index where each section starts */
  sectionStart: number[];
  cells: Float64Array;
}

/**
 * An entered figure of a row's area (population, older people, care-home beds). The area's own figure,
 * when not entered, is the sum of its sub-areas' — only if all are known.
 */
function figureOf(env: ReportEnv, row: RowSpec, get: (code: string) => number | undefined): number | null {
  if (row.areaCode === null) return null;
  const own = get(row.areaCode);
  if (own !== undefined) return own;
  if (row.kind === 'total' && env.subAreas.length > 0 && env.subAreas.every((a) => get(a.code) !== undefined)) {
    return env.subAreas.reduce((n, a) => n + get(a.code)!, 0);
  }
  return null;
}

/** Townships inside the row's area: every township of a sub-area, all of them for the census area */
function townshipsOf(env: ReportEnv, row: RowSpec): number | null {
  if (row.areaCode === null) return null;
  if (row.kind === 'total') return env.subAreas.reduce((n, a) => n + a.townships.length, 0);
  return env.subAreas.find((a) => a.code === row.areaCode)?.townships.length ?? null;
}

function inputOf(env: ReportEnv, row: RowSpec, source: InputSource): number | null {
  if (source === 'population') return figureOf(env, row, (c) => env.population.get(c));
  if (source === 'elderly' || source === 'careBeds') return figureOf(env, row, (c) => env.figures?.get(c)?.[source]);
  if (source === 'townships') return townshipsOf(env, row);
  if (row.areaCode === null) return null;
  if (source.startsWith('deadline:')) return env.deadlines?.get(row.areaCode)?.[source.slice(9) as TargetKey] ?? null;
  return env.targets.get(row.areaCode)?.[source as TargetKey] ?? null;
}

export function finish(p: TablePlan, env: ReportEnv): ReportTable {
  const cols = p.def.columns;
  const width = cols.length;
  const colIndex = new Map(cols.map((c, i) => [c.key, i]));
  // Totals of person-time columns are the sum of their rows (there is only one section in such tables).
  cols.forEach((c, ci) => {
    if (c.kind === 'count' && c.rowField) {
      let sum = 0;
      for (let r = 1; r < p.rows.length; r++) sum += p.cells[r * width + ci]!;
      p.cells[ci] = sum;
    }
  });
  const values: (number | null)[][] = p.rows.map((_, r) => cols.map((c, ci) => (c.kind === 'count' || c.kind === 'sum' ? p.cells[r * width + ci]! : null)));
  // Inputs first, then rates (which may divide by an input), then gaps and progress (which may compare with a rate).
  const order = (k: ColumnDef['kind']) => ({ count: 0, sum: 0, input: 1, rate: 2, gap: 3, progress: 3 })[k];
  const planningStart = paramsOf(env).planningStart;
  const computed = cols.map((c, ci) => ({ c, ci })).filter(({ c }) => c.kind !== 'count' && c.kind !== 'sum').sort((a, b) => order(a.c.kind) - order(b.c.kind));
  p.rows.forEach((row, r) => {
    const v = values[r]!;
    for (const { c, ci } of computed) {
      if (c.kind === 'input') {
        v[ci] = inputOf(env, row, c.source);
      } else if (c.kind === 'rate') {
        const num = v[colIndex.get(c.num)!] ?? null;
        const den = (c.denRow === 'total' ? values[0]! : v)[colIndex.get(c.den)!] ?? null;
        const scale = c.scale ?? (c.format === 'permille' ? 1000 : 1);
        v[ci] = num === null || den === null || den === 0 ? null : (num / den) * scale;
      } else if (c.kind === 'progress') {
        const at = (key: string) => v[colIndex.get(key)!] ?? null;
        v[ci] = progressOf(at(c.actual), at(c.target), at(c.deadline), env.refDate, planningStart);
      } else if (c.kind === 'gap') {
        const target = v[colIndex.get(c.target)!] ?? null;
        const actual = v[colIndex.get(c.actual)!] ?? null;
        v[ci] = target === null || actual === null ? null : target - actual;
      }
    }
  });
  const columns: ReportColumn[] = cols.map((c) => {
    const linked = c.kind === 'count' && indicator(c.indicator).subject === 'person';
    return {
      key: c.key, group: c.group, label: c.label, kind: c.kind, format: formatOf(c),
      additive: (c.kind === 'count' && !c.distinct) || c.kind === 'sum' || (c.kind === 'input' && c.source === 'townships'),
      ...(c.kind === 'count' && c.distinct ? { distinct: true } : {}),
      linked,
      linkedTotal: linked && !(c.kind === 'count' && c.rowField),
    };
  });
  const rows: ReportRow[] = [];
  const statusOf = new Map((env.coverage?.rows ?? []).map((r) => [r.code, r.status]));
  p.rows.forEach((row, r) => {
    let v = values[r]!;
    const empty = cols.every((c, ci) => !(c.kind === 'count' || c.kind === 'sum') || v[ci] === 0);
    // An "unknown" row appears only when something falls into it: clean data shows the official rows.
    if (row.kind === 'unknown' && empty) return;
    const status = row.kind === 'item' && row.areaCode !== null ? statusOf.get(row.areaCode) : undefined;
    // Nothing reported is not zero: the row says 未报 (null cells) unless records placed there came from elsewhere.
    if (status === 'missing' && empty) v = v.map(() => null);
    rows.push({ key: row.key, label: row.label, section: row.section, kind: row.kind, areaCode: row.areaCode, values: v, ...(status ? { status } : {}) });
  });
  return {
    id: p.def.id,
    title: p.def.title,
    notes: [...p.def.notes, pendingNote(env.pendingDuplicates), ...(env.coverage ? [env.coverage.text] : [])],
    pendingDuplicates: env.pendingDuplicates,
    columns,
    rows,
  };
}

export function pendingNote(n: number): string {
  return n > 0
    ? `另有 ${n} 名跨地区重复人员待核定，表中每人只计一次`
    : '无待核定的跨地区重复人员';
}
