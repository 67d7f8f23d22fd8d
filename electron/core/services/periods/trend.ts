/**
 * The dashboard's trend: 总量, 持证人数, 持证率 and 占户籍人口比例 of each earlier census of the area
 * (carried from census to census) and of this one, with the area's targets and the year each is due.
 */
import type { MethodOutput } from '../../../../shared/api/contract';
import { TARGETS, type TargetKey } from '../../../../shared/reports/indicators';
import { requireSettings, type ServiceContext } from '../context';
import { censusArea } from '../reports/env';
import { setTargets } from '../reports/inputs';
import { headlineOf } from './headline';

type Trend = MethodOutput<'periods.trend'>;

/** The census area's deadline years: one store with the tables' (targets.deadline_year, migration 007) */
function deadlines(ctx: ServiceContext): Partial<Record<TargetKey, number>> {
  return ctx.store.targets.deadlines().get(censusArea(ctx).code) ?? {};
}

const rate = (num: number, den: number) => (den > 0 ? num / den : null);
const perMille = (persons: number, population: number | null) => (population ? (persons / population) * 1000 : null);

export function trend(ctx: ServiceContext): Trend {
  const s = requireSettings(ctx);
  const area = censusArea(ctx);
  const population = ctx.store.population.all();
  const areaPopulation = population.get(area.code) ??
    (area.subAreas.length && area.subAreas.every((a) => population.has(a.code)) ? area.subAreas.reduce((n, a) => n + population.get(a.code)!, 0) : null);
  const earlier = ctx.store.periods.list().filter((p) => p.areaCode === area.code && p.refDate < s.refDate);
  const now = headlineOf(ctx);
  const targets = ctx.store.targets.all().get(area.code) ?? {};
  const due = deadlines(ctx);
  return {
    areaName: area.name,
    periods: [
      ...earlier.map((p) => ({
        refDate: p.refDate, current: false, persons: p.persons, holders: p.holders,
        certRate: rate(p.holders, p.persons), perMille: perMille(p.persons, p.population),
      })),
      { refDate: s.refDate, current: true, persons: now.persons, holders: now.holders, certRate: rate(now.holders, now.persons), perMille: perMille(now.persons, areaPopulation) },
    ],
    targets: TARGETS.map((t) => ({ key: t.key, label: t.label, format: t.format, value: targets[t.key] ?? null, deadline: due[t.key] ?? null })),
  };
}

export function setDeadline(ctx: ServiceContext, key: TargetKey, year: number | null): Trend {
  // A deadline belongs to a target: setTargets refuses one for a target not set.
  setTargets(ctx, undefined, {}, { [key]: year });
  return trend(ctx);
}
