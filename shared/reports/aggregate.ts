/**
 * Computes the table set from records. Pure: the caller hands in persons and units as
 * `{ id, data }` and an environment (area, sub-areas with their townships, reference date,
 * duplicates to leave out, population and targets), so tests can use hand-checkable records and the
 * service can stream the store through it. One pass over units, one over persons; each person is
 * classified once per distinct row field and tested once per distinct indicator.
 */
import type { RecordData } from '../census/schema';
import { TABLES, type TableDef } from './definitions';
import { compileFilter, type FilterCondition, type RecordFilter, type RecordLike } from './filter';
import { indicator, indicatorWhere } from './indicators';
import { classifier, classifierSize, type Classify, type Ctx } from './classify';
import { idColumn, perValue, type CodedColumn, type PersonColumns } from './person-columns';
import { PersonHistogram } from './person-tally';
import { paramsOf, type ReportEnv } from './env';
import { finish, type TablePlan } from './finish';
import { sectionField, sectionRows, totalRow } from './rows';
import type { ReportSet } from './schema';

export type { ReportEnv, SubArea } from './env';
export { cellLink, type CellLink } from './cell-link';
export { pendingNote } from './finish';

// ---------------------------------------------------------------------------------------------
// The computation

interface Tally {
  table: number;
  col: number;
  predicate: number;
  /** Per section: index into the classifier list */
  classifiers: number[];
  totalIsSum: boolean;
  /** `sum` columns: the unit field added up */
  sumField?: string;
  /** Distinct organisations or townships: the keys already counted */
  seen?: Set<string>;
  keyOf?: (r: RecordLike) => string | null;
}

/** An organisation's identity: its credit code, else the record itself */
function organisationKey(r: RecordLike): string {
  const c = r.data.creditCode;
  return typeof c === 'string' && c !== '' ? c.toUpperCase() : `#${r.id}`;
}

/** A unit's township; a unit without one covers no township */
function townshipKey(r: RecordLike): string | null {
  const t = r.data.township;
  return typeof t === 'string' && t !== '' ? t : null;
}

/** A person whose conditions were evaluated where it is stored: `pass[i]` is 1 (or true) when it meets condition i */
export interface EvaluatedPerson {
  readonly data: RecordData;
  readonly pass: ArrayLike<unknown>;
}

/**
 * The person columns of every table, counted (the same layout as the tables' cells, unit columns 0).
 * Counts of disjoint sets of persons add up when their keys are equal: an upper level keeps each
 * received package's counts and adds them.
 */
export interface PersonCounts {
  /** What the counts depend on besides the records (conditions, classifiers, sub-areas, reference date) */
  readonly key: string;
  readonly cells: readonly Float64Array[];
}

interface Subject {
  /** Distinct conditions, as JSON of the filter */
  preds: string[];
  /** Distinct classifier fields */
  cls: string[];
  tallies: Tally[];
}

interface Layout {
  plans: TablePlan[];
  subjects: { person: Subject; unit: Subject };
}

/** The tables' rows and cells, and the distinct conditions and classifiers each subject's tallies use */
function layout(env: ReportEnv, defs: readonly TableDef[]): Layout {
  const params = paramsOf(env);
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
  const subjects: Layout['subjects'] = { person: { preds: [], cls: [], tallies: [] }, unit: { preds: [], cls: [], tallies: [] } };
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
      const where = ind ? indicatorWhere(ind, params) : [];
      s.tallies.push({
        table: t,
        col,
        predicate: slot(s.preds, JSON.stringify(where)),
        classifiers: p.def.sections.map((sec) => slot(s.cls, sectionField(sec, c))),
        totalIsSum: c.kind === 'count' && c.rowField !== undefined,
        ...(c.kind === 'sum' ? { sumField: c.field } : {}),
        ...(c.kind === 'count' && (c.distinct || c.perTownship) ? { seen: new Set<string>(), keyOf: c.perTownship ? townshipKey : organisationKey } : {}),
      });
    });
  });
  return { plans, subjects };
}

/** The distinct person conditions of the tables, in the order `EvaluatedPersons.rows[].pass` holds them */
export function personConditions(env: ReportEnv, defs: readonly TableDef[] = TABLES): RecordFilter[] {
  return layout(env, defs).subjects.person.preds.map((k) => JSON.parse(k) as RecordFilter);
}

/** The person fields the sections classify by (township for areas, birth date for ages, the unit for its fields) */
export function personClassifierFields(env: ReportEnv, defs: readonly TableDef[] = TABLES): string[] {
  return [...new Set(layout(env, defs).subjects.person.cls.map(storedField))];
}

