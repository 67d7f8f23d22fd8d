/**
 * Spreadsheet import: preview (read, normalise, match — nothing written), then commit (one
 * transaction, all or nothing). The UI previews, lets the clerk correct sheets and columns, and
 * commits the previewed import by id; the CLI does both in one call.
 *
 * Progress and cancel: reading and matching run asynchronously, report progress and stop at the
 * next row when cancelled. The write itself is one synchronous better-sqlite3 transaction: while it
 * runs nothing else can touch the database (the event loop is busy), so no other request can land
 * inside the import's transaction or be rolled back with it. It is fast (see docs/import.md), so
 * the progress bar shows "正在写入数据库" before it and the final count after it.
 */
import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import type { ParsedInput } from '../../../../shared/api/contract';
import { ApiError } from '../../../../shared/api/errors';
import {
  LIST_CAP, type FileResult, type ImportConflict, type ImportDecisions, type ImportPreview, type ImportResult, type SheetChoice,
} from '../../../../shared/api/methods/io';
import { fieldLabel, fieldsOf, type TableName } from '../../../../shared/census/dictionary';
import type { Issue } from '../../../../shared/census/issues';
import type { RecordRow } from '../../../../shared/census/schema';
import { headerKey, type RememberedMappings } from '../../../../shared/io';
import { isBusy, type NewAuditEntry } from '../../db';
import { BUSY_MESSAGE } from '../../failure';
import { isoNow, requireSettings, type ServiceContext } from '../context';
import { defineSlot } from '../state';
import { parseFile, type StagedFile } from './parse';
import { planStillHolds } from './recheck';
import { townshipsOf } from './places';
import { fileCounts, planImport, planIssues, rowLabel, type Plan, type PlannedRow } from './plan';
import type { InputFile } from './read';
import { runTask, type Task } from './tasks';
import { linkNamedPersons } from './link-units';
import { unmappedOf } from './unmapped';
import { storedValueMappings, valueMapper, VALUE_MAPPINGS_KEY, withDecisions } from './value-mappings';

interface StagedImport {
  inputs: InputFile[];
  files: StagedFile[];
  choices: SheetChoice[];
  decisions: ImportDecisions;
  /** The preview's plan and issues, reused by the commit while the database is as it was then */
  planned: PlannedImport | null;
}

interface PlannedImport {
  plan: Plan;
  issues: Map<PlannedRow, Issue[]>;
  /** Other processes' commits as seen before planning began (see writeStaged) */
  othersCommits: number;
  /** The store version when planned (this process's and other processes' writes) */
  version: string;
  persons: number;
  units: number;
}

function planned(ctx: ServiceContext, plan: Plan, issues: Map<PlannedRow, Issue[]>, seen: number): PlannedImport {
  return { plan, issues, othersCommits: seen, version: ctx.store.version(), persons: ctx.store.persons.count(), units: ctx.store.units.count() };
}

function stillCurrent(ctx: ServiceContext, p: PlannedImport | null): PlannedImport | null {
  if (!p || p.version !== ctx.store.version()) return null;
  return p.persons === ctx.store.persons.count() && p.units === ctx.store.units.count() ? p : null;
}

const MAX_STAGED = 3;
const STAGING = defineSlot('import staging', () => new Map<string, StagedImport>());

function stagedOf(ctx: ServiceContext): Map<string, StagedImport> {
  return ctx.state.get(STAGING);
}

export const REMEMBERED_KEY = 'io.headerMappings';
const rememberedSchema = z.object({
  person: z.record(z.string(), z.string().nullable()).optional(),
  unit: z.record(z.string(), z.string().nullable()).optional(),
});

export function rememberedMappings(ctx: ServiceContext): RememberedMappings {
  return ctx.store.meta.read(REMEMBERED_KEY, rememberedSchema) ?? {};
}

/** Two files of one batch never share a name: records and choices refer to files by name. */
function uniqueNames(inputs: InputFile[]): InputFile[] {
  const seen = new Map<string, number>();
  return inputs.map((f) => {
    const n = (seen.get(f.name) ?? 0) + 1;
    seen.set(f.name, n);
    return n === 1 ? f : { ...f, name: `${f.name} (${n})` };
  });
}

