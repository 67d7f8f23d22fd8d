/**
 * 审核退回 feedback files (.hcfb): the 核实意见 an upper level sends one sub-area. A small signed JSON
 * file: `payload` is the exact JSON text that was signed (so no re-serialisation can break the
 * signature), `signature` is the sending office's Ed25519 signature over its UTF-8 bytes, with the same
 * key and fingerprint as its return packages.
 */
import { z } from 'zod';

export const FEEDBACK_FORMAT = 'headcount-feedback';
export const FEEDBACK_SCHEMA_VERSION = 1;
export const FEEDBACK_EXTENSION = '.hcfb';
/** A feedback file is questions, not data: far below this */
export const FEEDBACK_MAX_BYTES = 16 * 1024 * 1024;

const uuid = z.string().regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
const areaCode = z.string().regex(/^\d{6}$/);

export const feedbackItemSchema = z.object({
  id: uuid,
  /** null with recordId null: a question about the whole return */
  table: z.enum(['person', 'unit']).nullable(),
  recordId: z.string().max(100).nullable(),
  recordLabel: z.string().max(200),
  question: z.string().min(1).max(2000),
  askedBy: z.string().max(100),
  askedAt: z.string().max(40),
});
export type FeedbackItem = z.infer<typeof feedbackItemSchema>;

export const feedbackPayloadSchema = z.object({
  format: z.literal(FEEDBACK_FORMAT),
  schemaVersion: z.literal(FEEDBACK_SCHEMA_VERSION),
  fileId: uuid,
  fromArea: areaCode,
  fromAreaName: z.string().max(200),
  fromOffice: z.string().max(200),
  toArea: areaCode,
  toAreaName: z.string().max(200),
  refDate: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
  createdAt: z.string().max(40),
  items: z.array(feedbackItemSchema).max(100_000),
});
export type FeedbackPayload = z.infer<typeof feedbackPayloadSchema>;

export const feedbackFileSchema = z.object({
  format: z.literal(FEEDBACK_FORMAT),
  payload: z.string(),
  signature: z.object({
    algorithm: z.literal('Ed25519'),
    publicKey: z.string().regex(/^[A-Za-z0-9+/]{43}=$/),
    fingerprint: z.string(),
    signature: z.string().regex(/^[A-Za-z0-9+/]{86}==$/),
  }),
});
export type FeedbackFile = z.infer<typeof feedbackFileSchema>;

/** Suggested name: who it is for, and when */
export function feedbackFileName(toArea: string, toAreaName: string, createdAt: string): string {
  const name = (toAreaName.split(' / ').pop() ?? '').replace(/[\\/:*?"<>|\s]/g, '');
  return `${toArea}${name}-核实意见-${createdAt.slice(0, 10).replace(/-/g, '')}${FEEDBACK_EXTENSION}`;
}