/** The stored person fields the tables read (the conditions' and the sections'), the record id aside */
export function personFieldsRead(env: ReportEnv, defs: readonly TableDef[] = TABLES): string[] {
  const { person } = layout(env, defs).subjects;
  const named = [...person.preds.flatMap((k) => (JSON.parse(k) as RecordFilter).map((c) => c.field)), ...person.cls];
  return [...new Set(named.filter((n) => n !== 'id').map(storedField))];
}

/** The key person counts computed under `env` carry; counts with another key do not add up with them */
export function personCountsKey(env: ReportEnv, defs: readonly TableDef[] = TABLES): string {
  return countsKeyOf(layout(env, defs), env, defs);
}

function countsKeyOf({ subjects }: Layout, env: ReportEnv, defs: readonly TableDef[]): string {
  return JSON.stringify({ defs: defs.map((d) => d.id), preds: subjects.person.preds, cls: subjects.person.cls, subAreas: env.subAreas, refDate: env.refDate });
}

function classifierContext(env: ReportEnv, unitData: ReadonlyMap<string, RecordData>): Ctx {
  const townshipIndex = new Map<string, number>();
  env.subAreas.forEach((a, i) => a.townships.forEach((t) => townshipIndex.set(t, i)));
  return { env, unitData, townshipIndex };
}

/**
 * Counts evaluated persons (their conditions in `personConditions(env)`'s order) into the tables' person
 * columns. Each person is classified once per distinct section field; the histogram (person-tally.ts)
 * turns a million persons into a few thousand signatures before any cell is touched.
 */
export function countPersons(env: ReportEnv, unitData: ReadonlyMap<string, RecordData>, rows: Iterable<EvaluatedPerson>, defs: readonly TableDef[] = TABLES): PersonCounts {
  return countPersonsBy(env, unitData, rows, () => '', defs).get('') ?? noPersons(env, defs);
}

/**
 * `countPersons` for several sets of persons in one pass: each row goes to the set `setOf` names (null:
 * none). An upper level counts every received package's persons while reading the table once.
 */
export function countPersonsBy<R extends EvaluatedPerson>(
  env: ReportEnv, unitData: ReadonlyMap<string, RecordData>, rows: Iterable<R>, setOf: (row: R) => string | null, defs: readonly TableDef[] = TABLES,
): Map<string, PersonCounts> {
  const shape = layout(env, defs);
  const ctx = classifierContext(env, unitData);
  const classes = shape.subjects.person.cls.map((f) => classifier('person', f, ctx));
  const histograms = new Map<string, PersonHistogram>();
  let lastSet: string | null = null;
  let last: PersonHistogram | undefined;
  for (const row of rows) {
    const set = setOf(row);
    if (set === null) continue;
    // Rows come in runs of one set (a package's records were inserted together).
    if (set !== lastSet || !last) {
      last = histograms.get(set);
      if (!last) histograms.set(set, (last = personHistogram(shape, ctx, classes)));
      lastSet = set;
    }
    last.add(row.pass, row);
  }
  const key = personCountsKey(env, defs);
  return new Map([...histograms].map(([set, h]) => [set, { key, cells: cellsOf(shape, h) }]));
}

/** An empty histogram of the tables' person conditions, classified by `classes` (one per `cls`) */
function personHistogram(shape: Layout, ctx: Ctx, classes: readonly Classify[]): PersonHistogram {
  const people = shape.subjects.person;
  if (people.tallies.some((tl) => tl.seen || tl.sumField !== undefined)) throw new Error('person columns are plain counts');
  const sizes = people.cls.map((f) => classifierSize(f, ctx));
  const relevant = people.cls.map((_, k) => [...new Set(people.tallies.filter((tl) => tl.classifiers.includes(k)).map((tl) => tl.predicate))].sort((a, b) => a - b));
  return new PersonHistogram(people.preds.length, classes, sizes, relevant);
}

/**
 * `countPersonRecords` for persons given column by column (person-columns.ts): the same conditions
 * and classifiers, each evaluated once per distinct value of the one stored field it reads (`storedField`).
 * A classifier or condition that came to read a second field would count wrong here, which
 * report-person-columns.test.ts, comparing both over every table, would show. Only persons meeting
 * `where` are counted.
 */
