/**
 * The environment the pure aggregation needs, built from the open census: the area and its
 * sub-areas (a county's townships, a city's counties, a province's cities — each with every
 * township inside it, so a record's sub-area follows from its township), the reference date, the
 * duplicates rule, population figures and targets.
 */
import type { DivisionDto } from '../../../../shared/api/contract';
import type { Divisions } from '../../../../shared/divisions';
import type { ReportEnv, SubArea } from '../../../../shared/reports/aggregate';
import type { CountingEnv } from '../../../../shared/reports/env';
import { countingRule } from '../counting';
import { coverageOf, coverageText } from '../packages/coverage';
import { requireSettings, type ServiceContext } from '../context';
import { defineSlot } from '../state';

export interface CensusArea {
  /** Canonical division code (340100 → 3401) */
  code: string;
  name: string;
  level: 'county' | 'city' | 'province';
  subAreas: SubArea[];
}

function townshipsUnder(divisions: Divisions, code: string): string[] {
  const out: string[] = [];
  const walk = (c: string) => {
    for (const child of divisions.children(c)) {
      if (child.level === 'township') out.push(child.code);
      else walk(child.code);
    }
  };
  walk(code);
  return out;
}

/** An area and its sub-areas, from the division index alone (tests build censuses with it too). */
export function areaWithSubAreas(divisions: Divisions, areaCode: string, level: 'county' | 'city' | 'province', fallbackName = areaCode): CensusArea {
  const code = divisions.resolve(areaCode) ?? areaCode;
  const subs: DivisionDto[] = level === 'county' ? divisions.townshipsOf(code) : divisions.subAreasOf(code);
  return {
    code,
    name: divisions.get(code)?.name ?? fallbackName,
    level,
    subAreas: subs.map((d) => ({
      code: d.code,
      name: d.name,
      townships: d.level === 'township' ? [d.code] : townshipsUnder(divisions, d.code),
    })),
  };
}

const AREAS = defineSlot('census areas', () => new Map<string, CensusArea>());

/** The census area with its sub-areas; sub-areas with no records are included, so the board is complete. */
export function censusArea(ctx: ServiceContext): CensusArea {
  const s = requireSettings(ctx);
  const byCode = ctx.state.get(AREAS);
  const key = `${s.level}|${s.areaCode}`;
  let area = byCode.get(key);
  if (!area) byCode.set(key, (area = areaWithSubAreas(ctx.divisions, s.areaCode, s.level, s.areaName)));
  return area;
}

/** What a package's person counts depend on besides its records (the merge's reading worker counts under it) */
export function countingEnv(ctx: ServiceContext): CountingEnv {
  const s = requireSettings(ctx);
  const area = censusArea(ctx);
  return { area: { code: area.code, name: area.name, level: area.level }, refDate: s.refDate, subAreas: area.subAreas, planningStart: s.planningStart };
}

export function reportEnv(ctx: ServiceContext): ReportEnv {
  const s = requireSettings(ctx);
  const area = censusArea(ctx);
  const rule = countingRule(ctx);
  return {
    area: { code: area.code, name: area.name, level: area.level },
    refDate: s.refDate,
    subAreas: area.subAreas,
    excludedPersonIds: rule.excludedPersonIds,
    pendingDuplicates: rule.pendingDuplicates,
    population: ctx.store.population.all(),
    targets: ctx.store.targets.all(),
    deadlines: ctx.store.targets.deadlines(),
    figures: ctx.store.figures.all(),
    planningStart: s.planningStart,
    coverage: reportCoverage(ctx),
  };
}

function reportCoverage(ctx: ServiceContext): ReportEnv['coverage'] {
  const c = coverageOf(ctx);
  if (!c) return null;
  return {
    expected: c.expected, reported: c.reported, partial: c.partial, text: coverageText(c),
    rows: c.rows.map((r) => ({ code: r.code, areaCode: r.areaCode, name: r.name, status: r.status })),
  };
}
