/** Schemas shared by the contract's method groups (core, grid, io, packages, reports). */
import { z } from 'zod';
import { issueSchema } from '../census/issues';
import { recordRowSchema, sourceSchema } from '../census/schema';
import { recordFilterSchema } from '../reports/filter';

import { levelSchema } from '../census/level';
import { DEFAULT_PLANNING_START } from '../census/planning';
export { levelSchema, type Level } from '../census/level';

export const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, '日期格式应为 YYYY-MM-DD');
export const tableSchema = z.enum(['person', 'unit']);

export const censusSettingsSchema = z.object({
  areaCode: z.string().regex(/^\d{6}$/),
  areaName: z.string(),
  level: levelSchema,
  refDate: isoDate,
  officeName: z.string(),
  operator: z.string(),
  createdAt: z.string(),
  /** First year of the planning period cumulative training is counted over (shared/census/planning.ts) */
  planningStart: z.number().int().default(DEFAULT_PLANNING_START),
});
export type CensusSettings = z.infer<typeof censusSettingsSchema>;

export const divisionSchema = z.object({
  code: z.string(),
  name: z.string(),
  level: z.enum(['province', 'city', 'county', 'township']),
  parentCode: z.string().nullable(),
  /** Names from the province down, e.g. 北京市 / 东城区 (placeholder rows such as 市辖区 are left out) */
  path: z.string(),
});
export type DivisionDto = z.infer<typeof divisionSchema>;

export const listQuery = z.object({
  offset: z.number().int().min(0).default(0),
  limit: z.number().int().min(1).max(100_000).default(100),
  /** Matches name, ID number or credit code */
  search: z.string().max(100).optional(),
  /** Field conditions that must all hold, e.g. from a summary table's cell (shared/reports/filter.ts) */
  filter: recordFilterSchema.optional(),
});

export const issueWithContext = issueSchema.extend({
  explanation: z.string().nullable(),
  source: sourceSchema.nullable(),
  recordLabel: z.string(),
});

export const countsSchema = z.object({ error: z.number().int(), warning: z.number().int() });

export const savedRecord = (table: 'person' | 'unit') =>
  z.object({ row: recordRowSchema(table), issues: z.array(issueSchema) });

export const auditEntrySchema = z.object({
  id: z.number().int(),
  table: tableSchema,
  recordId: z.string(),
  action: z.enum(['create', 'update', 'delete', 'restore', 'import']),
  field: z.string().nullable(),
  oldValue: z.string().nullable(),
  newValue: z.string().nullable(),
  operator: z.string(),
  at: z.string(),
  /** Why the entry was written without a person typing it, as JSON: {"derivedFrom": field}, {"fill": true}, {"undoImport": id}, {"unitLinked": name} */
  note: z.string().nullable().optional(),
});
export type AuditEntry = z.infer<typeof auditEntrySchema>;

export function method<I extends z.ZodType, O extends z.ZodType>(input: I, output: O) {
  return { input, output };
}

