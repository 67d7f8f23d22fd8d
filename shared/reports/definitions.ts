/**
 * The five official summary tables (表1–表5), defined once as data. Rows come from the census area
 * and its sub-areas or from a code list of the dictionary; columns are indicators
 * (shared/reports/indicators.ts), rates between two columns, user inputs (population, targets)
 * and gaps to targets. shared/reports/aggregate.ts computes them; the xlsx export, the CLI and the
 * dashboard only render what comes out.
 */
import { fieldLabel } from '../census/dictionary';
import { indicators, certLevelIndicators, AREA_FIGURES, TRAINING_HOURS_GOAL, type AreaFigureKey, type TargetKey } from './indicators';

export type TableId = 'T1' | 'T2' | 'T3' | 'T4' | 'T5';
/**
 * decimal: a ratio shown with two decimals (persons per station, per 1,000 older people); year: a
 * deadline year; progress: a target's state at the reference date (shared/reports/progress.ts)
 */
export type ValueFormat = 'integer' | 'percent' | 'permille' | 'decimal' | 'year' | 'progress';
/**
 * What an input column shows: population or another entered denominator, the number of townships in
 * the row's area, a target, or a target's deadline year
 */
export type InputSource = 'population' | AreaFigureKey | 'townships' | TargetKey | `deadline:${TargetKey}`;

interface ColumnBase {
  readonly key: string;
  readonly group: string | null;
  readonly label: string;
}

export type ColumnDef = ColumnBase &
  (
    | {
        /** Records satisfying an indicator (persons or units) */
        readonly kind: 'count';
        readonly indicator: string;
        /**
         * Classify rows by this field instead of the section's (same code list): 服务领域 instead of
         * 主要领域. Such a column counts person-times, and its total row is the sum of its rows.
         */
        readonly rowField?: string;
        /**
         * Units only: count distinct organisations (by credit code) rather than unit records. Rows
         * still add up to the total (an organisation falls in the row of its first record), but a
         * parent area counts an organisation reported by two sub-areas once, so areas do not add up.
         */
        readonly distinct?: true;
        /**
         * Units only: count distinct townships (by the unit's 所在乡镇（街道）). Townships partition areas,
         * so unlike `distinct` this stays additive from county to city to province.
         */
        readonly perTownship?: true;
      }
    | { readonly kind: 'sum'; readonly field: string } // a unit field summed over units
    | {
        readonly kind: 'rate'; readonly num: string; readonly den: string; readonly denRow?: 'total';
        readonly format: 'percent' | 'permille' | 'decimal';
        /** Multiplier: 1000 for per-1,000, 100 for per-100 (permille implies 1000) */
        readonly scale?: number;
      }
    | { readonly kind: 'input'; readonly source: InputSource; readonly format: ValueFormat }
    | { readonly kind: 'gap'; readonly target: string; readonly actual: string; readonly format: ValueFormat }
    /** On track or not at the reference date: compares `actual` with `target` due by the year in `deadline` */
    | { readonly kind: 'progress'; readonly target: string; readonly actual: string; readonly deadline: string; readonly format: 'progress' }
  );

export type Section =
  | { readonly kind: 'area' }
  /** A coded person field, or `unit.<key>` for a field of the person's unit (units use their own) */
  | { readonly kind: 'code'; readonly field: string; readonly label: string }
  | { readonly kind: 'ageBand'; readonly label: string };

export interface TableDef {
  readonly id: TableId;
  readonly title: string;
  /** Unit notes printed under the title */
  readonly notes: readonly string[];
  /** 'area': the first row is the census area, then its sub-areas; 'total': a 合计 row, then the sections */
  readonly total: 'area' | 'total';
  readonly sections: readonly Section[];
  readonly columns: readonly ColumnDef[];
}

