/** Hash routes: they survive a reload and work the same under file:// (Electron) and http:// (browser). */
import type { TableName } from '../../../shared/census/dictionary';

export type Route =
  | { page: 'home' }
  | { page: 'list'; table: TableName }
  | { page: 'form'; table: TableName; id: string | null }
  | { page: 'issues' };

const segmentOf: Record<TableName, string> = { person: 'persons', unit: 'units' };

function tableOf(segment: string | undefined): TableName | null {
  if (segment === 'persons') return 'person';
  if (segment === 'units') return 'unit';
  return null;
}

export function parseHash(hash: string): Route {
  const parts = hash.replace(/^#\/?/, '').split('/').filter((p) => p !== '').map(decodeURIComponent);
  if (parts[0] === 'issues') return { page: 'issues' };
  const table = tableOf(parts[0]);
  if (!table) return { page: 'home' };
  if (parts.length === 1) return { page: 'list', table };
  return { page: 'form', table, id: parts[1] === 'new' ? null : parts[1]! };
}

export function formatRoute(route: Route): string {
  switch (route.page) {
    case 'home':
      return '#/';
    case 'issues':
      return '#/issues';
    case 'list':
      return `#/${segmentOf[route.table]}`;
    case 'form':
      return `#/${segmentOf[route.table]}/${route.id === null ? 'new' : encodeURIComponent(route.id)}`;
  }
}

export function sameRoute(a: Route, b: Route): boolean {
  return formatRoute(a) === formatRoute(b);
}
