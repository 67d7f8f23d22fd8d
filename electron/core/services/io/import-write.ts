/**
 * The import's write path: one transaction per import (all files or none), the plan checked again
 * inside it when another process wrote meanwhile, the audit trail and the history entry that undo
 * reads. Matching (which row is which record) happens before, in plan.ts; this writes its outcome.
 */
import { randomUUID } from 'node:crypto';
import { ApiError } from '../../../../shared/api/errors';
import type { ImportDecisions, ImportResult } from '../../../../shared/api/methods/io';
import type { Issue } from '../../../../shared/census/issues';
import type { TableName } from '../../../../shared/census/dictionary';
import type { RecordRow } from '../../../../shared/census/schema';
import { isBusy, type AttachedStage, type NewAuditEntry, type RowidRange } from '../../db';
import { asStored } from '../../db/columns';
import { BUSY_MESSAGE } from '../../failure';
import { isoNow, requireSettings, type ServiceContext } from '../context';
import { issuesCacheTakes, recordsChanged } from '../issues';
import { defineSlot } from '../state';
import { buildResult, sourceOf } from './import-summary';
import { remember, REMEMBERED_KEY } from './remembered';
import type { StagedFile } from './parse';
import { planStillHolds } from './recheck';
import { discardPlan, fileCounts, planImport, planIssues, type Plan, type PlannedRow } from './plan';
import type { Task } from './tasks';
import { countText } from '../../../../shared/reports/format';
import { linkNamedPersons } from './link-units';
import { storedValueMappings, VALUE_MAPPINGS_KEY, withDecisions } from './value-mappings';

export interface PlannedImport {
  plan: Plan;
  issues: Map<PlannedRow, Issue[]>;
  /**
   * The store's version when planning began (this process's writes and other processes'): an edit made in one of
   * the planning's turns is after it, so the commit plans again
   */
  version: string;
  persons: number;
  units: number;
}

export function planned(ctx: ServiceContext, plan: Plan, issues: Map<PlannedRow, Issue[]>, seen: string): PlannedImport {
  return { plan, issues, version: seen, persons: ctx.store.persons.count(), units: ctx.store.units.count() };
}

function stillCurrent(ctx: ServiceContext, p: PlannedImport | null): PlannedImport | null {
  if (!p || p.version !== ctx.store.version()) return null;
  return p.persons === ctx.store.persons.count() && p.units === ctx.store.units.count() ? p : null;
}

/** Thrown inside the write when another process committed since the plan was made and it no longer holds. */
class StalePlan extends Error {}

/** How long a write waits, re-planning between tries, while another process holds the census file */
const BUSY_WAIT_MS = 120_000;

/**
 * One writer at a time, with the plan checked inside the write: the transaction (BEGIN IMMEDIATE)
 * holds the file's write lock, and if the file changed after this plan was begun (another process's
 * commit, or an edit in this one during the planning's turns) and the plan no longer holds (recheck.ts),
 * the write is abandoned and planned again, so two imports of one workbook at once, or a person typed
 * in while the import checks, are stored once. While another process holds the
 * lock the import waits and retries, and says so, up to BUSY_WAIT_MS; then it stops with a plain message.
 */
export async function writeStaged(
  ctx: ServiceContext, files: StagedFile[], task: Task,
  /** Given: rows may be released once planned, and this reads the files again for another plan */
  restage: (() => Promise<StagedFile[]>) | null = null,
  previewed: PlannedImport | null = null,
  decisions: ImportDecisions = {},
): Promise<ImportResult> {
  const release = restage !== null;
  const settings = requireSettings(ctx);
  const started = Date.now();
  let reuse = stillCurrent(ctx, previewed);
  for (let attempt = 0; ; attempt++) {
    // Re-planned against the database as it is now, unless nothing was written since the preview.
    // Before planning: an edit in one of the planning's turns (this process's or another's) makes the write check the plan.
    const seen = reuse?.version ?? ctx.store.version();
    const plan = reuse?.plan ?? (await planImport(ctx, files, task, release, decisions));
    try {
      // Computed against the database before the write: the plan's own counts turn it into the after state.
      const issues = reuse?.issues ?? (await planIssues(ctx, plan, task));
      task.throwIfCancelled();
      const writes = plan.rows.filter((p) => p.action === 'add' || p.action === 'update').length;
      // One transaction: nothing can be reported from inside it, so the bar moves without a share.
      task.step(`正在写入数据库（${countText(writes)} 条，全部完成或全部不做）`, 'write');
      // The stage's worker may still be writing the last rows; null when it failed (the rows are then bound here).
      const stagePath = plan.stage ? await plan.stage.finish() : null;
      // Let the progress event reach the UI before the synchronous write starts.
      await new Promise<void>((resolve) => setImmediate(resolve));
      task.throwIfCancelled();
      const { importId, linked, at } = writeWithStage(ctx, settings, files, plan, seen, decisions, stagePath);
      issuesAfterWrite(ctx, plan, linked, settings, at);
      task.progress('已写入数据库', writes, writes, 'done');
      return { ...buildResult(files, plan, issues), importId };
    } catch (e) {
      const stale = e instanceof StalePlan;
      if (!stale && !isBusy(e)) throw e;
      if (!stale && Date.now() - started > BUSY_WAIT_MS) throw new ApiError('busy', BUSY_MESSAGE);
      reuse = null;
      if (restage) files = await restage();
      task.step(stale ? '另一程序刚写入了数据，正在按最新数据重新核对' : '另一程序正在写入，等待中…', stale ? 'check' : 'write');
      await new Promise<void>((resolve) => setTimeout(resolve, stale ? 0 : Math.min(2000, 200 * (attempt + 1))));
      task.throwIfCancelled();
    } finally {
      // Written, failed or to be planned again: this plan's stage file is done with.
      discardPlan(plan);
    }
  }
}

