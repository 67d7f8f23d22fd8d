import { lazy, Suspense, useCallback, useEffect, useState } from 'react';
import type { CensusSettings } from '../../shared/api/contract';
import { call, ClientError, errorMessage, FILE_PROBLEM_CODES, onFileProblem, type TransportState } from './api/client';
import { navRoutes, TopBar } from './components/TopBar';
import { formatRoute, parseHash, type Route } from './lib/route';
import { AccessDenied } from './pages/AccessDenied';
import { GridPage } from './pages/GridPage';
import { Home } from './pages/Home';
import { IssuesList } from './pages/IssuesList';
import { IoPage } from './pages/io/IoPage';
import { PackagesPage } from './pages/packages/PackagesPage';
import { RecordForm } from './pages/RecordForm';
import { RecordList } from './pages/RecordList';
import { SetupWizard } from './pages/SetupWizard';
import { FilePage } from './pages/workspace/FilePage';
import { FileProblem } from './pages/workspace/FileProblem';
import { OpenExisting } from './pages/workspace/OpenExisting';

// Charts (ECharts) load only when the reports pages are opened.
const ReportsPage = lazy(() => import('./pages/reports/ReportsPage'));

type Boot =
  | { state: 'loading' }
  | { state: 'denied'; reason: 'missing' | 'invalid' }
  | { state: 'failed'; message: string }
  /** No census file is open (damaged, locked by another computer, missing) */
  | { state: 'file_problem' }
  | { state: 'ready'; settings: CensusSettings | null };

export function App({ transport }: { transport: TransportState }) {
  const [boot, setBoot] = useState<Boot>(transport.kind === 'no_token' ? { state: 'denied', reason: 'missing' } : { state: 'loading' });
  const [route, setRoute] = useState<Route>(() => parseHash(window.location.hash));

  const load = useCallback(() => {
    setBoot({ state: 'loading' });
    call('census.get', {})
      .then((settings) => setBoot({ state: 'ready', settings }))
      .catch((e: unknown) => {
        if (e instanceof ClientError && e.code === 'forbidden') setBoot({ state: 'denied', reason: 'invalid' });
        else if (e instanceof ClientError && FILE_PROBLEM_CODES.has(e.code)) setBoot({ state: 'file_problem' });
        else setBoot({ state: 'failed', message: errorMessage(e) });
      });
  }, []);

  /** After the census file changed under a working UI (restore, another file): no loading screen in between. */
  const refresh = useCallback(() => {
    call('census.get', {})
      .then((settings) => setBoot({ state: 'ready', settings }))
      .catch(() => load());
  }, [load]);

  useEffect(() => {
    if (transport.kind !== 'no_token') load();
  }, [transport.kind, load]);

  // Any call may find the file gone from under it (damaged while in use, taken over by another computer).
  useEffect(() => onFileProblem(() => setBoot({ state: 'file_problem' })), []);

  useEffect(() => {
    const onHash = () => setRoute(parseHash(window.location.hash));
    window.addEventListener('hashchange', onHash);
    return () => window.removeEventListener('hashchange', onHash);
  }, []);

  const navigate = useCallback((r: Route, opts?: { replace?: boolean }) => {
    const hash = formatRoute(r);
    if (opts?.replace) window.history.replaceState(null, '', hash);
    else if (window.location.hash !== hash) window.location.hash = hash;
    setRoute(r);
  }, []);

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      // Only the digit row: Alt with keypad digits types a character on Windows (Alt+0183 is the · in
      // names such as 阿依古丽·买买提), and must not leave the page the clerk is typing in.
      if (!e.altKey || e.ctrlKey || e.metaKey || e.isComposing || !e.code.startsWith('Digit')) return;
      const n = Number(e.key);
      const target = Number.isInteger(n) ? navRoutes[n - 1] : undefined;
      if (target) {
        e.preventDefault();
        navigate(target);
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [navigate]);

  const setSettings = useCallback((settings: CensusSettings) => setBoot({ state: 'ready', settings }), []);

  switch (boot.state) {
    case 'denied':
      return <AccessDenied reason={boot.reason} />;
    case 'loading':
      return <p className="loading boot">正在连接…</p>;
    case 'file_problem':
      return <FileProblem onResolved={refresh} />;
    case 'failed':
      return (
        <div className="boot-failed" role="alert" data-testid="boot-failed">
          <h1>无法读取统计调查数据</h1>
          <p>{boot.message}</p>
          <button type="button" onClick={load}>
            重试
          </button>
        </div>
      );
    case 'ready':
      break;
  }
  const settings = boot.settings;
  if (!settings) {
    return (
      <main className="setup-shell">
        <SetupWizard
          onDone={(s) => {
            setSettings(s);
            navigate({ page: 'home' });
          }}
        />
        <OpenExisting onOpened={refresh} />
      </main>
    );
  }

  let page;
  switch (route.page) {
    case 'home':
      page = <Home settings={settings} onSettings={setSettings} navigate={navigate} />;
      break;
    case 'list':
      page = <GridPage key={`grid-${route.table}`} table={route.table} navigate={navigate} />;
      break;
    case 'records':
      page = <RecordList key={`list-${route.table}`} table={route.table} areaCode={settings.areaCode} navigate={navigate} />;
      break;
    case 'form':
      page = <RecordForm key={`form-${route.table}`} table={route.table} id={route.id} areaCode={settings.areaCode} navigate={navigate} />;
      break;
    case 'issues':
      page = <IssuesList navigate={navigate} />;
      break;
    case 'io':
      page = <IoPage settings={settings} />;
      break;
    case 'packages':
      page = <PackagesPage settings={settings} />;
      break;
    case 'file':
      page = <FilePage onChanged={refresh} />;
      break;
    case 'reports':
      page = (
        <Suspense fallback={<p className="loading">正在加载汇总看板…</p>}>
          <ReportsPage path={route.path} settings={settings} navigate={navigate} />
        </Suspense>
      );
      break;
  }
  return (
    <>
      <TopBar route={route} settings={settings} />
      <main className="content">{page}</main>
    </>
  );
}
