/**
 * Whole-census validation, cached per record. A full pass runs when the cache is stale (the file's
 * version moved: any write of this process or another); writers that know which records they changed
 * call `recordsChanged` right after their transaction instead,
 * which re-validates just those records and the ones whose cross-record rules they can affect
 * (same ID number, same credit code, the old and new unit), so a grid edit on 100k persons stays fast.
 * Explanations (核实说明) are joined in when listing, so writing one does not invalidate the cache.
 */
import type { MethodOutput, ParsedInput } from '../../../shared/api/contract';
import { ApiError } from '../../../shared/api/errors';
import { isLeaver } from '../../../shared/census/change';
import { issueKey, type Issue } from '../../../shared/census/issues';
import type { TableName } from '../../../shared/census/dictionary';
import type { RecordData, RecordRow, Source } from '../../../shared/census/schema';
import { recordLabel, validateRecord, type CrossLookups, type ValidationContext } from '../../../shared/census/validate';
import { isoNow, requireSettings, validationContext, type ServiceContext } from './context';
import { defineSlot } from './state';
import { upperValidationScope } from './upper-issues';

interface RecordMeta {
  label: string;
  source: Source | null;
  /**
   * The area the record was entered in. ID numbers are counted per area: in a merged census a
   * person reported by two areas is a case for the duplicates view, not a `duplicate_id` error.
   */
  area: string;
}

/** What the cache keeps per record: its issues, its label, and the keys cross-record rules count by */
interface RecordState extends RecordMeta {
  issues: Issue[];
  /** person: upper-cased ID number; unit: upper-cased credit code */
  key: string | null;
  /** person: its unit id */
  unitId: string | null;
}

type Counts = { error: number; warning: number };

export interface CensusIssues {
  /** The store version this reflects */
  version: string;
  /** Every issue, units first, in stored order (built lazily after a change) */
  readonly issues: Issue[];
  readonly meta: Pick<ReadonlyMap<string, RecordMeta>, 'get'>;
  counts: Counts;
  /** Totals per table */
  tableCounts: Record<TableName, Counts>;
  /** A table's totals over the records of some areas (an upper level's grid showing them) */
  countsIn(table: TableName, areas: readonly string[]): Counts;
  explainedWarnings: number;
  /** The issues of one record ([] when it has none or does not exist) */
  of(table: TableName, id: string): Issue[];
}

class Cache implements CensusIssues {
  version: string;
  explainedWarnings = 0;
  readonly records: Record<TableName, Map<string, RecordState>> = { person: new Map(), unit: new Map() };
  /** A view over `records` (ids are UUIDs, unique across both tables): no second million-entry map */
  readonly meta = { get: (id: string): RecordMeta | undefined => this.records.person.get(id) ?? this.records.unit.get(id) };
  readonly tableCounts: Record<TableName, Counts> = { person: { error: 0, warning: 0 }, unit: { error: 0, warning: 0 } };
  /** The same per area code, kept in step by `put` */
  readonly areaCounts: Record<TableName, Map<string, Counts>> = { person: new Map(), unit: new Map() };
  /** Cross-record counts, kept in step with `records` */
  readonly idCounts = new Map<string, number>();
  /** ID number counts per area: area → ID → count (nested, so no "area|ID" string per lookup) */
  readonly idAreaCounts = new Map<string, Map<string, number>>();
  readonly creditCounts = new Map<string, number>();
  /** Credit code counts per area, like idAreaCounts: one organisation may be reported by several counties */
  readonly creditAreaCounts = new Map<string, Map<string, number>>();
  readonly unitMembers = new Map<string, number>();
  /**
   * At an upper level, the records this cache leaves out (those of packages that declared no issues):
   * which areas it covers, and unit existence answered from the store for the rest.
   */
  partial: { covers: (area: string) => boolean; unitExists: (id: string) => boolean } | null = null;
  private flat: Issue[] | null = null;

  constructor(version: string) {
    this.version = version;
  }

  get counts(): Counts {
    const p = this.tableCounts.person;
    const u = this.tableCounts.unit;
    return { error: p.error + u.error, warning: p.warning + u.warning };
  }

