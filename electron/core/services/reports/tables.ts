/** The summary tables of the open census, the persons behind a cell, and the Excel export. */
import { ApiError } from '../../../../shared/api/errors';
import { isLeaver, LEAVE_CODES } from '../../../../shared/census/change';
import { codesOf } from '../../../../shared/census/codes';
import type { RecordLike } from '../../../../shared/reports/filter';
import { CHANGE_FIELDS_READ, computeChangeTable } from '../../../../shared/reports/changes';
import { cellLink, computeReports, personFieldsRead } from '../../../../shared/reports/aggregate';
import { describeFilter, type RecordFilter } from '../../../../shared/reports/filter';
import type { ReportSet } from '../../../../shared/reports/schema';
import { isContinuing, requireSettings, type ServiceContext } from '../context';
import { reportEnv } from './env';
import { reportWorkbook, type ReportFooter } from './xlsx';

/** Persons who left since the last census stay in the file for 表6 only */
function* present<R extends RecordLike>(rows: Iterable<R>): Generator<R> {
  for (const r of rows) if (!isLeaver(r.data.change)) yield r;
}

/** 表6 appears once there is change to show: a census started from the last one, or records carrying 变动情况 */
function showsChanges(ctx: ServiceContext): boolean {
  return isContinuing(ctx, requireSettings(ctx)) || ctx.store.persons.countByChange(codesOf('change')) > 0;
}

/**
 * Rows are streamed in storage order (the tables are counts, whatever the order), one at a time:
 * memory stays bounded by the units and the tallies, not by the million persons.
 */
export function reportTables(ctx: ServiceContext): ReportSet {
  const env = reportEnv(ctx);
  const fields = personFieldsRead(env);
  const set = computeReports({ persons: present(ctx.store.persons.scanFields(fields)), units: ctx.store.units.scan() }, env);
  if (showsChanges(ctx)) set.tables.push(computeChangeTable(ctx.store.persons.scanFields(CHANGE_FIELDS_READ), env));
  return set;
}

export function reportCell(ctx: ServiceContext, q: { table: string; row: string; column: string }): { filter: RecordFilter; title: string; description: string } {
  const env = reportEnv(ctx);
  const link = cellLink(env, q.table, q.row, q.column);
  if (!link) throw new ApiError('not_found', '这个单元格不是人数，无法列出对应人员');
  const filter: RecordFilter = [{ field: 'change', op: 'notIn', values: [...LEAVE_CODES] }, ...link.filter];
  return { filter, title: `${link.rowLabel} · ${link.columnLabel}`, description: describeFilter('person', link.filter, (code) => ctx.divisions.get(code)?.name) };
}

const HEAD_KEY = 'reports.head';

export interface ExportOptions {
  head?: string | undefined;
  filledBy?: string | undefined;
  reportDate?: string | undefined;
}

/** The workbook and the footer it was signed with; a given 负责人 is remembered for next time. */
export async function exportReports(ctx: ServiceContext, opts: ExportOptions = {}): Promise<{ fileName: string; data: Buffer; set: ReportSet }> {
  const s = requireSettings(ctx);
  const set = reportTables(ctx);
  if (opts.head !== undefined) ctx.store.meta.set(HEAD_KEY, opts.head);
  const remembered = ctx.store.meta.get(HEAD_KEY);
  const footer: ReportFooter = {
    office: s.officeName,
    head: opts.head ?? (typeof remembered === 'string' ? remembered : ''),
    filledBy: opts.filledBy ?? s.operator,
    reportDate: opts.reportDate ?? localDate(ctx.now()),
  };
  const data = await reportWorkbook(set, footer, s.areaName);
  const fileName = `${s.areaName.split(' / ').join('')}_社会工作专业人才汇总表_${s.refDate}.xlsx`;
  return { fileName, data, set };
}

/** The calendar date in China (UTC+8, no daylight saving), whatever the machine's zone */
function localDate(d: Date): string {
  return new Date(d.getTime() + 8 * 3600_000).toISOString().slice(0, 10);
}
