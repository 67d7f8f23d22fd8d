/**
 * `datapackage.json` (a Frictionless Tabular Data Package with a `headcount` section) and the
 * detached signature beside it. Readers parse both with these schemas; unknown extra properties
 * are allowed so other tools may add their own, but every property Headcount relies on is checked.
 */
import { z } from 'zod';
import { levelSchema } from '../census/level';
import { MANIFEST_FILE, PACKAGE_FORMAT, RESOURCES } from './layout';
import type { TableSchema } from './tables';

const hex64 = z.string().regex(/^[0-9a-f]{64}$/);
const uuid = z.string().regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/, '上报包编号格式不正确');
const areaCode = z.string().regex(/^\d{6}$/);
const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/);
const count = z.number().int().min(0);

export const feedbackAnswerSchema = z.object({
  id: uuid,
  answer: z.string().max(2000),
  answeredBy: z.string(),
  answeredAt: z.string(),
});
export type FeedbackAnswer = z.infer<typeof feedbackAnswerSchema>;

export const packageLevelSchema = levelSchema;

export const sourcePackageSchema = z.object({
  packageId: uuid,
  areaCode,
  areaName: z.string(),
  level: packageLevelSchema,
  sequence: z.number().int().min(1),
  officeName: z.string(),
  createdAt: z.string(),
  signer: z.string(),
});
export type SourcePackage = z.infer<typeof sourcePackageSchema>;

export const headcountSectionSchema = z.object({
  format: z.literal(PACKAGE_FORMAT),
  /** Checked separately first, so an unknown version gets its own message */
  schemaVersion: z.number().int(),
  packageId: uuid,
  areaCode,
  areaName: z.string(),
  level: packageLevelSchema,
  refDate: isoDate,
  officeName: z.string(),
  operator: z.string(),
  sequence: z.number().int().min(1),
  createdAt: z.string(),
  appVersion: z.string(),
  divisionsVersion: z.string(),
  counts: z.object({
    persons: count,
    units: count,
    explanations: count,
    audit: count,
    decisions: count,
    /** Persons reported by two areas still awaiting a decision at the sending level */
    pendingDuplicates: count,
    errors: count,
    warnings: count,
    unexplainedWarnings: count,
  }),
  /** For a merged package: the sub-area packages it was built from (empty for a county) */
  sources: z.array(sourcePackageSchema),
  /**
   * Since version 2, merged packages only: the sub-areas the sender expected and those it had
   * received, so the level above shows a partial return as partial. Absent: complete or unknown.
   */
  coverage: z.object({ expected: z.array(areaCode), included: z.array(areaCode) }).optional(),
  /** Since version 2: answers to the level above's 核实意见 (feedback items, by their id) */
  feedbackAnswers: z.array(feedbackAnswerSchema).max(100_000).optional(),
  /** Since version 3: first year of the planning period the persons' cumulative training hours cover */
  planningStart: z.number().int().optional(),
});
export type HeadcountSection = z.infer<typeof headcountSectionSchema>;

export const resourceEntrySchema = z.looseObject({
  name: z.enum(RESOURCES.map((r) => r.name) as [string, ...string[]]),
  path: z.string(),
  profile: z.literal('tabular-data-resource'),
  format: z.literal('csv'),
  mediatype: z.literal('text/csv'),
  encoding: z.literal('utf-8'),
  /** Frictionless v1: algorithm prefix, lower-case hex */
  hash: z.string().regex(/^sha256:[0-9a-f]{64}$/, '资源校验值格式不正确'),
  bytes: count,
  rows: count,
  schema: z.looseObject({ fields: z.array(z.looseObject({ name: z.string() })) }),
  dialect: z.looseObject({}).optional(),
});
export type ResourceEntry = z.infer<typeof resourceEntrySchema>;

export const manifestSchema = z.looseObject({
  profile: z.literal('tabular-data-package'),
  name: z.string(),
  title: z.string().optional(),
  created: z.string(),
  resources: z.array(resourceEntrySchema),
  headcount: headcountSectionSchema,
});
export type Manifest = z.infer<typeof manifestSchema>;

/** What a writer puts in a resource entry (schema typed in full) */
export interface ResourceManifestEntry {
  name: string;
  path: string;
  title: string;
  profile: 'tabular-data-resource';
  format: 'csv';
  mediatype: 'text/csv';
  encoding: 'utf-8';
  hash: string;
  bytes: number;
  rows: number;
  dialect: Record<string, unknown>;
  schema: TableSchema;
}

export const signatureSchema = z.object({
  algorithm: z.literal('Ed25519'),
  signedFile: z.literal(MANIFEST_FILE),
  /** Raw 32-byte public key, base64 */
  publicKey: z.string().regex(/^[A-Za-z0-9+/]{43}=$/, '公钥格式不正确'),
  fingerprint: z.string(),
  /** 64-byte signature over the exact bytes of datapackage.json, base64 */
  signature: z.string().regex(/^[A-Za-z0-9+/]{86}==$/, '签名格式不正确'),
});
export type SignatureFile = z.infer<typeof signatureSchema>;

export const fingerprintHex = hex64;

/**
 * A key's fingerprint as people read it over the phone: the first 16 bytes of SHA-256 of the raw
 * public key, upper-case hex in groups of four (`3F2A 9C1B …`, 8 groups).
 */
export function formatFingerprint(sha256Hex: string): string {
  const h = sha256Hex.slice(0, 32).toUpperCase();
  return h.match(/.{4}/g)!.join(' ');
}