const count = (indicator: keyof typeof indicators, over: Partial<ColumnBase> & { rowField?: string; distinct?: true } = {}): ColumnDef => {
  const i = indicators[indicator];
  return {
    kind: 'count', key: over.key ?? i.key, group: over.group === undefined ? i.group : over.group, label: over.label ?? i.label, indicator: i.key,
    ...(over.rowField ? { rowField: over.rowField } : {}), ...(over.distinct ? { distinct: true } : {}),
  };
};
const rate = (key: string, group: string | null, label: string, num: string, den: string, extra: { denRow?: 'total'; format?: 'percent' | 'permille' | 'decimal'; scale?: number } = {}): ColumnDef => ({
  kind: 'rate', key, group, label, num, den, format: extra.format ?? 'percent', ...(extra.denRow ? { denRow: extra.denRow } : {}), ...(extra.scale ? { scale: extra.scale } : {}),
});
const cap = (s: string) => s[0]!.toUpperCase() + s.slice(1);
/** A target's columns: 目标, 期限（年）, 进度 (on track or not at the reference date), 差距 */
const targetColumns = (group: string, source: TargetKey, actual: string, format: ValueFormat): ColumnDef[] => {
  const key = `target${cap(actual)}`;
  return [
    { kind: 'input', key, group, label: '目标', source, format },
    { kind: 'input', key: `deadline${cap(actual)}`, group, label: '期限（年底前）', source: `deadline:${source}`, format: 'year' },
    { kind: 'progress', key: `progress${cap(actual)}`, group, label: '进度', target: key, actual, deadline: `deadline${cap(actual)}`, format: 'progress' },
    { kind: 'gap', key: `gap${cap(actual)}`, group, label: '差距', target: key, actual, format },
  ];
};
const figure = (key: AreaFigureKey): ColumnDef => {
  const f = AREA_FIGURES.find((a) => a.key === key)!;
  return { kind: 'input', key, group: f.label, label: key === 'careBeds' ? '张' : '人数', source: key, format: 'integer' };
};

const certRate = rate('certRate', null, '持证率', 'holders', 'persons');
const TRAINING_GROUP = `${TRAINING_HOURS_GOAL}学时培训（规划期累计）`;
const PERSONS_NOTE = '计量单位：人；比率为百分比，保留一位小数';
const code = (field: string, table: 'person' | 'unit' = 'person'): Section => ({
  kind: 'code',
  field: table === 'unit' ? `unit.${field}` : field,
  label: fieldLabel(table, field),
});

