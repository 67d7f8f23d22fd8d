/**
 * Spreadsheet entry (issue 3): bulk row loading for the persons/units grids, one-call bulk edits
 * (edit, paste, fill, delete, undo = one transaction each), history restore and remembered layouts.
 */
import { z } from 'zod';
import { issueSchema, packedIssuesSchema } from '../../census/issues';
import { previousValuesSchema, type FieldValue } from '../../census/schema';
import { countsSchema, levelSchema, method, tableSchema } from '../common';

/** One stored cell: the FieldValue union of shared/census/schema.ts */
export const cellValueSchema = z.union([z.string(), z.number(), z.boolean(), z.null(), z.array(z.string())]);

/** A typed value (editor, fill, undo) or the clerk's text (paste), which the core normalises as importers do */
export const cellChangeSchema = z.union([
  z.object({ id: z.string().min(1), field: z.string().min(1), value: cellValueSchema }),
  z.object({ id: z.string().min(1), field: z.string().min(1), text: z.string().max(10_000) }),
]);
export type CellChange = z.infer<typeof cellChangeSchema>;

function isCellValue(v: unknown): v is FieldValue {
  return v === null || typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' || (Array.isArray(v) && v.every((s) => typeof s === 'string'));
}

/**
 * A row as stored: its id and values in dictionary order. The values are checked by one plain
 * function rather than a zod union per cell: 100k rows × 25 cells through a union costs ~0.6 s.
 */
export const gridRowSchema = z.object({
  id: z.string(),
  values: z.custom<FieldValue[]>((v) => Array.isArray(v) && v.every(isCellValue), { message: '单元格的值类型不正确' }),
});
export type GridRowDto = z.infer<typeof gridRowSchema>;

export const applyResultSchema = z.object({
  /** Created and updated rows as stored (after normalisation and ID-number completion), values in `fields` order */
  rows: z.array(gridRowSchema),
  removed: z.array(z.string()),
  /** The current issues of every record of the table whose issues this change may have altered */
  issues: z.record(z.string(), z.array(issueSchema)),
  /** The table's totals after the change */
  counts: countsSchema,
  /** How many cells were rejected because their record or column does not exist */
  skipped: z.number().int(),
  /** Invisible control characters removed from typed or pasted text (the clerk is told) */
  cleaned: z.number().int().default(0),
  /**
   * 上期 → 本期 of the carried rows this write changed beyond a period's own fields (as periods.changes
   * gives it): last census's values of the fields that now differ, or `{}` where none does. Rows it leaves
   * out differ as they did. In the same reply, so the grid shows the change with the row and needs no
   * second request per edit; only differences, so confirming 100k carried persons 留任 sends nothing here.
   */
  previous: previousValuesSchema.default({}),
});
export type ApplyResult = z.infer<typeof applyResultSchema>;

/**
 * The areas (区县 area codes) a grid shows at a city or province: a merged province holds a million
 * persons, more than a browser table should load at once, so upper levels look at one area or
 * group of areas at a time. Absent: the whole table.
 */
export const areaScopeSchema = z.array(z.string().regex(/^\d{6}$/, '行政区划代码应为6位数字')).min(1).max(5000).optional();

export const gridAreaSchema = z.object({
  code: z.string(),
  name: z.string(),
  /** The table's records with this area code */
  count: z.number().int(),
  /** At a province: the 市州 the area lies in (null for the province's own records) */
  group: z.object({ code: z.string(), name: z.string() }).nullable(),
  /** This office's own records (the only ones editable at an upper level) */
  own: z.boolean(),
});
export type GridArea = z.infer<typeof gridAreaSchema>;

export const gridAreasSchema = z.object({
  level: levelSchema,
  total: z.number().int(),
  areas: z.array(gridAreaSchema),
});
export type GridAreas = z.infer<typeof gridAreasSchema>;

export const layoutSchema = z.object({
  columns: z.array(z.object({ key: z.string(), width: z.number().int().min(20).max(2000).optional(), hidden: z.boolean().optional() })).max(200),
  sort: z.array(z.object({ key: z.string(), dir: z.enum(['asc', 'desc']) })).max(10).default([]),
});
export type GridLayout = z.infer<typeof layoutSchema>;

export const gridMethods = {
  /** A page of rows in stored order, values as arrays in dictionary order (compact for 100k rows) */
  'grid.rows': method(
    z.object({
      table: tableSchema, offset: z.number().int().min(0).default(0), limit: z.number().int().min(1).max(50_000).default(10_000), areas: areaScopeSchema,
    }),
    z.object({ total: z.number().int(), fields: z.array(z.string()), rows: z.array(gridRowSchema) }),
  ),
  /** Every current issue of one table, for the grid's cell marks and status column */
  'grid.issues': method(
    z.object({ table: tableSchema, areas: areaScopeSchema }),
    z.object({ issues: packedIssuesSchema, counts: countsSchema }),
  ),
  /** The areas the table's records come from, with their counts: what an upper level's grid can show */
  'grid.areas': method(z.object({ table: tableSchema }), gridAreasSchema),
  /**
   * Reference lists the grid displays and picks from: every unit (id, name, credit code) and the
   * census area's townships (code, name), with a key naming their content. A client that sends the
   * key it holds gets `unchanged` while the lists are the same: at national scale they are 103k
   * units (10 MB), and every opening of a grid asked for them again.
   */
  'grid.refs': method(
    z.object({ known: z.string().max(100).optional() }),
    z.discriminatedUnion('unchanged', [
      z.object({ key: z.string(), unchanged: z.literal(true) }),
      z.object({
        key: z.string(),
        unchanged: z.literal(false),
        units: z.array(z.object({ id: z.string(), name: z.string(), creditCode: z.string().nullable() })),
        townships: z.array(z.object({ code: z.string(), name: z.string() })),
      }),
    ]),
  ),
  /** One user action (edit, paste, fill, delete, undo, redo) as one transaction with audit entries */
  'grid.apply': method(
    z.object({
      table: tableSchema,
      /** New records, with ids chosen by the client so undo and redo can refer to them */
      create: z.array(z.object({ id: z.uuid(), values: z.record(z.string(), cellValueSchema).default({}) })).max(100_000).default([]),
      changes: z.array(cellChangeSchema).max(1_000_000).default([]),
      remove: z.array(z.string()).max(100_000).default([]),
      /** The grid's areas: the reply's counts are theirs */
      areas: areaScopeSchema,
    }),
    applyResultSchema,
  ),
  /** Puts a value from a record's history back, as a new audited change (action 'restore') */
  'grid.restore': method(
    z.object({ table: tableSchema, recordId: z.string(), auditId: z.number().int(), side: z.enum(['old', 'new']), areas: areaScopeSchema }),
    applyResultSchema,
  ),
  'grid.layout.get': method(z.object({ table: tableSchema }), layoutSchema.nullable()),
  'grid.layout.set': method(z.object({ table: tableSchema, layout: layoutSchema }), z.object({ ok: z.literal(true) })),
} as const;