async function stageFiles(ctx: ServiceContext, inputs: InputFile[], choices: readonly SheetChoice[], task: Task, decisions: ImportDecisions = {}): Promise<StagedFile[]> {
  requireSettings(ctx);
  const remembered = rememberedMappings(ctx);
  const townships = townshipsOf(ctx);
  const mapValue = valueMapper(withDecisions(storedValueMappings(ctx), decisions));
  const bytesTotal = inputs.reduce((n, f) => n + f.data.length, 0);
  let bytesBefore = 0;
  const files: StagedFile[] = [];
  for (const input of inputs) {
    files.push(await parseFile(input, { remembered, choices, normalize: { resolveTownship: townships.resolve, mapValue }, task, bytesBefore, bytesTotal }));
    bytesBefore += input.data.length;
  }
  return files;
}

function sourceOf(p: PlannedRow) {
  return { file: p.file, ...(p.staged.sheet === null ? {} : { sheet: p.staged.sheet }), row: p.staged.row };
}

function rowIssue(p: PlannedRow, i: Issue) {
  return { ...i, file: p.file, sheet: p.staged.sheet, row: p.staged.row, recordLabel: rowLabel(p) };
}

function fileSummary(f: StagedFile) {
  return {
    rowsRead: f.sheets.reduce((n, s) => n + s.rowsRead, 0),
    skippedTotal: f.sheets.reduce((n, s) => n + s.skippedTotal, 0),
    skipped: f.sheets.flatMap((s) => s.skipped).slice(0, LIST_CAP),
  };
}

/** Per field and source, how many rows a derivation filled */
function derivedCounts(rows: readonly PlannedRow[]) {
  const m = new Map<string, { field: string; label: string; from: string; fromLabel: string; rows: number }>();
  for (const p of rows) {
    for (const d of p.derived) {
      const k = `${p.table}.${d.field}.${d.from}`;
      const hit = m.get(k);
      if (hit) hit.rows++;
      else m.set(k, { field: d.field, label: fieldLabel(p.table, d.field), from: d.from, fromLabel: d.from === 'persons' ? '人员行' : fieldLabel(p.table, d.from), rows: 1 });
    }
  }
  return [...m.values()];
}

function conflictsOf(rows: readonly PlannedRow[]): { list: ImportConflict[]; total: number } {
  const list: ImportConflict[] = [];
  let total = 0;
  for (const p of rows) {
    for (const c of p.conflicts) {
      total++;
      if (list.length < LIST_CAP) list.push(c);
    }
  }
  return { list, total };
}

/** Required columns a sheet does not have, with the rows still blank after derivations and fills */
function missingColumns(f: StagedFile, rows: readonly PlannedRow[], decisions: ImportDecisions) {
  const out: ImportPreview['files'][number]['missingColumns'] = [];
  for (const s of f.sheets) {
    if (!s.table) continue;
    const table = s.table;
    const mapped = new Set(s.columns.map((c) => c.field));
    const mine = rows.filter((p) => p.staged.sheet === s.name && p.table === table && !p.fromPersons && p.action !== 'held');
    for (const def of fieldsOf[table]) {
      if (def.required !== true || mapped.has(def.key) || def.derivedFrom || def.key === 'idType') continue;
      const fill = decisions.fills?.find((x) => x.file === f.name && (x.sheet ?? null) === s.name && x.field === def.key)?.value ?? null;
      const blank = mine.filter((p) => isBlank(p.data[def.key])).length;
      const filled = mine.filter((p) => p.filled.includes(def.key)).length;
      if (blank === 0 && filled === 0) continue;
      out.push({ sheet: s.name, table, field: def.key, label: def.label, rows: blank + filled, fill });
    }
  }
  return out;
}

function isBlank(v: unknown): boolean {
  return v == null || v === '' || (Array.isArray(v) && v.length === 0);
}

