/**
 * The indicators of the summary tables, each defined once as a filter over person (or unit)
 * records. Counting a cell and listing the persons behind it use the same condition, so a click on
 * a number always lists exactly that many people. Labels come from the dictionary and code lists;
 * only the names of composite indicators (持证人数, 少数民族 …) are written here.
 * docs/indicators.md explains each one (numerator, denominator, reference-date rule).
 */
import { codeLabel, codesOf } from '../census/codes';
import { fieldLabel } from '../census/dictionary';
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

export interface Indicator {
  readonly key: string;
  /** Column group in the tables, e.g. 职业资格等级 */
  readonly group: string | null;
  readonly label: string;
  readonly subject: 'person' | 'unit';
  readonly where: RecordFilter;
  /** One line for docs/indicators.md and the dashboard's tooltip */
  readonly definition: string;
}

/** 是否社会工作专业岗位 → 社会工作专业岗位: the yes/no question's subject */
const subjectOf = (label: string) => label.replace(/^是否/, '');

const qualLabel = fieldLabel('person', 'qualLevel');
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
    where: [{ field: 'qualLevel', op: 'in', values: [...CERT_LEVELS] }],
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
  trained: {
    key: 'trained', group: `${TRAINING_HOURS_GOAL}学时培训`, label: '达标人数', subject: 'person',
    where: [{ field: 'trainingHours', op: 'gte', value: TRAINING_HOURS_GOAL }],
    definition: `${fieldLabel('person', 'trainingHours')}不少于 ${TRAINING_HOURS_GOAL} 学时的人数`,
  },
  units: {
    key: 'units', group: null, label: '单位数', subject: 'unit', where: [],
    definition: '不同的单位数：统一社会信用代码相同的单位记录是同一单位（如在几个区县各有站点），只计一次；没有代码的单位每条记录计一次',
  },
  unitReports: {
    key: 'unitReports', group: null, label: '单位报告数', subject: 'unit', where: [],
    definition: '各地区报送的单位记录数：同一单位由几个区县分别报送就计几次',
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

/** The targets an area can set (目标值), with the indicator each is measured against. */
export const TARGETS = [
  { key: 'totalTalents', label: '社会工作人才总数', format: 'integer' },
  { key: 'certified', label: '持证人数', format: 'integer' },
  { key: 'certRate', label: '持证率', format: 'percent' },
  { key: 'perMille', label: '占户籍人口比例（‰）', format: 'permille' },
  { key: 'trainingRate', label: `${TRAINING_HOURS_GOAL}学时培训达标率`, format: 'percent' },
] as const;
export type TargetKey = (typeof TARGETS)[number]['key'];
export type Targets = Partial<Record<TargetKey, number>>;
