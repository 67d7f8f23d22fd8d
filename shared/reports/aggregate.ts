/**
 * Computes the table set from records. Pure: the caller hands in persons and units as
 * `{ id, data }` and an environment (area, sub-areas with their townships, reference date,
 * duplicates to leave out, population and targets), so tests can use hand-checkable records and the
 * service can stream the store through it. One pass over units, one over persons; each person is
 * classified once per distinct row field and tested once per distinct indicator.
 */
import type { RecordData } from '../census/schema';
import { CHANGE_FIELDS_READ } from './changes';
import { TABLES, type TableDef } from './definitions';
import { compileFilter, type RecordFilter, type RecordLike } from './filter';
import { indicator, indicatorWhere } from './indicators';
import { classifier, type Ctx } from './classify';
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
          const k = tl.keyOf!(r);
          if (k === null || tl.seen.has(k)) continue;
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

/**
 * The person fields the tables read, for a store that reads only those columns of a million persons:
 * the indicators' conditions, the sections' classifiers, 变动情况 (leavers are left out) and what
 * 表6 reads. A field missing here makes the store's reader throw, never count as empty.
 */
export function personFieldsRead(env: ReportEnv, defs: readonly TableDef[] = TABLES): string[] {
  const keys = new Set<string>(CHANGE_FIELDS_READ);
  const params = paramsOf(env);
  const add = (name: string) => {
    if (name === 'area') keys.add('township');
    else if (name === 'age') keys.add('birthDate');
    else if (name.startsWith('unit.')) keys.add('unitId');
    else if (name !== 'id') keys.add(name);
  };
  for (const def of defs) {
    for (const c of def.columns) {
      if (c.kind !== 'count') continue;
      const ind = indicator(c.indicator);
      if (ind.subject !== 'person') continue;
      for (const w of indicatorWhere(ind, params)) add(w.field);
      for (const s of def.sections) add(sectionField(s, c));
    }
  }
  return [...keys];
}

function bump(cells: Float64Array, i: number, n: number): void {
  cells[i] = cells[i]! + n;
}
