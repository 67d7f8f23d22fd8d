/**
 * Writing output files safely: everything goes to a temporary name beside the target and is renamed
 * into place only when complete, so a failed or cancelled export never leaves half a file under the
 * name the user asked for (nor destroys an older file of that name). Also the streaming .xlsx writer
 * the exports and the error report share, and the wait that keeps its XML from piling up in memory.
 */
import { randomUUID } from 'node:crypto';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import ExcelJS from 'exceljs';
import { ApiError } from '../../../../shared/api/errors';

function outputError(target: string, e: unknown): ApiError {
  if (e instanceof ApiError) return e;
  const code = (e as NodeJS.ErrnoException).code;
  const why = code === 'EACCES' || code === 'EPERM' ? '没有写入权限' : code === 'ENOSPC' ? '磁盘空间不足' : code === 'ENOENT' ? '文件夹不存在' : code === 'ENOTDIR' ? '路径中的文件夹其实是一个文件' : code === 'EISDIR' ? '这是一个文件夹' : code === 'EBUSY' ? '文件正被其他程序（如 Excel）打开' : (code ?? String(e));
  return new ApiError('invalid_file', `无法写入「${target}」：${why}`, { reason: code ?? 'write_failed' });
}

/** Runs `write(tmp)` and renames the result onto `target`; on failure nothing is left behind. */
export async function writeAtomically<T>(target: string, write: (tmp: string) => Promise<T>): Promise<T> {
  const dir = path.dirname(path.resolve(target));
  const tmp = path.join(dir, `.${path.basename(target)}.${randomUUID().slice(0, 8)}.tmp`);
  try {
    await mkdir(dir, { recursive: true });
    const result = await write(tmp);
    await rename(tmp, target);
    return result;
  } catch (e) {
    await rm(tmp, { force: true }).catch(() => undefined);
    throw outputError(target, e);
  }
}

export async function writeBufferAtomically(target: string, data: Buffer): Promise<void> {
  await writeAtomically(target, (tmp) => writeFile(tmp, data));
}

/**
 * A streaming .xlsx writer (exceljs WorkbookWriter) on `file`. Styles cost a lookup per cell (a
 * third of a 100k-row export), so only files that need them (fills, comments' cells) turn them on.
 */
export function streamingWorkbook(file: string, opts: { styles: boolean }): ExcelJS.stream.xlsx.WorkbookWriter {
  return new ExcelJS.stream.xlsx.WorkbookWriter({ filename: file, useStyles: opts.styles, useSharedStrings: false });
}

/** A zip entry's input stream as exceljs wires it */
interface Backlogged {
  writableLength?: number;
  _writableState?: { length: number };
  once(event: 'drain', cb: () => void): unknown;
}

/** The zip entry's input a sheet writes into: a PassThrough of readable-stream 2 (no writableLength) */
function sheetInput(ws: unknown): Backlogged | undefined {
  return (ws as { stream?: { pipes?: Backlogged[] } }).stream?.pipes?.[0];
}

/** Bytes of a sheet's XML written but not yet taken by the compressor (undefined: not wired as expected) */
export function sheetBacklog(ws: unknown): number | undefined {
  const into = sheetInput(ws);
  return into ? backlogOf(into) : undefined;
}

function backlogOf(into: Backlogged): number {
  return into.writableLength ?? into._writableState?.length ?? 0;
}

/** Sheet XML waiting for the compressor beyond which a writer waits for it */
const SHEET_BACKLOG_BYTES = 32 * 1024 * 1024;

/**
 * exceljs's streaming writer hands each sheet's XML to the zip compressor without waiting for it
 * (its StreamBuf ignores backpressure), so when rows come faster than zlib deflates them the XML
 * piles up uncompressed: 1.4 GB of buffers for a 1M-person province (bench/README.md, session 16).
 * Waits until the compressor's input is back under SHEET_BACKLOG_BYTES; the exports and the error
 * report call it every 1,024 rows.
 */
export async function sheetDrained(ws: ExcelJS.stream.xlsx.WorkbookWriter['worksheets'][number], limit = SHEET_BACKLOG_BYTES): Promise<void> {
  const into = sheetInput(ws);
  while (into && backlogOf(into) > limit) {
    await new Promise<void>((resolve) => into.once('drain', resolve));
  }
}
