/**
 * The import history: every import, and undoing one as one step. Undo removes what the import added
 * and puts back what it updated, in one transaction, with an audit entry per change. It is refused
 * (with the reason) when a record the import touched was edited since, or when persons outside the
 * import now point at a unit it added: undoing then would throw away the county's later work.
 */
import { z } from 'zod';
import type { ImportBatch } from '../../../../shared/api/methods/io';
import { ApiError } from '../../../../shared/api/errors';
import { fieldsOf, tableLabels, type TableName } from '../../../../shared/census/dictionary';
import { issueKey } from '../../../../shared/census/issues';
import { recordLabel } from '../../../../shared/census/validate';
import { localDateTime } from '../../../../shared/time';
import type { RecordData, Source } from '../../../../shared/census/schema';
import type { NewAuditEntry } from '../../db';
import { isoNow, requireSettings, type ServiceContext } from '../context';
import { censusIssues, recordsChanged } from '../issues';

const filesSchema = z.array(z.object({
  file: z.string(), added: z.number().int(), updated: z.number().int(), unitsAdded: z.number().int().default(0),
}).passthrough());

const ACTION_TEXT: Record<string, string> = { update: '修改', restore: '恢复', delete: '删除', import: '再次导入', create: '新建' };

/** Why the import cannot be undone now, or null */
function blockedReason(ctx: ServiceContext, id: string): string | null {
  const repo = ctx.store.imports;
  const edits = repo.editedSince(id, 3);
  if (edits.length) {
    const first = edits[0]!;
    const row = ctx.store.records[first.table].get(first.recordId);
    const who = row ? `${tableLabels[first.table]}「${recordLabel(first.table, row.data)}」` : `一条${tableLabels[first.table]}记录`;
    return `导入后${who}已被${ACTION_TEXT[first.action] ?? '修改'}（${localDateTime(first.at, false)}），撤销会丢掉这些修改，因此不能撤销`;
  }
  const outsiders = repo.outsidersOfAddedUnits(id);
  if (outsiders) return `有 ${outsiders} 名不属于这次导入的人员已关联到这次导入新建的单位，因此不能撤销`;
  return null;
}

export function listImports(ctx: ServiceContext): ImportBatch[] {
  requireSettings(ctx);
  const issues = censusIssues(ctx);
  const open = new Map<string, number>();
  const explained = ctx.store.explanations.all();
  for (const i of issues.issues) {
    const file = issues.meta.get(i.recordId)?.source?.file;
    if (!file || (i.severity === 'warning' && explained.has(issueKey(i)))) continue;
    open.set(file, (open.get(file) ?? 0) + 1);
  }
  return ctx.store.imports.batches().map((b) => ({
    id: b.id, at: b.at, operator: b.operator,
    files: filesSchema.parse(JSON.parse(b.files)).map((f) => ({ file: f.file, added: f.added, updated: f.updated, unitsAdded: f.unitsAdded, openIssues: open.get(f.file) ?? 0 })),
    undoneAt: b.undoneAt,
    undoBlocked: b.undoneAt ? '这次导入已撤销' : blockedReason(ctx, b.id),
  }));
}

export function undoImport(ctx: ServiceContext, importId: string): { removed: number; restored: number } {
  const settings = requireSettings(ctx);
  const repo = ctx.store.imports;
  const batch = repo.batch(importId);
  if (!batch) throw new ApiError('not_found', '找不到这次导入记录');
  if (batch.undoneAt) throw new ApiError('conflict', '这次导入已经撤销过了');
  // No issues pass first: a warm issues cache is brought up to date after the write (recordsChanged); a
  // cold one stays cold, and the next read validates the census as the undo left it — smaller, for a
  // census-size import, than the census with it, which a pass here would have validated (1.3 s per 100k).
  const now = isoNow(ctx);
  const note = JSON.stringify({ undoImport: importId });
  const touched: { table: TableName; id: string }[] = [];
  const result = ctx.store.tx(() => {
    // Checked inside the write: nothing can change between the check and the undo.
    const why = blockedReason(ctx, importId);
    if (why) throw new ApiError('conflict', `不能撤销这次导入：${why}`);
    const records = repo.batchRecords(importId);
    let removed = 0;
    let restored = 0;
    // Persons first, so no unit is removed while a person of the import still points at it.
    for (const table of ['person', 'unit'] as const) {
      const audit: NewAuditEntry[] = [];
      const adds = records.filter((r) => r.table === table && r.kind === 'add').map((r) => r.recordId);
      // Each removed record's whole data goes into its entry by SQL: a census-size import's records are
      // never read into JavaScript just to be written back as JSON.
      repo.auditRemoved(importId, table, settings.operator, now, note);
      for (const id of adds) touched.push({ table, id });
      removed += ctx.store.records[table].remove(adds);
      for (const r of records.filter((x) => x.table === table && x.kind === 'update')) {
        const current = ctx.store.records[table].get(r.recordId);
        if (!current || !r.before) continue;
        const before = JSON.parse(r.before) as RecordData;
        const source = r.beforeSource ? (JSON.parse(r.beforeSource) as Source) : null;
        // A record that had no source (typed in, carried) gets none back.
        repo.updateImported(table, r.recordId, before, source, now);
        for (const f of fieldsOf[table]) {
          const a = enc(current.data[f.key]);
          const b = enc(before[f.key]);
          if (a !== b) audit.push({ table, recordId: r.recordId, action: 'restore', field: f.key, oldValue: a, newValue: b, operator: settings.operator, at: now, note });
        }
        touched.push({ table, id: r.recordId });
        restored++;
      }
      ctx.store.audit.append(audit);
    }
    repo.markUndone(importId, now, settings.operator);
    return { removed, restored };
  });
  recordsChanged(ctx, touched);
  return result;
}

function enc(v: unknown): string | null {
  return v == null || v === '' || (Array.isArray(v) && v.length === 0) ? null : JSON.stringify(v);
}
