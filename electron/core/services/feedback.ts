/**
 * 审核退回: an upper level cannot correct a sub-area's records for good (the next package replaces
 * them), so it asks. It marks records or a whole return with a question (核实意见) and exports the
 * questions for one sub-area as a signed feedback file; the sub-area imports the file into its issues
 * list, answers (and corrects its records), and its next return package carries the answers back,
 * where the merge files them under the questions they answer.
 */
import { randomUUID } from 'node:crypto';
import type { MethodOutput, ParsedInput } from '../../../shared/api/contract';
import { ApiError } from '../../../shared/api/errors';
import { recordLabel } from '../../../shared/census/validate';
import { toAreaCode } from '../../../shared/divisions';
import {
  FEEDBACK_FORMAT, FEEDBACK_MAX_BYTES, FEEDBACK_SCHEMA_VERSION, feedbackFileName, feedbackFileSchema, feedbackPayloadSchema, formatFingerprint,
  type FeedbackPayload,
} from '../../../shared/package';
import type { FeedbackRow } from '../db';
import { isoNow, requireSettings, touch, type ServiceContext } from './context';
import { fingerprintOf, signBytes, verifySignature } from './packages/crypto';
import { ensureOfficeKey, trustKey, trustStatus } from './packages/keys';

const WHOLE_RETURN = '整份上报';

/** The canonical code of the sub-area (one level down) an area lies in, or null outside ours */
function subAreaOf(ctx: ServiceContext, areaCode: string): { areaCode: string; name: string } | null {
  const s = requireSettings(ctx);
  const here = ctx.divisions.resolve(s.areaCode) ?? s.areaCode;
  const code = ctx.divisions.resolve(areaCode);
  if (!code) return null;
  const sub = ctx.divisions.subAreasOf(here).find((d) => ctx.divisions.isWithin(code, d.code));
  return sub ? { areaCode: toAreaCode(sub.code), name: sub.name } : null;
}

function requireUpper(ctx: ServiceContext): void {
  if (requireSettings(ctx).level === 'county') throw new ApiError('conflict', '区县级统计调查没有下级上报包，不能提出核实意见');
}

function itemOut(ctx: ServiceContext, f: FeedbackRow) {
  const sub = f.direction === 'sent' ? subAreaOf(ctx, f.areaCode) : null;
  return {
    id: f.id, direction: f.direction, areaCode: f.areaCode, areaName: sub?.name ?? ctx.divisions.get(f.areaCode)?.name ?? f.areaCode,
    subAreaCode: sub?.areaCode ?? f.areaCode, table: f.recordTable, recordId: f.recordId, recordLabel: f.recordLabel, question: f.question,
    askedBy: f.askedBy, askedAt: f.askedAt, fromAreaName: f.fromArea ? (ctx.divisions.get(f.fromArea)?.name ?? f.fromArea) : null,
    fromOffice: f.fromOffice, sentAt: f.sentAt, answer: f.answer, answeredBy: f.answeredBy, answeredAt: f.answeredAt,
    status: f.direction === 'sent'
      ? (f.answer !== null ? 'answered' : f.sentAt !== null ? 'sent' : 'draft')
      : (f.answer !== null ? 'answered' : 'open'),
  } as const;
}

export function listFeedback(ctx: ServiceContext): MethodOutput<'feedback.list'> {
  const s = requireSettings(ctx);
  const direction = s.level === 'county' ? 'received' : 'sent';
  // A city is also a sub-area of its province: it sees both what it sent and what it received.
  const rows = [...ctx.store.feedback.list(direction), ...(s.level === 'county' ? [] : ctx.store.feedback.list('received'))];
  return { items: rows.map((f) => itemOut(ctx, f)) };
}