export function countPersonColumns(
  env: ReportEnv, unitData: ReadonlyMap<string, RecordData>, persons: PersonColumns, where: RecordFilter = [], defs: readonly TableDef[] = TABLES,
): PersonCounts {
  const shape = layout(env, defs);
  const people = shape.subjects.person;
  const ctx = classifierContext(env, unitData);
  const filterEnv = { refDate: env.refDate, unitData: (id: string) => unitData.get(id) };
  const columns = new Map<string, CodedColumn>();
  const columnOf = (field: string) => {
    let c = columns.get(field);
    if (!c) columns.set(field, (c = field === 'id' ? idColumn(persons.ids) : persons.column(field)));
    return c;
  };
  // The distinct conditions, each as its column's indices and a pass flag per distinct value
  const conditions: { at: ArrayLike<number>; ok: Uint8Array }[] = [];
  const conditionKeys: string[] = [];
  const conditionOf = (c: FilterCondition): number => {
    const k = JSON.stringify(c);
    const known = conditionKeys.indexOf(k);
    if (known >= 0) return known;
    const field = storedField(c.field);
    const column = columnOf(field);
    const test = compileFilter('person', [c], filterEnv);
    conditions.push({ at: column.at, ok: Uint8Array.from(perValue(column, field, (r) => (test(r) ? 1 : 0))) });
    return conditionKeys.push(k) - 1;
  };
  const gate = where.map(conditionOf);
  const preds = people.preds.map((k) => (JSON.parse(k) as RecordFilter).map(conditionOf));
  let i = 0;
  const classes: Classify[] = people.cls.map((f) => {
    const field = storedField(f);
    const column = columnOf(field);
    const category = perValue(column, field, classifier('person', f, ctx));
    const at = column.at;
    return () => category[at[i]!]!;
  });
  const histogram = personHistogram(shape, ctx, classes);
  const met = new Uint8Array(conditions.length);
  const pass = new Uint8Array(preds.length);
  const none = { data: {} };
  const meets = (list: readonly number[]): number => {
    for (let c = 0; c < list.length; c++) if (!met[list[c]!]) return 0;
    return 1;
  };
  for (i = 0; i < persons.size; i++) {
    for (let c = 0; c < conditions.length; c++) {
      const { ok, at } = conditions[c]!;
      met[c] = ok[at[i]!]!;
    }
    if (!meets(gate)) continue;
    for (let p = 0; p < preds.length; p++) pass[p] = meets(preds[p]!);
    histogram.add(pass, none);
  }
  return { key: countsKeyOf(shape, env, defs), cells: cellsOf(shape, histogram) };
}

/** The tables' person cells (fresh arrays in the tables' layout) from a histogram */
function cellsOf(shape: Layout, histogram: PersonHistogram): Float64Array[] {
  const people = shape.subjects.person;
  const plans = shape.plans.map((p) => ({ ...p, cells: new Float64Array(p.cells.length) }));
  // Totals of plain counts come from the signatures; every section's rows from its classifier's counts.
  for (const sig of histogram.signatures()) {
    for (const tl of people.tallies) if (!tl.totalIsSum && sig.pass[tl.predicate]) bump(plans[tl.table]!.cells, tl.col, sig.count);
  }
  people.cls.forEach((_, k) => {
    for (const { pass, counts } of histogram.classified(k)) {
      for (const tl of people.tallies) {
        if (!pass[tl.predicate]) continue;
        const plan = plans[tl.table]!;
        const width = plan.def.columns.length;
        tl.classifiers.forEach((ci, si) => {
          if (ci !== k) return;
          const start = plan.sectionStart[si]!;
          for (let c = 0; c < counts.length; c++) if (counts[c]) bump(plan.cells, (start + c) * width + tl.col, counts[c]!);
        });
      }
    }
  });
  return plans.map((p) => p.cells);
}

/** `countPersons` for persons as records: every condition is evaluated here, by the same rules the store's SQL follows */
export function countPersonRecords(env: ReportEnv, unitData: ReadonlyMap<string, RecordData>, persons: Iterable<RecordLike>, defs: readonly TableDef[] = TABLES): PersonCounts {
  const filterEnv = { refDate: env.refDate, unitData: (id: string) => unitData.get(id) };
  const preds = layout(env, defs).subjects.person.preds.map((k) => compileFilter('person', JSON.parse(k) as RecordFilter, filterEnv));
  // One row object, refilled for each person (countPersons copies what it keeps)
  const row = { data: {} as RecordData, pass: new Array<boolean>(preds.length) };
  const evaluated = function* (): Generator<EvaluatedPerson> {
    for (const r of persons) {
      row.data = r.data;
      for (let i = 0; i < preds.length; i++) row.pass[i] = preds[i]!(r);
      yield row;
    }
  };
  return countPersons(env, unitData, evaluated(), defs);
}

