/**
 * Computes the table set from records. Pure: the caller hands in persons and units as
 * `{ id, data }` and an environment (area, sub-areas with their townships, reference date,
 * duplicates to leave out, population and targets), so tests can use hand-checkable records and the
 * service can stream the store through it. One pass over units, one over persons; each person is
 * classified once per distinct row field and tested once per distinct indicator.
 */
import { codesOf, codeLabel, type CodeListId } from '../census/codes';
import { field as dictField } from '../census/dictionary';
import type { FieldValue, RecordData } from '../census/schema';
import { AGE_BANDS, ageAt, ageBandOf } from './age';
import { formatOf, TABLES, type ColumnDef, type Section, type TableDef } from './definitions';
import { compileFilter, type FilterCondition, type RecordFilter, type RecordLike } from './filter';
import { indicator, type Targets } from './indicators';
import type { ReportColumn, ReportCoverage, ReportRow, ReportSet, ReportTable } from './schema';

export interface SubArea {
  code: string;
  name: string;
  /** Every township code of the sub-area (for a county census: the township itself) */
  townships: readonly string[];
}

export interface ReportEnv {
  area: { code: string; name: string; level: 'county' | 'city' | 'province' };
  refDate: string;
  subAreas: readonly SubArea[];
  /** Persons not counted: held as cross-area duplicates of a person who is counted */
  excludedPersonIds: ReadonlySet<string>;
  pendingDuplicates: number;
  /** Registered population by division code (the census area's own code and sub-area codes) */
  population: ReadonlyMap<string, number>;
  targets: ReadonlyMap<string, Targets>;
  /** Upper levels: who has reported. A sub-area that has not is 未报 (null cells), never 0 */
  coverage?: ReportCoverage | null;
}

const UNKNOWN = '_unknown';
const UNASSIGNED_LABEL = '未能归属到下级地区';
const UNKNOWN_LABEL = '未填或无法识别';

// ---------------------------------------------------------------------------------------------
// Rows: categories of a section and the condition that selects each

interface RowSpec {
  key: string;
  label: string;
  section: string | null;
  kind: 'total' | 'item' | 'unknown';
  areaCode: string | null;
  /** Rows of a code section: which field of the record selects it (a column may override it) */
  where(fieldOverride?: string): RecordFilter;
}

function codeListOfField(name: string): CodeListId {
  const def = name.startsWith('unit.') ? dictField('unit', name.slice(5)) : dictField('person', name);
  if (!def.codeList) throw new Error(`${name} has no code list`);
  return def.codeList;
}

function isMultiCode(name: string): boolean {
  return !name.startsWith('unit.') && dictField('person', name).type === 'codes';
}

function sectionRows(s: Section, env: ReportEnv): RowSpec[] {
  switch (s.kind) {
    case 'area': {
      const all = env.subAreas.flatMap((a) => a.townships);
      const rows: RowSpec[] = env.subAreas.map((a) => ({
        key: a.code, label: a.name, section: null, kind: 'item', areaCode: a.code,
        where: () => a.townships.length === 1
          ? [{ field: 'township', op: 'eq', value: a.townships[0]! }]
          : [{ field: 'township', op: 'in', values: [...a.townships] }],
      }));
      rows.push({ key: UNKNOWN, label: UNASSIGNED_LABEL, section: null, kind: 'unknown', areaCode: null, where: () => [{ field: 'township', op: 'notIn', values: all }] });
      return rows;
    }
    case 'code': {
      const codes = codesOf(codeListOfField(s.field));
      const list = codeListOfField(s.field);
      const rows: RowSpec[] = codes.map((c) => ({
        key: `${s.field}:${c}`, label: codeLabel(list, c), section: s.label, kind: 'item', areaCode: null,
        where: (f = s.field) => [isMultiCode(f) ? { field: f, op: 'in', values: [c] } : { field: f, op: 'eq', value: c }],
      }));
      rows.push({ key: `${s.field}:${UNKNOWN}`, label: UNKNOWN_LABEL, section: s.label, kind: 'unknown', areaCode: null, where: (f = s.field) => [{ field: f, op: 'notIn', values: codes }] });
      return rows;
    }
    case 'ageBand': {
      const rows: RowSpec[] = AGE_BANDS.map((b) => ({
        key: `age:${b.key}`, label: b.label, section: s.label, kind: 'item', areaCode: null,
        where: () => [
          ...(b.min === null ? [] : [{ field: 'age', op: 'gte', value: b.min } as const]),
          ...(b.max === null ? [] : [{ field: 'age', op: 'lte', value: b.max } as const]),
        ],
      }));
      rows.push({ key: `age:${UNKNOWN}`, label: UNKNOWN_LABEL, section: s.label, kind: 'unknown', areaCode: null, where: () => [{ field: 'age', op: 'empty' }] });
      return rows;
    }
  }
}

