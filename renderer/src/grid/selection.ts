/**
 * The selected range over the displayed grid (rows by display index, columns by display position),
 * the focused cell, and the moves Excel users expect: Shift+arrow, Ctrl+Shift+arrow to the data's edge,
 * Ctrl+A. The range is ours (AG Grid Community has none); cells read it for their highlight.
 */
import type { FieldValue } from '../../../shared/census/schema';
import { boundsOf, cellRange, edgeOf, emptyValue, extendTo, inBounds, type Bounds, type CellPos, type GridRange, type GridView } from '../../../shared/grid';
import type { GridPort } from './port';
import type { GridRows } from './rows';

function isEmpty(v: FieldValue): boolean {
  return v == null || v === '' || (Array.isArray(v) && v.length === 0);
}

export class GridSelection {
  port: GridPort | null = null;
  range: GridRange | null = null;
  private bounds: Bounds | null = null;
  /** The grid's focused cell when the range was last set (see isStaleFocus) */
  private focusAtSet: { row: number; colId: string } | null = null;
  private colIndex = new Map<string, number>();

  constructor(private readonly rows: GridRows) {}

  attach(port: GridPort): void {
    this.port = port;
    this.columnsChanged();
  }

  columnsChanged(): void {
    this.colIndex = new Map((this.port?.columnIds() ?? []).map((id, i) => [id, i]));
  }

  colPos(colId: string): number {
    return this.colIndex.get(colId) ?? -1;
  }

  /** Displayed columns in order: a field key, or null for the row-number and status columns */
  colKeys(): (string | null)[] {
    return (this.port?.columnIds() ?? []).map((id) => (this.rows.fieldIndex.has(id) ? id : null));
  }

  view(): GridView {
    const port = this.port!;
    const keys = this.colKeys();
    return {
      rowCount: port.rowCount(),
      colKeys: keys,
      rowId: (r) => port.rowAt(r)!.id,
      value: (r, c) => {
        const key = keys[c];
        const data = port.rowAt(r);
        return key && data ? this.rows.value(data, key) : null;
      },
      emptyOf: (key) => emptyValue(this.rows.field(key)!),
    };
  }

  inRange(row: number | null, colId: string): boolean {
    const b = this.bounds;
    if (!b || row === null || (b.top === b.bottom && b.left === b.right)) return false;
    return inBounds(b, row, this.colPos(colId));
  }

  setRange(r: GridRange | null): void {
    const before = this.bounds;
    this.range = r;
    this.bounds = r ? boundsOf(r) : null;
    this.focusAtSet = r ? (this.port?.focusedCell() ?? null) : null;
    if (JSON.stringify(before) !== JSON.stringify(this.bounds)) this.port?.redraw();
  }

  /**
   * Whether a focus report is for the cell that already had the focus when the range was set. AG Grid
   * reports focus a task later (its events go through setTimeout), and Chromium runs input before
   * timers: a click's report can arrive after the keys that extended a range from the clicked cell.
   * Such a report is not a move, and must not collapse the range.
   */
  isStaleFocus(row: number | null, colId: string | undefined): boolean {
    const f = this.focusAtSet;
    return this.range !== null && f !== null && f.row === row && f.colId === colId;
  }

  focusCell(at: CellPos): void {
    const id = this.port?.columnIds()[at.col];
    if (this.port && id) this.port.focus(at.row, id);
  }

  focused(): CellPos | null {
    const fc = this.port?.focusedCell();
    return fc ? { row: fc.row, col: this.colPos(fc.colId) } : null;
  }

  /** The range the next action works on: the selection, or the focused cell */
  activeRange(): GridRange | null {
    if (this.range) return this.range;
    const f = this.focused();
    return f ? cellRange(f) : null;
  }

  private moveFocusTo(r: GridRange, focus: CellPos): void {
    this.setRange({ anchor: r.anchor, focus });
    const id = this.port?.columnIds()[focus.col];
    if (id) this.port?.reveal(focus.row, id);
  }

  /** Shift+arrow */
  extendRange(dRow: number, dCol: number): void {
    const r = this.activeRange();
    const port = this.port;
    if (!r || !port) return;
    const size = { rows: port.rowCount(), cols: port.columnIds().length };
    this.moveFocusTo(r, extendTo(r, { row: r.focus.row + dRow, col: r.focus.col + dCol }, size).focus);
  }

  /** Ctrl+Shift+arrow: to the edge of the data, as Excel does */
  extendToEdge(dRow: number, dCol: number): void {
    const r = this.activeRange();
    if (!r || !this.port) return;
    const view = this.view();
    const size = { rows: view.rowCount, cols: view.colKeys.length };
    // Columns without a field (row number, status) count as filled, so a jump along a row crosses them.
    const filled = (row: number, col: number) => (view.colKeys[col] ? !isEmpty(view.value(row, col)) : true);
    this.moveFocusTo(r, edgeOf(r.focus, dRow, dCol, size, filled));
  }

  selectAll(): void {
    const port = this.port;
    if (!port || port.rowCount() === 0) return;
    this.setRange({ anchor: { row: 0, col: 0 }, focus: { row: port.rowCount() - 1, col: port.columnIds().length - 1 } });
  }

  /** Records the range covers (or the focused row's), in display order */
  selectedRowIds(): string[] {
    const r = this.activeRange();
    const port = this.port;
    if (!r || !port) return [];
    const b = boundsOf(r);
    const ids: string[] = [];
    for (let row = b.top; row <= b.bottom; row++) {
      const id = port.rowAt(row)?.id;
      if (id) ids.push(id);
    }
    return ids;
  }

  /** Every record the grid shows (after filters), in display order */
  shownRowIds(): string[] {
    const port = this.port;
    if (!port) return [];
    const ids: string[] = [];
    for (let row = 0, n = port.rowCount(); row < n; row++) {
      const id = port.rowAt(row)?.id;
      if (id) ids.push(id);
    }
    return ids;
  }

  /** The field of the focused cell, or null on the row-number and status columns */
  focusedField(): string | null {
    const fc = this.port?.focusedCell();
    return fc && this.rows.fieldIndex.has(fc.colId) ? fc.colId : null;
  }
}