  get issues(): Issue[] {
    if (!this.flat) {
      const out: Issue[] = [];
      for (const table of ['unit', 'person'] as const) for (const s of this.records[table].values()) for (const i of s.issues) out.push(i);
      this.flat = out;
    }
    return this.flat;
  }

  of(table: TableName, id: string): Issue[] {
    return this.records[table].get(id)?.issues ?? [];
  }

  countsIn(table: TableName, areas: readonly string[]): Counts {
    const out = { error: 0, warning: 0 };
    for (const a of new Set(areas)) {
      const c = this.areaCounts[table].get(a);
      if (c) {
        out.error += c.error;
        out.warning += c.warning;
      }
    }
    return out;
  }

  lookups(): CrossLookups {
    return {
      personsWithIdNumber: (x, area) => (area === undefined ? this.idCounts.get(x) : this.idAreaCounts.get(area)?.get(x)) ?? 0,
      unitExists: (x) => this.records.unit.has(x) || (this.partial?.unitExists(x) ?? false),
      personsInUnit: (x) => this.unitMembers.get(x) ?? 0,
      unitsWithCreditCode: (x, area) => (area === undefined ? this.creditCounts.get(x) : this.creditAreaCounts.get(area)?.get(x)) ?? 0,
    };
  }

  /** Adds a record's keys to the cross-record counts (sign +1) or takes them out (-1) */
  count(table: TableName, s: Pick<RecordState, 'key' | 'unitId' | 'area'>, sign: 1 | -1): void {
    if (table === 'person') {
      if (s.key) {
        bump(this.idCounts, s.key, sign);
        let inArea = this.idAreaCounts.get(s.area);
        if (!inArea) this.idAreaCounts.set(s.area, (inArea = new Map()));
        bump(inArea, s.key, sign);
      }
      bump(this.unitMembers, s.unitId, sign);
    } else if (s.key) {
      bump(this.creditCounts, s.key, sign);
      let inArea = this.creditAreaCounts.get(s.area);
      if (!inArea) this.creditAreaCounts.set(s.area, (inArea = new Map()));
      bump(inArea, s.key, sign);
    }
  }

  /** Replaces a record's state (null removes it), keeping the counts right */
  put(table: TableName, id: string, next: RecordState | null): void {
    const prev = this.records[table].get(id);
    const tc = this.tableCounts[table];
    if (prev?.issues.length) {
      const ac = this.areaCounts[table].get(prev.area)!;
      for (const i of prev.issues) {
        tc[i.severity]--;
        ac[i.severity]--;
      }
    }
    if (next) {
      if (next.issues.length) {
        let ac = this.areaCounts[table].get(next.area);
        if (!ac) this.areaCounts[table].set(next.area, (ac = { error: 0, warning: 0 }));
        for (const i of next.issues) {
          tc[i.severity]++;
          ac[i.severity]++;
        }
      }
      this.records[table].set(id, next);
    } else {
      this.records[table].delete(id);
    }
    this.flat = null;
  }
}

function bump(m: Map<string, number>, k: string | null, sign: 1 | -1): void {
  if (!k) return;
  const n = (m.get(k) ?? 0) + sign;
  if (n) m.set(k, n);
  else m.delete(k);
}

const ISSUES = defineSlot('issues', () => ({ cache: null as Cache | null }));

function str(v: RecordData[string] | undefined): string | null {
  return typeof v === 'string' && v !== '' ? v : null;
}

function keysOf(table: TableName, row: RecordRow): Pick<RecordState, 'key' | 'unitId' | 'area'> {
  const data = row.data;
  if (table === 'person') return { key: str(data.idNumber)?.toUpperCase() ?? null, unitId: memberOf(data), area: row.areaCode };
  return { key: str(data.creditCode)?.toUpperCase() ?? null, unitId: null, area: row.areaCode };
}

/** The unit a person counts in: none once they left (they stay in the file for 表6 only) */
function memberOf(data: RecordData): string | null {
  return isLeaver(data.change) ? null : str(data.unitId);
}

/** Shared by the (many) records without issues; never mutated */
const NO_ISSUES: Issue[] = [];

function stateOf(table: TableName, row: RecordRow, issues: Issue[]): RecordState {
  const data = row.data;
  const key = str(table === 'person' ? data.idNumber : data.creditCode);
  return {
    key: key === null ? null : key.toUpperCase(),
    unitId: table === 'person' ? memberOf(data) : null,
    area: row.areaCode,
    label: recordLabel(table, data),
    source: row.source,
    issues: issues.length ? issues : NO_ISSUES,
  };
}

