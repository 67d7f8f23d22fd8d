/**
 * Spreadsheet import: preview (read, normalise, match — nothing written), then commit (one
 * transaction, all or nothing). The UI previews, lets the clerk correct sheets and columns, and
 * commits the previewed import by id; the CLI does both in one call.
 *
 * Progress and cancel: reading and matching run asynchronously, report progress and stop at the
 * next row when cancelled. The write itself is one synchronous better-sqlite3 transaction: while it
 * runs nothing else can touch the database (the event loop is busy), so no other request can land
 * inside the import's transaction or be rolled back with it. It is fast (see docs/import.md), so
 * the progress bar shows "正在写入数据库" moving without a share during it, and the final count after it.
 */
import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { ParsedInput } from '../../../../shared/api/contract';
import { ApiError } from '../../../../shared/api/errors';
import type { ImportDecisions, ImportPreview, ImportResult, SheetChoice, Upload } from '../../../../shared/api/methods/io';
import { requireSettings, type ServiceContext } from '../context';
import { defineSlot } from '../state';
import { buildPreview } from './import-summary';
import { planned, writeStaged, type PlannedImport } from './import-write';
import { rememberedMappings } from './remembered';
import { parseFile, type StagedFile } from './parse';
import { townshipsOf } from './places';
import { discardPlan, planImport, planIssues } from './plan';
import type { InputFile } from './read';
import { runTask, type Task } from './tasks';
import { storedValueMappings, withDecisions } from './value-mappings';
import { bytesOf } from '../uploads';

export { REMEMBERED_KEY } from './remembered';

interface StagedImport {
  inputs: InputFile[];
  files: StagedFile[];
  choices: SheetChoice[];
  decisions: ImportDecisions;
  /** The preview's plan and issues, reused by the commit while the database is as it was then */
  planned: PlannedImport | null;
}


const MAX_STAGED = 3;
// A previewed plan may hold a stage file and its worker (plan.ts, Plan.stage): let go when the core closes.
const STAGING = defineSlot('import staging', () => new Map<string, StagedImport>(), (all) => {
  for (const s of all.values()) discardPlan(s.planned?.plan);
});

function stagedOf(ctx: ServiceContext): Map<string, StagedImport> {
  return ctx.state.get(STAGING);
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
  const spec = { remembered: rememberedMappings(ctx), choices, townships: townshipsOf(ctx).index, values: withDecisions(storedValueMappings(ctx), decisions) };
  const bytesTotal = inputs.reduce((n, f) => n + f.data.length, 0);
  let bytesBefore = 0;
  const files: StagedFile[] = [];
  for (const input of inputs) {
    files.push(await parseFile(input, { spec, task, bytesBefore, bytesTotal }));
    bytesBefore += input.data.length;
  }
  return files;
}

function decodeUploads(ctx: ServiceContext, files: readonly Upload[]): InputFile[] {
  return uniqueNames(files.map((f) => ({ name: path.basename(f.name.replace(/\\/g, '/')), data: bytesOf(ctx, f) })));
}

export async function previewImport(ctx: ServiceContext, input: ParsedInput<'io.import.preview'>): Promise<ImportPreview> {
  requireSettings(ctx);
  const all = stagedOf(ctx);
  const previous = input.importId ? all.get(input.importId) : undefined;
  if (input.importId && !previous && !input.files) throw new ApiError('not_found', '导入预览已过期，请重新选择文件');
  const inputs = input.files ? decodeUploads(ctx, input.files) : previous!.inputs;
  const choices = input.sheets ?? (input.files ? [] : previous!.choices);
  const decisions = input.decisions ?? (input.files ? {} : previous!.decisions);
  return runTask(ctx, input.taskId, async (task) => {
    const files = await stageFiles(ctx, inputs, choices, task, decisions);
    const seen = ctx.store.version();
    const plan = await planImport(ctx, files, task, false, decisions);
    let issues;
    try {
      issues = await planIssues(ctx, plan, task);
    } catch (e) {
      discardPlan(plan);
      throw e;
    }
    const importId = input.importId && previous ? input.importId : randomUUID();
    discardPlan(all.get(importId)?.planned?.plan);
    all.delete(importId);
    // Only the newest preview keeps its plan: a census-size plan is tens of megabytes (and may hold a stage file).
    for (const other of all.values()) {
      discardPlan(other.planned?.plan);
      other.planned = null;
    }
    all.set(importId, { inputs, files, choices, decisions, planned: planned(ctx, plan, issues, seen) });
    while (all.size > MAX_STAGED) all.delete(all.keys().next().value!);
    task.progress('预览完成', 1, 1, 'done');
    return buildPreview(importId, files, plan, issues, decisions);
  });
}

export function discardImport(ctx: ServiceContext, importId: string): { ok: true } {
  discardPlan(stagedOf(ctx).get(importId)?.planned?.plan);
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
