/**
 * The indicators of the summary tables, each defined once as a filter over person (or unit)
 * records. Counting a cell and listing the persons behind it use the same condition, so a click on
 * a number always lists exactly that many people. Labels come from the dictionary and code lists;
 * only the names of composite indicators (持证人数, 少数民族 …) are written here.
 * docs/indicators.md explains each one (numerator, denominator, reference-date rule).
 */
import { codeLabel, codesOf } from '../census/codes';
import { fieldLabel } from '../census/dictionary';
import { DEFAULT_PLANNING_START } from '../census/planning';
import { COMMUNITY_WORKER_CATEGORIES_CODES, TRAINING_CATEGORY_CODES } from '../census/scope-codes';
import type { RecordFilter } from './filter';

/** qualLevel '0' is 无; every other level is a certificate. */
export const CERT_LEVELS: readonly string[] = codesOf('qualLevel').filter((c) => c !== '0');
/** GB/T 4762 01 中共党员 and 02 中共预备党员 */
export const PARTY_CODES: readonly string[] = ['01', '02'];
/** GB 3304 02–56: the 55 minority nationalities (01 is 汉族; 97 未识别 and 98 外国血统 are not counted) */
export const MINORITY_CODES: readonly string[] = codesOf('ethnicity').filter((c) => Number(c) >= 2 && Number(c) <= 56);
export const SW_MAJOR = '10';
export const FEMALE = '2';
export const PRO_TECH_POST = '2';
export const TRAINING_HOURS_GOAL = 160;
/** 人员类别 of 社区工作者 and of those the 160-hour goal applies to (shared/census/scope-codes.ts) */
export const COMMUNITY_WORKER_CATEGORIES: readonly string[] = COMMUNITY_WORKER_CATEGORIES_CODES;
export const TRAINING_CATEGORIES: readonly string[] = TRAINING_CATEGORY_CODES;
/** registration 1 已登记 */
export const REGISTERED = '1';

/** What a condition may depend on besides the record: the reference date and the planning period */
export interface IndicatorParams {
  readonly refDate: string;
  readonly planningStart: number;
}

export interface Indicator {
  readonly key: string;
  /** Column group in the tables, e.g. 职业资格等级 */
  readonly group: string | null;
  readonly label: string;
  readonly subject: 'person' | 'unit';
  /** A fixed condition, or one built from the reference date and planning period */
  readonly where: RecordFilter | ((p: IndicatorParams) => RecordFilter);
  /** One line for docs/indicators.md and the dashboard's tooltip */
  readonly definition: string;
}

/** 是否社会工作专业岗位 → 社会工作专业岗位: the yes/no question's subject */
const subjectOf = (label: string) => label.replace(/^是否/, '');

const qualLabel = fieldLabel('person', 'qualLevel');
const categoryLabel = fieldLabel('person', 'personCategory');
const holderWhere: RecordFilter = [{ field: 'qualLevel', op: 'in', values: [...CERT_LEVELS] }];
const communityWhere: RecordFilter = [{ field: 'personCategory', op: 'in', values: [...COMMUNITY_WORKER_CATEGORIES] }];
const trainingScopeWhere: RecordFilter = [{ field: 'personCategory', op: 'in', values: [...TRAINING_CATEGORIES] }];
const categoryNames = (codes: readonly string[]) => codes.map((c) => `「${codeLabel('personCategory', c)}」`).join('、');
/** One indicator per certificate level, in the code list's order */
export const certLevelIndicators: readonly Indicator[] = CERT_LEVELS.map((code) => ({
  key: `qual${code}`,
  group: '持证人数',
  label: codeLabel('qualLevel', code),
  subject: 'person',
  where: [{ field: 'qualLevel', op: 'eq', value: code }],
  definition: `${qualLabel}为「${codeLabel('qualLevel', code)}」的人数`,
}));

