/** Headline figures against targets, and bar charts by level, domain, unit type, age band and sub-area. */
import { useMemo } from 'react';
import type { ValueFormat } from '../../../../shared/reports/definitions';
import { screenValue } from '../../lib/format';
import { certLevelIndicators } from '../../../../shared/reports/indicators';
import type { ReportSet, ReportTable } from '../../../../shared/reports/schema';
import { parseHash, type Route } from '../../lib/route';
import { BarChart, type Bar } from './BarChart';
import { cell, personsHref, tableOf } from './data';
import { CoverageBanner, SummaryTable } from './TablesView';
import { TrendPanel } from './TrendPanel';

interface Headline {
  key: string;
  label: string;
  value: number | null;
  target: number | null;
  gap: number | null;
  /** Deadline year and state at the reference date (已达成 / 按进度 / 落后于进度 / 逾期未达成) */
  deadline?: number | null;
  progress?: number | null;
  format: ValueFormat;
  href?: string;
  missing?: string;
}

function headlines(set: ReportSet): Headline[] {
  const t5 = tableOf(set, 'T5');
  const v = (k: string) => cell(t5, 'total', k);
  const population = v('population');
  // Each target's deadline and progress columns are named after the column they measure (definitions.ts).
  const due = (k: string) => ({ deadline: v(`deadline${k[0]!.toUpperCase()}${k.slice(1)}`), progress: v(`progress${k[0]!.toUpperCase()}${k.slice(1)}`) });
  const elderly = v('elderly');
  const beds = v('careBeds');
  return [
    { key: 'persons', label: '社会工作人才总数', value: v('persons'), target: v('targetPersons'), gap: v('gapPersons'), ...due('persons'), format: 'integer', href: personsHref('T5', 'total', 'persons') },
    { key: 'holders', label: '持证人数', value: v('holders'), target: v('targetHolders'), gap: v('gapHolders'), ...due('holders'), format: 'integer', href: personsHref('T5', 'total', 'holders') },
    { key: 'certRate', label: '持证率', value: v('certRate'), target: v('targetCertRate'), gap: v('gapCertRate'), ...due('certRate'), format: 'percent' },
    { key: 'communityCertRate', label: '社区工作者持证率', value: v('communityCertRate'), target: v('targetCommunityCertRate'), gap: v('gapCommunityCertRate'), ...due('communityCertRate'), format: 'percent', href: personsHref('T5', 'total', 'communityWorkers') },
    {
      key: 'perMille', label: '占户籍人口比例（‰）', value: v('perMille'), target: v('targetPerMille'), gap: v('gapPerMille'), ...due('perMille'), format: 'permille',
      ...(population === null ? { missing: '未填户籍人口' } : {}),
    },
    { key: 'trainingRate', label: '160学时培训达标率（规划期累计）', value: v('trainingRate'), target: v('targetTrainingRate'), gap: v('gapTrainingRate'), ...due('trainingRate'), format: 'percent', href: personsHref('T5', 'total', 'trained') },
    {
      key: 'perThousandElderly', label: '每千名老年人拥有社会工作者', value: v('perThousandElderly'), target: v('targetPerThousandElderly'), gap: v('gapPerThousandElderly'), ...due('perThousandElderly'), format: 'decimal',
      ...(elderly === null ? { missing: '未填老年人口' } : {}),
    },
    {
      key: 'perHundredBeds', label: '每百张养老机构床位拥有社会工作者', value: v('perHundredBeds'), target: v('targetPerHundredBeds'), gap: v('gapPerHundredBeds'), ...due('perHundredBeds'), format: 'decimal',
      ...(beds === null ? { missing: '未填养老机构床位数' } : {}),
    },
    { key: 'stationCoverage', label: '社工站覆盖率（乡镇（街道））', value: v('stationCoverage'), target: null, gap: null, format: 'percent' },
  ];
}

