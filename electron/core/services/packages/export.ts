/**
 * Exporting this census as a return package: refused while errors remain, unexplained warnings
 * confirmed first, the sequence raised by one per export. A merged census (city, province) exports
 * the same way, with the ids of the packages it was built from.
 */
import { randomUUID } from 'node:crypto';
import { rmSync } from 'node:fs';
import type { MethodOutput, ParsedInput } from '../../../../shared/api/contract';
import { ApiError } from '../../../../shared/api/errors';
import { issueKey } from '../../../../shared/census/issues';
import { formatFingerprint, packageFileName, type SourcePackage } from '../../../../shared/package';
import type { Snapshot } from '../../db';
import { isoNow, requireSettings, type ServiceContext } from '../context';
import { buildDownload } from '../downloads';
import { censusIssues } from '../issues';
import { decisionsForExport, duplicateGroups } from './duplicates';
import { ensureOfficeKey, ownFingerprint } from './keys';
import { coverageOf } from './coverage';
import { packageIndex } from './origins';
import { writePackage, type PackageContent } from './write';

const UNEXPLAINED_LISTED = 200;

function unexplainedWarnings(ctx: ServiceContext) {
  const all = censusIssues(ctx);
  const explanations = ctx.store.explanations.all();
  const list = all.issues.filter((i) => i.severity === 'warning' && !explanations.has(issueKey(i)));
  return { all, list };
}

export function exportCheck(ctx: ServiceContext): MethodOutput<'packages.exportCheck'> {
  requireSettings(ctx);
  const { all, list } = unexplainedWarnings(ctx);
  const last = ctx.store.packages.exports()[0];
  return {
    canExport: all.counts.error === 0,
    errors: all.counts.error,
    warnings: all.counts.warning,
    unexplainedWarnings: list.length,
    unexplained: list.slice(0, UNEXPLAINED_LISTED).map((i) => ({
      table: i.table, recordId: i.recordId, field: i.field, rule: i.rule, message: i.message, recordLabel: all.meta.get(i.recordId)?.label ?? '',
    })),
    pendingDuplicates: duplicateGroups(ctx).filter((g) => !g.decision).length,
    persons: ctx.store.persons.count(),
    units: ctx.store.units.count(),
    nextSequence: (last?.sequence ?? 0) + 1,
    fingerprint: ownFingerprint(ctx),
    sources: ctx.store.packages.current().length,
    missing: (coverageOf(ctx)?.missing ?? []).map((m) => ({ areaCode: m.areaCode, areaName: m.name })),
    partial: (coverageOf(ctx)?.rows ?? []).filter((r) => r.status === 'partial').map((r) => ({ areaCode: r.areaCode, areaName: r.name })),
  };
}

export interface ExportOptions {
  outPath: string;
  passphrase?: string | undefined;
  confirmUnexplained?: boolean;
  /** Send a merged return although some sub-areas have not reported (CLI --allow-incomplete) */
  allowIncomplete?: boolean;
  taskId?: string | undefined;
}

export interface ExportResult {
  packageId: string;
  sequence: number;
  path: string;
  fileName: string;
  bytes: number;
  persons: number;
  units: number;
  encrypted: boolean;
  fingerprint: string;
}

/** The answers to the level above's 核实意见 travel in the next package */
function answersOf(ctx: ServiceContext) {
  const answered = ctx.store.feedback.list('received').filter((f) => f.answer !== null);
  if (!answered.length) return {};
  return { feedbackAnswers: answered.map((f) => ({ id: f.id, answer: f.answer!, answeredBy: f.answeredBy ?? '', answeredAt: f.answeredAt ?? '' })) };
}

/** The name a package of this census would get for the given sequence */
export function suggestedFileName(ctx: ServiceContext, sequence: number): string {
  const s = requireSettings(ctx);
  return packageFileName(s.areaCode, s.areaName, s.refDate, sequence);
}

export async function exportPackage(ctx: ServiceContext, opts: ExportOptions): Promise<ExportResult> {
  const settings = requireSettings(ctx);
  // The checks below and the content written later must describe one state of the file. The records and
  // the audit trail, read while the writer lets this process serve other requests (which may write), come
  // from a snapshot taken here; everything else is read below before the first await.
  const othersBefore = ctx.store.othersVersion();
  const snapshot = ctx.store.snapshot();
  try {
    return await exportFrom(ctx, snapshot, settings, othersBefore, opts);
  } finally {
    snapshot.close();
  }
}

