/**
 * A rectangular cell range over the grid's displayed order: rows by display index, columns by
 * display position. The anchor stays where the selection started; the focus moves with the keys.
 */
export interface CellPos {
  row: number;
  col: number;
}

export interface GridRange {
  anchor: CellPos;
  focus: CellPos;
}

export interface Bounds {
  top: number;
  bottom: number;
  left: number;
  right: number;
}

export function cellRange(at: CellPos): GridRange {
  return { anchor: at, focus: at };
}

export function boundsOf(r: GridRange): Bounds {
  return {
    top: Math.min(r.anchor.row, r.focus.row),
    bottom: Math.max(r.anchor.row, r.focus.row),
    left: Math.min(r.anchor.col, r.focus.col),
    right: Math.max(r.anchor.col, r.focus.col),
  };
}

export function inBounds(b: Bounds, row: number, col: number): boolean {
  return row >= b.top && row <= b.bottom && col >= b.left && col <= b.right;
}

export function isSingleCell(r: GridRange): boolean {
  return r.anchor.row === r.focus.row && r.anchor.col === r.focus.col;
}

export function cellCount(b: Bounds): number {
  return (b.bottom - b.top + 1) * (b.right - b.left + 1);
}

/** Shift+click / Shift+arrow: keep the anchor, move the focus (clamped to the grid) */
export function extendTo(r: GridRange, focus: CellPos, size: { rows: number; cols: number }): GridRange {
  return {
    anchor: r.anchor,
    focus: { row: clamp(focus.row, 0, size.rows - 1), col: clamp(focus.col, 0, size.cols - 1) },
  };
}

function clamp(n: number, lo: number, hi: number): number {
  return Math.max(lo, Math.min(hi, n));
}

/**
 * Ctrl+arrow in Excel: from `from`, the last filled cell before a gap in direction (dRow, dCol); from a
 * filled cell next to a gap, the next filled cell after it; the grid's edge when there is none.
 */
export function edgeOf(from: CellPos, dRow: number, dCol: number, size: { rows: number; cols: number }, filled: (row: number, col: number) => boolean): CellPos {
  const inside = (p: CellPos) => p.row >= 0 && p.row < size.rows && p.col >= 0 && p.col < size.cols;
  const step = (p: CellPos): CellPos => ({ row: p.row + dRow, col: p.col + dCol });
  let at = from;
  let next = step(at);
  if (!inside(next)) return at;
  if (filled(at.row, at.col) && filled(next.row, next.col)) {
    // Run to the end of this block of filled cells.
    while (inside(next) && filled(next.row, next.col)) {
      at = next;
      next = step(at);
    }
    return at;
  }
  // Skip the gap to the next filled cell, or stop at the edge.
  while (inside(next)) {
    at = next;
    if (filled(at.row, at.col)) return at;
    next = step(at);
  }
  return at;
}