function totalRow(def: TableDef, env: ReportEnv): RowSpec {
  return def.total === 'area'
    ? { key: 'total', label: env.area.name, section: null, kind: 'total', areaCode: env.area.code, where: () => [] }
    : { key: 'total', label: '合计', section: null, kind: 'total', areaCode: null, where: () => [] };
}

/** The row field a count column uses within a section */
function sectionField(s: Section, c: ColumnDef): string {
  if (s.kind === 'area') return 'area';
  if (s.kind === 'ageBand') return 'age';
  return c.kind === 'count' && c.rowField ? c.rowField : s.field;
}

// ---------------------------------------------------------------------------------------------
// Classifiers: record → category index within a section (the last index is "unknown")

type Classify = (r: RecordLike) => number | number[];

interface Ctx {
  env: ReportEnv;
  unitData: Map<string, RecordData>;
  townshipIndex: Map<string, number>;
}

function classifier(subject: 'person' | 'unit', fieldName: string, ctx: Ctx): Classify {
  if (fieldName === 'area') {
    const unknown = ctx.env.subAreas.length;
    return (r) => {
      const t = r.data.township;
      return (typeof t === 'string' ? ctx.townshipIndex.get(t) : undefined) ?? unknown;
    };
  }
  if (fieldName === 'age') {
    const unknown = AGE_BANDS.length;
    const index = new Map(AGE_BANDS.map((b, i) => [b.key, i]));
    return (r) => {
      const b = ageBandOf(ageAt(r.data.birthDate, ctx.env.refDate));
      return b ? index.get(b.key)! : unknown;
    };
  }
  const codes = codesOf(codeListOfField(fieldName));
  const index = new Map(codes.map((c, i) => [c, i]));
  const unknown = codes.length;
  const one = (v: FieldValue | undefined): number => (typeof v === 'string' ? index.get(v) : undefined) ?? unknown;
  if (fieldName.startsWith('unit.')) {
    const key = fieldName.slice(5);
    if (subject === 'unit') return (r) => one(r.data[key]);
    return (r) => {
      const id = r.data.unitId;
      return one(typeof id === 'string' ? ctx.unitData.get(id)?.[key] : undefined);
    };
  }
  if (subject === 'unit') return () => unknown;
  if (isMultiCode(fieldName)) {
    return (r) => {
      const v = r.data[fieldName];
      if (!Array.isArray(v)) return unknown;
      const hits: number[] = [];
      for (const x of v) {
        const i = index.get(x);
        if (i !== undefined && !hits.includes(i)) hits.push(i);
      }
      return hits.length ? hits : unknown;
    };
  }
  return (r) => one(r.data[fieldName]);
}

// ---------------------------------------------------------------------------------------------
// The computation

interface TablePlan {
  def: TableDef;
  rows: RowSpec[];
  /** Row index where each section starts */
  sectionStart: number[];
  cells: Float64Array;
}

interface Tally {
  table: number;
  col: number;
  predicate: number;
  /** Per section: index into the classifier list */
  classifiers: number[];
  totalIsSum: boolean;
  /** `sum` columns: the unit field added up */
  sumField?: string;
  /** Distinct organisations: the keys already counted */
  seen?: Set<string>;
}

