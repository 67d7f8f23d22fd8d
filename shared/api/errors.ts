import { z } from 'zod';

/** Every failure crosses the contract in this shape; the UI shows `message` (Chinese). */
export const apiErrorSchema = z.object({
  code: z.string(),
  message: z.string(),
  details: z.unknown().optional(),
});
export type ApiErrorShape = z.infer<typeof apiErrorSchema>;

export type ErrorCode =
  | 'bad_input' // payload failed the method's input schema
  | 'bad_output' // a service returned something its output schema refuses: a bug
  | 'unknown_method'
  | 'not_setup' // no census yet
  | 'not_found'
  | 'conflict'
  | 'invalid_file'
  | 'forbidden'
  | 'cancelled'
  | 'internal'
  // Codes relayed from the other side of a transport keep their text.
  | (string & {});

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
