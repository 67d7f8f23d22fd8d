/**
 * 汇总看板: the dashboard, the summary tables (表1–表5), population and targets, and the persons
 * behind a cell. Loaded lazily with ECharts, so the rest of the app never pays for the charts.
 * Routes: #/reports, #/reports/tables, #/reports/inputs, #/reports/persons/<table>/<row>/<column>.
 */
import type { CensusSettings } from '../../../../shared/api/contract';
import { codeLabel } from '../../../../shared/census/codes';
import { ErrorBanner } from '../../components/ErrorBanner';
import { formatRoute, type Route } from '../../lib/route';
import { CellPersons } from './CellPersons';
import { Dashboard } from './Dashboard';
import { useReportSet } from './data';
import { InputsView } from './InputsView';
import './reports.css';
import { TablesView } from './TablesView';

const tabs = [
  { view: 'dashboard', label: '看板', path: [] as string[] },
  { view: 'tables', label: '汇总表', path: ['tables'] },
  { view: 'inputs', label: '户籍人口与目标', path: ['inputs'] },
] as const;

interface Props {
  path: string[];
  settings: CensusSettings;
  navigate: (r: Route) => void;
}

export default function ReportsPage({ path, settings, navigate }: Props) {
  const view = path[0] ?? 'dashboard';
  const { set, error, reload } = useReportSet();
  let body;
  if (view === 'persons') {
    body = <CellPersons table={path[1] ?? ''} row={path[2] ?? ''} column={path[3] ?? ''} areaCode={settings.areaCode} navigate={navigate} />;
  } else if (view === 'inputs') {
    body = <InputsView onChanged={reload} />;
  } else if (!set) {
    body = error ? null : <p className="loading">正在计算汇总表…</p>;
  } else if (view === 'tables') {
    body = <TablesView set={set} />;
  } else {
    body = <Dashboard set={set} navigate={navigate} />;
  }
  return (
    <div className="page reports-page" data-testid="reports-page">
      <div className="page-head">
        <h1>
          汇总看板
          <span className="sub">
            {settings.areaName}（{codeLabel('level', settings.level)}）　统计时点 {settings.refDate}
          </span>
        </h1>
        <nav className="tabs" aria-label="汇总看板">
          {tabs.map((t) => (
            <a
              key={t.view}
              href={formatRoute({ page: 'reports', path: [...t.path] })}
              className={view === t.view ? 'active' : undefined}
              aria-current={view === t.view ? 'page' : undefined}
              data-testid={`reports-tab-${t.view}`}
            >
              {t.label}
            </a>
          ))}
        </nav>
      </div>
      <ErrorBanner message={error} />
      {set && view !== 'inputs' && (
        <p className={set.pendingDuplicates > 0 ? 'banner banner-warn' : 'meta'} data-testid="pending-note">
          {set.pendingDuplicates > 0
            ? `另有 ${set.pendingDuplicates} 名跨地区重复人员待核定，各表中每人只计一次。`
            : '无待核定的跨地区重复人员。'}
          {set.excluded > 0 ? `已按一人计一次剔除 ${set.excluded} 条重复记录。` : ''}
        </p>
      )}
      {body}
    </div>
  );
}
