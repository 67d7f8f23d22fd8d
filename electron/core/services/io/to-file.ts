/**
 * The file-writing variants of the io methods for a caller on this computer (the CLI): the same
 * builders the downloads use, written (atomically) to the path the caller named.
 */
import type { ParsedInput } from '../../../../shared/api/contract';
import type { ServiceContext } from '../context';
import { writeErrorReport } from './error-report';
import { exportData } from './export';
import { writeBufferAtomically } from './output';
import { runTask } from './tasks';
import { buildTemplate } from './template';

export async function templateToFile(ctx: ServiceContext, q: ParsedInput<'io.template.toFile'>): Promise<{ path: string }> {
  const t = await buildTemplate(ctx, q.township);
  await writeBufferAtomically(q.outPath, t.data);
  return { path: q.outPath };
}

export async function errorReportToFile(ctx: ServiceContext, q: ParsedInput<'io.errorReport.toFile'>): Promise<{ path: string; rows: number }> {
  const { outPath, ...opts } = q;
  const r = await runTask(ctx, undefined, (task) => writeErrorReport(ctx, opts, outPath, task));
  return { path: outPath, rows: r.rows };
}

export async function exportToFile(ctx: ServiceContext, q: ParsedInput<'io.export.toFile'>) {
  const { outPath, ...opts } = q;
  const r = await runTask(ctx, undefined, (task) => exportData(ctx, opts, outPath, task));
  return { path: outPath, ...r };
}
