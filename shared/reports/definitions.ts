/**
 * The five official summary tables (表1–表5), defined once as data. Rows come from the census area
 * and its sub-areas or from a code list of the dictionary; columns are indicators
 * (shared/reports/indicators.ts), rates between two columns, user inputs (population, targets)
 * and gaps to targets. shared/reports/aggregate.ts computes them; the xlsx export, the CLI and the
 * dashboard only render what comes out.
 */
import { fieldLabel } from '../census/dictionary';
import { indicators, certLevelIndicators, TRAINING_HOURS_GOAL, type TargetKey } from './indicators';

export type TableId = 'T1' | 'T2' | 'T3' | 'T4' | 'T5';
export type ValueFormat = 'integer' | 'percent' | 'permille';

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
      }
    | { readonly kind: 'sum'; readonly field: string } // a unit field summed over units
    | { readonly kind: 'rate'; readonly num: string; readonly den: string; readonly denRow?: 'total'; readonly format: 'percent' | 'permille' }
    | { readonly kind: 'input'; readonly source: 'population' | TargetKey; readonly format: ValueFormat }
    | { readonly kind: 'gap'; readonly target: string; readonly actual: string; readonly format: ValueFormat }
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
const rate = (key: string, group: string | null, label: string, num: string, den: string, extra: { denRow?: 'total'; format?: 'percent' | 'permille' } = {}): ColumnDef => ({
  kind: 'rate', key, group, label, num, den, format: extra.format ?? 'percent', ...(extra.denRow ? { denRow: extra.denRow } : {}),
});
const target = (key: string, group: string, source: TargetKey, format: ValueFormat): ColumnDef => ({ kind: 'input', key, group, label: '目标', source, format });
const gap = (key: string, group: string, targetKey: string, actual: string, format: ValueFormat): ColumnDef => ({ kind: 'gap', key, group, label: '差距', target: targetKey, actual, format });

const certRate = rate('certRate', null, '持证率', 'holders', 'persons');
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
      certRate,
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
      code('employmentForm'),
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
    title: '表5 培训、人口比例与目标完成情况',
    notes: [
      '计量单位：人；比率为百分比，保留一位小数；占户籍人口比例为千分比（‰）',
      '差距 = 目标 − 实有，正数为尚差，负数为已超出；未设目标的不计算差距',
    ],
    total: 'area',
    sections: [{ kind: 'area' }],
    columns: [
      count('persons', { group: '社会工作人才总数', label: '实有' }),
      target('targetPersons', '社会工作人才总数', 'totalTalents', 'integer'),
      gap('gapPersons', '社会工作人才总数', 'targetPersons', 'persons', 'integer'),
      count('holders', { group: '持证人数', label: '实有' }),
      target('targetHolders', '持证人数', 'certified', 'integer'),
      gap('gapHolders', '持证人数', 'targetHolders', 'holders', 'integer'),
      rate('certRate', '持证率', '实有', 'holders', 'persons'),
      target('targetCertRate', '持证率', 'certRate', 'percent'),
      gap('gapCertRate', '持证率', 'targetCertRate', 'certRate', 'percent'),
      count('trained', { group: `${TRAINING_HOURS_GOAL}学时培训`, label: '达标人数' }),
      rate('trainingRate', `${TRAINING_HOURS_GOAL}学时培训`, '达标率', 'trained', 'persons'),
      target('targetTrainingRate', `${TRAINING_HOURS_GOAL}学时培训`, 'trainingRate', 'percent'),
      gap('gapTrainingRate', `${TRAINING_HOURS_GOAL}学时培训`, 'targetTrainingRate', 'trainingRate', 'percent'),
      { kind: 'input', key: 'population', group: '户籍人口', label: '人数', source: 'population', format: 'integer' },
      rate('perMille', '占户籍人口比例（‰）', '实有', 'persons', 'population', { format: 'permille' }),
      target('targetPerMille', '占户籍人口比例（‰）', 'perMille', 'permille'),
      gap('gapPerMille', '占户籍人口比例（‰）', 'targetPerMille', 'perMille', 'permille'),
    ],
  },
];

export function tableDef(id: string): TableDef | undefined {
  return TABLES.find((t) => t.id === id);
}

export function formatOf(c: ColumnDef): ValueFormat {
  return c.kind === 'count' || c.kind === 'sum' ? 'integer' : c.format;
}
