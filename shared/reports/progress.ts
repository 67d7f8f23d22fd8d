/**
 * A target's state at the reference date. Targets in the seeds carry a deadline ("到2027年年底"); with
 * no baseline figure, "on track" means the actual value is at least the target scaled by the share of
 * time elapsed from the start of the planning period to the end of the deadline year.
 */
export const PROGRESS = {
  met: 2,
  onTrack: 1,
  behind: 0,
  overdue: -1,
} as const;

export const PROGRESS_LABELS: Readonly<Record<number, string>> = {
  [PROGRESS.met]: '已达成',
  [PROGRESS.onTrack]: '按进度',
  [PROGRESS.behind]: '落后于进度',
  [PROGRESS.overdue]: '逾期未达成',
};

const dayMs = 86_400_000;
const utc = (iso: string) => Date.UTC(+iso.slice(0, 4), +iso.slice(5, 7) - 1, +iso.slice(8, 10));

/** The share of the way from 1 January of `startYear` to 31 December of `deadlineYear` at `refDate`, in [0, 1] */
export function elapsedShare(refDate: string, startYear: number, deadlineYear: number): number {
  const from = Date.UTC(startYear, 0, 1);
  const to = Date.UTC(deadlineYear, 11, 31) + dayMs;
  if (to <= from) return 1;
  return Math.min(1, Math.max(0, (utc(refDate) + dayMs - from) / (to - from)));
}

export function progressOf(actual: number | null, target: number | null, deadlineYear: number | null, refDate: string, planningStart: number): number | null {
  if (actual === null || target === null || deadlineYear === null) return null;
  if (actual >= target) return PROGRESS.met;
  if (refDate > `${deadlineYear}-12-31`) return PROGRESS.overdue;
  return actual >= target * elapsedShare(refDate, planningStart, deadlineYear) ? PROGRESS.onTrack : PROGRESS.behind;
}
