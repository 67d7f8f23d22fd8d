/**
 * The persons or units spreadsheet: AG Grid Community (client-side row model) with the range,
 * clipboard, fill-down, delete and undo that Excel users expect, built here on Community features
 * (cell focus, cell class rules, keyboard and clipboard events) — no Enterprise module.
 *
 * The grid is AG Grid's own DOM inside a React component, not its React wrapper: the wrapper renders
 * every row and cell as React components, and an Enter that scrolled the grid a row cost ~150 ms of
 * the page's CPU in React reconciliation (~85 ms without; bench/README.md, grid).
 */
import {
  AllCommunityModule, createGrid, ModuleRegistry, themeQuartz,
  type CellDoubleClickedEvent, type CellFocusedEvent, type ColDef, type ColGroupDef,
  type GridReadyEvent, type ICellRendererParams, type IRowNode, type ValueFormatterParams,
} from 'ag-grid-community';
import { useCallback, useEffect, useRef } from 'react';
import type { GridLayout } from '../../../shared/api/methods/grid';
import type { FieldDef } from '../../../shared/census/dictionary';
import type { FieldValue } from '../../../shared/census/schema';
import { cellText } from '../../../shared/grid';
import { call } from '../api/client';
import type { GridController } from './controller';
import { PickerEditorComp } from './editors';
import { commitTextOnEnter, runKeyAction, startTyping, whileOpening } from './keyboard';
import { gridKeyAction } from './keys';
import { isImeKey, isPrintable } from './typing';
import { cellIssues, errorsOf, GROUPS, ROW_NUMBER_COL, STATUS_COL, usesPicker, type GridRow } from './model';

// Community modules only: the range, clipboard and fill handle below are our own.
ModuleRegistry.registerModules([AllCommunityModule]);

const theme = themeQuartz.withParams({
  rowHeight: 30,
  headerHeight: 32,
  fontSize: 13,
  spacing: 4,
  cellHorizontalPadding: 6,
  wrapperBorderRadius: 0,
  rangeSelectionBorderColor: '#2563eb',
});

/**
 * The row's error and warning counts (plain DOM: the grid renders without React); before the grid's
 * issues are read, not ✓: a row is not known to be clean until they are.
 */
function statusCell(p: ICellRendererParams<GridRow>, known: boolean): HTMLElement | null {
  if (!p.data) return null;
  const { error, warning } = errorsOf(p.data);
  const el = document.createElement('span');
  if (!known && !error && !warning) {
    el.className = 'hc-status-pending';
    el.dataset.testid = 'grid-status-pending';
    el.title = '正在检查';
    el.textContent = '…';
    return el;
  }
  if (!error && !warning) {
    el.className = 'hc-status-ok';
    el.setAttribute('aria-label', '无问题');
    el.textContent = '✓';
    return el;
  }
  el.className = 'hc-status';
  el.dataset.testid = 'grid-status-cell';
  const part = (cls: string, title: string, text: string) => {
    const s = document.createElement('span');
    s.className = cls;
    s.title = title;
    s.textContent = text;
    el.append(s);
  };
  if (error > 0) part('hc-status-err', `${error} 个错误`, `✕${error}`);
  if (warning > 0) part('hc-status-warn', `${warning} 个警告`, `⚠${warning}`);
  return el;
}

function hasSeverity(row: GridRow | undefined, key: string, severity: 'error' | 'warning'): boolean {
  if (!row?.iss) return false;
  const list = cellIssues(row, key);
  if (severity === 'warning') return list.length > 0 && list.every((i) => i.severity === 'warning');
  return list.some((i) => i.severity === 'error');
}

