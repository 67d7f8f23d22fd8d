/** Excel and CSV: templates, import with preview, error reports, microdata export. */
import { z } from 'zod';
import { issueSchema } from '../../census/issues';
import { countsSchema, method, tableSchema } from '../common';

/**
 * Where a file's bytes come from: sent ahead with `files.upload` (the UI: raw bytes, any size) and
 * named by its upload id, or inline in base64 (the CLI and tests; a call is at most 50 MB).
 */
export const fileBytes = {
  dataBase64: z.string().max(70_000_000).optional(),
  uploadId: z.string().max(64).optional(),
};

export function oneSource(f: { dataBase64?: string | undefined; uploadId?: string | undefined }): boolean {
  return (f.dataBase64 === undefined) !== (f.uploadId === undefined);
}

export const ONE_SOURCE_MESSAGE = '文件内容缺失或重复：请重新选择文件';

/** A file the UI hands over (browser mode has no file paths): its name and its bytes */
export const uploadSchema = z.object({ name: z.string().trim().min(1).max(255), ...fileBytes }).refine(oneSource, ONE_SOURCE_MESSAGE);
export type Upload = z.infer<typeof uploadSchema>;

/** The header naming a file on the bridge's upload route (percent-encoded: header values are Latin-1) */
export const UPLOAD_NAME_HEADER = 'x-headcount-file-name';

/** Largest file one upload may hold: far above any census file (a province's 3M-person package is ~300 MB) */
export const MAX_UPLOAD_BYTES = 1024 * 1024 * 1024;

/** A file the core hands back for the UI to save */
export const downloadSchema = z.object({ fileName: z.string(), dataBase64: z.string() });

/**
 * A file the core built and keeps for the UI to fetch (`files.download`, the bridge's download route):
 * for files that may run to hundreds of megabytes (a province's microdata), which as base64 in a JSON
 * reply would pass V8's longest string (~512 M characters) and cost the page seconds to decode.
 */
export const fileRefSchema = z.object({ fileName: z.string(), downloadId: z.string(), size: z.number().int() });
export type FileRef = z.infer<typeof fileRefSchema>;

/** The bridge's route for a kept file: GET `${DOWNLOAD_ROUTE}/<downloadId>` with the bearer token */
export const DOWNLOAD_ROUTE = '/api/download';

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

/** A unit the returns name that is not registered: created by the import unless the clerk says otherwise */
export const newUnitSchema = z.object({
  name: z.string(),
  /** 单位类型 code from a 单位性质/单位类型 column of the persons sheet, when all its rows agree */
  unitType: z.string().nullable(),
  township: z.string().nullable(),
  urbanRural: z.string().nullable(),
  /** Persons naming it, and the files they are in */
  rows: z.number().int(),
  files: z.array(z.string()),
  /** A registered unit whose name differs only in spacing, brackets, 居委会/社区居民委员会 or an area prefix */
  near: z.object({ unitId: z.string(), name: z.string() }).nullable(),
  /** create: a new unit; link: the persons are linked to `unitId`; skip: the name stays as text (flagged) */
  action: z.enum(['create', 'link', 'skip']),
  unitId: z.string().nullable(),
});
export type NewUnit = z.infer<typeof newUnitSchema>;

/** A distinct value of a coded column that no code matches, with how many rows carry it */
export const unmappedValueSchema = z.object({
  table: tableSchema,
  field: z.string(),
  label: z.string(),
  value: z.string(),
  rows: z.number().int(),
  /** Why it is never mapped (高中及以下 spans several codes), or null when the clerk can map it */
  spanReason: z.string().nullable(),
});

/** Values filled in because they follow from others (专业类别 from 专业名称 …), per field and source */
export const derivedCountSchema = z.object({ field: z.string(), label: z.string(), from: z.string(), fromLabel: z.string(), rows: z.number().int() });

/** A required column a sheet does not have */
export const missingColumnSchema = z.object({
  sheet: z.string().nullable(),
  table: tableSchema,
  field: z.string(),
  label: z.string(),
  rows: z.number().int(),
  /** The value the clerk set for all its rows (a code for coded columns), or null: left to fill later */
  fill: z.string().nullable(),
});

/**
 * A row the import will not simply write: a field the county edited since the record's last import
 * (edited; the county's value is kept unless the clerk takes the file's), an ID number arriving with
 * another name, sex or birth date (identity; held, never an update), or a deleted person (deleted;
 * not re-added unless the clerk says so).
 */
export const conflictSchema = z.object({
  kind: z.enum(['edited', 'identity', 'deleted']),
  sheet: z.string().nullable(),
  row: z.number().int(),
  table: tableSchema,
  recordId: z.string(),
  label: z.string(),
  field: z.string().nullable(),
  fieldLabel: z.string().nullable(),
  countyValue: z.string(),
  fileValue: z.string(),
  /** What the commit will do: keep the county's value / hold the row, or take the file's */
  take: z.enum(['county', 'file']),
});
export type ImportConflict = z.infer<typeof conflictSchema>;

