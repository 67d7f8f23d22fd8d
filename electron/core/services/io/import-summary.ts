/**
 * What an import will do and what it did, as the clerk sees it: the preview (per file and sheet:
 * rows to add, update, leave; issues, unmapped values, derived fields, conflicts, missing columns)
 * and the result after the write. Pure reading of a plan; nothing here touches the database.
 */
import {
  LIST_CAP, type FileResult, type ImportConflict, type ImportDecisions, type ImportPreview, type ImportResult,
} from '../../../../shared/api/methods/io';
import { fieldLabel, fieldsOf } from '../../../../shared/census/dictionary';
import type { Issue } from '../../../../shared/census/issues';
import type { StagedFile } from './parse';
import { fileCounts, rowLabel, type Plan, type PlannedRow } from './plan';
import { unmappedOf } from './unmapped';

export function sourceOf(p: PlannedRow) {
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

export function buildPreview(importId: string, files: StagedFile[], plan: Plan, issues: Map<PlannedRow, Issue[]>, decisions: ImportDecisions): ImportPreview {
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


/**
 * The result, with each imported row's issues as the whole-census validation now reports them:
 * the plan's issues are validateRecord over the rows with census-wide counts, which is the same
 * thing without re-reading 100k records from the database.
 */
export function buildResult(files: StagedFile[], plan: Plan, issues: Map<PlannedRow, Issue[]>): ImportResult {
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