/**
 * From this many added records (and at least as many as the table holds) the table's scattered
 * indexes are built once after the insert instead of maintained row by row (bench/README.md).
 */
const BULK_ADDS = 20_000;

/**
 * The stage file is an optimisation, never a condition: if using it fails (deleted from under the
 * import, unreadable), the write — rolled back — runs again binding the rows itself. A busy census or
 * a stale plan is not the stage's fault and goes to the caller as it is.
 */
function writeWithStage(
  ctx: ServiceContext, settings: ReturnType<typeof requireSettings>, files: StagedFile[], plan: Plan, seen: string, decisions: ImportDecisions,
  stagePath: string | null,
): Written {
  const stats = ctx.state.get(STAGE_STATS);
  const write = (path: string | null) => writePlan(ctx, settings, files, plan, seen, decisions, path);
  if (!stagePath) {
    if (plan.stage) stats.failed++;
    return write(null);
  }
  try {
    const written = write(stagePath);
    stats.moved += plan.stage!.count;
    return written;
  } catch (e) {
    if (e instanceof StalePlan || isBusy(e)) throw e;
    stats.failed++;
    return write(null);
  }
}

/**
 * How this core's imports used their stage files: rows moved in from one, and stages that failed (their
 * rows bound one by one instead). The fallback keeps the import whole, so only this tells that a stage
 * was used at all (tests/unit/import-stage-file.test.ts).
 */
export const STAGE_STATS = defineSlot('import stage use', () => ({ moved: 0, failed: 0 }));

/** What a write did beyond the plan's own rows */
interface Written {
  /** The import's id in the history */
  importId: string;
  /** Persons of earlier imports linked to a unit the import added (linkNamedPersons) */
  linked: string[];
  /** The write's time stamp */
  at: string;
}

/** The write itself, one transaction. */
function writePlan(
  ctx: ServiceContext, settings: ReturnType<typeof requireSettings>, files: StagedFile[], plan: Plan, seen: string, decisions: ImportDecisions,
  /** The plan's stage file, complete (Plan.stage), or null: its rows are then inserted one by one */
  stagePath: string | null,
): Written {
  const now = isoNow(ctx);
  const mappings = remember(ctx, files);
  const values = decisions.values?.length ? withDecisions(storedValueMappings(ctx), decisions) : null;
  const importId = randomUUID();
  const stage = stagePath ? ctx.store.imports.attachStage(stagePath) : null;
  try {
    const linked = ctx.store.tx(() => writeRows(ctx, settings, files, plan, seen, now, importId, mappings, values, stage ? { table: plan.stage!.table, attached: stage, rows: plan.stage!.count } : null));
    return { importId, linked, at: now };
  } finally {
    stage?.detach();
  }
}

/**
 * A current issues cache takes the import in (recordsChanged) from the plan's records as written,
 * instead of validating the whole census again on the next read: after a 100k-person import that read
 * (导入记录, 问题清单, the grid's marks) took 1.9 s, and after every township file of a county it
 * validated the whole county again. Without a current cache (the CLI, a census nobody looked at), or
 * when the import is larger than the census it went into (issuesCacheTakes), the cache is dropped and
 * the next read validates everything, as before.
 */
