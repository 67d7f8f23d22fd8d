/** Defaults for 新建下一期: a reference date a year after the last, a file beside the last one. */
import type { Progress } from './files';

/** The same day a year later (29 Feb → 28 Feb) */
export function nextRefDate(last: string): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(last);
  if (!m) return last;
  const y = Number(m[1]) + 1;
  const day = m[2] === '02' && m[3] === '29' ? '28' : m[3]!;
  return `${y}-${m[2]}-${day}`;
}

/** `census-2027.sqlite` in the folder of `dbPath` (either path separator) */
export function nextDbPath(dbPath: string, refDate: string): string {
  const cut = Math.max(dbPath.lastIndexOf('/'), dbPath.lastIndexOf('\\'));
  const dir = cut >= 0 ? dbPath.slice(0, cut + 1) : '';
  return `${dir}census-${refDate.slice(0, 4)}.sqlite`;
}

/**
 * The bar while a census is set up from the last one: one transaction, so it moves without a share.
 * At 100k persons it takes ~3 s (bench/README.md, session 33); a county of a few thousand, well under one.
 */
export const CARRYING: Progress = { taskId: 'census.setupFrom', label: '正在沿用上期名单：复制单位、人员和上期数值（全部完成或全部不做）', done: 0, total: 0, measured: false };
