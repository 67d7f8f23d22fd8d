/** Paged, searchable list of persons or units; click or Enter opens the form, delete asks first. */
import { useCallback, useEffect, useMemo, useState, type KeyboardEvent } from 'react';
import { field, tableLabels, type FieldKey, type TableName } from '../../../shared/census/dictionary';
import type { RecordRow } from '../../../shared/census/schema';
import { call, errorMessage } from '../api/client';
import { unitNames, useTownships } from '../api/lookups';
import { recordMethods } from '../api/records';
import { ConfirmDialog } from '../components/ConfirmDialog';
import { ErrorBanner } from '../components/ErrorBanner';
import { Pager } from '../components/Pager';
import { countText, displayValue, type Lookups } from '../lib/format';
import { useDebounced } from '../lib/hooks';
import type { Route } from '../lib/route';

const PAGE_SIZE = 50;
/** Issue counts per row come from one issues.list call; above this many issues the column is left out. */
const ISSUE_COUNT_LIMIT = 10_000;

const listColumns: { [T in TableName]: readonly FieldKey<T>[] } = {
  person: ['name', 'idNumber', 'sex', 'birthDate', 'unitId', 'qualLevel'],
  unit: ['name', 'creditCode', 'unitType', 'township', 'urbanRural', 'isStation', 'staffCount'],
};

const searchHints: Record<TableName, string> = { person: '姓名或证件号码', unit: '单位名称或统一社会信用代码' };

interface Props {
  table: TableName;
  areaCode: string;
  navigate: (route: Route) => void;
}

type Counts = Map<string, { error: number; warning: number }>;

