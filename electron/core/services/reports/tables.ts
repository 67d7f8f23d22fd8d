/** The summary tables of the open census, the persons behind a cell, and the Excel export. */
import { ApiError } from '../../../../shared/api/errors';
import { LEAVE_CODES } from '../../../../shared/census/change';
import { codesOf } from '../../../../shared/census/codes';
import { CHANGE_FIELDS_READ, computeChangeTable } from '../../../../shared/reports/changes';
import { cellLink, computeReports } from '../../../../shared/reports/aggregate';
import { describeFilter, type RecordFilter } from '../../../../shared/reports/filter';
import type { ReportSet } from '../../../../shared/reports/schema';
import { isContinuing, requireSettings, type ServiceContext } from '../context';
import { defineSlot, type Versioned } from '../state';
import { reportEnv } from './env';
import { personCounts } from './person-counts';
import { reportWorkbook, type ReportFooter } from './xlsx';

/** 表6 appears once there is change to show: a census started from the last one, or records carrying 变动情况 */
function showsChanges(ctx: ServiceContext): boolean {
  return isContinuing(ctx, requireSettings(ctx)) || ctx.store.persons.countByChange(codesOf('change')) > 0;
}

/** The table set, kept while the file is unchanged (the dashboard, the tables page and the export ask in turn) */
const TABLES_CACHE = defineSlot('report tables', () => ({ hit: null as Versioned<ReportSet> | null }));

export function reportTables(ctx: ServiceContext): ReportSet {
  const slot = ctx.state.get(TABLES_CACHE);
  const version = ctx.store.version();
  if (slot.hit?.version === version) return slot.hit.value;
  const env = reportEnv(ctx);
  const units = [...ctx.store.units.scan()];
  const persons = personCounts(ctx, env, new Map(units.map((u) => [u.id, u.data])));
  const set = computeReports({ persons, units }, env);
  if (showsChanges(ctx)) set.tables.push(computeChangeTable(ctx.store.persons.scanFields(CHANGE_FIELDS_READ), env));
  slot.hit = { version, value: set };
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
