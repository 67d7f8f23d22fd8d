import type { CensusSettings } from '../../../shared/api/contract';
import { formatRoute, type Route } from '../lib/route';

const items: { label: string; route: Route; testid: string; active: (r: Route) => boolean }[] = [
  { label: '首页', route: { page: 'home' }, testid: 'nav-home', active: (r) => r.page === 'home' },
  {
    label: '人员',
    route: { page: 'list', table: 'person' },
    testid: 'nav-persons',
    active: (r) => (r.page === 'list' || r.page === 'records' || r.page === 'form') && r.table === 'person',
  },
  {
    label: '单位',
    route: { page: 'list', table: 'unit' },
    testid: 'nav-units',
    active: (r) => (r.page === 'list' || r.page === 'records' || r.page === 'form') && r.table === 'unit',
  },
  { label: '问题清单', route: { page: 'issues' }, testid: 'nav-issues', active: (r) => r.page === 'issues' },
  { label: '汇总看板', route: { page: 'reports', path: [] }, testid: 'nav-reports', active: (r) => r.page === 'reports' },
  { label: '导入导出', route: { page: 'io' }, testid: 'nav-io', active: (r) => r.page === 'io' },
  { label: '上报与汇总', route: { page: 'packages' }, testid: 'nav-packages', active: (r) => r.page === 'packages' },
  { label: '数据与备份', route: { page: 'file' }, testid: 'nav-file', active: (r) => r.page === 'file' },
];

export const navRoutes = items.map((i) => i.route);

export function TopBar({ route, settings }: { route: Route; settings: CensusSettings }) {
  return (
    <header className="topbar">
      <div className="brand">社会工作专业人才统计调查</div>
      <nav aria-label="主导航">
        {items.map((item, n) => (
          <a
            key={item.testid}
            href={formatRoute(item.route)}
            className={item.active(route) ? 'active' : undefined}
            aria-current={item.active(route) ? 'page' : undefined}
            data-testid={item.testid}
            title={`Alt+${n + 1}`}
          >
            {item.label}
          </a>
        ))}
      </nav>
      <div className="context">
        <span data-testid="topbar-area">
          {settings.areaName}（{settings.areaCode}）
        </span>
        <span>统计时点 {settings.refDate}</span>
        <span data-testid="topbar-operator">操作员：{settings.operator}</span>
      </div>
    </header>
  );
}