function buildPreview(importId: string, files: StagedFile[], plan: Plan, issues: Map<PlannedRow, Issue[]>, decisions: ImportDecisions): ImportPreview {
  const totals = { rowsRead: 0, toAdd: 0, toUpdate: 0, unchanged: 0, skipped: 0, issues: { error: 0, warning: 0 } };
  const out = files.map((f) => {
    const rows = plan.rows.filter((p) => p.file === f.name);
    const counts = fileCounts(plan, f.name);
    const issueCounts = { error: 0, warning: 0 };
    const list: ImportPreview['files'][number]['issues'] = [];
    const updates: ImportPreview['files'][number]['updates'] = [];
    let updatesTotal = 0;
    for (const p of rows) {
      for (const i of issues.get(p) ?? []) {
        issueCounts[i.severity]++;
        if (list.length < LIST_CAP) list.push(rowIssue(p, i));
      }
      if (p.action === 'update') {
        updatesTotal++;
        if (updates.length < LIST_CAP)
          updates.push({ sheet: p.staged.sheet, row: p.staged.row, table: p.table, recordId: p.recordId, label: rowLabel(p), changes: [...p.changes] });
      }
    }
    const sheets = f.sheets.map((s) => {
      const mine = rows.filter((p) => p.staged.sheet === s.name);
      const c = { toAdd: 0, toUpdate: 0, unchanged: 0 };
      for (const p of mine) if (p.action !== 'held' && !p.fromPersons) c[p.action === 'add' ? 'toAdd' : p.action === 'update' ? 'toUpdate' : 'unchanged']++;
      return {
        sheet: s.name, table: s.table, hidden: s.hidden, headerRow: s.headerRow, columns: s.columns,
        rowsRead: s.rowsRead, ...c, skipped: s.skipped, skippedTotal: s.skippedTotal, note: s.note,
      };
    });
    const summary = fileSummary(f);
    totals.rowsRead += summary.rowsRead;
    totals.toAdd += counts.added;
    totals.toUpdate += counts.updated;
    totals.unchanged += counts.unchanged;
    totals.skipped += summary.skippedTotal;
    totals.issues.error += issueCounts.error;
    totals.issues.warning += issueCounts.warning;
    const conflicts = conflictsOf(rows);
    return {
      file: f.name, format: f.format, encoding: f.encoding, sheets,
      rowsRead: summary.rowsRead, toAdd: counts.added, toUpdate: counts.updated, unchanged: counts.unchanged,
      skippedTotal: summary.skippedTotal, updates, updatesTotal, issues: list, issueCounts,
      unitsAdded: counts.unitsAdded, unmapped: unmappedOf(plan.unmapped, f.name), derived: derivedCounts(rows),
      missingColumns: missingColumns(f, rows, decisions), conflicts: conflicts.list, conflictsTotal: conflicts.total, held: counts.held,
    };
  });
  return { importId, files: out, totals, newUnits: plan.newUnits, decisions };
}

function decodeUploads(files: { name: string; dataBase64: string }[]): InputFile[] {
  return uniqueNames(files.map((f) => ({ name: path.basename(f.name.replace(/\\/g, '/')), data: Buffer.from(f.dataBase64, 'base64') })));
}

export async function previewImport(ctx: ServiceContext, input: ParsedInput<'io.import.preview'>): Promise<ImportPreview> {
  requireSettings(ctx);
  const all = stagedOf(ctx);
  const previous = input.importId ? all.get(input.importId) : undefined;
  if (input.importId && !previous && !input.files) throw new ApiError('not_found', '导入预览已过期，请重新选择文件');
  const inputs = input.files ? decodeUploads(input.files) : previous!.inputs;
  const choices = input.sheets ?? (input.files ? [] : previous!.choices);
  const decisions = input.decisions ?? (input.files ? {} : previous!.decisions);
  return runTask(ctx, input.taskId, async (task) => {
    const files = await stageFiles(ctx, inputs, choices, task, decisions);
    const seen = ctx.store.othersVersion();
    const plan = await planImport(ctx, files, task, false, decisions);
    const issues = planIssues(ctx, plan);
    const importId = input.importId && previous ? input.importId : randomUUID();
    all.delete(importId);
    // Only the newest preview keeps its plan: a census-size plan is tens of megabytes.
    for (const other of all.values()) other.planned = null;
    all.set(importId, { inputs, files, choices, decisions, planned: planned(ctx, plan, issues, seen) });
    while (all.size > MAX_STAGED) all.delete(all.keys().next().value!);
    task.progress('预览完成', 1, 1, 'done');
    return buildPreview(importId, files, plan, issues, decisions);
  });
}