export function RecordList({ table, areaCode, navigate }: Props) {
  const label = tableLabels[table];
  const methods = recordMethods[table];
  const columns = useMemo(() => listColumns[table].map((k) => field(table, k)), [table]);
  const [search, setSearch] = useState('');
  const query = useDebounced(search.trim(), 250);
  const [offset, setOffset] = useState(0);
  const [rows, setRows] = useState<RecordRow[]>([]);
  const [total, setTotal] = useState(0);
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<string | null>(null);
  const [units, setUnits] = useState<ReadonlyMap<string, string>>(new Map());
  const [counts, setCounts] = useState<Counts | null>(null);
  const [toDelete, setToDelete] = useState<RecordRow | null>(null);
  const [reloadTick, setReloadTick] = useState(0);
  const townshipList = useTownships(columns.some((c) => c.type === 'township') ? areaCode : null);
  const lookups: Lookups = { units, townships: new Map(townshipList.map((t) => [t.code, t.name])) };

  useEffect(() => setOffset(0), [query]);

  useEffect(() => {
    let live = true;
    setLoading(true);
    (async () => {
      const page = await call(methods.list, { offset, limit: PAGE_SIZE, ...(query ? { search: query } : {}) });
      const refCols = columns.filter((c) => c.type === 'unitRef');
      const ids = page.rows.flatMap((r) => refCols.map((c) => r.data[c.key])).filter((v): v is string => typeof v === 'string');
      // Rows and their unit names appear together, so a row never flashes 未知单位.
      const names = refCols.length > 0 ? await unitNames(ids) : null;
      if (!live) return;
      setRows(page.rows);
      setTotal(page.total);
      if (names) setUnits(names);
      setError(null);
      const all = await call('issues.list', { table, limit: ISSUE_COUNT_LIMIT });
      if (!live) return;
      if (all.issues.length < all.total) {
        setCounts(null);
      } else {
        const m: Counts = new Map();
        for (const i of all.issues) {
          const c = m.get(i.recordId) ?? { error: 0, warning: 0 };
          c[i.severity]++;
          m.set(i.recordId, c);
        }
        setCounts(m);
      }
    })()
      .catch((e: unknown) => {
        if (live) setError(errorMessage(e));
      })
      .finally(() => {
        if (live) setLoading(false);
      });
    return () => {
      live = false;
    };
  }, [table, columns, methods.list, offset, query, reloadTick]);

  const remove = useCallback(async () => {
    if (!toDelete) return;
    const row = toDelete;
    setToDelete(null);
    try {
      await call(methods.remove, { ids: [row.id] });
      setReloadTick((t) => t + 1);
    } catch (e) {
      setError(`删除失败：${errorMessage(e)}`);
    }
  }, [toDelete, methods.remove]);

  function onRowKey(e: KeyboardEvent<HTMLTableRowElement>, row: RecordRow) {
    if (e.target !== e.currentTarget) return;
    if (e.key === 'Enter') {
      e.preventDefault();
      navigate({ page: 'form', table, id: row.id });
    } else if (e.key === 'Delete') {
      e.preventDefault();
      setToDelete(row);
    } else if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      e.preventDefault();
      const sib = e.key === 'ArrowDown' ? e.currentTarget.nextElementSibling : e.currentTarget.previousElementSibling;
      if (sib instanceof HTMLElement) sib.focus();
    }
  }

  const nameOf = (r: RecordRow) => (typeof r.data.name === 'string' && r.data.name !== '' ? r.data.name : '（未填写名称）');

  return (
    <div className="page list-page" data-testid={`list-${table}`}>
      <div className="page-head">
        <h1>{label}</h1>
        <div className="toolbar">
          <input
            type="search"
            className="search"
            placeholder={`搜索：${searchHints[table]}`}
            aria-label={`搜索${label}`}
            value={search}
            onChange={(e) => setSearch(e.target.value)}
            data-testid="list-search"
          />
          <button type="button" className="primary" onClick={() => navigate({ page: 'form', table, id: null })} data-testid="list-add">
            新增{label}
          </button>
        </div>
      </div>
      <ErrorBanner message={error} onClose={() => setError(null)} />
      <div className="list-info">
        共 <strong data-testid="list-total">{countText(total)}</strong> 条
        {query && `（搜索“${query}”）`}
        {loading && <span className="loading">　正在读取…</span>}
      </div>
      <table className="data-table">
        <thead>
          <tr>
            <th className="num">序号</th>
            {columns.map((c) => (
              <th key={c.key} title={c.hint}>
                {c.label}
              </th>
            ))}
            {counts && <th>问题</th>}
            <th className="ops">操作</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r, i) => {
            const c = counts?.get(r.id);
            return (
              <tr
                key={r.id}
                tabIndex={0}
                className="clickable"
                data-testid="list-row"
                data-id={r.id}
                onClick={() => navigate({ page: 'form', table, id: r.id })}
                onKeyDown={(e) => onRowKey(e, r)}
              >
                <td className="num">{offset + i + 1}</td>
                {columns.map((col) => (
                  <td key={col.key} data-col={col.key}>
                    {displayValue(col, r.data[col.key], lookups)}
                  </td>
                ))}
                {counts && (
                  <td className="issue-counts" data-testid="row-issues">
                    {c && c.error > 0 && <span className="badge error">{c.error} 错误</span>}
                    {c && c.warning > 0 && <span className="badge warning">{c.warning} 警告</span>}
                  </td>
                )}
                <td className="ops">
                  <button
                    type="button"
                    className="link danger"
                    data-testid="list-row-delete"
                    onClick={(e) => {
                      e.stopPropagation();
                      setToDelete(r);
                    }}
                  >
                    删除
                  </button>
                </td>
              </tr>
            );
          })}
          {!loading && rows.length === 0 && (
            <tr>
              <td colSpan={columns.length + 3} className="empty" data-testid="list-empty">
                {query ? '没有匹配的记录' : `还没有${label}，请点击“新增${label}”`}
              </td>
            </tr>
          )}
        </tbody>
      </table>
      <Pager offset={offset} pageSize={PAGE_SIZE} total={total} onOffset={setOffset} />
      {toDelete && (
        <ConfirmDialog
          title={`删除${label}`}
          message={`确定删除“${nameOf(toDelete)}”吗？`}
          confirmLabel="删除"
          danger
          onCancel={() => setToDelete(null)}
          onConfirm={() => void remove()}
        />
      )}
    </div>
  );
}