function issuesAfterWrite(ctx: ServiceContext, plan: Plan, linked: readonly string[], settings: ReturnType<typeof requireSettings>, at: string): void {
  const written = plan.rows.filter((p) => p.action === 'add' || p.action === 'update');
  const touched: { table: TableName; id: string }[] = linked.map((id) => ({ table: 'person', id }));
  for (const p of written) touched.push({ table: p.table, id: p.recordId });
  if (!issuesCacheTakes(ctx, touched.length)) {
    recordsChanged(ctx, touched);
    return;
  }
  const known = new Map<string, RecordRow>();
  for (const p of written) {
    known.set(p.recordId, {
      id: p.recordId, areaCode: p.before?.areaCode ?? settings.areaCode, data: asStored(p.table, p.data), source: sourceOf(p),
      createdBy: p.before?.createdBy ?? settings.operator, createdAt: p.before?.createdAt ?? at, updatedAt: at,
    });
  }
  recordsChanged(ctx, touched, known);
}

/** What the write takes from a stage file: the table it holds rows of, how many, and the file attached */
interface StageInput {
  table: TableName;
  attached: AttachedStage;
  rows: number;
}

/** Returns the persons of earlier imports it linked to units the import added */
function writeRows(
  ctx: ServiceContext, settings: ReturnType<typeof requireSettings>, files: StagedFile[], plan: Plan, seen: string, now: string, importId: string,
  mappings: ReturnType<typeof remember>, values: ReturnType<typeof withDecisions> | null, stage: StageInput | null,
): string[] {
  const rowOf = (p: PlannedRow): RecordRow => ({
    id: p.recordId, areaCode: settings.areaCode, data: p.data, source: sourceOf(p), createdBy: settings.operator, createdAt: now, updatedAt: now,
  });
  if (ctx.store.version() !== seen && !planStillHolds(ctx, plan)) throw new StalePlan();
  const added: AddedRows[] = [];
  for (const table of ['unit', 'person'] as const) {
    const mine = plan.rows.filter((p) => p.table === table);
    const adds = mine.reduce((n, p) => (p.action === 'add' ? n + 1 : n), 0);
    const rebuild = adds >= BULK_ADDS && adds >= ctx.store.records[table].count() ? ctx.store.imports.suspendScatteredIndexes(table) : null;
    const first = ctx.store.imports.lastRowid(table) + 1;
    // The staged rows first, in one statement (they were staged in plan order), then any other added row
    const fromStage = stage?.table === table ? stage.attached.insertInto(table, settings.operator, now) : 0;
    if (stage?.table === table && fromStage !== stage.rows) throw new Error(`stage file held ${fromStage} rows, expected ${stage.rows}`);
    const inserted = fromStage + ctx.store.records[table].insertMany((function* () {
      for (const p of mine) if (p.action === 'add' && !(fromStage && p.inStage)) yield rowOf(p);
    })());
    if (inserted) added.push({ table, rows: { first, last: ctx.store.imports.lastRowid(table) }, sources: sourcesOf(mine) });
    // Only the changed columns: a field the plan calls unchanged holds the same value (blanks being one).
    for (const p of mine) if (p.action === 'update') ctx.store.imports.updateImported(table, p.recordId, p.data, sourceOf(p), now, p.changes.map((c) => c.field));
    rebuild?.();
  }
  // The added records' source entries are written by SQL from the rows just inserted (see
  // auditAdded); what only the plan knows — derived and filled fields, updates — follows from here.
  for (const a of added) for (const s of a.sources) ctx.store.imports.auditAdded(a.table, a.rows, s.file, s.sheet, s.prefix, settings.operator, now);
  // In slices, so 100k entries never sit in memory at once.
  let batch: NewAuditEntry[] = [];
  for (const p of plan.rows) {
    if (p.action === 'add') {
      if (p.derived.length || p.filled.length) for (const e of notedEntries(p, settings.operator, now)) batch.push(e);
    } else if (p.action === 'update') {
      for (const e of updateEntries(p, settings.operator, now)) batch.push(e);
    }
    if (batch.length >= 5000) {
      ctx.store.audit.append(batch);
      batch = [];
    }
  }
  ctx.store.audit.append(batch);
  // Persons of earlier imports whose unit cell holds the name of a unit this import adds
  const linked: string[] = [];
  for (const p of plan.rows) {
    if (p.table === 'unit' && p.action !== 'held' && p.action !== 'unchanged' && typeof p.data.name === 'string') {
      for (const id of linkNamedPersons(ctx, p.recordId, p.data.name, settings.operator, now)) linked.push(id);
    }
  }
  if (mappings) ctx.store.meta.set(REMEMBERED_KEY, mappings);
  if (values) ctx.store.meta.set(VALUE_MAPPINGS_KEY, values);
  saveHistory(ctx, importId, plan, files, settings.operator, now, added);
  return linked;
}