export function discardImport(ctx: ServiceContext, importId: string): { ok: true } {
  stagedOf(ctx).delete(importId);
  return { ok: true };
}

export async function commitImport(ctx: ServiceContext, importId: string, taskId?: string): Promise<ImportResult> {
  const staged = stagedOf(ctx).get(importId);
  if (!staged) throw new ApiError('not_found', '导入预览已过期或已导入，请重新选择文件');
  return runTask(ctx, taskId, async (task) => {
    const result = await writeStaged(ctx, staged.files, task, null, staged.planned, staged.decisions);
    stagedOf(ctx).delete(importId);
    return result;
  });
}

/** The CLI's import: read, plan and write the files in one transaction (all files or none). */
export async function importFiles(ctx: ServiceContext, paths: string[], taskId?: string): Promise<ImportResult> {
  requireSettings(ctx);
  const inputs: InputFile[] = [];
  for (const p of paths) {
    let data: Buffer;
    try {
      data = await readFile(p);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      throw new ApiError(code === 'ENOENT' ? 'not_found' : 'invalid_file',
        code === 'ENOENT' ? `找不到文件：${p}` : code === 'EISDIR' ? `「${p}」是文件夹，请指定表格文件` : `无法读取文件「${p}」：${code ?? String(e)}`);
    }
    inputs.push({ name: path.basename(p), data });
  }
  const named = uniqueNames(inputs);
  // The CLI releases each row once planned (a census-size import would hold it twice otherwise), so
  // a write that has to be planned again reads the files again.
  return runTask(ctx, taskId, async (task) => writeStaged(ctx, await stageFiles(ctx, named, [], task), task, () => stageFiles(ctx, named, [], task)));
}

function remember(ctx: ServiceContext, files: StagedFile[]): RememberedMappings | null {
  const next: RememberedMappings = rememberedMappings(ctx);
  let changed = false;
  for (const f of files) {
    for (const s of f.sheets) {
      if (!s.table) continue;
      const table: TableName = s.table;
      for (const c of s.columns) {
        if (c.how !== 'override' && c.how !== 'guess') continue;
        const m = (next[table] ??= {});
        m[headerKey(c.header)] = c.field;
        changed = true;
      }
    }
  }
  return changed ? next : null;
}

/** Thrown inside the write when another process committed since the plan was made and it no longer holds. */
class StalePlan extends Error {}

/** How long a write waits, re-planning between tries, while another process holds the census file */
const BUSY_WAIT_MS = 120_000;

/**
 * One writer at a time, with the plan checked inside the write: the transaction (BEGIN IMMEDIATE)
 * holds the file's write lock, and if another process committed after this plan was made (SQLite's
 * data_version moved) and the plan no longer holds (recheck.ts), the write is abandoned and planned
 * again, so two imports of one workbook at once store everyone once. While another process holds the
 * lock the import waits and retries, and says so, up to BUSY_WAIT_MS; then it stops with a plain message.
 */