/** The clerk's answers to what a preview asked, sent back with the next preview and kept for the commit */
export const importDecisionsSchema = z.object({
  units: z.array(z.object({ name: z.string(), action: z.enum(['create', 'link', 'skip']), unitId: z.string().optional() })).max(5000).optional(),
  /** Value mappings; remembered in the census on commit, for later imports and pastes. code null forgets one */
  values: z.array(z.object({ table: tableSchema, field: z.string(), value: z.string(), code: z.string().nullable() })).max(5000).optional(),
  fills: z.array(z.object({ file: z.string(), sheet: z.string().nullable(), field: z.string(), value: z.string().nullable() })).max(1000).optional(),
  conflicts: z.array(z.object({ recordId: z.string(), field: z.string().nullable(), take: z.enum(['county', 'file']) })).max(100_000).optional(),
});
export type ImportDecisions = z.infer<typeof importDecisionsSchema>;

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
  /** Units this file's rows name first that the import creates */
  unitsAdded: z.number().int(),
  unmapped: z.array(unmappedValueSchema),
  derived: z.array(derivedCountSchema),
  missingColumns: z.array(missingColumnSchema),
  conflicts: z.array(conflictSchema),
  conflictsTotal: z.number().int(),
  held: z.number().int(),
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
  newUnits: z.array(newUnitSchema),
  decisions: importDecisionsSchema,
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
  unitsAdded: z.number().int(),
  unitsAddedNames: z.array(z.string()),
  /** Values of coded columns no code or mapping matched: left as text and flagged */
  unmapped: z.array(unmappedValueSchema),
  derived: z.array(derivedCountSchema),
  conflicts: z.array(conflictSchema),
  held: z.number().int(),
});
export type FileResult = z.infer<typeof fileResultSchema>;

export const importResultSchema = z.object({
  /** The import's entry in the import history (null when nothing was written) */
  importId: z.string().nullable(),
  files: z.array(fileResultSchema),
  added: z.number().int(),
  updated: z.number().int(),
  unitsAdded: z.number().int(),
});

/** One import in the import history */
export const importBatchSchema = z.object({
  id: z.string(),
  at: z.string(),
  operator: z.string(),
  files: z.array(z.object({ file: z.string(), added: z.number().int(), updated: z.number().int(), unitsAdded: z.number().int(), openIssues: z.number().int() })),
  undoneAt: z.string().nullable(),
  /** Why it cannot be undone now, or null when it can */
  undoBlocked: z.string().nullable(),
});
export type ImportBatch = z.infer<typeof importBatchSchema>;
export type ImportResult = z.infer<typeof importResultSchema>;

const taskId = z.string().min(1).max(100);

export const ioMethods = {
  /**
   * A picked file's bytes, held in memory by the core for the calls that name it by `uploadId`
   * (preview, then commit or merge). Not JSON: the bridge takes it on its own route, Electron as a Uint8Array.
   */
  /** A file an earlier call built (see fileRefSchema), as bytes; Electron's way, the browser's is DOWNLOAD_ROUTE */
  'files.download': method(z.object({ downloadId: z.string() }), z.object({ name: z.string(), data: z.instanceof(Uint8Array) })),
  'files.upload': method(
    z.object({ name: z.string().trim().min(1).max(255), data: z.instanceof(Uint8Array).refine((d) => d.byteLength <= MAX_UPLOAD_BYTES, '文件过大（上限 1 GB）') }),
    z.object({ uploadId: z.string(), size: z.number().int() }),
  ),
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
      decisions: importDecisionsSchema.optional(),
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
    z.object({ file: z.string().optional(), files: z.array(z.string()).max(200).optional(), taskId: taskId.optional() }),
    // Kept on disk and fetched by id, as the exports: a census-size report is tens of megabytes
    fileRefSchema.extend({ rows: z.number().int() }),
  ),
  /** Every import, newest first, with whether it can be undone */
  'io.imports.list': method(z.object({}), z.array(importBatchSchema)),
  /** Undoes one import as one step; refused with the reason when records it touched were edited since */
  'io.imports.undo': method(z.object({ importId: z.string() }), z.object({ removed: z.number().int(), restored: z.number().int() })),
  /** The census's remembered value mappings (学历「普高毕业」→ 普通高级中学 …) */
  'io.valueMappings.list': method(z.object({}), z.array(z.object({ table: tableSchema, field: z.string(), value: z.string(), code: z.string(), label: z.string() }))),
  /** Every record as .xlsx (both tables) or .csv (one table), with labels or codes; or .parquet (one table, typed, codes and labels) */
  'io.export': method(
    z.object({
      format: z.enum(['xlsx', 'csv', 'parquet']), codes: z.boolean().default(false), table: tableSchema.default('person'),
      /** Progress events carry it, and io.cancel stops the export by it (nothing is kept then) */
      taskId: taskId.optional(),
    }),
    /** clipped: cells over Excel's 32,767 characters, cut with a note in the cell; untyped: Parquet values not valid for their typed column, left empty */
    fileRefSchema.extend({ rows: z.number().int(), clipped: z.number().int().optional(), untyped: z.number().int().optional() }),
  ),
} as const;
