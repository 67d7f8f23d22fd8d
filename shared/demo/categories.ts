/**
 * The demo's facts added with issue 12: 人员类别 by the kind of unit, 编制情况/用工方式 from the unit's
 * employment mix, certificate registration and cumulative training over the planning period. Drawn
 * after every older draw of a person, so the rest of a person stays what it was for a seed.
 */
import { Rng, draw, weighted, type Weighted } from './rng';
import type { Role } from './tables';
import type { RefDate } from './persons';

const CATEGORY: Record<Role, Weighted<string>> = {
  S: weighted([['4', 90], ['3', 10]]),
  '1': weighted([['6', 100]]),
  '2': weighted([['5', 70], ['9', 30]]),
  '3': weighted([['6', 100]]),
  '4': weighted([['3', 100]]),
  '5': weighted([['7', 90], ['9', 10]]),
  '6': weighted([['7', 90], ['9', 10]]),
  '7': weighted([['1', 70], ['2', 30]]),
  '8': weighted([['2', 75], ['1', 25]]),
  '9': weighted([['9', 70], ['7', 30]]),
};

export function drawPersonCategory(rng: Rng, role: Role): string {
  return draw(rng, CATEGORY[role]);
}

/**
 * The unit's old-style employment draw (在编 / 合同 / 派遣 / 购买服务 / 兼职 / 其他) as 编制情况 and 用工方式:
 * 在编 is 行政编制 in 党政机关 and 群团组织, 事业编制 elsewhere; everyone else has no 编制.
 */
export function staffingOf(role: Role, employment: string): { staffing: string; employmentType: string | null } {
  switch (employment) {
    case '1': return { staffing: role === '1' || role === '3' ? '1' : '2', employmentType: null };
    case '2': return { staffing: '3', employmentType: '1' };
    case '3': return { staffing: '3', employmentType: '2' };
    case '4': return { staffing: '3', employmentType: '3' };
    case '5': return { staffing: '3', employmentType: '5' };
    default: return { staffing: '3', employmentType: role === '7' || role === '8' ? '4' : '9' };
  }
}

/** Most holders have registered their certificate, valid to the end of a year not before the reference date. */
export function drawRegistration(rng: Rng, ref: RefDate, qualLevel: string): { regStatus: string | null; regValidUntil: string | null } {
  if (qualLevel === '0') return { regStatus: null, regValidUntil: null };
  if (!rng.chance(0.8)) return { regStatus: '0', regValidUntil: null };
  return { regStatus: '1', regValidUntil: `${ref.y + rng.int(3)}-12-31` };
}

/** Hours over the planning period so far: at least this period's */
export function drawCumulativeHours(rng: Rng, trainingHours: number): number {
  return trainingHours + (rng.chance(0.3) ? 0 : rng.int(120));
}
