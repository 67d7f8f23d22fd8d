/** Return packages: export, verify, merge, keys, completeness, duplicates. */
import { z } from 'zod';
import { recordDataSchema } from '../../census/schema';
import { levelSchema } from '../../census/level';
import { method } from '../common';
import { fileBytes, fileRefSchema, ONE_SOURCE_MESSAGE, oneSource } from './io';

const level = levelSchema;
const int = z.number().int();

/** A package file travelling through the contract: an upload, or the bytes the CLI read from disk */
export const packageFileInput = z.object({
  name: z.string().min(1).max(255),
  ...fileBytes,
  // No cap: the CLI hands over a whole province's package read from disk (the bridge caps a call at 50 MB).
  dataBase64: z.string().optional(),
  passphrase: z.string().max(1000).optional(),
}).refine(oneSource, ONE_SOURCE_MESSAGE);

export const trustApproval = z.object({
  areaCode: z.string().regex(/^\d{6}$/),
  /** Full SHA-256 hex of the signer's public key, as `fingerprintHex` in a preview result */
  fingerprint: z.string().regex(/^[0-9a-fA-F]{64}$/),
});

const counts3 = z.object({ added: int, replaced: int, removed: int });

/**
 * Why a package was refused (or left unchanged, or needs a trust decision), judged against this
 * census: a closed list, so the renderer compares against names the compiler knows. The file-level
 * problems (damaged, tampered, not a package) are one reason, `invalid_package`; the message says which.
 */
export const MERGE_REASONS = {
  not_upper_level: '区县级不能合并',
  ref_date: '统计时点不同',
  outside_area: '不属于本级的下级地区',
  record_outside: '记录的地区不属于报送地区',
  untrusted_key: '签名密钥尚未登记',
  key_changed: '签名密钥已更换',
  same_package: '已经合并过',
  same_id_different_content: '编号相同而内容不同',
  older_sequence: '较旧的上报',
  same_sequence: '同一次上报内容不同',
  overlap: '地区与已合并的重叠',
  id_conflict: '证件号码冲突',
  passphrase_required: '需要口令',
  wrong_passphrase: '口令不对',
  invalid_package: '上报包无效或已损坏',
  cancelled: '已取消',
  changed: '合并期间数据库被修改',
  failed: '未能合并',
} as const;
export const mergeReasonSchema = z.enum(Object.keys(MERGE_REASONS) as [keyof typeof MERGE_REASONS, ...(keyof typeof MERGE_REASONS)[]]);
export type MergeReason = z.infer<typeof mergeReasonSchema>;

export function isMergeReason(s: unknown): s is MergeReason {
  return typeof s === 'string' && Object.prototype.hasOwnProperty.call(MERGE_REASONS, s);
}

export const mergeResultSchema = z.object({
  file: z.string(),
  area: z.string().nullable(),
  areaName: z.string().nullable(),
  level: level.nullable(),
  sequence: int.nullable(),
  packageId: z.string().nullable(),
  officeName: z.string().nullable(),
  /** preview: ready | unchanged | refused; merge: merged | unchanged | refused */
  status: z.enum(['ready', 'merged', 'unchanged', 'refused']),
  /** Machine-readable cause of a refusal (untrusted_key, key_changed, older_sequence, …), see MERGE_REASONS */
  reason: mergeReasonSchema.nullable(),
  /** Persons added / replaced / removed */
  added: int,
  replaced: int,
  removed: int,
  units: counts3,
  duplicatesHeld: int,
  message: z.string(),
  encrypted: z.boolean(),
  trust: z.enum(['trusted', 'new', 'changed']).nullable(),
  /** Signer fingerprint as read over the phone (8 groups of 4 hex digits) */
  fingerprint: z.string().nullable(),
  fingerprintHex: z.string().nullable(),
  knownFingerprint: z.string().nullable(),
});
export type MergeResult = z.infer<typeof mergeResultSchema>;

export const verifyResultSchema = z.object({
  file: z.string(),
  ok: z.boolean(),
  problems: z.array(z.string()),
  encrypted: z.boolean(),
  package: z
    .object({
      packageId: z.string(),
      areaCode: z.string(),
      areaName: z.string(),
      level,
      refDate: z.string(),
      officeName: z.string(),
      sequence: int,
      createdAt: z.string(),
      appVersion: z.string(),
      persons: int,
      units: int,
      explanations: int,
      sources: int,
    })
    .nullable(),
  fingerprint: z.string().nullable(),
  fingerprintHex: z.string().nullable(),
  /** null when verified without a census to compare with */
  trust: z.enum(['trusted', 'new', 'changed']).nullable(),
});
export type VerifyResult = z.infer<typeof verifyResultSchema>;

