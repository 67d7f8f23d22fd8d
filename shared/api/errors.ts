import { z } from 'zod';

/** Every code a failure may carry: a closed list, so a typo or a new code is a type error, not a string */
export const ERROR_CODES = [
  'bad_input', // payload failed the method's input schema
  'bad_output', // a service returned something its output schema refuses: a bug
  'unknown_method',
  'not_setup', // no census yet
  'not_found',
  'conflict',
  'invalid_file',
  'forbidden',
  'cancelled',
  'unsupported',
  'busy', // another process holds the census file's write lock
  'disk_full',
  'internal',
  // the app's census file is not usable (workspace states)
  'db_unavailable',
  'db_damaged',
  'db_locked',
  'db_missing',
  // made by the renderer's client when the transport fails
  'bad_reply',
  'network',
] as const;
export const errorCodeSchema = z.enum(ERROR_CODES);
export type ErrorCode = z.infer<typeof errorCodeSchema>;

/** Every failure crosses the contract in this shape; the UI shows `message` (Chinese). */
export const apiErrorSchema = z.object({
  code: errorCodeSchema,
  message: z.string(),
  details: z.unknown().optional(),
});
export type ApiErrorShape = z.infer<typeof apiErrorSchema>;

export class ApiError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'ApiError';
  }
  toJSON(): ApiErrorShape {
    return this.details === undefined
      ? { code: this.code, message: this.message }
      : { code: this.code, message: this.message, details: this.details };
  }
}

export type Reply<T = unknown> = { ok: true; result: T } | { ok: false; error: ApiErrorShape };

export const replySchema = z.union([
  z.object({ ok: z.literal(true), result: z.unknown() }),
  z.object({ ok: z.literal(false), error: apiErrorSchema }),
]);
