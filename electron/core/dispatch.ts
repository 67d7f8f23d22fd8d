/**
 * One dispatch for every transport: method name + raw payload → parse input → handler → parse output.
 * Errors always come back as `{ code, message, details }`; nothing else crosses the boundary.
 */
import { z, ZodError } from 'zod';
import { contract, isLocalMethodName, isMethodName, type MethodName, type MethodOutput, type ParsedInput } from '../../shared/api/contract';
import { ApiError, type Reply } from '../../shared/api/errors';
import { plainFailure } from './failure';

// Refusals of bad input are shown to clerks: zod's own messages in Chinese.
z.config(z.locales.zhCN());

export type Handlers = { [M in MethodName]: (input: ParsedInput<M>) => MethodOutput<M> | Promise<MethodOutput<M>> };
export type Dispatch = (method: string, payload: unknown) => Promise<Reply>;

function zodDetails(e: ZodError) {
  return e.issues.map((i) => ({ path: i.path.join('.'), message: i.message }));
}

export interface DispatchOptions {
  /**
   * Admit the methods that take file paths (shared/api/methods/local.ts). Only the CLI's dispatch
   * does: the window and the browser hand over uploads and never name files on this computer.
   */
  local?: boolean;
}

export function createDispatch(handlers: Handlers, onInternalError: (e: unknown) => void = () => {}, opts: DispatchOptions = {}): Dispatch {
  return async (method, payload) => {
    if (!isMethodName(method)) {
      return { ok: false, error: { code: 'unknown_method', message: `未知的操作：${String(method)}` } };
    }
    if (isLocalMethodName(method) && !opts.local) {
      return { ok: false, error: { code: 'forbidden', message: `该操作只能在本机命令行中使用：${method}` } };
    }
    const spec = contract[method];
    const input = spec.input.safeParse(payload ?? {});
    if (!input.success) {
      const first = input.error.issues[0];
      return {
        ok: false,
        error: { code: 'bad_input', message: `输入有误：${first?.message ?? ''}`, details: zodDetails(input.error) },
      };
    }
    try {
      const handler = handlers[method] as (i: unknown) => unknown;
      const result = await handler(input.data);
      const output = spec.output.safeParse(result);
      if (!output.success) {
        onInternalError(output.error);
        return { ok: false, error: { code: 'bad_output', message: '程序内部错误：返回数据不符合约定', details: zodDetails(output.error) } };
      }
      return { ok: true, result: output.data };
    } catch (e) {
      if (e instanceof ApiError) return { ok: false, error: e.toJSON() };
      const error = plainFailure(e);
      if (error.code === 'internal') onInternalError(e);
      return { ok: false, error };
    }
  };
}
