/**
 * 人员 / 单位: the spreadsheet page. Toolbar, grid, status bar, and a side panel with the table's
 * issues or the focused record's history. The full form stays one double-click (row number) away.
 */
import { useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState } from 'react';
import type { TableName } from '../../../shared/census/dictionary';
import { ConfirmDialog } from '../components/ConfirmDialog';
import { GridController } from '../grid/controller';
import { DataGrid, layoutOf, loadLayout } from '../grid/DataGrid';
import { HistoryPanel } from '../grid/HistoryPanel';
import { IssuesPanel } from '../grid/IssuesPanel';
import { BulkSet } from '../grid/BulkSet';
import { countText } from '../lib/format';
import { ColumnsMenu, FilterMenu, FindBox, focusFind } from '../grid/Toolbar';
import { useGridSelector, useGridStatus } from '../grid/useGridStatus';
import '../grid/grid.css';
import { call, errorMessage } from '../api/client';
import type { Route } from '../lib/route';
import type { Level } from '../../../shared/census/level';
import { initialScope, scopeOptions, type ScopeOption } from '../../../shared/grid/scope';
import { AreaPicker } from '../grid/AreaPicker';

type Side = 'issues' | 'history' | null;

function StatusBar({ ctrl }: { ctrl: GridController }) {
  const s = useGridStatus(ctrl);
  const large = s.save.kind === 'saving' ? s.save.large : undefined;
  const save = large
    ? `正在保存：${large.label}（${large.cells.toLocaleString('zh-CN')} 处，全部完成或全部不做）`
    : s.save.kind === 'saving' ? '正在保存…' : s.save.kind === 'saved' ? `已保存（${s.save.label}）` : s.save.kind === 'error' ? `保存失败：${s.save.message}` : '';
  return (
    <footer className="hc-statusbar" data-testid="grid-statusbar">
      <span data-testid="grid-rows">
        {s.loading ? `正在读取 ${s.loaded.toLocaleString('zh-CN')} / ${s.total.toLocaleString('zh-CN')} 行…` : `共 ${s.total.toLocaleString('zh-CN')} 行`}
        {s.shown !== s.total && !s.loading ? `，筛选后 ${s.shown.toLocaleString('zh-CN')} 行` : ''}
      </span>
      {s.issuesKnown ? (
        <>
          <span className="count-error" data-testid="grid-errors">错误 {countText(s.counts.error)}</span>
          <span className="count-warning" data-testid="grid-warnings">警告 {countText(s.counts.warning)}</span>
        </>
      ) : (
        <span className="meta" data-testid="grid-issues-pending">正在检查问题…</span>
      )}
      <span data-testid="grid-save" data-state={s.save.kind} data-saves={s.saves} className={s.save.kind === 'error' ? 'hc-err-text' : undefined}>
        {save}
      </span>
      {large && <progress className="hc-save-progress" aria-label="正在保存" data-testid="grid-save-progress" />}
      {s.notice && <span className="hc-notice" data-testid="grid-notice">{s.notice}</span>}
      <span className="hc-keys">Ctrl+C/V 复制粘贴 · Ctrl+D 向下填充 · Delete 清除 · Ctrl+Z/Y 撤销重做 · Insert 新增行 · Ctrl+- 删除行</span>
    </footer>
  );
}

function UndoButtons({ ctrl }: { ctrl: GridController }) {
  const s = useGridStatus(ctrl);
  return (
    <>
      <button type="button" data-testid="grid-undo" disabled={!s.canUndo} title={s.undoLabel ? `撤销：${s.undoLabel}（Ctrl+Z）` : '撤销（Ctrl+Z）'} onClick={() => void ctrl.undoLast()}>
        撤销
      </button>
      <button type="button" data-testid="grid-redo" disabled={!s.canRedo} title={s.redoLabel ? `重做：${s.redoLabel}（Ctrl+Y）` : '重做（Ctrl+Y）'} onClick={() => void ctrl.redoLast()}>
        重做
      </button>
    </>
  );
}

/** The part each table's grid showed last in this session (an upper level), by option key */
const remembered = new Map<TableName, string>();

interface Scopes {
  level: Level;
  options: ScopeOption[];
  scope: ScopeOption;
}

/**
 * 人员 / 单位. At a city or province the grid shows the whole table, one 市州 or one 区县: the areas
 * come first, then the grid of the part chosen (a new grid for each part, so its rows, issues and
 * undo steps are that part's).
 */