function columnFor(ctrl: GridController, f: FieldDef): ColDef<GridRow> {
  const key = f.key;
  const picker = usesPicker(f);
  const byText = f.type === 'unitRef' || f.type === 'township' || f.type === 'code' || f.type === 'codes';
  return {
    colId: key,
    headerName: f.label,
    headerTooltip: `${f.label}：${f.hint}`,
    width: f.grid.width,
    ...(f.grid.pinned ? { pinned: 'left' as const } : {}),
    valueGetter: (p) => (p.data ? ctrl.rows.value(p.data, key) : null),
    valueFormatter: (p: ValueFormatterParams<GridRow, FieldValue>) => {
      const text = cellText(f, p.value, ctrl.lookups);
      const prev = p.data ? ctrl.previous.valueOf(p.data.id, key, p.value ?? null) : undefined;
      return prev === undefined ? text : `${cellText(f, prev, ctrl.lookups) || '（空）'} → ${text || '（空）'}`;
    },
    // Sorting follows what the clerk reads (labels, unit names), not the stored codes.
    ...(byText ? { comparator: (a: FieldValue, b: FieldValue) => cellText(f, a, ctrl.lookups).localeCompare(cellText(f, b, ctrl.lookups), 'zh-CN') } : {}),
    editable: true,
    // The save starts here, inside the keystroke that ends the edit: AG Grid hands its public events
    // (cellEditRequest included) to a setTimeout that runs only after the next frame (~15 ms at 100k
    // rows). The grid's data is not touched (false = unchanged): the core's reply updates the row.
    valueSetter: (p) => {
      if (p.data) ctrl.commitEdit(p.data.id, key, (p.newValue ?? null) as FieldValue);
      return false;
    },
    cellEditor: picker ? PickerEditorComp : 'agTextCellEditor',
    cellEditorPopup: picker,
    ...(picker ? { cellEditorPopupPosition: 'under' as const } : {}),
    // The text editor gets the stored value as text (numbers included).
    ...(picker ? {} : { cellEditorParams: { maxLength: 10_000 } }),
    cellClassRules: {
      'hc-error': (p) => hasSeverity(p.data, key, 'error'),
      'hc-warning': (p) => hasSeverity(p.data, key, 'warning'),
      'hc-range': (p) => ctrl.sel.inRange(p.node.rowIndex, key),
      'hc-changed': (p) => (p.data ? ctrl.previous.valueOf(p.data.id, key, ctrl.rows.value(p.data, key)) !== undefined : false),
    },
    tooltipValueGetter: (p) => {
      const list = p.data ? cellIssues(p.data, key) : [];
      return list.length ? list.map((i) => `${i.severity === 'error' ? '错误' : '警告'}：${i.message}`).join('\n') : null;
    },
  };
}

export function buildColumns(ctrl: GridController): (ColDef<GridRow> | ColGroupDef<GridRow>)[] {
  const fixed: ColDef<GridRow>[] = [
    {
      colId: ROW_NUMBER_COL,
      headerName: '行号',
      headerTooltip: '双击行号打开完整表单',
      pinned: 'left',
      width: 70,
      sortable: false,
      editable: false,
      suppressMovable: true,
      lockPosition: 'left',
      valueGetter: (p) => (p.node?.rowIndex ?? 0) + 1,
      cellClass: 'hc-rownum',
      cellClassRules: { 'hc-range': (p) => ctrl.sel.inRange(p.node.rowIndex, ROW_NUMBER_COL) },
    },
    {
      colId: STATUS_COL,
      headerName: '状态',
      headerTooltip: '本行的错误数和警告数',
      pinned: 'left',
      width: 76,
      editable: false,
      suppressMovable: true,
      lockPosition: 'left',
      valueGetter: (p) => {
        const c = p.data ? errorsOf(p.data) : { error: 0, warning: 0 };
        return c.error * 100_000 + c.warning;
      },
      cellRenderer: (p: ICellRendererParams<GridRow>) => statusCell(p, ctrl.status.issuesKnown),
    },
  ];
  // The pinned fields (姓名, 证件号码) stand outside their group: AG Grid draws a group split between the
  // pinned and scrolling parts twice, so 基本信息 would head both parts side by side.
  const shown = ctrl.fields.filter((f) => !f.carried);
  const pinned = shown.filter((f) => f.grid.pinned).map((f) => columnFor(ctrl, f));
  const groups: ColGroupDef<GridRow>[] = GROUPS.map((g) => ({
    headerName: g,
    groupId: g,
    children: shown.filter((f) => f.group === g && !f.grid.pinned).map((f) => columnFor(ctrl, f)),
  })).filter((g) => g.children.length > 0);
  return [...fixed, ...pinned, ...groups];
}

export function layoutOf(ctrl: GridController): GridLayout | null {
  const api = ctrl.api;
  if (!api) return null;
  const state = api.getColumnState().filter((c) => ctrl.fieldIndex.has(c.colId));
  return {
    columns: state.map((c) => ({ key: c.colId, ...(c.width ? { width: Math.round(c.width) } : {}), ...(c.hide ? { hidden: true } : {}) })),
    sort: state
      .filter((c) => c.sort)
      .sort((a, b) => (a.sortIndex ?? 0) - (b.sortIndex ?? 0))
      .map((c) => ({ key: c.colId, dir: c.sort as 'asc' | 'desc' })),
  };
}

export function applyLayout(ctrl: GridController, layout: GridLayout): void {
  const api = ctrl.api;
  if (!api) return;
  const known = layout.columns.filter((c) => ctrl.fieldIndex.has(c.key));
  api.applyColumnState({
    state: known.map((c) => {
      const s = layout.sort.findIndex((x) => x.key === c.key);
      return {
        colId: c.key,
        ...(c.width ? { width: c.width } : {}),
        hide: c.hidden ?? false,
        sort: s >= 0 ? layout.sort[s]!.dir : null,
        sortIndex: s >= 0 ? s : null,
      };
    }),
  });
}