async function writeStaged(
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
    const seen = reuse?.othersCommits ?? ctx.store.othersVersion();
    const plan = reuse?.plan ?? (await planImport(ctx, files, task, release, decisions));
    // Computed against the database before the write: the plan's own counts turn it into the after state.
    const issues = reuse?.issues ?? planIssues(ctx, plan);
    task.throwIfCancelled();
    const writes = plan.rows.filter((p) => p.action === 'add' || p.action === 'update').length;
    task.progress('正在写入数据库', 0, writes, 'write');
    // Let the progress event reach the UI before the synchronous write starts.
    await new Promise<void>((resolve) => setImmediate(resolve));
    task.throwIfCancelled();
    try {
      const importId = writePlan(ctx, settings, files, plan, seen, decisions);
      task.progress('已写入数据库', writes, writes, 'done');
      return { ...buildResult(files, plan, issues), importId };
    } catch (e) {
      const stale = e instanceof StalePlan;
      if (!stale && !isBusy(e)) throw e;
      if (!stale && Date.now() - started > BUSY_WAIT_MS) throw new ApiError('busy', BUSY_MESSAGE);
      reuse = null;
      if (restage) files = await restage();
      task.progress(stale ? '另一程序刚写入了数据，正在按最新数据重新核对' : '另一程序正在写入，等待中…', 0, 1, stale ? 'check' : 'write');
      await new Promise<void>((resolve) => setTimeout(resolve, stale ? 0 : Math.min(2000, 200 * (attempt + 1))));
      task.throwIfCancelled();
    }
  }
}

/** The write itself, one transaction; returns the import's id in the history. */
function writePlan(
  ctx: ServiceContext, settings: ReturnType<typeof requireSettings>, files: StagedFile[], plan: Plan, seen: number, decisions: ImportDecisions,
): string {
  const now = isoNow(ctx);
  const mappings = remember(ctx, files);
  const values = decisions.values?.length ? withDecisions(storedValueMappings(ctx), decisions) : null;
  const importId = randomUUID();
  const rowOf = (p: PlannedRow): RecordRow => ({
    id: p.recordId, areaCode: settings.areaCode, data: p.data, source: sourceOf(p), createdBy: settings.operator, createdAt: now, updatedAt: now,
  });
  ctx.store.tx(() => {
    if (ctx.store.othersVersion() !== seen && !planStillHolds(ctx, plan)) throw new StalePlan();
    for (const table of ['unit', 'person'] as const) {
      const mine = plan.rows.filter((p) => p.table === table);
      ctx.store.records[table].insertMany((function* () {
        for (const p of mine) if (p.action === 'add') yield rowOf(p);
      })());
      for (const p of mine) if (p.action === 'update') ctx.store.imports.updateImported(table, p.recordId, p.data, sourceOf(p), now);
    }
    // In slices, so 100k entries never sit in memory at once.
    let batch: NewAuditEntry[] = [];
    const sourceJson = sourceJsonWriter();
    for (const p of plan.rows) {
      if (p.action === 'add') {
        batch.push({ table: p.table, recordId: p.recordId, action: 'import', operator: settings.operator, at: now, field: null, oldValue: null, newValue: sourceJson(p) });
        for (const e of notedEntries(p, settings.operator, now)) batch.push(e);
      } else if (p.action === 'update') {
        for (const e of auditEntries(p, settings.operator, now)) batch.push(e);
      }
      if (batch.length >= 5000) {
        ctx.store.audit.append(batch);
        batch = [];
      }
    }
    ctx.store.audit.append(batch);
    // Persons of earlier imports whose unit cell holds the name of a unit this import adds
    for (const p of plan.rows) {
      if (p.table === 'unit' && p.action !== 'held' && p.action !== 'unchanged' && typeof p.data.name === 'string') {
        linkNamedPersons(ctx, p.recordId, p.data.name, settings.operator, now);
      }
    }
    if (mappings) ctx.store.meta.set(REMEMBERED_KEY, mappings);
    if (values) ctx.store.meta.set(VALUE_MAPPINGS_KEY, values);
    saveHistory(ctx, importId, plan, files, settings.operator, now);
  });
  return importId;
}

