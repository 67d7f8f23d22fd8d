/** Hash routes: they survive a reload and work the same under file:// (Electron) and http:// (browser). */
import type { TableName } from '../../../shared/census/dictionary';

export type Route =
  | { page: 'home' }
  /** The spreadsheet grid (renderer/src/pages/GridPage.tsx) */
  | { page: 'list'; table: TableName }
  /** The plain paged list, reachable from the grid's toolbar */
  | { page: 'records'; table: TableName }
  | { page: 'form'; table: TableName; id: string | null }
  | { page: 'issues' }
  /** Import / export of spreadsheets (renderer/src/pages/io) */
  | { page: 'io' }
  /** Summary tables and dashboard; the reports pages route `path` themselves (renderer/src/pages/reports) */
  | { page: 'reports'; path: string[] }
  /** Return packages: export, merge workspace (renderer/src/pages/packages) */
  | { page: 'packages' }
  /** The census file: which one is open, open another, backups and restore (renderer/src/pages/workspace) */
  | { page: 'file' };

const segmentOf: Record<TableName, string> = { person: 'persons', unit: 'units' };

function tableOf(segment: string | undefined): TableName | null {
  if (segment === 'persons') return 'person';
  if (segment === 'units') return 'unit';
  return null;
}

export function parseHash(hash: string): Route {
  const parts = hash.replace(/^#\/?/, '').split('/').filter((p) => p !== '').map(decodeURIComponent);
  if (parts[0] === 'issues') return { page: 'issues' };
  if (parts[0] === 'io') return { page: 'io' };
  if (parts[0] === 'packages') return { page: 'packages' };
  if (parts[0] === 'file') return { page: 'file' };
  if (parts[0] === 'reports') return { page: 'reports', path: parts.slice(1) };
  const table = tableOf(parts[0]);
  if (!table) return { page: 'home' };
  if (parts.length === 1) return { page: 'list', table };
  if (parts.length === 2 && parts[1] === 'list') return { page: 'records', table };
  return { page: 'form', table, id: parts[1] === 'new' ? null : parts[1]! };
}

export function formatRoute(route: Route): string {
  switch (route.page) {
    case 'home':
      return '#/';
    case 'issues':
      return '#/issues';
    case 'io':
      return '#/io';
    case 'packages':
      return '#/packages';
    case 'file':
      return '#/file';
    case 'reports':
      return `#/reports${route.path.map((p) => '/' + encodeURIComponent(p)).join('')}`;
    case 'list':
      return `#/${segmentOf[route.table]}`;
    case 'records':
      return `#/${segmentOf[route.table]}/list`;
    case 'form':
      return `#/${segmentOf[route.table]}/${route.id === null ? 'new' : encodeURIComponent(route.id)}`;
  }
}

export function sameRoute(a: Route, b: Route): boolean {
  return formatRoute(a) === formatRoute(b);
}