/** An organisation's identity: its credit code, else the record itself */
function organisationKey(r: RecordLike): string {
  const c = r.data.creditCode;
  return typeof c === 'string' && c !== '' ? c.toUpperCase() : `#${r.id}`;
}

export function computeReports(
  input: { persons: Iterable<RecordLike>; units: Iterable<RecordLike> },
  env: ReportEnv,
  defs: readonly TableDef[] = TABLES,
): ReportSet {
  const townshipIndex = new Map<string, number>();
  env.subAreas.forEach((a, i) => a.townships.forEach((t) => townshipIndex.set(t, i)));
  const unitData = new Map<string, RecordData>();
  const ctx: Ctx = { env, unitData, townshipIndex };
  const filterEnv = { refDate: env.refDate, unitData: (id: string) => unitData.get(id) };

  const plans: TablePlan[] = defs.map((def) => {
    const rows = [totalRow(def, env)];
    const sectionStart: number[] = [];
    for (const s of def.sections) {
      sectionStart.push(rows.length);
      rows.push(...sectionRows(s, env));
    }
    return { def, rows, sectionStart, cells: new Float64Array(rows.length * def.columns.length) };
  });

  // Distinct predicates and classifiers per subject, shared by all tables.
  const subjects = { person: { preds: [] as string[], cls: [] as string[], tallies: [] as Tally[] }, unit: { preds: [] as string[], cls: [] as string[], tallies: [] as Tally[] } };
  const slot = (list: string[], key: string) => {
    const i = list.indexOf(key);
    return i >= 0 ? i : list.push(key) - 1;
  };
  plans.forEach((p, t) => {
    p.def.columns.forEach((c, col) => {
      if (c.kind !== 'count' && c.kind !== 'sum') return;
      const ind = c.kind === 'count' ? indicator(c.indicator) : null;
      const subject = ind ? ind.subject : 'unit';
      const s = subjects[subject];
      const where = ind ? ind.where : [];
      s.tallies.push({
        table: t,
        col,
        predicate: slot(s.preds, JSON.stringify(where)),
        classifiers: p.def.sections.map((sec) => slot(s.cls, sectionField(sec, c))),
        totalIsSum: c.kind === 'count' && c.rowField !== undefined,
        ...(c.kind === 'sum' ? { sumField: c.field } : {}),
        ...(c.kind === 'count' && c.distinct ? { seen: new Set<string>() } : {}),
      });
    });
  });

  const run = (subject: 'person' | 'unit', records: Iterable<RecordLike>, skip: (r: RecordLike) => boolean) => {
    const s = subjects[subject];
    if (!s.tallies.length) {
      for (const r of records) void r; // the iterator is drained so the store's cursor closes
      return;
    }
    const preds = s.preds.map((k) => compileFilter(subject, JSON.parse(k) as RecordFilter, filterEnv));
    const classes = s.cls.map((f) => classifier(subject, f, ctx));
    const pass = new Array<boolean>(preds.length);
    const cat = new Array<number | number[]>(classes.length);
    for (const r of records) {
      if (skip(r)) continue;
      for (let i = 0; i < preds.length; i++) pass[i] = preds[i]!(r);
      for (let i = 0; i < classes.length; i++) cat[i] = classes[i]!(r);
      for (const tl of s.tallies) {
        if (!pass[tl.predicate]) continue;
        if (tl.seen) {
          const k = organisationKey(r);
          if (tl.seen.has(k)) continue;
          tl.seen.add(k);
        }
        const plan = plans[tl.table]!;
        const width = plan.def.columns.length;
        let add = 1;
        if (tl.sumField !== undefined) {
          const v = r.data[tl.sumField];
          add = typeof v === 'number' ? v : 0;
        }
        if (!tl.totalIsSum) plan.cells[tl.col] = plan.cells[tl.col]! + add;
        for (let si = 0; si < tl.classifiers.length; si++) {
          const start = plan.sectionStart[si]!;
          const c = cat[tl.classifiers[si]!]!;
          if (typeof c === 'number') bump(plan.cells, (start + c) * width + tl.col, add);
          else for (const ci of c) bump(plan.cells, (start + ci) * width + tl.col, add);
        }
      }
    }
  };

  const unitRecords: RecordLike[] = [];
  for (const u of input.units) {
    unitData.set(u.id, u.data);
    unitRecords.push(u);
  }
  run('unit', unitRecords, () => false);
  let excluded = 0;
  run('person', input.persons, (r) => {
    if (!env.excludedPersonIds.has(r.id)) return false;
    excluded++;
    return true;
  });

  const tables = plans.map((p) => finish(p, env));
  return {
    area: env.area,
    refDate: env.refDate,
    excluded,
    pendingDuplicates: env.pendingDuplicates,
    coverage: env.coverage ?? null,
    tables,
  };
}