export const indicators = {
  persons: {
    key: 'persons', group: null, label: '人员总数', subject: 'person', where: [],
    definition: '纳入统计的人员数（跨地区重复待核定的人员只计一次）',
  },
  holders: {
    key: 'holders', group: '持证人数', label: '合计', subject: 'person',
    where: holderWhere,
    definition: `${qualLabel}为${CERT_LEVELS.map((c) => codeLabel('qualLevel', c)).join('、')}之一的人数`,
  },
  swMajor: {
    key: 'swMajor', group: fieldLabel('person', 'majorCategory'), label: codeLabel('majorCategory', SW_MAJOR), subject: 'person',
    where: [{ field: 'majorCategory', op: 'eq', value: SW_MAJOR }],
    definition: `${fieldLabel('person', 'majorCategory')}为「${codeLabel('majorCategory', SW_MAJOR)}」的人数`,
  },
  party: {
    key: 'party', group: fieldLabel('person', 'political'), label: `${codeLabel('political', '01')}（含预备党员）`, subject: 'person',
    where: [{ field: 'political', op: 'in', values: [...PARTY_CODES] }],
    definition: `${fieldLabel('person', 'political')}为${PARTY_CODES.map((c) => codeLabel('political', c)).join('或')}的人数`,
  },
  women: {
    key: 'women', group: fieldLabel('person', 'sex'), label: codeLabel('sex', FEMALE), subject: 'person',
    where: [{ field: 'sex', op: 'eq', value: FEMALE }],
    definition: `${fieldLabel('person', 'sex')}为「${codeLabel('sex', FEMALE)}」的人数`,
  },
  minority: {
    key: 'minority', group: fieldLabel('person', 'ethnicity'), label: '少数民族', subject: 'person',
    where: [{ field: 'ethnicity', op: 'in', values: [...MINORITY_CODES] }],
    definition: `${fieldLabel('person', 'ethnicity')}为 GB 3304 代码 02—56（${codeLabel('ethnicity', '02')}至${codeLabel('ethnicity', '56')}）的人数`,
  },
  swPost: {
    key: 'swPost', group: '岗位', label: subjectOf(fieldLabel('person', 'swPost')), subject: 'person',
    where: [{ field: 'swPost', op: 'eq', value: true }],
    definition: `${fieldLabel('person', 'swPost')}为「是」的人数`,
  },
  proTech: {
    key: 'proTech', group: '岗位', label: codeLabel('postCategory', PRO_TECH_POST), subject: 'person',
    where: [{ field: 'postCategory', op: 'eq', value: PRO_TECH_POST }],
    definition: `${fieldLabel('person', 'postCategory')}为「${codeLabel('postCategory', PRO_TECH_POST)}」的人数`,
  },
  trainingScope: {
    key: 'trainingScope', group: `${TRAINING_HOURS_GOAL}学时培训`, label: '应培训人数', subject: 'person',
    where: trainingScopeWhere,
    definition: `${categoryLabel}为${categoryNames(TRAINING_CATEGORIES)}之一的人数（直接从事社会服务的从业人员）`,
  },
  trained: {
    key: 'trained', group: `${TRAINING_HOURS_GOAL}学时培训`, label: '达标人数', subject: 'person',
    where: [...trainingScopeWhere, { field: 'cumTrainingHours', op: 'gte', value: TRAINING_HOURS_GOAL }],
    definition: `应培训人员中${fieldLabel('person', 'cumTrainingHours')}不少于 ${TRAINING_HOURS_GOAL} 学时的人数（统计期学时不计入判断）`,
  },
  communityWorkers: {
    key: 'communityWorkers', group: '社区工作者', label: '人数', subject: 'person',
    where: communityWhere,
    definition: `${categoryLabel}为${categoryNames(COMMUNITY_WORKER_CATEGORIES)}的人数`,
  },
  communityHolders: {
    key: 'communityHolders', group: '社区工作者', label: '持证人数', subject: 'person',
    where: [...communityWhere, ...holderWhere],
    definition: `社区工作者中持有社会工作者职业资格证书的人数`,
  },
  validReg: {
    key: 'validReg', group: '持证人数', label: '其中：登记有效', subject: 'person',
    where: (p) => [...holderWhere, { field: 'regStatus', op: 'eq', value: REGISTERED }, { field: 'regValidUntil', op: 'gte', value: p.refDate }],
    definition: `持证人员中${fieldLabel('person', 'regStatus')}为「${codeLabel('registration', REGISTERED)}」且${fieldLabel('person', 'regValidUntil')}不早于统计时点的人数`,
  },
  newHolders: {
    key: 'newHolders', group: '持证人数', label: '其中：规划期内新取得', subject: 'person',
    where: (p) => [...holderWhere, { field: 'certYear', op: 'gte', value: p.planningStart }, { field: 'certYear', op: 'lte', value: Number(p.refDate.slice(0, 4)) }],
    definition: `持证人员中${fieldLabel('person', 'certYear')}在规划期首年至统计时点所在年之间的人数`,
  },
  units: {
    key: 'units', group: null, label: '单位数', subject: 'unit', where: [],
    definition: '不同的单位数：统一社会信用代码相同的单位记录是同一单位（如在几个区县各有站点），只计一次；没有代码的单位每条记录计一次',
  },
  unitReports: {
    key: 'unitReports', group: null, label: '单位报告数', subject: 'unit', where: [],
    definition: '各地区报送的单位记录数：同一单位由几个区县分别报送就计几次',
  },
  coveredTownships: {
    key: 'coveredTownships', group: '社工站覆盖', label: '有社工站的乡镇（街道）数', subject: 'unit',
    where: [{ field: 'isStation', op: 'eq', value: true }],
    definition: `至少有一个「${fieldLabel('unit', 'isStation')}」为「是」的单位的乡镇（街道）数（按单位所在乡镇（街道）计，每个乡镇只计一次）`,
  },
  stations: {
    key: 'stations', group: null, label: `其中：${subjectOf(fieldLabel('unit', 'isStation'))}`, subject: 'unit',
    where: [{ field: 'isStation', op: 'eq', value: true }],
    definition: `${fieldLabel('unit', 'isStation')}为「是」的单位数`,
  },
} satisfies Record<string, Indicator>;