/** Marks one record, or a sub-area's whole return, with a question. */
export function addFeedback(ctx: ServiceContext, q: ParsedInput<'feedback.add'>): MethodOutput<'feedback.add'> {
  const s = requireSettings(ctx);
  requireUpper(ctx);
  let areaCode: string;
  let label = WHOLE_RETURN;
  if (q.recordId !== undefined && q.table !== undefined) {
    const row = ctx.store.records[q.table].get(q.recordId);
    if (!row) throw new ApiError('not_found', '找不到这条记录');
    if (row.areaCode === s.areaCode) throw new ApiError('conflict', '这条记录是本级录入的，不需要退回核实');
    areaCode = row.areaCode;
    label = recordLabel(q.table, row.data);
  } else if (q.areaCode !== undefined) {
    areaCode = q.areaCode;
  } else throw new ApiError('bad_input', '请指定要核实的记录或下级地区');
  const sub = subAreaOf(ctx, areaCode);
  if (!sub) throw new ApiError('bad_input', `地区 ${areaCode} 不是本级的下级地区`);
  if (!ctx.store.packages.current().some((p) => subAreaOf(ctx, p.areaCode)?.areaCode === sub.areaCode))
    throw new ApiError('conflict', `${sub.name} 还没有上报，无法退回核实`);
  const row: FeedbackRow = {
    id: randomUUID(), direction: 'sent', areaCode, recordTable: q.recordId !== undefined ? (q.table ?? null) : null, recordId: q.recordId ?? null,
    recordLabel: label, question: q.question, askedBy: s.operator, askedAt: isoNow(ctx), fromArea: null, fromOffice: null, sentAt: null,
    answer: null, answeredBy: null, answeredAt: null, answerPackage: null,
  };
  ctx.store.feedback.insertMany([row]);
  touch(ctx);
  return itemOut(ctx, row);
}

export function removeFeedback(ctx: ServiceContext, id: string): { removed: boolean } {
  requireUpper(ctx);
  const f = ctx.store.feedback.get(id);
  if (f?.sentAt) throw new ApiError('conflict', '这条核实意见已经发出，不能删除');
  return { removed: ctx.store.feedback.remove(id) };
}

/** The signed feedback file for one sub-area: every question sent to it so far, answered or not. */
export function exportFeedback(ctx: ServiceContext, subArea: string): { fileName: string; data: Buffer; items: number } {
  const s = requireSettings(ctx);
  requireUpper(ctx);
  const sub = subAreaOf(ctx, subArea);
  if (!sub || sub.areaCode !== toAreaCode(ctx.divisions.resolve(subArea) ?? subArea))
    throw new ApiError('bad_input', `地区 ${subArea} 不是本级的下级地区`);
  const items = ctx.store.feedback.list('sent').filter((f) => f.answer === null && subAreaOf(ctx, f.areaCode)?.areaCode === sub.areaCode);
  if (!items.length) throw new ApiError('conflict', `没有要退回 ${sub.name} 核实的意见（已答复的不再发送）`);
  const createdAt = isoNow(ctx);
  const payload: FeedbackPayload = {
    format: FEEDBACK_FORMAT, schemaVersion: FEEDBACK_SCHEMA_VERSION, fileId: randomUUID(),
    fromArea: s.areaCode, fromAreaName: s.areaName, fromOffice: s.officeName,
    toArea: sub.areaCode, toAreaName: ctx.divisions.get(sub.areaCode)?.path ?? sub.name, refDate: s.refDate, createdAt,
    items: items.map((f) => ({ id: f.id, table: f.recordTable, recordId: f.recordId, recordLabel: f.recordLabel, question: f.question, askedBy: f.askedBy, askedAt: f.askedAt })),
  };
  const text = JSON.stringify(payload);
  const key = ensureOfficeKey(ctx);
  const file = {
    format: FEEDBACK_FORMAT,
    payload: text,
    signature: {
      algorithm: 'Ed25519', publicKey: key.publicKey, fingerprint: formatFingerprint(key.fingerprint),
      signature: signBytes(key.privateKey, Buffer.from(text, 'utf8')).toString('base64'),
    },
  };
  ctx.store.feedback.markSent(items.map((f) => f.id), createdAt);
  touch(ctx);
  return { fileName: feedbackFileName(sub.areaCode, payload.toAreaName, createdAt), data: Buffer.from(JSON.stringify(file, null, 1) + '\n', 'utf8'), items: items.length };
}

function refuse(message: string): ApiError {
  return new ApiError('invalid_file', message);
}