export function GridPage({ table, navigate }: { table: TableName; navigate: (r: Route) => void }) {
  const [scopes, setScopes] = useState<Scopes | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    let live = true;
    call('grid.areas', { table })
      .then((list) => {
        if (!live) return;
        const options = scopeOptions(list);
        setScopes({ level: list.level, options, scope: list.level === 'county' ? options[0]! : initialScope(options, remembered.get(table) ?? null) });
      })
      .catch((e: unknown) => live && setError(errorMessage(e)));
    return () => {
      live = false;
    };
  }, [table]);
  const pick = useCallback(
    (key: string) => {
      remembered.set(table, key);
      setScopes((s) => (s ? { ...s, scope: s.options.find((o) => o.key === key) ?? s.scope } : s));
    },
    [table],
  );
  // Rows added or deleted in the part shown: the picker's counts are read again. The part shown keeps
  // its option object, so its grid (rows, undo steps) stays as it is.
  const recount = useCallback(() => {
    call('grid.areas', { table })
      .then((list) => setScopes((s) => (s ? { ...s, options: scopeOptions(list) } : s)))
      .catch(() => undefined);
  }, [table]);
  if (error)
    return (
      <div className="banner banner-error" role="alert">
        {error}
      </div>
    );
  if (!scopes) return <p className="meta">正在读取…</p>;
  return <GridView key={scopes.scope.key} table={table} navigate={navigate} scopes={scopes} onPick={pick} onRecount={recount} />;
}

/** Calls `onChange` when the grid's row count changes after it has loaded (a child of its own, so the page does not re-render) */
function RowCountWatch({ ctrl, onChange }: { ctrl: GridController; onChange: () => void }) {
  const total = useGridSelector(ctrl, (s) => (s.loading ? null : s.total));
  const last = useRef<number | null>(null);
  useEffect(() => {
    if (total === null) return;
    if (last.current !== null && last.current !== total) onChange();
    last.current = total;
  }, [total, onChange]);
  return null;
}

