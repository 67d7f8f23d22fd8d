/** Loading the table set and reading it: cells by table, row and column key; links to the persons. */
import { useCallback, useEffect, useState } from 'react';
import type { ReportSet, ReportTable } from '../../../../shared/reports/schema';
import { call, errorMessage } from '../../api/client';
import { formatRoute } from '../../lib/route';

export function useReportSet(): { set: ReportSet | null; error: string | null; reload: () => void } {
  const [set, setSet] = useState<ReportSet | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [tick, setTick] = useState(0);
  useEffect(() => {
    let live = true;
    call('reports.tables', {})
      .then((s) => {
        if (live) {
          setSet(s);
          setError(null);
        }
      })
      .catch((e: unknown) => {
        if (live) setError(errorMessage(e));
      });
    return () => {
      live = false;
    };
  }, [tick]);
  return { set, error, reload: useCallback(() => setTick((t) => t + 1), []) };
}

export function tableOf(set: ReportSet, id: string): ReportTable {
  const t = set.tables.find((x) => x.id === id);
  if (!t) throw new Error(`no table ${id}`);
  return t;
}

export function cell(t: ReportTable, rowKey: string, colKey: string): number | null {
  const i = t.columns.findIndex((c) => c.key === colKey);
  const row = t.rows.find((r) => r.key === rowKey);
  return i >= 0 && row ? (row.values[i] ?? null) : null;
}

/** The persons-behind-a-cell page */
export function personsHref(table: string, row: string, column: string): string {
  return formatRoute({ page: 'reports', path: ['persons', table, row, column] });
}

export function isLinked(t: ReportTable, rowKind: string, colIndex: number): boolean {
  const c = t.columns[colIndex];
  return !!c && c.linked && (rowKind !== 'total' || c.linkedTotal);
}
