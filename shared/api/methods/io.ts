/** Excel and CSV: templates, import with preview, error reports, microdata export. */
import { z } from 'zod';
import { issueSchema } from '../../census/issues';
import { countsSchema, method, tableSchema } from '../common';

/** A file the UI hands over (browser mode has no file paths): its name and its bytes in base64 */
export const uploadSchema = z.object({
  name: z.string().trim().min(1).max(255),
  dataBase64: z.string().max(70_000_000),
});

/** A file the core hands back for the UI to save */
export const downloadSchema = z.object({ fileName: z.string(), dataBase64: z.string() });

const mappingSourceSchema = z.enum(['override', 'remembered', 'label', 'synonym', 'guess', 'none']);

export const columnMappingSchema = z.object({
  index: z.number().int().min(0),
  header: z.string(),
  field: z.string().nullable(),
  how: mappingSourceSchema,
});

export const skippedRowSchema = z.object({
  sheet: z.string().nullable(),
  row: z.number().int(),
  /** Last row of a run of skipped rows of the same kind */
  toRow: z.number().int().optional(),
  kind: z.enum(['blank', 'total', 'notes', 'header']),
  reason: z.string(),
});

export const fieldChangeSchema = z.object({ field: z.string(), label: z.string(), from: z.string(), to: z.string() });

export const rowUpdateSchema = z.object({
  sheet: z.string().nullable(),
  row: z.number().int(),
  table: tableSchema,
  recordId: z.string(),
  label: z.string(),
  changes: z.array(fieldChangeSchema),
});

/** An issue of an imported (or about to be imported) row, with where it came from */
export const rowIssueSchema = issueSchema.extend({
  file: z.string(),
  sheet: z.string().nullable(),
  row: z.number().int(),
  recordLabel: z.string(),
});

/** Lists in previews and results are capped; the totals beside them are complete. */
export const LIST_CAP = 1000;

export const sheetPreviewSchema = z.object({
  sheet: z.string().nullable(),
  /** null: not imported (see note) */
  table: tableSchema.nullable(),
  hidden: z.boolean(),
  /** 1-based row of the header in the sheet */
  headerRow: z.number().int().nullable(),
  columns: z.array(columnMappingSchema),
  rowsRead: z.number().int(),
  toAdd: z.number().int(),
  toUpdate: z.number().int(),
  unchanged: z.number().int(),
  skipped: z.array(skippedRowSchema),
  skippedTotal: z.number().int(),
  /** Why this sheet is left out, when it is */
  note: z.string().nullable(),
});

export const filePreviewSchema = z.object({
  file: z.string(),
  format: z.enum(['xlsx', 'csv']),
  /** CSV only: utf-8, utf-8-bom or gb18030 */
  encoding: z.string().nullable(),
  sheets: z.array(sheetPreviewSchema),
  rowsRead: z.number().int(),
  toAdd: z.number().int(),
  toUpdate: z.number().int(),
  unchanged: z.number().int(),
  skippedTotal: z.number().int(),
  updates: z.array(rowUpdateSchema),
  updatesTotal: z.number().int(),
  issues: z.array(rowIssueSchema),
  issueCounts: countsSchema,
});

export const sheetChoiceSchema = z.object({
  file: z.string(),
  /** null for a CSV file */
  sheet: z.string().nullable(),
  /** Import the sheet as this table; null leaves the sheet out */
  table: tableSchema.nullable().optional(),
  /** Column index (as text) → field key, or null to ignore the column */
  columns: z.record(z.string().regex(/^\d+$/), z.string().nullable()).optional(),
});
export type SheetChoice = z.infer<typeof sheetChoiceSchema>;

export const importPreviewSchema = z.object({
  importId: z.string(),
  files: z.array(filePreviewSchema),
  totals: z.object({
    rowsRead: z.number().int(),
    toAdd: z.number().int(),
    toUpdate: z.number().int(),
    unchanged: z.number().int(),
    skipped: z.number().int(),
    issues: countsSchema,
  }),
});
export type ImportPreview = z.infer<typeof importPreviewSchema>;

export const fileResultSchema = z.object({
  file: z.string(),
  rowsRead: z.number().int(),
  added: z.number().int(),
  updated: z.number().int(),
  unchanged: z.number().int(),
  skipped: z.array(skippedRowSchema),
  skippedTotal: z.number().int(),
  issues: z.array(rowIssueSchema),
  issueCounts: countsSchema,
});
export type FileResult = z.infer<typeof fileResultSchema>;

export const importResultSchema = z.object({
  files: z.array(fileResultSchema),
  added: z.number().int(),
  updated: z.number().int(),
});
export type ImportResult = z.infer<typeof importResultSchema>;

const taskId = z.string().min(1).max(100);

export const ioMethods = {
  /** The blank .xlsx template townships fill in, optionally prefilled with one township */
  'io.template': method(z.object({ township: z.string().max(50).optional() }), downloadSchema),
  /**
   * Reads the files and shows what an import would do; nothing is written. Send `files` the first
   * time; send `importId` with `sheets` to re-read the same files with corrected sheet or column choices.
   */
  'io.import.preview': method(
    z.object({
      files: z.array(uploadSchema).min(1).max(50).optional(),
      importId: z.string().optional(),
      sheets: z.array(sheetChoiceSchema).optional(),
      taskId: taskId.optional(),
    }).refine((v) => v.files || v.importId, { message: '请选择要导入的文件' }),
    importPreviewSchema,
  ),
  /** Writes a previewed import in one transaction (all or nothing) and remembers its column mappings */
  'io.import.commit': method(z.object({ importId: z.string(), taskId: taskId.optional() }), importResultSchema),
  /** Forgets a previewed import without writing it */
  'io.import.discard': method(z.object({ importId: z.string() }), z.object({ ok: z.literal(true) })),
  /** Asks a running import task to stop; it stops at the next row and leaves the database unchanged */
  'io.cancel': method(z.object({ taskId }), z.object({ cancelled: z.boolean() })),
  /** Forgets every remembered column mapping */
  'io.mappings.reset': method(z.object({}), z.object({ ok: z.literal(true) })),
  /** Rows with issues as an .xlsx to send back: offending cells marked, messages in comments and a last column */
  'io.errorReport': method(
    z.object({ file: z.string().optional() }),
    downloadSchema.extend({ rows: z.number().int() }),
  ),
  /** Every record as .xlsx (both tables) or .csv (one table), with labels or codes */
  'io.export': method(
    z.object({ format: z.enum(['xlsx', 'csv']), codes: z.boolean().default(false), table: tableSchema.default('person') }),
    downloadSchema.extend({ rows: z.number().int() }),
  ),
} as const;
