/** Opening the database a CLI command names, with the checks that keep foreign files untouched. */
import { existsSync } from 'node:fs';
import type { MethodInput, MethodName, MethodOutput } from '../../shared/api/contract';
import { ApiError } from '../../shared/api/errors';
import { openCoreForFile, type Core } from '../core/app';

export function openExisting(dbPath: string): Core {
  if (!existsSync(dbPath)) throw new ApiError('not_found', `找不到数据库文件：${dbPath}`);
  return openCoreForFile(dbPath);
}

/** Opens, runs `fn`, and always closes: a CLI run never leaves the file locked. */
export async function withCore<T>(dbPath: string, fn: (core: Core) => T | Promise<T>): Promise<T> {
  const core = openExisting(dbPath);
  try {
    return await fn(core);
  } finally {
    core.close();
  }
}

/** Calls a contract method and unwraps its reply, so the CLI goes through the same dispatch as the UI. */
export async function call<M extends MethodName>(core: Core, method: M, payload: MethodInput<M>): Promise<MethodOutput<M>> {
  const reply = await core.dispatch(method, payload);
  if (!reply.ok) throw new ApiError(reply.error.code, reply.error.message, reply.error.details);
  // dispatch has parsed the result with this method's output schema
  return reply.result as MethodOutput<M>;
}
