/**
 * Failures that are not ApiErrors, in words a clerk can act on: another program writing the file,
 * a full disk, a record that already exists, files that cannot be opened. Used by the dispatch and
 * the CLI, so no raw SQLite or errno text (and no stack trace) reaches a person.
 */
import { ZodError } from 'zod';
import { ApiError, type ApiErrorShape } from '../../shared/api/errors';
import { isBusy } from './db';

export const BUSY_MESSAGE = '另一程序正在写入这个统计调查文件（例如命令行导入或另一个窗口），请等它完成后再试。本次没有写入任何数据';
export const DISK_FULL_MESSAGE = '磁盘空间不足，无法写入。请清理磁盘（或把统计调查文件放到空间充足的位置）后重试；本次没有写入任何数据';

export function plainFailure(e: unknown): ApiErrorShape {
  if (e instanceof ApiError) return e.toJSON();
  const code = String((e as { code?: unknown } | null)?.code ?? '');
  const msg = e instanceof Error ? e.message : String(e);
  if (isBusy(e) || /database is locked/i.test(msg)) return { code: 'busy', message: BUSY_MESSAGE };
  if (code === 'SQLITE_FULL' || code === 'ENOSPC' || /disk is full|no space left/i.test(msg)) return { code: 'disk_full', message: DISK_FULL_MESSAGE };
  if (code.startsWith('SQLITE_CONSTRAINT_UNIQUE') || code.startsWith('SQLITE_CONSTRAINT_PRIMARYKEY'))
    return { code: 'conflict', message: '要写入的记录已经存在（可能另一程序刚写入了同样的数据），本次没有写入。请刷新后再看一下，如仍需修改请重试' };
  if (code === 'SQLITE_READONLY' || code === 'EACCES' || code === 'EPERM' || code === 'EROFS')
    return { code: 'forbidden', message: '没有权限写入这个文件或文件夹（可能是只读的U盘或受保护的目录）。请把文件复制到可写的位置后再试' };
  if (code === 'SQLITE_CORRUPT' || code === 'SQLITE_NOTADB')
    return { code: 'internal', message: '统计调查文件已损坏，无法读写。请在“备份”中恢复最近的备份' };
  if (code === 'SQLITE_IOERR' || code.startsWith('SQLITE_IOERR_') || code === 'EIO')
    return { code: 'internal', message: '读写磁盘时出错（可能是U盘被拔出或磁盘故障）。请检查存储设备后重试；本次没有写入任何数据' };
  if (e instanceof ZodError) return { code: 'bad_input', message: `输入有误：${e.issues[0]?.message ?? ''}` };
  return { code: 'internal', message: `程序内部错误：${msg}` };
}