function HeadlineCard({ h }: { h: Headline }) {
  const progress = h.value !== null && h.target !== null && h.target > 0 ? Math.min(1, h.value / h.target) : null;
  const reached = h.gap !== null && h.gap <= 0;
  const body = (
    <>
      <span className="tile-label">{h.label}</span>
      <span className="tile-value" data-testid={`headline-${h.key}`}>
        {h.value === null ? '—' : screenValue(h.value, h.format)}
      </span>
      {h.missing ? (
        <span className="tile-note">
          {h.missing}，<a href="#/reports/inputs">去填写</a>
        </span>
      ) : h.key === 'stationCoverage' ? (
        <span className="tile-note">有社工站的乡镇（街道）÷ 全部乡镇（街道）</span>
      ) : h.target === null ? (
        <span className="tile-note">未设目标</span>
      ) : (
        <span className={`tile-note ${reached ? 'ok' : ''}`} data-testid={`headline-${h.key}-target`}>
          目标 {screenValue(h.target, h.format)}
          {h.deadline ? `（${h.deadline}年底前）` : ''}，{reached ? '已达成' : `尚差 ${screenValue(h.gap, h.format)}`}
          {h.progress !== null && h.progress !== undefined && !reached ? `，${screenValue(h.progress, 'progress')}` : ''}
        </span>
      )}
      {progress !== null && (
        <span className="progress" aria-hidden="true">
          <span style={{ width: `${Math.round(progress * 100)}%` }} className={reached ? 'done' : undefined} />
        </span>
      )}
    </>
  );
  return h.href ? (
    <a className="tile headline" href={h.href} title="查看人员">
      {body}
    </a>
  ) : (
    <div className="tile headline">{body}</div>
  );
}

function barsOf(t: ReportTable, rows: (r: ReportTable['rows'][number]) => boolean, colKey: string, note?: (r: ReportTable['rows'][number]) => string): Bar[] {
  const i = t.columns.findIndex((c) => c.key === colKey);
  return t.rows.filter(rows).map((r) =>
    r.status === 'missing' && r.values[i] === null
      ? { label: r.label, value: 0, unreported: true }
      : {
          label: r.status === 'partial' ? `${r.label}（部分）` : r.label,
          value: r.values[i] ?? 0,
          href: personsHref(t.id, r.key, colKey),
          ...(note ? { note: note(r) } : {}),
        },
  );
}

export function Dashboard({ set, navigate }: { set: ReportSet; navigate: (r: Route) => void }) {
  const charts = useMemo(() => {
    const t1 = tableOf(set, 'T1');
    const certIdx = t1.columns.findIndex((c) => c.key === 'certRate');
    const certNote = (r: ReportTable['rows'][number]) => `持证率 ${screenValue(r.values[certIdx] ?? null, 'percent')}`;
    const level: Bar[] = certLevelIndicators.map((ind) => ({
      label: ind.label,
      value: cell(t1, 'total', ind.key) ?? 0,
      href: personsHref('T1', 'total', ind.key),
    }));
    const t4 = tableOf(set, 'T4');
    return {
      level,
      age: barsOf(t4, (r) => r.section === '年龄', 'persons'),
      unitType: barsOf(tableOf(set, 'T3'), (r) => r.kind !== 'total', 'persons'),
      domain: barsOf(tableOf(set, 'T2'), (r) => r.kind !== 'total', 'persons'),
      subArea: barsOf(t1, (r) => r.kind !== 'total', 'persons', certNote),
    };
  }, [set]);
  const go = (bar: Bar) => {
    if (bar.href) navigate(parseHash(bar.href));
  };
  const changes = set.tables.find((t) => t.id === 'T6');
  const subLabel = set.area.level === 'county' ? '乡镇（街道）' : set.area.level === 'city' ? '区县' : '市州';
  return (
    <div data-testid="dashboard">
      <CoverageBanner set={set} />
      <div className="headlines" data-testid="headlines">
        {headlines(set).map((h) => (
          <HeadlineCard key={h.key} h={h} />
        ))}
      </div>
      <div className="charts">
        <BarChart title="持证人数（按职业资格等级）" testid="chart-level" bars={charts.level} onBar={go} />
        <BarChart title="人员（按年龄段，统计时点周岁）" testid="chart-age" bars={charts.age} onBar={go} />
        <BarChart title="人员（按单位类型）" testid="chart-unit-type" bars={charts.unitType} onBar={go} />
        <BarChart title="人员（按主要服务领域）" testid="chart-domain" bars={charts.domain} horizontal height={460} onBar={go} />
        <BarChart
          title={`人员（按${subLabel}）`}
          testid="chart-sub-area"
          bars={charts.subArea}
          horizontal
          height={Math.max(280, 26 * charts.subArea.length + 40)}
          onBar={go}
        />
      </div>
      <TrendPanel />
      {changes && <SummaryTable t={changes} />}
    </div>
  );
}
