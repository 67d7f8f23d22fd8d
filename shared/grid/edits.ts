/**
 * The grid's range operations as pure plans: paste, fill down and clear turn a range and the
 * displayed rows into one `grid.apply` request, so each user action is one call and one undo step.
 */
import type { CellChange } from '../api/methods/grid';
import type { FieldValue } from '../census/schema';
import { boundsOf, type Bounds, type CellPos, type GridRange } from './range';

/** What the planners see of the grid: displayed rows and columns */
export interface GridView {
  rowCount: number;
  /** Field keys in display order; null where a column holds no field (row number, status) */
  colKeys: readonly (string | null)[];
  rowId(row: number): string;
  value(row: number, col: number): FieldValue;
  /** The empty value of a field ([] for multi-code fields, null otherwise) */
  emptyOf(field: string): FieldValue;
}

export interface EditPlan {
  create: { id: string; values: Record<string, FieldValue> }[];
  changes: CellChange[];
  /** Pasted columns that fell beyond the last column */
  droppedColumns: number;
  /** Where the change lands, for selecting it afterwards */
  bounds: Bounds;
}

/**
 * A pasted block from the focused cell (the range's top-left) rightwards and downwards, adding rows
 * past the end. A single copied value fills the whole selected range, as in Excel.
 */
export function planPaste(view: GridView, range: GridRange, block: string[][], newId: () => string): EditPlan {
  const b = boundsOf(range);
  const rows = block.length;
  const width = Math.max(0, ...block.map((r) => r.length));
  const single = rows === 1 && width === 1;
  const height = single ? b.bottom - b.top + 1 : rows;
  const wide = single ? b.right - b.left + 1 : width;
  const changes: CellChange[] = [];
  const create: EditPlan['create'] = [];
  const newIds: string[] = [];
  let dropped = 0;
  for (let c = 0; c < wide; c++) if (b.left + c >= view.colKeys.length) dropped++;
  for (let r = 0; r < height; r++) {
    const rowIndex = b.top + r;
    let id: string;
    if (rowIndex < view.rowCount) id = view.rowId(rowIndex);
    else {
      const k = rowIndex - view.rowCount;
      while (newIds.length <= k) {
        const nid = newId();
        newIds.push(nid);
        create.push({ id: nid, values: {} });
      }
      id = newIds[k]!;
    }
    for (let c = 0; c < wide; c++) {
      const key = view.colKeys[b.left + c];
      if (!key) continue;
      const text = single ? block[0]![0]! : (block[r]![c] ?? '');
      changes.push({ id, field: key, text });
    }
  }
  return {
    create,
    changes,
    droppedColumns: dropped,
    bounds: { top: b.top, bottom: b.top + height - 1, left: b.left, right: Math.min(view.colKeys.length - 1, b.left + wide - 1) },
  };
}

/** Ctrl+D: the range's top row copied into the rows below it; a one-row range copies the row above. */
export function planFillDown(view: GridView, range: GridRange): EditPlan {
  const b = boundsOf(range);
  const source = b.top === b.bottom ? b.top - 1 : b.top;
  const first = b.top === b.bottom ? b.top : b.top + 1;
  const changes: CellChange[] = [];
  if (source >= 0) {
    for (let col = b.left; col <= b.right; col++) {
      const key = view.colKeys[col];
      if (!key) continue;
      const value = view.value(source, col);
      for (let row = first; row <= b.bottom; row++) changes.push({ id: view.rowId(row), field: key, value });
    }
  }
  return { create: [], changes, droppedColumns: 0, bounds: b };
}

/** Delete: every cell of the range emptied */
export function planClear(view: GridView, range: GridRange): EditPlan {
  const b = boundsOf(range);
  const changes: CellChange[] = [];
  for (let row = b.top; row <= b.bottom; row++) {
    for (let col = b.left; col <= b.right; col++) {
      const key = view.colKeys[col];
      if (key) changes.push({ id: view.rowId(row), field: key, value: view.emptyOf(key) });
    }
  }
  return { create: [], changes, droppedColumns: 0, bounds: b };
}

/** One cell set to a typed value (an editor's result) */
export function planSet(view: GridView, at: CellPos, value: FieldValue): EditPlan {
  const key = view.colKeys[at.col];
  return {
    create: [],
    changes: key ? [{ id: view.rowId(at.row), field: key, value }] : [],
    droppedColumns: 0,
    bounds: { top: at.row, bottom: at.row, left: at.col, right: at.col },
  };
}