/**
 * Validates the census into a new cache. At a city or province (`scoped`), only the records that can
 * have issues: those of packages that declared some, and this level's own (upper-issues.ts).
 */
function fullPass(ctx: ServiceContext, scoped = true): Cache {
  const settings = requireSettings(ctx);
  const c = new Cache(ctx.store.version());
  const upper = scoped ? upperValidationScope(ctx) : null;
  if (upper) c.partial = { covers: (area) => !upper.clean.has(area), unitExists: (id) => ctx.store.units.get(id) !== null };
  // Persons are streamed, never held all at once (a merged province has a million): the counts the
  // cross-record rules need come first from a pass over three columns, then each record is
  // validated as it is read.
  for (const [, area, idNumber, unitId, change] of ctx.store.persons.iterateFields(['idNumber', 'unitId', 'change'], upper?.scope.person)) {
    const key = str(idNumber as RecordData[string]);
    const unit = isLeaver(change as RecordData[string]) ? null : str(unitId as RecordData[string]);
    c.count('person', { key: key === null ? null : key.toUpperCase(), unitId: unit, area: area as string }, 1);
  }
  const units: RecordRow[] = [];
  for (const u of ctx.store.units.iterate(upper?.scope.unit)) {
    units.push(u);
    const s = stateOf('unit', u, NO_ISSUES);
    c.count('unit', s, 1);
    c.records.unit.set(u.id, s);
  }
  const vctx = memoizedTownships(validationContext(ctx, settings));
  const lookups = c.lookups();
  for (const u of units) c.put('unit', u.id, stateOf('unit', u, validateRecord('unit', u.id, u.data, vctx, lookups, u.areaCode)));
  for (const p of ctx.store.persons.iterate(upper?.scope.person)) c.put('person', p.id, stateOf('person', p, validateRecord('person', p.id, p.data, vctx, lookups, p.areaCode)));
  return c;
}

/**
 * Every record of the census validated, received ones included, with nothing cached: what the
 * scoped pass at an upper level must agree with (tests compare the two).
 */
export function validateWholeCensus(ctx: ServiceContext): CensusIssues {
  const c = fullPass(ctx, false);
  c.explainedWarnings = countExplained(c, ctx.store.explanations.all());
  return c;
}

/** The same context with township verdicts remembered: a census has a few hundred townships and a million records */
function memoizedTownships(vctx: ValidationContext): ValidationContext {
  const known = new Map<string, ReturnType<ValidationContext['townshipStatus']>>();
  return {
    ...vctx,
    townshipStatus(code) {
      let s = known.get(code);
      if (s === undefined) known.set(code, (s = vctx.townshipStatus(code)));
      return s;
    },
  };
}

export function censusIssues(ctx: ServiceContext): CensusIssues {
  const slot = ctx.state.get(ISSUES);
  let hit = slot.cache;
  if (!hit || hit.version !== ctx.store.version()) {
    hit = fullPass(ctx);
    slot.cache = hit;
  }
  hit.explainedWarnings = countExplained(hit, ctx.store.explanations.all());
  return hit;
}

/**
 * A write touching up to this many records is always taken into the cache: well under a tenth of a
 * second (~13 µs a record).
 */
const ALWAYS_TAKEN = 10_000;

/**
 * Whether recordsChanged will bring the cached issues up to date after this process's last write, which
 * touched `touched` records: the cache was current just before that write and nothing was written
 * since, and the write was small or no larger than the census before it. Taking a record in costs about
 * what validating it in a full pass does, and that pass runs on the next read rather than in the
 * writer's reply: a census-size import into an empty census (100k persons: 1.9 s either way) is left
 * to it, while a township's few thousand into a county of 100k take 0.1 s instead of 1.9 s. Otherwise
 * recordsChanged drops the cache.
 */
export function issuesCacheTakes(ctx: ServiceContext, touched: number): boolean {
  const c = ctx.state.get(ISSUES).cache;
  const span = ctx.store.lastWrite();
  if (c === null || span === null || c.version !== span.before || ctx.store.version() !== span.after) return false;
  return touched <= Math.max(ALWAYS_TAKEN, c.records.person.size + c.records.unit.size);
}

