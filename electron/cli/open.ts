/** Opening the database a CLI command names, with the checks that keep foreign files untouched. */
import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { scratchDir } from '../core/fs/scratch';
import type { MethodInput, MethodName, MethodOutput } from '../../shared/api/contract';
import { ApiError } from '../../shared/api/errors';
import { openCoreForFile, type FileCore } from '../core/app';

export function openExisting(dbPath: string): FileCore {
  if (!existsSync(dbPath)) throw new ApiError('not_found', `找不到数据库文件：${dbPath}`);
  return openCoreForFile(dbPath);
}

/** Opens, runs `fn`, and always closes: a CLI run never leaves the file locked. */
export async function withCore<T>(dbPath: string, fn: (core: FileCore) => T | Promise<T>): Promise<T> {
  const core = openExisting(dbPath);
  try {
    return await fn(core);
  } finally {
    core.close();
  }
}

/**
 * For a command that needs no census (`verify` without --db): an empty one in a temp folder, removed
 * afterwards, so the command still goes through the contract.
 */
export async function withScratchCore<T>(fn: (core: FileCore) => T | Promise<T>): Promise<T> {
  const dir = scratchDir('cli');
  try {
    const core = openCoreForFile(join(dir, 'scratch.sqlite'), { create: true });
    try {
      return await fn(core);
    } finally {
      core.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Calls a contract method and unwraps its reply: the CLI goes through the same dispatch as the UI,
 * the local one, which also admits the methods that take file paths.
 */
export async function call<M extends MethodName>(core: FileCore, method: M, payload: MethodInput<M>): Promise<MethodOutput<M>> {
  const reply = await core.localDispatch(method, payload);
  if (!reply.ok) throw new ApiError(reply.error.code, reply.error.message, reply.error.details);
  // dispatch has parsed the result with this method's output schema
  return reply.result as MethodOutput<M>;
}