export type IndicatorKey = keyof typeof indicators;

const allIndicators = new Map<string, Indicator>([...Object.values(indicators), ...certLevelIndicators].map((i) => [i.key, i]));

export function indicator(key: string): Indicator {
  const i = allIndicators.get(key);
  if (!i) throw new Error(`unknown indicator ${key}`);
  return i;
}

export const defaultParams = (refDate: string): IndicatorParams => ({ refDate, planningStart: DEFAULT_PLANNING_START });

/** The indicator's condition for one census (reference date, planning period) */
export function indicatorWhere(i: Indicator, p: IndicatorParams): RecordFilter {
  return typeof i.where === 'function' ? i.where(p) : i.where;
}

/** The targets an area can set (目标值), with the indicator each is measured against. */
export const TARGETS = [
  { key: 'totalTalents', label: '社会工作人才总数', format: 'integer' },
  { key: 'certified', label: '持证人数', format: 'integer' },
  { key: 'certRate', label: '持证率', format: 'percent' },
  { key: 'communityCertRate', label: '社区工作者持证率', format: 'percent' },
  { key: 'perMille', label: '占户籍人口比例（‰）', format: 'permille' },
  { key: 'trainingRate', label: `${TRAINING_HOURS_GOAL}学时培训达标率`, format: 'percent' },
  { key: 'perThousandElderly', label: '每千名老年人拥有社会工作者数', format: 'decimal' },
  { key: 'perHundredBeds', label: '每百张养老机构床位拥有社会工作者数', format: 'decimal' },
] as const;
export type TargetKey = (typeof TARGETS)[number]['key'];
export type Targets = Partial<Record<TargetKey, number>>;
/** The year by whose end each target is to be met (目标期限), per target */
export type Deadlines = Partial<Record<TargetKey, number>>;

/** Denominators other than population an area enters or imports like population */
export const AREA_FIGURES = [
  { key: 'elderly', label: '老年人口', hint: '60周岁及以上户籍老年人口', synonyms: ['老年人口', '60岁及以上人口', '60周岁及以上老年人口', '老年人数'] },
  { key: 'careBeds', label: '养老机构床位数', hint: '辖区养老机构床位总数', synonyms: ['养老机构床位数', '养老床位数', '养老机构床位', '床位数'] },
] as const;
export type AreaFigureKey = (typeof AREA_FIGURES)[number]['key'];
export type AreaFigures = Partial<Record<AreaFigureKey, number>>;
