/**
 * What the grid's logic needs from the table widget, as a small interface: AG Grid implements it in the
 * page (`agPort`), unit tests with an array. Rows by display index (after sort and filter), columns by id.
 */
import type { GridApi } from 'ag-grid-community';
import type { GridRow } from './model';

export interface RowDiff {
  add: GridRow[];
  update: GridRow[];
  remove: GridRow[];
}

export interface GridPort {
  rowCount(): number;
  rowAt(index: number): GridRow | undefined;
  /** Display index of a record, null when a filter hides it */
  indexOf(id: string): number | null;
  /** Displayed column ids in order (field keys, plus the row-number and status columns) */
  columnIds(): string[];
  focusedCell(): { row: number; colId: string } | null;
  /** Scrolls to and focuses a cell */
  focus(row: number, colId: string): void;
  /** Scrolls a cell into view without moving the focus */
  reveal(row: number, colId: string): void;
  /** Redraws cell classes (the range) */
  redraw(): void;
  /** The external filter changed */
  filterChanged(): void;
  /** Rows the core changed: updates in place, adds and removes through a transaction */
  rowsChanged(diff: RowDiff): void;
}

export function agPort(api: GridApi<GridRow>): GridPort {
  return {
    rowCount: () => api.getDisplayedRowCount(),
    rowAt: (i) => api.getDisplayedRowAtIndex(i)?.data,
    indexOf: (id) => api.getRowNode(id)?.rowIndex ?? null,
    columnIds: () => api.getAllDisplayedColumns().map((c) => c.getColId()),
    focusedCell: () => {
      const fc = api.getFocusedCell();
      if (!fc || fc.rowIndex == null || fc.rowPinned) return null;
      return { row: fc.rowIndex, colId: fc.column.getColId() };
    },
    focus: (row, colId) => {
      api.ensureIndexVisible(row);
      api.ensureColumnVisible(colId);
      api.setFocusedCell(row, colId);
    },
    reveal: (row, colId) => {
      api.ensureIndexVisible(row);
      api.ensureColumnVisible(colId);
    },
    redraw: () => api.refreshCells(),
    filterChanged: () => api.onFilterChanged(),
    rowsChanged: ({ add, update, remove }) => {
      // A few updated rows (an edit) are refreshed in place: a transaction would re-run sort and filter
      // over every row (~20 ms at 100k), and a cell should not jump away from the clerk who just typed
      // in it. Many (issues reloaded, a bulk set) go in one transaction, which is cheaper per row.
      if (update.length > 200) {
        api.applyTransaction({ add, update, remove });
        return;
      }
      for (const r of update) api.getRowNode(r.id)?.updateData(r);
      if (add.length || remove.length) api.applyTransaction({ add, remove });
    },
  };
}
