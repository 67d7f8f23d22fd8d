/**
 * Writing output files safely: everything goes to a temporary name beside the target and is renamed
 * into place only when complete, so a failed or cancelled export never leaves half a file under the
 * name the user asked for (nor destroys an older file of that name).
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
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

/** For the UI: build a file in a private temp dir and return its bytes. */
export async function buildInTemp<T>(fileName: string, write: (file: string) => Promise<T>): Promise<{ data: Buffer; result: T }> {
  const dir = mkdtempSync(path.join(tmpdir(), 'headcount-out-'));
  try {
    const file = path.join(dir, fileName);
    const result = await write(file);
    return { data: readFileSync(file), result };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * A streaming .xlsx writer (exceljs WorkbookWriter) on `file`. Styles cost a lookup per cell (a
 * third of a 100k-row export), so only files that need them (fills, comments' cells) turn them on.
 */
export function streamingWorkbook(file: string, opts: { styles: boolean }): ExcelJS.stream.xlsx.WorkbookWriter {
  return new ExcelJS.stream.xlsx.WorkbookWriter({ filename: file, useStyles: opts.styles, useSharedStrings: false });
}
