/** A failure in the contract's Reply shape, as the bridge's routes and its call socket answer it */
import type { ApiErrorShape, ErrorCode, Reply } from '../../shared/api/errors';

export function errorReply(code: ErrorCode, message: string): Reply {
  const error: ApiErrorShape = { code, message };
  return { ok: false, error };
}