function bump(cells: Float64Array, i: number, n: number): void {
  cells[i] = cells[i]! + n;
}

function populationOf(env: ReportEnv, row: RowSpec): number | null {
  if (row.areaCode === null) return null;
  const own = env.population.get(row.areaCode);
  if (own !== undefined) return own;
  // The area's own figure, when not entered, is the sum of its sub-areas' — only if all are known.
  if (row.kind === 'total' && env.subAreas.length > 0 && env.subAreas.every((a) => env.population.has(a.code))) {
    return env.subAreas.reduce((n, a) => n + env.population.get(a.code)!, 0);
  }
  return null;
}

function finish(p: TablePlan, env: ReportEnv): ReportTable {
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
  // Inputs first, then rates (which may divide by an input), then gaps (which may subtract a rate).
  const order = (k: ColumnDef['kind']) => ({ count: 0, sum: 0, input: 1, rate: 2, gap: 3 })[k];
  const computed = cols.map((c, ci) => ({ c, ci })).filter(({ c }) => c.kind !== 'count' && c.kind !== 'sum').sort((a, b) => order(a.c.kind) - order(b.c.kind));
  p.rows.forEach((row, r) => {
    const v = values[r]!;
    for (const { c, ci } of computed) {
      if (c.kind === 'input') {
        if (c.source === 'population') v[ci] = populationOf(env, row);
        else v[ci] = row.areaCode === null ? null : (env.targets.get(row.areaCode)?.[c.source] ?? null);
      } else if (c.kind === 'rate') {
        const num = v[colIndex.get(c.num)!] ?? null;
        const den = (c.denRow === 'total' ? values[0]! : v)[colIndex.get(c.den)!] ?? null;
        v[ci] = num === null || den === null || den === 0 ? null : c.format === 'permille' ? (num / den) * 1000 : num / den;
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
      additive: (c.kind === 'count' && !c.distinct) || c.kind === 'sum',
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

// ---------------------------------------------------------------------------------------------
// Click-through: the persons behind one cell

export interface CellLink {
  filter: RecordFilter;
  rowLabel: string;
  columnLabel: string;
}

/**
 * The filter listing the persons counted in one cell, or null when the cell is not a count of
 * persons (rates, units, inputs) or is a sum of person-times.
 */
export function cellLink(env: ReportEnv, tableId: string, rowKey: string, colKey: string, defs: readonly TableDef[] = TABLES): CellLink | null {
  const def = defs.find((d) => d.id === tableId);
  const col = def?.columns.find((c) => c.key === colKey);
  if (!def || !col || col.kind !== 'count') return null;
  const ind = indicator(col.indicator);
  if (ind.subject !== 'person') return null;
  const base: FilterCondition[] = env.excludedPersonIds.size ? [{ field: 'id', op: 'notIn', values: [...env.excludedPersonIds] }] : [];
  const columnLabel = col.group && col.group !== col.label ? `${col.group}·${col.label}` : col.label;
  if (rowKey === 'total') {
    if (col.kind === 'count' && col.rowField) return null;
    return { filter: [...base, ...ind.where], rowLabel: totalRow(def, env).label, columnLabel };
  }
  for (const s of def.sections) {
    const row = sectionRows(s, env).find((r) => r.key === rowKey);
    if (row) return { filter: [...base, ...row.where(col.rowField), ...ind.where], rowLabel: row.section ? `${row.section}·${row.label}` : row.label, columnLabel };
  }
  return null;
}
