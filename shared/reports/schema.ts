/** The computed table set as it crosses the contract (zod), and the user inputs behind table 5. */
import { z } from 'zod';
import { TARGETS } from './indicators';

export const valueFormatSchema = z.enum(['integer', 'percent', 'permille', 'decimal', 'year', 'progress']);

export const reportColumnSchema = z.object({
  key: z.string(),
  group: z.string().nullable(),
  label: z.string(),
  kind: z.enum(['count', 'sum', 'rate', 'input', 'gap', 'progress']),
  format: valueFormatSchema,
  /** Counts or sums of records: rows add up to totals and areas to their parent */
  additive: z.boolean(),
  /**
   * Distinct organisations (表3 单位数): rows add up to the total, areas do not — a parent counts an
   * organisation reported by two sub-areas once (docs/indicators.md)
   */
  distinct: z.boolean().optional(),
  /** A click on a cell of this column can list the persons behind it */
  linked: z.boolean(),
  /** false when the total row is a sum of person-times and has no single list behind it */
  linkedTotal: z.boolean(),
});
export type ReportColumn = z.infer<typeof reportColumnSchema>;

export const reportRowSchema = z.object({
  key: z.string(),
  label: z.string(),
  /** The section a row belongs to (年龄, 学历 …); null for the total row and area rows */
  section: z.string().nullable(),
  kind: z.enum(['total', 'item', 'unknown']),
  /** For area rows: the division code (census area or sub-area) */
  areaCode: z.string().nullable(),
  /** Aligned with the table's columns; null where a value is undefined (rate over zero, no target, 未报) */
  values: z.array(z.number().nullable()),
  /** Sub-area rows of an upper level: its reporting status (missing = 未报) */
  status: z.enum(['received', 'zero', 'partial', 'missing']).optional(),
});
export type ReportRow = z.infer<typeof reportRowSchema>;

export const reportTableSchema = z.object({
  id: z.string(),
  title: z.string(),
  notes: z.array(z.string()),
  pendingDuplicates: z.number().int(),
  columns: z.array(reportColumnSchema),
  rows: z.array(reportRowSchema),
});
export type ReportTable = z.infer<typeof reportTableSchema>;

export const reportAreaSchema = z.object({
  code: z.string(),
  name: z.string(),
  level: z.enum(['county', 'city', 'province']),
});

export const reportCoverageSchema = z.object({
  expected: z.number().int(),
  reported: z.number().int(),
  partial: z.number().int(),
  /** Canonical code → status of every sub-area */
  rows: z.array(z.object({ code: z.string(), areaCode: z.string(), name: z.string(), status: z.enum(['received', 'zero', 'partial', 'missing']) })),
  /** "已报 2/10；未报：…" */
  text: z.string(),
});
export type ReportCoverage = z.infer<typeof reportCoverageSchema>;

export const reportSetSchema = z.object({
  area: reportAreaSchema,
  refDate: z.string(),
  /** Persons left out because they are held as cross-area duplicates of someone counted */
  excluded: z.number().int(),
  pendingDuplicates: z.number().int(),
  /** Upper levels: who has reported (null for a county) */
  coverage: reportCoverageSchema.nullable().optional(),
  tables: z.array(reportTableSchema),
});
export type ReportSet = z.infer<typeof reportSetSchema>;

const targetShape = Object.fromEntries(TARGETS.map((t) => [t.key, z.number().min(0).max(1e9).nullable().optional()])) as Record<
  (typeof TARGETS)[number]['key'],
  z.ZodOptional<z.ZodNullable<z.ZodNumber>>
>;
/** Targets of one area; rates as fractions (0.5 = 50%), per-mille as the ‰ figure (1 = 1‰) */
export const targetsSchema = z.object(targetShape);
const deadlineShape = Object.fromEntries(TARGETS.map((t) => [t.key, z.number().int().min(2000, '期限年份应在2000至2100年之间').max(2100, '期限年份应在2000至2100年之间').nullable().optional()])) as Record<
  (typeof TARGETS)[number]['key'],
  z.ZodOptional<z.ZodNullable<z.ZodNumber>>
>;
/** The year by whose end each target is due */
export const deadlinesSchema = z.object(deadlineShape);