export type Touched = ReadonlyArray<{ table: TableName; id: string }>;

/** Variants a key may be stored under: validation compares upper-cased, the columns hold what was typed */
function variants(keys: Iterable<string>): string[] {
  const out = new Set<string>();
  for (const k of keys) {
    out.add(k);
    out.add(k.toLowerCase());
  }
  return [...out];
}

/**
 * Called right after the write transaction that created, changed or removed `touched` records: brings
 * the cached issues up to date by re-validating only what the write can affect. Returns the ids
 * re-validated per table. Only when the cache was current just before that transaction and nothing was
 * written since (by this process or another); otherwise the next read does a full pass.
 *
 * `known`: touched records as they are now stored, which the caller already holds (an import's planned
 * records, `asStored`): not read back. An import of 100k persons read them back in 0.9 s.
 */
export function recordsChanged(ctx: ServiceContext, touched: Touched, known?: ReadonlyMap<string, RecordRow>): Record<TableName, Set<string>> {
  const affected: Record<TableName, Set<string>> = { person: new Set(), unit: new Set() };
  for (const t of touched) affected[t.table].add(t.id);
  const slot = ctx.state.get(ISSUES);
  if (!issuesCacheTakes(ctx, touched.length)) {
    // Stale, or more to take in than a full pass would validate: the next read runs that pass.
    slot.cache = null;
    return affected;
  }
  const c = slot.cache!;
  const version = ctx.store.version();
  const settings = requireSettings(ctx);

  const idKeys = new Set<string>();
  const creditKeys = new Set<string>();
  /** How many of the touched records carry each key now: the rest of a key's count is other records */
  const touchedKeys: Record<TableName, Map<string, number>> = { person: new Map(), unit: new Map() };
  const unitIds = new Set<string>();
  const existence = new Set<string>();
  const rows: Record<TableName, Map<string, RecordRow>> = { person: new Map(), unit: new Map() };
  for (const table of ['unit', 'person'] as const) {
    const ids = [...affected[table]];
    const unread: string[] = [];
    for (const id of ids) {
      const r = known?.get(id);
      if (r) rows[table].set(id, r);
      else unread.push(id);
    }
    for (const r of ctx.store.records[table].getMany(unread)) rows[table].set(r.id, r);
    // A received record of a package the cache leaves out: rebuild on the next read instead
    if (c.partial && ids.some((id) => !coveredBy(c, c.records[table].get(id)?.area ?? rows[table].get(id)?.areaCode))) {
      slot.cache = null;
      return affected;
    }
    const keys = table === 'person' ? idKeys : creditKeys;
    for (const id of ids) {
      const before = c.records[table].get(id);
      const row = rows[table].get(id);
      const after = row ? keysOf(table, row) : null;
      for (const s of [before, after]) {
        if (!s) continue;
        if (s.key) keys.add(s.key);
        if (s.unitId) unitIds.add(s.unitId);
      }
      if (after?.key) bump(touchedKeys[table], after.key, 1);
      if (table === 'unit' && !before !== !row) existence.add(id);
      // Counted out and in again only when a key moved: 100k records each taken out and put back cost ~0.4 s of map churn.
      const same = before && after && before.key === after.key && before.unitId === after.unitId && before.area === after.area;
      if (before && !same) c.count(table, before, -1);
      if (after && !same) c.count(table, after, 1);
      if (!row) c.put(table, id, null);
      // A new unit gets a placeholder so unitExists() sees it while the persons of the same write are validated.
      else if (!before && table === 'unit') c.records.unit.set(id, stateOf(table, row, NO_ISSUES));
    }
  }
  // Records that share a key with a touched one: their duplicate / membership / existence checks move
  // too. Only keys some untouched record still carries are looked up: an import's 100k new ID numbers
  // are nobody else's, and looking them all up took 0.4 s.
  const shared = (keys: Set<string>, counts: Map<string, number>, mine: Map<string, number>) =>
    variants([...keys].filter((k) => (counts.get(k) ?? 0) > (mine.get(k) ?? 0)));
  for (const id of ctx.store.persons.idsWhereIn('idNumber', shared(idKeys, c.idCounts, touchedKeys.person))) affected.person.add(id);
  for (const id of ctx.store.units.idsWhereIn('creditCode', shared(creditKeys, c.creditCounts, touchedKeys.unit))) affected.unit.add(id);
  for (const id of unitIds) affected.unit.add(id);
  for (const id of ctx.store.persons.idsWhereIn('unitId', [...existence])) affected.person.add(id);

  const vctx: ValidationContext = validationContext(ctx, settings);
  const lookups = c.lookups();
  for (const table of ['unit', 'person'] as const) {
    const missing = [...affected[table]].filter((id) => !rows[table].has(id));
    for (const r of ctx.store.records[table].getMany(missing)) rows[table].set(r.id, r);
    for (const id of affected[table]) {
      const r = rows[table].get(id);
      // Records the cache leaves out have no issues and nothing here changes that (their rules stay in their area)
      if (!r || !coveredBy(c, r.areaCode)) continue;
      c.put(table, id, stateOf(table, r, validateRecord(table, id, r.data, vctx, lookups, r.areaCode)));
    }
  }
  c.version = version;
  return affected;
}