function GridView({ table, navigate, scopes, onPick, onRecount }: { table: TableName; navigate: (r: Route) => void; scopes: Scopes; onPick: (key: string) => void; onRecount: () => void }) {
  const addHint = scopes.level === 'county' || scopes.scope.key === 'all' || scopes.scope.own ? null : '本级新增的记录属于「本级录入」：请先在「显示」中选择「本级录入」或「全部」，再新增行';
  const ctrl = useMemo(() => new GridController(table, scopes.scope.areas, addHint), [table, scopes.scope, addHint]);
  const [side, setSide] = useState<Side>('issues');
  const [confirm, setConfirm] = useState<string[] | null>(null);
  const findRef = useRef<HTMLInputElement>(null);
  const [error, setError] = useState<string | null>(null);
  const layoutTimer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const pageRef = useRef<HTMLDivElement>(null);
  // The page ends at the window's bottom edge whatever the top bar's height: a fixed calc() let the grid's
  // last row and horizontal scroll bar run under the window edge, where clicks could not reach them.
  useLayoutEffect(() => {
    const fit = () => {
      const el = pageRef.current;
      if (el) el.style.height = `${Math.max(200, window.innerHeight - el.getBoundingClientRect().top)}px`;
    };
    fit();
    window.addEventListener('resize', fit);
    return () => window.removeEventListener('resize', fit);
  }, []);
  const ready = useRef(false);

  const onReady = useCallback(() => {
    const api = ctrl.api!;
    const started = performance.now();
    void loadLayout(ctrl)
      .catch(() => undefined)
      .then(() => ctrl.load((rows) => api.setGridOption('rowData', rows)))
      .then(() => {
        ready.current = true;
        // For the benchmark: when the whole table is in the grid.
        (window as unknown as { __gridLoadedMs?: number }).__gridLoadedMs = performance.now() - started;
      })
      .catch((e: unknown) => setError(errorMessage(e)));
  }, [ctrl]);

  const onLayoutChange = useCallback(() => {
    if (!ready.current) return;
    if (layoutTimer.current) clearTimeout(layoutTimer.current);
    layoutTimer.current = setTimeout(() => {
      const layout = layoutOf(ctrl);
      if (layout) void call('grid.layout.set', { table, layout }).catch(() => undefined);
    }, 400);
  }, [ctrl, table]);

  useEffect(() => () => {
    if (layoutTimer.current) clearTimeout(layoutTimer.current);
  }, []);

  useEffect(() => {
    ctrl.shownOnPage();
    return () => ctrl.leftPage();
  }, [ctrl]);

  const openForm = useCallback((id: string) => navigate({ page: 'form', table, id }), [navigate, table]);
  const onFind = useCallback(() => focusFind(findRef.current), []);

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if ((e.ctrlKey || e.metaKey) && e.key.toLowerCase() === 'f') {
        e.preventDefault();
        onFind();
      } else if (e.key === 'Insert' && !(e.target instanceof HTMLElement && e.target.closest('.hc-grid, input, select, textarea'))) {
        // Insert works before the grid has focus (an empty table has no cell to focus).
        e.preventDefault();
        addRowRef.current();
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [onFind]);

  const addRow = () =>
    void ctrl.addRow().then((id) => {
      if (!id) return;
      const api = ctrl.api;
      const node = api?.getRowNode(id);
      const first = api?.getAllDisplayedColumns().findIndex((c) => ctrl.fieldIndex.has(c.getColId())) ?? 0;
      if (node?.rowIndex != null) ctrl.sel.focusCell({ row: node.rowIndex, col: first });
    });
  const addRowRef = useRef(addRow);
  addRowRef.current = addRow;

  const focusedForm = () => {
    const id = ctrl.status.focusedId;
    if (id) openForm(id);
  };

  return (
    <div className="hc-grid-page" ref={pageRef} data-testid={`grid-page-${table}`} data-scope={scopes.scope.key}>
      <div className="hc-toolbar">
        <h1>{table === 'person' ? '人员' : '单位'}</h1>
        {scopes.level !== 'county' && <AreaPicker options={scopes.options} value={scopes.scope.key} onPick={onPick} />}
        {scopes.level !== 'county' && <RowCountWatch ctrl={ctrl} onChange={onRecount} />}
        <button type="button" data-testid="grid-add-row" title={addHint ?? '新增一行（Insert）'} disabled={addHint !== null} onClick={addRow}>
          新增行
        </button>
        <button
          type="button"
          data-testid="grid-delete-rows"
          title="删除选中的行（Ctrl+-）"
          onClick={() => {
            const ids = ctrl.sel.selectedRowIds();
            if (ids.length) setConfirm(ids);
          }}
        >
          删除行
        </button>
        <UndoButtons ctrl={ctrl} />
        <FindBox ctrl={ctrl} inputRef={findRef} />
        <FilterMenu ctrl={ctrl} />
        <BulkSet ctrl={ctrl} />
        <ColumnsMenu ctrl={ctrl} onChange={onLayoutChange} />
        <button type="button" data-testid="grid-open-form" title="在完整表单中打开当前行（Ctrl+Enter，或双击行号）" onClick={focusedForm}>
          打开表单
        </button>
        <a href={table === 'person' ? '#/persons/list' : '#/units/list'} data-testid="grid-list-view">
          列表视图
        </a>
        <span className="hc-spacer" />
        <button type="button" data-testid="grid-toggle-issues" className={side === 'issues' ? 'hc-active' : undefined} onClick={() => setSide(side === 'issues' ? null : 'issues')}>
          问题
        </button>
        <button type="button" data-testid="grid-toggle-history" className={side === 'history' ? 'hc-active' : undefined} onClick={() => setSide(side === 'history' ? null : 'history')}>
          修改历史
        </button>
      </div>
      {error && (
        <div className="banner banner-error" role="alert">
          {error}
        </div>
      )}
      <div className="hc-body">
        <DataGrid ctrl={ctrl} onOpenForm={openForm} onDeleteRows={setConfirm} onFind={onFind} onReady={onReady} onLayoutChange={onLayoutChange} />
        {side === 'issues' && <IssuesPanel ctrl={ctrl} />}
        {side === 'history' && <HistoryPanel ctrl={ctrl} />}
      </div>
      <StatusBar ctrl={ctrl} />
      {confirm && (
        <ConfirmDialog
          title="删除行"
          message={`确定删除选中的 ${confirm.length} 行${table === 'person' ? '人员' : '单位'}记录吗？删除后可用“撤销”恢复。`}
          confirmLabel="删除"
          danger
          onCancel={() => setConfirm(null)}
          onConfirm={() => {
            const ids = confirm;
            setConfirm(null);
            void ctrl.removeRows(ids);
          }}
        />
      )}
    </div>
  );
}