async function exportFrom(
  ctx: ServiceContext, snapshot: Snapshot, settings: ReturnType<typeof requireSettings>, othersBefore: number, opts: ExportOptions,
): Promise<ExportResult> {
  const { all, list } = unexplainedWarnings(ctx);
  if (all.counts.error > 0)
    throw new ApiError('conflict', `还有 ${all.counts.error} 个错误未修正，不能导出上报包。请先在“问题清单”中修正全部错误。`, {
      reason: 'errors', errors: all.counts.error, page: 'issues',
    });
  if (list.length > 0 && !opts.confirmUnexplained)
    throw new ApiError('conflict', `有 ${list.length} 个警告还没有填写核实说明。请补填说明，或确认后再导出。`, {
      reason: 'unexplained', unexplainedWarnings: list.length,
    });
  const cov = coverageOf(ctx);
  if (cov && cov.missing.length > 0 && !opts.allowIncomplete) {
    const names = cov.missing.map((m) => m.name);
    throw new ApiError('conflict', `还有 ${names.length} 个下级地区未报送：${names.join('、')}。确认按部分报送上报后再导出（上级将看到本次为部分报送）。`, {
      reason: 'incomplete', missing: cov.missing.map((m) => m.areaCode),
    });
  }
  const pending = duplicateGroups(ctx).filter((g) => !g.decision).length;
  const key = ensureOfficeKey(ctx);
  const packageId = randomUUID();
  const createdAt = isoNow(ctx);
  const persons = ctx.store.persons.count();
  const units = ctx.store.units.count();
  const sequence = ctx.store.packages.beginExport({
    packageId, persons, units, encrypted: Boolean(opts.passphrase), operator: settings.operator, startedAt: createdAt,
  });
  const current = ctx.store.packages.current();
  const sources: SourcePackage[] = current.map((p) => ({
    packageId: p.id, areaCode: p.areaCode, areaName: p.areaName, level: p.level, sequence: p.sequence,
    officeName: p.officeName, createdAt: p.createdAt, signer: formatFingerprint(p.signerFingerprint),
  }));
  const index = packageIndex(ctx);
  const explanations = ctx.store.explanations.list();
  const decisions = decisionsForExport(ctx);
  const content: PackageContent = {
    units: () => snapshot.packageRows('unit'),
    persons: () => snapshot.packageRows('person'),
    firstPackage: (_table, areaCode) => index.firstPackageOf(areaCode),
    explanations: () => explanations,
    audit: function* () {
      yield* snapshot.ownAudit();
      yield* snapshot.receivedAudit();
    },
    decisions: () => decisions,
    total: persons + units,
  };
  const taskId = opts.taskId ?? `export-${packageId}`;
  const result = await writePackage(
    content,
    {
      packageId,
      areaCode: settings.areaCode,
      areaName: settings.areaName,
      level: settings.level,
      refDate: settings.refDate,
      officeName: settings.officeName,
      operator: settings.operator,
      sequence,
      createdAt,
      appVersion: ctx.app.version,
      divisionsVersion: ctx.divisions.version,
      planningStart: settings.planningStart,
      counts: { errors: 0, warnings: all.counts.warning, unexplainedWarnings: list.length, pendingDuplicates: pending },
      sources,
      ...(cov ? { coverage: { expected: cov.rows.map((r) => r.areaCode), included: cov.rows.filter((r) => r.status !== 'missing').map((r) => r.areaCode) } } : {}),
      ...answersOf(ctx),
    },
    {
      outPath: opts.outPath,
      passphrase: opts.passphrase,
      key,
      onProgress: (label, done, total) => ctx.events.emit('progress', { taskId, label, done, total, phase: 'write' }),
    },
  );
  if (ctx.store.othersVersion() !== othersBefore) {
    rmSync(opts.outPath, { force: true });
    throw new ApiError('conflict', '导出期间另一程序修改了这个数据库，上报包没有生成。请重新导出（会重新检查全部数据）。', { reason: 'changed' });
  }
  const fileName = opts.outPath.split(/[\\/]/).pop() ?? opts.outPath;
  ctx.store.packages.finishExport(sequence, fileName, isoNow(ctx));
  return {
    packageId,
    sequence,
    path: opts.outPath,
    fileName,
    bytes: result.bytes,
    persons: result.counts.persons,
    units: result.counts.units,
    encrypted: Boolean(opts.passphrase),
    fingerprint: formatFingerprint(key.fingerprint),
  };
}

/** For the UI: the package kept for the page to fetch (services/downloads.ts), under its suggested name. */
export async function exportForDownload(ctx: ServiceContext, input: ParsedInput<'packages.export'>): Promise<MethodOutput<'packages.export'>> {
  const next = exportCheck(ctx).nextSequence;
  const { ref, result: r } = await buildDownload(
    ctx, suggestedFileName(ctx, next),
    (file) => exportPackage(ctx, {
      outPath: file, passphrase: input.passphrase, confirmUnexplained: input.confirmUnexplained, allowIncomplete: input.allowIncomplete,
      taskId: input.taskId,
    }),
    // The sequence was reserved inside exportPackage; a concurrent export would have taken `next`.
    (r) => suggestedFileName(ctx, r.sequence),
  );
  return {
    ...ref,
    packageId: r.packageId,
    sequence: r.sequence,
    persons: r.persons,
    units: r.units,
    bytes: r.bytes,
    encrypted: r.encrypted,
    fingerprint: r.fingerprint,
  };
}