/** The import's entry in the history: what it added, and each updated record as it was, for undo */
function saveHistory(ctx: ServiceContext, importId: string, plan: Plan, files: StagedFile[], operator: string, at: string): void {
  const summary = files.map((f) => {
    const c = fileCounts(plan, f.name);
    return { file: f.name, sheets: f.sheets.filter((s) => s.table).map((s) => s.name), added: c.added, updated: c.updated, unitsAdded: c.unitsAdded };
  });
  ctx.store.imports.saveBatch(
    { id: importId, at, operator, files: JSON.stringify(summary), auditTo: ctx.store.imports.lastAuditId(), undoneAt: null, undoneBy: null },
    (function* () {
      for (const p of plan.rows) {
        if (p.action === 'add') yield { importId, table: p.table, recordId: p.recordId, kind: 'add' as const, before: null, beforeSource: null };
        else if (p.action === 'update' && p.before) {
          yield {
            importId, table: p.table, recordId: p.recordId, kind: 'update' as const,
            before: JSON.stringify(p.before.data), beforeSource: p.before.source ? JSON.stringify(p.before.source) : null,
          };
        }
      }
    })(),
  );
}

/**
 * JSON.stringify(sourceOf(p)), built from a per-sheet prefix: one string per added record instead of
 * an object and a serialisation (100k of them in a census-size return).
 */
function sourceJsonWriter(): (p: PlannedRow) => string {
  const prefixes = new Map<string, string>();
  return (p) => {
    const sheet = p.staged.sheet;
    const key = sheet === null ? `\u0000${p.file}` : `${p.file}\u0000${sheet}`;
    let prefix = prefixes.get(key);
    if (prefix === undefined) {
      prefix = `{"file":${JSON.stringify(p.file)}${sheet === null ? '' : `,"sheet":${JSON.stringify(sheet)}`},"row":`;
      prefixes.set(key, prefix);
    }
    return `${prefix}${JSON.stringify(p.staged.row)}}`;
  };
}

/** One entry per added record (its source), one per changed field of an updated one. */
function auditEntries(p: PlannedRow, operator: string, at: string): NewAuditEntry[] {
  const base = { table: p.table, recordId: p.recordId, action: 'import' as const, operator, at };
  const note = sourceOf(p);
  if (p.action === 'add') return [{ ...base, field: null, oldValue: null, newValue: JSON.stringify(note) }];
  if (p.action === 'unchanged') return [];
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

/**
 * The result, with each imported row's issues as the whole-census validation now reports them:
 * the plan's issues are validateRecord over the rows with census-wide counts, which is the same
 * thing without re-reading 100k records from the database.
 */
function buildResult(files: StagedFile[], plan: Plan, issues: Map<PlannedRow, Issue[]>): ImportResult {
  const perFile = new Map<string, { issues: FileResult['issues']; counts: { error: number; warning: number } }>(
    files.map((f) => [f.name, { issues: [], counts: { error: 0, warning: 0 } }]),
  );
  const add = (p: PlannedRow, i: Issue) => {
    const slot = perFile.get(p.file)!;
    slot.counts[i.severity]++;
    if (slot.issues.length < LIST_CAP) slot.issues.push(rowIssue(p, i));
  };
  for (const p of plan.rows) for (const i of issues.get(p) ?? []) add(p, i);
  let added = 0;
  let updated = 0;
  const out = files.map((f) => {
    const counts = fileCounts(plan, f.name);
    added += counts.added;
    updated += counts.updated;
    const slot = perFile.get(f.name)!;
    const summary = fileSummary(f);
    slot.issues.sort((a, b) => (a.sheet ?? '').localeCompare(b.sheet ?? '') || a.row - b.row);
    const rows = plan.rows.filter((p) => p.file === f.name);
    return {
      file: f.name, rowsRead: summary.rowsRead, ...counts, skipped: summary.skipped, skippedTotal: summary.skippedTotal, issues: slot.issues, issueCounts: slot.counts,
      unitsAddedNames: rows.filter((p) => p.fromPersons).map((p) => String(p.data.name)),
      unmapped: unmappedOf(plan.unmapped, f.name), derived: derivedCounts(rows), conflicts: conflictsOf(rows).list,
    };
  });
  const unitsAdded = plan.rows.filter((p) => p.fromPersons).length;
  return { importId: null, files: out, added, updated, unitsAdded };
}