/** Takes a feedback file from the level above into this census's issues list; nothing changes on refusal. */
export function importFeedback(ctx: ServiceContext, file: { name: string; data: Buffer }): MethodOutput<'feedback.import'> {
  const s = requireSettings(ctx);
  if (file.data.length > FEEDBACK_MAX_BYTES) throw refuse(`「${file.name}」太大，不是核实意见文件`);
  let json: unknown;
  try {
    json = JSON.parse(file.data.toString('utf8').replace(/^\uFEFF/, ''));
  } catch {
    throw refuse(`「${file.name}」不是核实意见文件（无法读取）`);
  }
  const outer = feedbackFileSchema.safeParse(json);
  if (!outer.success) throw refuse(`「${file.name}」不是核实意见文件，或内容不完整`);
  const { payload: text, signature } = outer.data;
  const raw = Buffer.from(signature.publicKey, 'base64');
  if (!verifySignature(raw, Buffer.from(text, 'utf8'), Buffer.from(signature.signature, 'base64')))
    throw refuse(`「${file.name}」签名验证失败：文件在签名后被改动过，已拒绝`);
  let payloadJson: unknown;
  try {
    payloadJson = JSON.parse(text);
  } catch {
    throw refuse(`「${file.name}」内容无法读取`);
  }
  const parsed = feedbackPayloadSchema.safeParse(payloadJson);
  if (!parsed.success) throw refuse(`「${file.name}」内容不完整或版本不受支持`);
  const p = parsed.data;
  if (p.toArea !== s.areaCode) throw refuse(`这份核实意见是发给 ${p.toAreaName}（${p.toArea}）的，不是本地区（${s.areaName}），已拒绝`);
  if (p.refDate !== s.refDate) throw refuse(`核实意见的统计时点为 ${p.refDate}，与本次统计调查的 ${s.refDate} 不同，已拒绝`);
  const here = ctx.divisions.resolve(s.areaCode) ?? s.areaCode;
  const from = ctx.divisions.resolve(p.fromArea);
  if (!from || from === here || !ctx.divisions.isWithin(here, from)) throw refuse(`核实意见来自 ${p.fromAreaName}，不是本地区的上级，已拒绝`);
  const fingerprint = fingerprintOf(raw);
  const trust = trustStatus(ctx, p.fromArea, fingerprint);
  if (trust.status === 'changed')
    throw refuse(`${p.fromAreaName} 的签名密钥与此前登记的不同（登记的：${formatFingerprint(trust.knownFingerprint!)}；本文件：${formatFingerprint(fingerprint)}），请电话核实后再导入`);
  const at = isoNow(ctx);
  const rows: FeedbackRow[] = p.items.map((i) => ({
    id: i.id, direction: 'received', areaCode: s.areaCode, recordTable: i.table, recordId: i.recordId, recordLabel: i.recordLabel,
    question: i.question, askedBy: i.askedBy, askedAt: i.askedAt, fromArea: p.fromArea, fromOffice: p.fromOffice, sentAt: at,
    answer: null, answeredBy: null, answeredAt: null, answerPackage: null,
  }));
  let added = 0;
  ctx.store.tx(() => {
    if (trust.status === 'new') trustKey(ctx, { areaCode: p.fromArea, fingerprint, publicKey: signature.publicKey, officeName: p.fromOffice }, s.operator);
    added = ctx.store.feedback.insertMany(rows);
  });
  touch(ctx);
  return {
    added, already: rows.length - added, fromAreaName: p.fromAreaName, fromOffice: p.fromOffice,
    fingerprint: formatFingerprint(fingerprint), newKey: trust.status === 'new',
  };
}

/** The sub-area's answer to one question; it travels up in the next return package. */
export function answerFeedback(ctx: ServiceContext, q: ParsedInput<'feedback.answer'>): MethodOutput<'feedback.list'>['items'][number] {
  const s = requireSettings(ctx);
  const f = ctx.store.feedback.get(q.id);
  if (!f || f.direction !== 'received') throw new ApiError('not_found', '找不到这条核实意见');
  const text = q.answer.trim();
  ctx.store.feedback.answer(q.id, text === '' ? null : text, text === '' ? null : s.operator, text === '' ? null : isoNow(ctx));
  touch(ctx);
  return itemOut(ctx, ctx.store.feedback.get(q.id)!);
}
