/** Census settings: the area, level, reference date, office and operator of this database. */
import type { CensusSettings, Level, MethodOutput, ParsedInput } from '../../../shared/api/contract';
import { ApiError } from '../../../shared/api/errors';
import { LEAVE_CODES } from '../../../shared/census/change';
import { codeLabel } from '../../../shared/census/codes';
import { DEFAULT_PLANNING_START } from '../../../shared/census/planning';
import { isoNow, requireSettings, touch, type ServiceContext } from './context';
import { countingRule } from './counting';
import { censusIssues } from './issues';
import { upperLevelIssueCounts } from './upper-issues';

const divisionLevelOf: Record<Level, 'county' | 'city' | 'province'> = { county: 'county', city: 'city', province: 'province' };

export function getCensus(ctx: ServiceContext): CensusSettings | null {
  return ctx.store.settings.get();
}

export function setupCensus(ctx: ServiceContext, input: ParsedInput<'census.setup'>): CensusSettings {
  if (ctx.store.settings.get()) throw new ApiError('conflict', '本数据库已建立统计调查，不能重复设置');
  const div = ctx.divisions.get(input.areaCode);
  if (!div) throw new ApiError('bad_input', `行政区划代码 ${input.areaCode} 不存在，请从列表中选择地区`);
  if (div.level !== divisionLevelOf[input.level])
    throw new ApiError('bad_input', `${div.path}（${input.areaCode}）不是${codeLabel('level', input.level)}级地区，请选择与统计层级一致的地区`);
  const settings: CensusSettings = {
    areaCode: input.areaCode,
    areaName: div.path,
    level: input.level,
    refDate: input.refDate,
    officeName: input.officeName,
    operator: input.operator,
    createdAt: isoNow(ctx),
    planningStart: input.planningStart ?? DEFAULT_PLANNING_START,
  };
  ctx.store.settings.save(settings);
  touch(ctx);
  return settings;
}

export function setPlanningPeriod(ctx: ServiceContext, planningStart: number): CensusSettings {
  const s = { ...requireSettings(ctx), planningStart };
  ctx.store.settings.save(s);
  touch(ctx);
  return s;
}

export function setOperator(ctx: ServiceContext, operator: string): CensusSettings {
  const s = { ...requireSettings(ctx), operator };
  ctx.store.settings.save(s);
  return s;
}

export function censusSummary(ctx: ServiceContext): MethodOutput<'census.summary'> {
  requireSettings(ctx);
  // A city or province counts received records' issues from their packages (upper-issues.ts)
  const all = upperLevelIssueCounts(ctx) ?? censusIssues(ctx);
  const persons = ctx.store.persons.count();
  // Persons reported by two areas are counted once; pending cases are shown (merged censuses only).
  const rule = countingRule(ctx);
  return {
    persons,
    units: ctx.store.units.count(),
    issues: all.counts,
    explained: all.explainedWarnings,
    unexplainedWarnings: all.counts.warning - all.explainedWarnings,
    pendingDuplicates: rule.pendingDuplicates,
    // Persons who left since the last census stay in the file for 表6 only.
    countedPersons: persons - rule.excludedPersonIds.size - ctx.store.persons.countByChange(LEAVE_CODES),
  };
}