function coveredBy(c: Cache, area: string | undefined): boolean {
  return !c.partial || area === undefined || c.partial.covers(area);
}

/** Explained warnings, found from the (few) explanations rather than by walking every issue */
function countExplained(c: Cache, explanations: Map<string, string>): number {
  let n = 0;
  for (const key of explanations.keys()) {
    const [table, recordId] = key.split('|') as [TableName, string];
    if (c.records[table]?.get(recordId)?.issues.some((i) => i.severity === 'warning' && issueKey(i) === key)) n++;
  }
  return n;
}

/** A filter for a table's issues, keeping those of records in `areas` when given */
export function inScope(all: CensusIssues, table: TableName | undefined, areas: readonly string[] | undefined): (i: Issue) => boolean {
  if (!areas) return (i) => table === undefined || i.table === table;
  const set = new Set(areas);
  return (i) => (table === undefined || i.table === table) && set.has(all.meta.get(i.recordId)?.area ?? '');
}

export function listIssues(ctx: ServiceContext, q: ParsedInput<'issues.list'>): MethodOutput<'issues.list'> {
  const all = censusIssues(ctx);
  const explanations = ctx.store.explanations.all();
  const byRule: Record<string, number> = {};
  const groups = new Map<string, { table: TableName; field: string; rule: string; severity: Issue['severity']; count: number }>();
  const scoped = inScope(all, q.table, q.areas);
  const filtered = all.issues.filter((i) => {
    if (!scoped(i)) return false;
    if (q.severity && i.severity !== q.severity) return false;
    if (q.recordId && i.recordId !== q.recordId) return false;
    byRule[i.rule] = (byRule[i.rule] ?? 0) + 1;
    const k = `${i.table}.${i.field}.${i.rule}`;
    const g = groups.get(k);
    if (g) g.count++;
    else groups.set(k, { table: i.table, field: i.field, rule: i.rule, severity: i.severity, count: 1 });
    return (!q.rule || i.rule === q.rule) && (!q.field || i.field === q.field);
  });
  return {
    total: filtered.length,
    counts: all.counts,
    byRule,
    byFieldRule: [...groups.values()].sort((a, b) => b.count - a.count || a.field.localeCompare(b.field)),
    issues: filtered.slice(q.offset, q.offset + q.limit).map((i) => {
      const m = all.meta.get(i.recordId);
      return { ...i, explanation: explanations.get(issueKey(i)) ?? null, source: m?.source ?? null, recordLabel: m?.label ?? '' };
    }),
  };
}

export function explainIssue(ctx: ServiceContext, input: ParsedInput<'issues.explain'>): { ok: true } {
  const settings = requireSettings(ctx);
  const issue = censusIssues(ctx).of(input.table, input.recordId).find((i) => issueKey(i) === issueKey(input));
  if (!issue) throw new ApiError('not_found', '该问题已不存在（可能已被修正），无需说明');
  if (issue.severity !== 'warning') throw new ApiError('bad_input', '错误必须修正，不能以说明代替；只有警告可以填写核实说明');
  ctx.store.explanations.set(input, input.text, settings.operator, isoNow(ctx));
  return { ok: true };
}