const packageInfo = z.object({
  packageId: z.string(),
  areaCode: z.string(),
  areaName: z.string(),
  level,
  sequence: int,
  officeName: z.string(),
  createdAt: z.string(),
  receivedAt: z.string(),
  fingerprint: z.string(),
  persons: int,
  units: int,
  errors: int,
  warnings: int,
  unexplainedWarnings: int,
});

export const boardRowSchema = z.object({
  areaCode: z.string(),
  areaName: z.string(),
  level,
  /**
   * partial: its own package says areas below it had not reported (see `below`), or only some areas
   * below it have sent packages straight to this level (all of them: received)
   */
  status: z.enum(['received', 'zero', 'missing', 'partial']),
  packages: z.array(packageInfo),
  /**
   * The areas below the sub-area and which of them its return includes: what its own merged package says,
   * or, with no package of its own, which of them sent packages straight here (null: a county, or an older
   * package). `missing`: 6-digit codes; `missingNames`: their names, in the same order.
   */
  below: z.object({ expected: int, included: int, missing: z.array(z.string()), missingNames: z.array(z.string()) }).nullable(),
  /** 审核退回: items sent to this sub-area, and how many came back answered */
  feedback: z.object({ sent: int, answered: int }),
  persons: int,
  units: int,
  errors: int,
  warnings: int,
  unexplainedWarnings: int,
});

const unexplainedItem = z.object({
  table: z.enum(['person', 'unit']),
  recordId: z.string(),
  field: z.string(),
  rule: z.string(),
  message: z.string(),
  recordLabel: z.string(),
});

const decisionSchema = z.object({
  chosenArea: z.string(),
  chosenAreaName: z.string().nullable(),
  reason: z.string(),
  operator: z.string(),
  at: z.string(),
  decidedBy: z.string(),
  source: z.enum(['own', 'package']),
});

