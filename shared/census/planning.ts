/**
 * The planning period (规划期) a census counts cumulative training over: the seeds set training and
 * talent targets per five-year plan ("十四五"期间累计不少于160小时). A census setting; "十五五" is the default.
 */
export interface PlanningPeriod {
  readonly start: number;
  readonly end: number;
  readonly label: string;
}

export const PLANNING_PERIODS: readonly PlanningPeriod[] = [
  { start: 2026, end: 2030, label: '“十五五”（2026—2030年）' },
  { start: 2021, end: 2025, label: '“十四五”（2021—2025年）' },
];

export const DEFAULT_PLANNING_START = PLANNING_PERIODS[0]!.start;

/** The period starting in `start`; an unknown year falls back to the default */
export function planningPeriod(start: number | null | undefined): PlanningPeriod {
  return PLANNING_PERIODS.find((p) => p.start === start) ?? PLANNING_PERIODS[0]!;
}
