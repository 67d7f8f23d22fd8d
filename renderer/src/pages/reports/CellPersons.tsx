/**
 * The persons behind one table cell or chart bar: the cell's filter (reports.cell) applied to
 * persons.list. The filter is the contract's record filter, so the spreadsheet grid can take it over.
 */
import { useEffect, useState } from 'react';
import { field, type PersonFieldKey } from '../../../../shared/census/dictionary';
import type { RecordRow } from '../../../../shared/census/schema';
import type { RecordFilter } from '../../../../shared/reports/filter';
import { call, errorMessage } from '../../api/client';
import { unitNames, useTownships } from '../../api/lookups';
import { ErrorBanner } from '../../components/ErrorBanner';
import { Pager } from '../../components/Pager';
import { countText, displayValue } from '../../lib/format';
import type { Route } from '../../lib/route';

const PAGE_SIZE = 50;
const COLUMNS = (['name', 'idNumber', 'sex', 'birthDate', 'township', 'unitId', 'qualLevel', 'primaryDomain'] satisfies PersonFieldKey[]).map((k) => field('person', k));

interface Props {
  table: string;
  row: string;
  column: string;
  areaCode: string;
  navigate: (r: Route) => void;
}

export function CellPersons({ table, row, column, areaCode, navigate }: Props) {
  const [cell, setCell] = useState<{ filter: RecordFilter; title: string; description: string } | null>(null);
  const [rows, setRows] = useState<RecordRow[]>([]);
  const [total, setTotal] = useState<number | null>(null);
  const [offset, setOffset] = useState(0);
  const [units, setUnits] = useState<ReadonlyMap<string, string>>(new Map());
  const [error, setError] = useState<string | null>(null);
  const townships = useTownships(areaCode);
  const lookups = { units, townships: new Map(townships.map((t) => [t.code, t.name])) };

  useEffect(() => {
    let live = true;
    call('reports.cell', { table, row, column }).then(
      (c) => live && setCell(c),
      (e: unknown) => live && setError(errorMessage(e)),
    );
    return () => {
      live = false;
    };
  }, [table, row, column]);

  useEffect(() => {
    if (!cell) return;
    let live = true;
    (async () => {
      const page = await call('persons.list', { filter: cell.filter, offset, limit: PAGE_SIZE });
      const names = await unitNames(page.rows.map((r) => r.data.unitId).filter((v): v is string => typeof v === 'string'));
      if (!live) return;
      setRows(page.rows);
      setTotal(page.total);
      setUnits(names);
    })().catch((e: unknown) => live && setError(errorMessage(e)));
    return () => {
      live = false;
    };
  }, [cell, offset]);

  return (
    <div data-testid="cell-persons">
      <div className="page-head">
        <h2 data-testid="cell-title">{cell?.title ?? '…'}</h2>
        <button type="button" onClick={() => window.history.back()}>
          返回
        </button>
      </div>
      <ErrorBanner message={error} />
      {cell && (
        <div className="list-info">
          筛选条件：<span data-testid="cell-filter">{cell.description}</span>　共 <strong data-testid="cell-total">{total === null ? '…' : countText(total)}</strong> 人
        </div>
      )}
      <table className="data-table">
        <thead>
          <tr>
            <th className="num">序号</th>
            {COLUMNS.map((c) => (
              <th key={c.key}>{c.label}</th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((r, i) => (
            <tr key={r.id} className="clickable" tabIndex={0} data-testid="cell-person" onClick={() => navigate({ page: 'form', table: 'person', id: r.id })}
              onKeyDown={(e) => e.key === 'Enter' && navigate({ page: 'form', table: 'person', id: r.id })}>
              <td className="num">{offset + i + 1}</td>
              {COLUMNS.map((c) => (
                <td key={c.key} data-col={c.key}>
                  {displayValue(c, r.data[c.key], lookups)}
                </td>
              ))}
            </tr>
          ))}
          {total === 0 && (
            <tr>
              <td colSpan={COLUMNS.length + 1} className="empty">
                没有符合条件的人员
              </td>
            </tr>
          )}
        </tbody>
      </table>
      <Pager offset={offset} pageSize={PAGE_SIZE} total={total ?? 0} onOffset={setOffset} />
    </div>
  );
}
