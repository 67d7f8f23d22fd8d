/**
 * Reading stage of an import: every sheet of every file → header row, column mapping, skipped rows
 * and normalised row data (io/stage.ts, as the parsing worker hands the rows over). Nothing here touches the database;
 * the result can be re-planned against the current database as often as needed (preview, then commit).
 */
import { ApiError } from '../../../../shared/api/errors';
import { stageFileIsolated } from '../../worker/sheets';
import type { InputFile } from './read';
import type { StagedFile, StageSpec } from './stage';
import type { Task } from './tasks';

export type { SkippedRange, StagedFile, StagedRow, StagedSheet, StageSpec } from './stage';

export interface ParseOptions {
  /** Header memory, sheet choices, townships and value mappings, as plain data */
  spec: StageSpec;
  task: Task;
  /** Bytes of all files before this one, and of all files together, for one progress bar */
  bytesBefore: number;
  bytesTotal: number;
}

/** Reads one file completely; throws 'invalid_file' for anything that is not a readable spreadsheet. */
export async function parseFile(input: InputFile, opts: ParseOptions): Promise<StagedFile> {
  const { task } = opts;
  let rows = 0;
  const label = `正在读取「${input.name}」`;
  task.progress(label, opts.bytesBefore, opts.bytesTotal, 'read');
  // Parsed in a worker thread (a hostile file exhausts the worker, never this process) and staged
  // here as the rows arrive, so the parse and the normalising run on two cores.
  const read = await stageFileIsolated(input, opts.spec, (n, bytes) => {
    rows += n;
    task.progress(`${label}（已读 ${rows} 行）`, opts.bytesBefore + bytes, opts.bytesTotal, 'read');
    return task.breathe();
  });
  const staged: StagedFile = { name: input.name, format: read.format, encoding: read.encoding, sheets: read.sheets };
  task.progress(label, opts.bytesBefore + input.data.length, opts.bytesTotal, 'read');
  const excluded = opts.spec.choices.some((c) => c.file === input.name && c.table === null);
  if (!staged.sheets.some((s) => s.table) && !excluded) {
    const why = staged.sheets.length === 1 ? staged.sheets[0]!.note : staged.sheets.map((s) => `「${s.name}」${s.note ?? ''}`).join('；');
    throw new ApiError('invalid_file', `无法导入「${input.name}」：没有找到可导入的人员或单位表格。${why ?? ''}`, { file: input.name, reason: 'no_table' });
  }
  return staged;
}