interface Props {
  ctrl: GridController;
  onOpenForm(id: string): void;
  onDeleteRows(ids: string[]): void;
  onFind(): void;
  onReady(): void;
  onLayoutChange(): void;
}


/** The body cell an event happened in: its display row and column id (none for headers, pinned rows, popups) */
function cellAt(target: EventTarget | null): { row: number; colId: string } | null {
  const cell = target instanceof Element ? target.closest('.ag-cell') : null;
  const colId = cell?.getAttribute('col-id');
  const row = Number(cell?.closest('.ag-row')?.getAttribute('row-index') ?? NaN);
  return cell && colId && Number.isInteger(row) ? { row, colId } : null;
}

export function DataGrid(props: Props) {
  const { ctrl } = props;
  // The grid lives outside React (its own DOM, no React reconciliation per cell); its handlers read the latest props.
  const latest = useRef(props);
  latest.current = props;
  const rootRef = useRef<HTMLDivElement>(null);
  const hostRef = useRef<HTMLDivElement>(null);
  const intakeRef = useRef<HTMLInputElement>(null);
  const drag = useRef<{ row: number; col: number } | null>(null);
  const keepRange = useRef(false);

  useEffect(() => {
    const up = () => (drag.current = null);
    window.addEventListener('mouseup', up);
    return () => window.removeEventListener('mouseup', up);
  }, []);

  const editing = useCallback(() => (ctrl.api?.getEditingCells().length ?? 0) > 0, [ctrl]);
  useEffect(() => {
    if (!rootRef.current || !intakeRef.current) return;
    return ctrl.intake.attach(rootRef.current, intakeRef.current);
  }, [ctrl]);

  useEffect(() => {
    const host = hostRef.current;
    if (!host) return;
    // A grid destroyed before it was ready (React's development double mount) must not take over the page's controller.
    let live = true;
    const api = createGrid<GridRow>(host, {
      theme,
      columnDefs: buildColumns(ctrl),
      defaultColDef: { resizable: true, sortable: true, suppressHeaderMenuButton: true },
      context: ctrl.context,
      getRowId: (p) => p.data.id,
      enterNavigatesVertically: true,
      enterNavigatesVerticallyAfterEdit: true,
      stopEditingWhenCellsLoseFocus: true,
      tooltipShowDelay: 300,
      tooltipHideDelay: 30_000,
      animateRows: false,
      suppressDragLeaveHidesColumns: true,
      rowBuffer: 20,
      suppressAnimationFrame: true,
      isExternalFilterPresent: () => ctrl.search.active,
      doesExternalFilterPass: (node: IRowNode<GridRow>) => (node.data ? ctrl.passesFilters(node.data) : true),
      onGridReady: (e: GridReadyEvent<GridRow>) => {
        if (!live) return;
        ctrl.attach(e.api);
        latest.current.onReady();
      },
      // A focus change from a plain click or key collapses the range; one from Shift+click keeps it, and
      // so does a late report of the focus the range was made from (isStaleFocus).
      onCellFocused: (e: CellFocusedEvent<GridRow>) => {
        const colId = e.column && typeof e.column !== 'string' ? e.column.getColId() : undefined;
        if (!keepRange.current && !drag.current && !ctrl.sel.isStaleFocus(e.rowIndex, colId)) ctrl.sel.setRange(null);
        ctrl.focusedChanged();
      },
      // AG Grid reports this a task later, when the next cell's editor may already be taking keys.
      onCellEditingStopped: () => {
        if (!editing()) ctrl.intake.reset();
      },
      onCellDoubleClicked: (e: CellDoubleClickedEvent<GridRow>) => {
        if (e.column.getColId() === ROW_NUMBER_COL && e.data) latest.current.onOpenForm(e.data.id);
      },
      onDisplayedColumnsChanged: () => {
        ctrl.sel.columnsChanged();
        latest.current.onLayoutChange();
      },
      onColumnResized: (e) => e.finished && latest.current.onLayoutChange(),
      onSortChanged: () => latest.current.onLayoutChange(),
      onColumnMoved: (e) => e.finished && latest.current.onLayoutChange(),
      onFilterChanged: () => ctrl.notice(null),
      overlayNoRowsTemplate: '<span>还没有记录。按 Insert 键新增一行，或从 Excel 复制后粘贴。</span>',
    });
    return () => {
      live = false;
      if (ctrl.api === api) ctrl.api = null;
      api.destroy();
    };
  }, [ctrl, editing]);

  const onKeyDownCapture = useCallback(
    (e: React.KeyboardEvent<HTMLDivElement>) => {
      const api = ctrl.api;
      keepRange.current = false;
      if (!api) return;
      // The intake holds keys for a picker that is still opening (AG Grid may not call it editing yet).
      if (editing() || e.target === ctrl.intake.input) {
        const ime = isImeKey(e.nativeEvent);
        if (!ime) ctrl.intake.settle();
        if (e.target instanceof HTMLInputElement && e.target !== ctrl.intake.input) ctrl.intake.keepTyped(e.target, !ime && isPrintable(e.nativeEvent));
        whileOpening(ctrl, e, rootRef.current);
        if (!e.isPropagationStopped()) commitTextOnEnter(ctrl, e);
        return;
      }
      const target = e.target as HTMLElement;
      // Keys typed in the header's inputs or other controls are theirs.
      if (!target.closest('.ag-cell, .ag-body, .ag-center-cols-viewport') && target.tagName === 'INPUT') return;
      if (startTyping(ctrl, e)) return;
      const action = gridKeyAction(e.nativeEvent);
      if (!action) return;
      e.preventDefault();
      e.stopPropagation();
      const p = latest.current;
      runKeyAction(ctrl, action, { onFind: p.onFind, onDeleteRows: p.onDeleteRows, onOpenForm: p.onOpenForm });
    },
    [ctrl, editing],
  );

  const onPaste = useCallback(
    (e: React.ClipboardEvent<HTMLDivElement>) => {
      if (editing()) return;
      const text = e.clipboardData.getData('text/plain');
      if (!text) return;
      e.preventDefault();
      void ctrl.paste(text);
    },
    [ctrl, editing],
  );

  const onCopy = useCallback(
    (e: React.ClipboardEvent<HTMLDivElement>, cut: boolean) => {
      if (editing() || (window.getSelection()?.toString() ?? '') !== '') return;
      const text = ctrl.copyText();
      if (text === null) return;
      e.preventDefault();
      e.clipboardData.setData('text/plain', text);
      if (cut) void ctrl.clear();
    },
    [ctrl, editing],
  );

  /**
   * A press on a cell and a drag over cells, handled here rather than in AG Grid's onCellMouseDown and
   * onCellMouseOver: the grid reports those a task later (setTimeout), and Chromium runs input first, so
   * on a busy machine keys pressed right after a click (Shift+arrow) ran before the late report, which
   * then cleared their range, and a drag's last cells arrived after the button was up and were dropped.
   * Shift+click extends from the current anchor; it must run before the grid focuses the clicked cell.
   */
  const onPointerDownCapture = useCallback(
    (e: React.PointerEvent<HTMLDivElement>) => {
      keepRange.current = e.shiftKey;
      const at = cellAt(e.target);
      if (!at) return;
      const col = ctrl.sel.colPos(at.colId);
      if (!e.shiftKey) {
        drag.current = { row: at.row, col };
        ctrl.sel.setRange(null);
        return;
      }
      if (editing()) return;
      const r = ctrl.sel.activeRange();
      if (!r) return;
      ctrl.sel.setRange({ anchor: r.anchor, focus: { row: at.row, col } });
    },
    [ctrl, editing],
  );

  const onPointerMoveCapture = useCallback(
    (e: React.PointerEvent<HTMLDivElement>) => {
      const start = drag.current;
      if (!start || (e.buttons & 1) === 0) return;
      const at = cellAt(e.target);
      if (!at) return;
      const focus = { row: at.row, col: ctrl.sel.colPos(at.colId) };
      // Still on the pressed cell: a click, not yet a drag
      if (!ctrl.sel.range && focus.row === start.row && focus.col === start.col) return;
      ctrl.sel.setRange({ anchor: start, focus });
    },
    [ctrl],
  );

  return (
    <div
      ref={rootRef}
      className="hc-grid"
      data-testid={`grid-${ctrl.table}`}
      onKeyDownCapture={onKeyDownCapture}
      onPointerDownCapture={onPointerDownCapture}
      onPointerMoveCapture={onPointerMoveCapture}
      onPaste={onPaste}
      onCopy={(e) => onCopy(e, false)}
      onCut={(e) => onCopy(e, true)}
    >
      <div ref={hostRef} className="hc-grid-host" />
      {/* AG Grid keeps editing while the focus is inside an element marked as a custom popup. */}
      <div className="ag-custom-component-popup hc-intake-box">
        <input ref={intakeRef} className="hc-intake" data-testid="grid-intake" tabIndex={-1} aria-hidden="true" autoComplete="off" />
      </div>
    </div>
  );
}

/** Loads and saves the column layout through the core (it survives reinstalling the browser profile). */
export async function loadLayout(ctrl: GridController): Promise<void> {
  const layout = await call('grid.layout.get', { table: ctrl.table });
  if (layout) applyLayout(ctrl, layout);
}