/** The import's entry in the history: what it added, and each updated record as it was, for undo */
function saveHistory(ctx: ServiceContext, importId: string, plan: Plan, files: StagedFile[], operator: string, at: string, added: readonly AddedRows[]): void {
  const summary = files.map((f) => {
    const c = fileCounts(plan, f.name);
    return { file: f.name, sheets: f.sheets.filter((s) => s.table).map((s) => s.name), added: c.added, updated: c.updated, unitsAdded: c.unitsAdded };
  });
  ctx.store.imports.saveBatch(
    { id: importId, at, operator, files: JSON.stringify(summary), auditTo: ctx.store.imports.lastAuditId(), undoneAt: null, undoneBy: null },
    (function* () {
      // In key order (table, record id): the list is keyed by record id, which may be random, and its rows
      // carry whole records; 100k updates written in plan order took ~1.5 s more.
      const updated = plan.rows.filter((p) => p.action === 'update' && p.before);
      updated.sort((a, b) => (a.table === b.table ? (a.recordId < b.recordId ? -1 : a.recordId > b.recordId ? 1 : 0) : a.table < b.table ? -1 : 1));
      for (const p of updated) {
        if (p.before) {
          yield {
            importId, table: p.table, recordId: p.recordId, kind: 'update' as const,
            before: JSON.stringify(p.before.data), beforeSource: p.before.source ? JSON.stringify(p.before.source) : null,
          };
        }
      }
    })(),
  );
  for (const a of added) ctx.store.imports.recordAdded(importId, a.table, a.rows);
}

/** The records one table's insert added: their rowids, and the files and sheets they came from */
interface AddedRows {
  table: TableName;
  rows: RowidRange;
  sources: { file: string; sheet: string | null; prefix: string }[];
}

/**
 * The distinct files and sheets of the added rows, each with the start of its source JSON as
 * JSON.stringify(sourceOf(p)) writes it — `{"file":…,"sheet":…,"row":` — for auditAdded.
 */
function sourcesOf(rows: readonly PlannedRow[]): AddedRows['sources'] {
  const out = new Map<string, AddedRows['sources'][number]>();
  for (const p of rows) {
    if (p.action !== 'add') continue;
    const sheet = p.staged.sheet;
    const key = sheet === null ? `\u0000${p.file}` : `${p.file}\u0000${sheet}`;
    if (out.has(key)) continue;
    const prefix = `{"file":${JSON.stringify(p.file)}${sheet === null ? '' : `,"sheet":${JSON.stringify(sheet)}`},"row":`;
    out.set(key, { file: p.file, sheet, prefix });
  }
  return [...out.values()];
}

/** One entry per changed field of an updated record (an added one's entry is written by auditAdded). */
function updateEntries(p: PlannedRow, operator: string, at: string): NewAuditEntry[] {
  const base = { table: p.table, recordId: p.recordId, action: 'import' as const, operator, at };
  const notes = noteOf(p);
  const out: NewAuditEntry[] = p.changes.map((c) => ({
    ...base, field: c.field, oldValue: encodeAudit(p.before?.data[c.field]), newValue: encodeAudit(p.data[c.field]), note: notes.get(c.field) ?? null,
  }));
  return out;
}

/** Field → why the import wrote it without the file giving it */
function noteOf(p: PlannedRow): Map<string, string> {
  const m = new Map<string, string>();
  for (const d of p.derived) m.set(d.field, JSON.stringify({ derivedFrom: d.from }));
  for (const f of p.filled) m.set(f, JSON.stringify({ fill: true }));
  return m;
}

/** An added record's derived and filled fields, one entry each, so its history says where they came from */
function notedEntries(p: PlannedRow, operator: string, at: string): NewAuditEntry[] {
  const out: NewAuditEntry[] = [];
  for (const [field, note] of noteOf(p)) {
    out.push({ table: p.table, recordId: p.recordId, action: 'import', operator, at, field, oldValue: null, newValue: encodeAudit(p.data[field]), note });
  }
  return out;
}

function encodeAudit(v: unknown): string | null {
  return v == null || v === '' || (Array.isArray(v) && v.length === 0) ? null : JSON.stringify(v);
}

