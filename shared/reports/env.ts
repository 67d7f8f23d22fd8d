/** The environment a report set is computed in: area, sub-areas, reference date and the figures entered beside the records. */
import type { ReportCoverage } from './schema';
import { DEFAULT_PLANNING_START } from '../census/planning';
import type { AreaFigures, Deadlines, IndicatorParams, Targets } from './indicators';

export interface SubArea {
  code: string;
  name: string;
  /** Every township code of the sub-area (for a county census: the township itself) */
  townships: readonly string[];
}

export interface ReportEnv {
  area: { code: string; name: string; level: 'county' | 'city' | 'province' };
  refDate: string;
  subAreas: readonly SubArea[];
  /** Persons not counted: held as cross-area duplicates of a person who is counted */
  excludedPersonIds: ReadonlySet<string>;
  pendingDuplicates: number;
  /** Registered population by division code (the census area's own code and sub-area codes) */
  population: ReadonlyMap<string, number>;
  targets: ReadonlyMap<string, Targets>;
  /** Deadline years of the targets, by division code */
  deadlines?: ReadonlyMap<string, Deadlines>;
  /** Older people and care-home beds by division code, entered like population */
  figures?: ReadonlyMap<string, AreaFigures>;
  /** First year of the planning period (default: shared/census/planning.ts) */
  planningStart?: number;
  /** Upper levels: who has reported. A sub-area that has not is 未报 (null cells), never 0 */
  coverage?: ReportCoverage | null;
}

/** The reference date and planning period indicator conditions are built from */
export function paramsOf(env: ReportEnv): IndicatorParams {
  return { refDate: env.refDate, planningStart: env.planningStart ?? DEFAULT_PLANNING_START };
}

/**
 * What person counts depend on besides the records: enough to count a package's persons away from
 * the open census (the merge's reading worker), and cloneable to get there.
 */
export type CountingEnv = Pick<ReportEnv, 'area' | 'refDate' | 'subAreas' | 'planningStart'>;

/** A report environment for counting persons only (no duplicates left out, no figures) */
export function countingReportEnv(c: CountingEnv): ReportEnv {
  return { ...c, excludedPersonIds: new Set(), pendingDuplicates: 0, population: new Map(), targets: new Map() };
}