export const TABLES: readonly TableDef[] = [
  {
    id: 'T1',
    title: '表1 社会工作专业人才总体情况',
    notes: [PERSONS_NOTE],
    total: 'area',
    sections: [{ kind: 'area' }],
    columns: [
      count('persons'),
      count('holders'),
      ...certLevelIndicators.map((i) => ({ kind: 'count' as const, key: i.key, group: i.group, label: i.label, indicator: i.key })),
      count('validReg'),
      count('newHolders'),
      certRate,
      count('communityWorkers'),
      count('communityHolders'),
      rate('communityCertRate', '社区工作者', '持证率', 'communityHolders', 'communityWorkers'),
      count('swMajor'),
      count('party'),
      count('women'),
      count('minority'),
      count('swPost'),
      count('proTech'),
    ],
  },
  {
    id: 'T2',
    title: '表2 社会工作专业人才服务领域情况',
    notes: [
      PERSONS_NOTE,
      `「${fieldLabel('person', 'primaryDomain')}」每人计一次，各行之和等于合计；「${fieldLabel('person', 'domains')}」按人次统计，一人在多个领域的在每个领域各计一次`,
    ],
    total: 'total',
    sections: [code('primaryDomain')],
    columns: [
      count('persons', { group: fieldLabel('person', 'primaryDomain'), label: '人数' }),
      count('holders', { group: fieldLabel('person', 'primaryDomain'), label: '持证人数' }),
      rate('certRate', fieldLabel('person', 'primaryDomain'), '持证率', 'holders', 'persons'),
      count('persons', { key: 'allDomains', group: fieldLabel('person', 'domains'), label: '人次', rowField: 'domains' }),
    ],
  },
  {
    id: 'T3',
    title: '表3 分单位类型社会工作专业人才情况',
    notes: [
      '计量单位：个、人；比率为百分比，保留一位小数',
      `人员按其所在单位的${fieldLabel('unit', 'unitType')}归类`,
      '单位数按统一社会信用代码计不同单位，同一单位由几个地区报送只计一次；单位报告数、社工站、岗位数、人员按各地区报送数相加',
    ],
    total: 'total',
    sections: [code('unitType', 'unit')],
    columns: [
      count('units', { distinct: true }),
      count('unitReports'),
      count('stations'),
      { kind: 'sum', key: 'swPostCount', group: null, label: fieldLabel('unit', 'swPostCount'), field: 'swPostCount' },
      count('persons', { label: '人员数' }),
      count('holders', { group: null, label: '持证人数' }),
      certRate,
      count('swPost', { group: null, label: `在${indicators.swPost.label}人数` }),
    ],
  },
  {
    id: 'T4',
    title: '表4 社会工作专业人才结构情况',
    notes: [PERSONS_NOTE, '年龄按统计时点计算周岁（已过生日的周岁数）'],
    total: 'total',
    sections: [
      { kind: 'ageBand', label: '年龄' },
      code('education'),
      code('majorCategory'),
      code('urbanRural'),
      code('personCategory'),
      code('staffing'),
      code('employmentType'),
    ],
    columns: [
      count('persons', { label: '人数' }),
      rate('share', null, '占比', 'persons', 'persons', { denRow: 'total' }),
      count('women'),
      count('holders', { group: null, label: '持证人数' }),
      certRate,
    ],
  },
  {
    id: 'T5',
    title: '表5 培训、人口比例、社工站覆盖与目标完成情况',
    notes: [
      '计量单位：人；比率为百分比，保留一位小数；占户籍人口比例为千分比（‰）',
      '差距 = 目标 − 实有，正数为尚差，负数为已超出；未设目标的不计算差距',
      '进度：已达成；按进度（实有不低于目标按规划期首年至期限年底的时间比例折算的应有值）；落后于进度；逾期未达成（统计时点已过期限年底）',
      `${TRAINING_GROUP}：按规划期累计培训学时计算，只统计直接从事社会服务的人员类别（见指标口径说明）`,
    ],
    total: 'area',
    sections: [{ kind: 'area' }],
    columns: [
      count('persons', { group: '社会工作人才总数', label: '实有' }),
      ...targetColumns('社会工作人才总数', 'totalTalents', 'persons', 'integer'),
      count('holders', { group: '持证人数', label: '实有' }),
      ...targetColumns('持证人数', 'certified', 'holders', 'integer'),
      rate('certRate', '持证率', '实有', 'holders', 'persons'),
      ...targetColumns('持证率', 'certRate', 'certRate', 'percent'),
      count('communityWorkers', { group: '社区工作者持证率', label: '社区工作者人数' }),
      count('communityHolders', { group: '社区工作者持证率', label: '其中持证' }),
      rate('communityCertRate', '社区工作者持证率', '实有', 'communityHolders', 'communityWorkers'),
      ...targetColumns('社区工作者持证率', 'communityCertRate', 'communityCertRate', 'percent'),
      count('trainingScope', { group: TRAINING_GROUP }),
      count('trained', { group: TRAINING_GROUP, label: '达标人数' }),
      rate('trainingRate', TRAINING_GROUP, '达标率', 'trained', 'trainingScope'),
      ...targetColumns(TRAINING_GROUP, 'trainingRate', 'trainingRate', 'percent'),
      { kind: 'input', key: 'population', group: '户籍人口', label: '人数', source: 'population', format: 'integer' },
      rate('perMille', '占户籍人口比例（‰）', '实有', 'persons', 'population', { format: 'permille' }),
      ...targetColumns('占户籍人口比例（‰）', 'perMille', 'perMille', 'permille'),
      figure('elderly'),
      rate('perThousandElderly', '每千名老年人拥有社会工作者数', '实有', 'persons', 'elderly', { format: 'decimal', scale: 1000 }),
      ...targetColumns('每千名老年人拥有社会工作者数', 'perThousandElderly', 'perThousandElderly', 'decimal'),
      figure('careBeds'),
      rate('perHundredBeds', '每百张养老机构床位拥有社会工作者数', '实有', 'persons', 'careBeds', { format: 'decimal', scale: 100 }),
      ...targetColumns('每百张养老机构床位拥有社会工作者数', 'perHundredBeds', 'perHundredBeds', 'decimal'),
      { kind: 'input', key: 'townships', group: '社工站覆盖', label: '乡镇（街道）数', source: 'townships', format: 'integer' },
      { kind: 'count', key: 'coveredTownships', group: '社工站覆盖', label: '有社工站的', indicator: 'coveredTownships', perTownship: true },
      rate('stationCoverage', '社工站覆盖', '覆盖率', 'coveredTownships', 'townships'),
      count('stations', { group: '社工站覆盖', label: '社工站数' }),
      rate('perStation', '社工站覆盖', '站均人员', 'persons', 'stations', { format: 'decimal' }),
    ],
  },
];

export function tableDef(id: string): TableDef | undefined {
  return TABLES.find((t) => t.id === id);
}

export function formatOf(c: ColumnDef): ValueFormat {
  return c.kind === 'count' || c.kind === 'sum' ? 'integer' : c.format;
}
