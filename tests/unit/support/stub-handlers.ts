/** A core for transport tests: every contract method answers not_found unless a test gives its own handler */
import { methodNames } from '../../../shared/api/contract';
import { ApiError } from '../../../shared/api/errors';
import type { Handlers } from '../../../electron/core/dispatch';

export function stubHandlers(overrides: Partial<Handlers>): Handlers {
  const notHere = (): never => {
    throw new ApiError('not_found', '测试中未实现');
  };
  const all = Object.fromEntries(methodNames.map((m) => [m, notHere])) as unknown as Handlers;
  return { ...all, ...overrides };
}