/** Empty counts under `env`, to add others to */
export function noPersons(env: ReportEnv, defs: readonly TableDef[] = TABLES): PersonCounts {
  return { key: personCountsKey(env, defs), cells: layout(env, defs).plans.map((p) => p.cells) };
}

/** Adds (sign 1) or takes away (sign -1) the persons counted in `c` */
export function addPersonCounts(into: PersonCounts, c: PersonCounts, sign: 1 | -1 = 1): void {
  if (into.key !== c.key) throw new Error('person counts computed for other tables or areas do not add up');
  into.cells.forEach((cells, t) => {
    const other = c.cells[t]!;
    for (let i = 0; i < cells.length; i++) cells[i] = cells[i]! + sign * other[i]!;
  });
}

function isCounted(p: Iterable<RecordLike> | { counts: PersonCounts }): p is { counts: PersonCounts; excluded: number } {
  return 'counts' in p;
}

/**
 * The table set. Persons come as records (every condition is evaluated here, duplicates to leave out
 * skipped) or already counted (`countPersons` over persons evaluated where they are stored, the
 * duplicates taken away); both give the same tables.
 */
export function computeReports(
  input: { persons: Iterable<RecordLike> | { counts: PersonCounts; excluded: number }; units: Iterable<RecordLike> },
  env: ReportEnv,
  defs: readonly TableDef[] = TABLES,
): ReportSet {
  const unitData = new Map<string, RecordData>();
  const ctx = classifierContext(env, unitData);
  const filterEnv = { refDate: env.refDate, unitData: (id: string) => unitData.get(id) };
  const { plans, subjects } = layout(env, defs);

  // Units: a few thousand records, with distinct counts and sums, tallied record by record.
  const units = subjects.unit;
  const unitPreds = units.preds.map((k) => compileFilter('unit', JSON.parse(k) as RecordFilter, filterEnv));
  const unitClasses = units.cls.map((f) => classifier('unit', f, ctx));
  const unitRecords: RecordLike[] = [];
  for (const u of input.units) {
    unitData.set(u.id, u.data);
    unitRecords.push(u);
  }
  const pass = new Array<boolean>(unitPreds.length);
  const cat = new Array<number | number[]>(unitClasses.length);
  for (const r of unitRecords) {
    for (let i = 0; i < unitPreds.length; i++) pass[i] = unitPreds[i]!(r);
    for (let i = 0; i < unitClasses.length; i++) cat[i] = unitClasses[i]!(r);
    for (const tl of units.tallies) {
      if (!pass[tl.predicate]) continue;
      if (tl.seen) {
        const k = tl.keyOf!(r);
        if (k === null || tl.seen.has(k)) continue;
        tl.seen.add(k);
      }
      let add = 1;
      if (tl.sumField !== undefined) {
        const v = r.data[tl.sumField];
        add = typeof v === 'number' ? v : 0;
      }
      const plan = plans[tl.table]!;
      if (!tl.totalIsSum) bump(plan.cells, tl.col, add);
      tl.classifiers.forEach((ci, si) => addToSection(plan, si, cat[ci]!, tl.col, add));
    }
  }

  // Persons: up to millions, counted through countPersons.
  let excluded = 0;
  let counts: PersonCounts;
  const persons = input.persons;
  if (isCounted(persons)) {
    counts = persons.counts;
    excluded = persons.excluded;
  } else {
    const counted = function* (): Generator<RecordLike> {
      for (const r of persons) {
        if (env.excludedPersonIds.has(r.id)) excluded++;
        else yield r;
      }
    };
    counts = countPersonRecords(env, unitData, counted(), defs);
  }
  if (counts.key !== personCountsKey(env, defs)) throw new Error('person counts computed for other tables or areas');
  plans.forEach((p, t) => {
    const c = counts.cells[t]!;
    for (let i = 0; i < p.cells.length; i++) p.cells[i] = p.cells[i]! + c[i]!;
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

/** The stored person field a condition or section name reads: areas by township, ages by birth date, unit fields by the unit */
function storedField(name: string): string {
  if (name === 'area') return 'township';
  if (name === 'age') return 'birthDate';
  return name.startsWith('unit.') ? 'unitId' : name;
}

/** A record's category (or categories) in section `si`, for column `col` */
function addToSection(plan: TablePlan, si: number, c: number | number[], col: number, add: number): void {
  const start = plan.sectionStart[si]!;
  const width = plan.def.columns.length;
  if (typeof c === 'number') bump(plan.cells, (start + c) * width + col, add);
  else for (const ci of c) bump(plan.cells, (start + ci) * width + col, add);
}

function bump(cells: Float64Array, i: number, n: number): void {
  cells[i] = cells[i]! + n;
}
