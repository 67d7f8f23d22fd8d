/**
 * 变动情况: how a person of this census relates to the last one. One coded field carries the status
 * and its reason (codes.ts `change`): 00 待确认 (carried, not yet confirmed), 10 留任, 2x 新增 by
 * reason, 3x 离开 by reason. Leavers stay in the file for the change table (表6) and are outside
 * every other count, check and duplicate search.
 */
import { codeLabel, codesOf } from './codes';
import type { FieldValue } from './schema';

export const CHANGE_PENDING = '00';
export const CHANGE_STAYED = '10';
/** 新增 by reason, in the code list's order */
export const JOIN_CODES: readonly string[] = codesOf('change').filter((c) => c.startsWith('2'));
/** 离开 by reason */
export const LEAVE_CODES: readonly string[] = codesOf('change').filter((c) => c.startsWith('3'));

export type ChangeKind = 'pending' | 'stayed' | 'joined' | 'left';

export function changeKind(v: FieldValue | undefined): ChangeKind | null {
  if (typeof v !== 'string') return null;
  if (v === CHANGE_PENDING) return 'pending';
  if (v === CHANGE_STAYED) return 'stayed';
  if (JOIN_CODES.includes(v)) return 'joined';
  if (LEAVE_CODES.includes(v)) return 'left';
  return null;
}

/** A person who left since the last census: kept for the change table, outside every count */
export function isLeaver(v: FieldValue | undefined): boolean {
  return typeof v === 'string' && LEAVE_CODES.includes(v);
}

/** The reason alone (新入职, 退休 …), as the change table heads its columns */
export function reasonLabel(code: string): string {
  const label = codeLabel('change', code);
  const m = /（(.+)）$/.exec(label);
  return m ? m[1]! : label;
}