export const packageMethods = {
  /** Own fingerprint (the key pair is created on first use) and the register of trusted sub-area keys */
  'packages.keys': method(
    z.object({ create: z.boolean().default(true) }),
    z.object({
      own: z.object({ fingerprint: z.string(), createdAt: z.string() }).nullable(),
      trusted: z.array(
        z.object({
          areaCode: z.string(),
          areaName: z.string(),
          fingerprint: z.string(),
          officeName: z.string(),
          trustedAt: z.string(),
          trustedBy: z.string(),
          current: z.boolean(),
          replacedAt: z.string().nullable(),
        }),
      ),
    }),
  ),
  /** What an export would do now: refused for errors, confirmation for unexplained warnings */
  'packages.exportCheck': method(
    z.object({}),
    z.object({
      canExport: z.boolean(),
      errors: int,
      warnings: int,
      unexplainedWarnings: int,
      /** The first unexplained warnings, for the confirmation list */
      unexplained: z.array(unexplainedItem),
      pendingDuplicates: int,
      persons: int,
      units: int,
      nextSequence: int,
      fingerprint: z.string().nullable(),
      sources: int,
      /** Sub-areas that have not reported (未报): exporting needs allowIncomplete */
      missing: z.array(z.object({ areaCode: z.string(), areaName: z.string() })),
      /** Sub-areas whose return is partial */
      partial: z.array(z.object({ areaCode: z.string(), areaName: z.string() })),
    }),
  ),
  'packages.export': method(
    z.object({
      passphrase: z.string().min(8, '口令至少8个字符').max(1000).optional(),
      confirmUnexplained: z.boolean().default(false),
      /** Confirmed: send a merged return although some sub-areas have not reported */
      allowIncomplete: z.boolean().default(false),
      taskId: z.string().max(100).optional(),
    }),
    fileRefSchema.extend({
      packageId: z.string(),
      sequence: int,
      persons: int,
      units: int,
      bytes: int,
      encrypted: z.boolean(),
      fingerprint: z.string(),
    }),
  ),
  'packages.verify': method(
    z.object({ files: z.array(packageFileInput).min(1).max(500) }),
    z.object({ results: z.array(verifyResultSchema) }),
  ),
  /** What merging these files would add, replace and remove; nothing is written */
  'packages.preview': method(
    z.object({
      files: z.array(packageFileInput).min(1).max(500),
      trustKeys: z.array(trustApproval).default([]),
      /** Progress events name each package as it is checked (a province's hundred take seconds) */
      taskId: z.string().max(100).optional(),
    }),
    z.object({ results: z.array(mergeResultSchema) }),
  ),
  /** Each file all-or-nothing, in order of area and sequence */
  'packages.merge': method(
    z.object({
      files: z.array(packageFileInput).min(1).max(500),
      trustKeys: z.array(trustApproval).default([]),
      /** Trust the key of an area not seen before without a listed approval (`merge --trust-new-keys`); a changed key still needs one */
      trustNewKeys: z.boolean().default(false),
      /** false: skip counting the pending duplicates (0 is returned), for a caller merging file by file */
      countPending: z.boolean().default(true),
      taskId: z.string().max(100).optional(),
    }),
    z.object({ results: z.array(mergeResultSchema), pendingDuplicates: int }),
  ),
  /** Registers (or replaces) the signing key of a sub-area's package, after its fingerprint was checked by phone */
  'packages.trust': method(
    z.object({ file: packageFileInput }),
    z.object({
      areaCode: z.string(),
      areaName: z.string(),
      officeName: z.string(),
      fingerprint: z.string(),
      /** The key it replaces, or null */
      previous: z.string().nullable(),
      /** It was already the trusted key: nothing changed */
      already: z.boolean(),
    }),
  ),
  /** 报送情况: the expected sub-areas and what has arrived */
  'packages.board': method(
    /**
     * quick: the board as a merge goes, without the persons reported by two areas — finding them reads every ID
     * number, which takes seconds while a province's bulk merge has dropped their index (counted and pending null)
     */
    z.object({ quick: z.boolean().default(false) }),
    z.object({
      areaCode: z.string(),
      areaName: z.string(),
      level,
      canMerge: z.boolean(),
      rows: z.array(boardRowSchema),
      totals: z.object({ expected: int, received: int, zero: int, partial: int, missing: int }),
      persons: int,
      countedPersons: int.nullable(),
      units: int,
      pendingDuplicates: int.nullable(),
    }),
  ),
  'packages.history': method(
    z.object({}),
    z.object({
      received: z.array(packageInfo.omit({ errors: true, warnings: true, unexplainedWarnings: true }).extend({ status: z.enum(['current', 'superseded']), fileName: z.string() })),
      exports: z.array(z.object({ sequence: int, packageId: z.string(), fileName: z.string(), persons: int, units: int, encrypted: z.boolean(), operator: z.string(), startedAt: z.string(), finishedAt: z.string().nullable() })),
    }),
  ),
  'packages.duplicates': method(
    z.object({
      status: z.enum(['pending', 'decided']).optional(),
      offset: int.min(0).default(0),
      limit: int.min(1).max(1000).default(50),
    }),
    z.object({
      total: int,
      pending: int,
      decided: int,
      items: z.array(
        z.object({
          idNumber: z.string(),
          status: z.enum(['pending', 'decided']),
          areas: z.array(z.object({ code: z.string(), name: z.string() })),
          records: z.array(
            z.object({
              id: z.string(),
              areaCode: z.string(),
              areaName: z.string(),
              originArea: z.string().nullable(),
              originAreaName: z.string().nullable(),
              data: recordDataSchema.person.partial(),
              unitName: z.string().nullable(),
              townshipName: z.string().nullable(),
              /** null while pending */
              counted: z.boolean().nullable(),
            }),
          ),
          decision: decisionSchema.nullable(),
          staleDecision: decisionSchema.nullable(),
        }),
      ),
    }),
  ),
  'packages.decideDuplicate': method(
    z.object({
      idNumber: z.string().min(1).max(30),
      /** The area code whose record counts, or 'error' (not the same person: every record counts) */
      chosenArea: z.string().regex(/^(\d{6}|error)$/, '请选择计入的地区'),
      reason: z.string().trim().min(1, '请填写理由').max(500),
    }),
    z.object({ ok: z.literal(true), pending: int }),
  ),
} as const;
