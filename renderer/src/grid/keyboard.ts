/**
 * What the grid does with a keydown before AG Grid sees it: the key table's actions, typing that opens an
 * editor (IME compositions included), and keys that arrive while an editor is still opening.
 */
import type { GridController } from './controller';
import { DELTA, type GridKeyAction } from './keys';
import { usesPicker } from './model';
import { pickedByTyping } from './pick';
import { commitOf, isImeKey, isPrintable, type OpeningCell, type PendingCommit } from './typing';

export interface KeyUi {
  onFind(): void;
  onDeleteRows(ids: string[]): void;
  onOpenForm(id: string): void;
}

/** Empties an editor's input the way typing would (its listeners see an input event) */
function clearInput(input: HTMLInputElement): void {
  Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value')?.set?.call(input, '');
  input.dispatchEvent(new Event('input', { bubbles: true }));
}

export function runKeyAction(ctrl: GridController, action: GridKeyAction, ui: KeyUi): void {
  const api = ctrl.api;
  if (!api) return;
  switch (action.kind) {
    case 'undo':
      return void ctrl.undoLast();
    case 'redo':
      return void ctrl.redoLast();
    case 'fillDown':
      return void ctrl.fillDown();
    case 'find':
      return ui.onFind();
    case 'clear':
      return void ctrl.clear();
    case 'addRow':
      return void ctrl.addRow().then((id) => id && ctrl.focusRow(id));
    case 'deleteRows': {
      const ids = ctrl.sel.selectedRowIds();
      if (ids.length) ui.onDeleteRows(ids);
      return;
    }
    case 'selectAll':
      return ctrl.sel.selectAll();
    case 'openForm':
      if (ctrl.status.focusedId) ui.onOpenForm(ctrl.status.focusedId);
      return;
    case 'extend':
      return ctrl.sel.extendRange(...DELTA[action.dir]);
    case 'extendToEdge':
      return ctrl.sel.extendToEdge(...DELTA[action.dir]);
  }
}

/** Opens the focused cell's editor from the keyboard; true when the key was taken */
export function startTyping(ctrl: GridController, e: React.KeyboardEvent<HTMLElement>): boolean {
  const api = ctrl.api;
  const native = e.nativeEvent;
  const at = api?.getFocusedCell();
  const cellEl = (e.target as HTMLElement).closest('.ag-cell');
  if (!api || !at || at.rowIndex == null || !cellEl) return false;
  const f = ctrl.fields[ctrl.fieldIndex.get(at.column.getColId()) ?? -1];
  if (!f) return false;
  const ime = isImeKey(native);
  if (!ime && !isPrintable(native)) return false;
  const intake = ctrl.intake;
  if (usesPicker(f)) {
    // The picker mounts a moment later: until then keys and compositions gather in the intake.
    if (!ime) {
      e.preventDefault();
      intake.seeded(e.key);
    }
    intake.open(ime ? '' : e.key, cellEl, { rowIndex: at.rowIndex, colId: at.column.getColId() });
    e.stopPropagation();
    api.startEditingCell({ rowIndex: at.rowIndex, colKey: at.column });
    return true;
  }
  if (!ime) {
    // AG Grid opens the text editor with this key in it; a composition right after replaces it.
    intake.seeded(e.key);
    return false;
  }
  // An IME key: open the editor empty now, so the composition that follows lands in it.
  api.startEditingCell({ rowIndex: at.rowIndex, colKey: at.column });
  const input = cellEl.querySelector('input');
  if (input) {
    clearInput(input);
    input.focus({ preventScroll: true });
  }
  e.stopPropagation();
  return true;
}

/**
 * Enter or Tab while a picker is still opening: decide what the typing chose, end the edit and move, all
 * within this keystroke. Waiting for the picker instead let the keys typed after Tab (meant for the next
 * cell) pile up in the intake or the picker's search box on a slow computer.
 */
function commitWhileOpening(ctrl: GridController, commit: PendingCommit): void {
  const api = ctrl.api;
  const intake = ctrl.intake;
  const cell = intake.cell ?? editingCell(ctrl);
  const text = intake.opening ? (intake.input?.value ?? '') : '';
  const ticks = intake.opening ? [...intake.ticks] : [];
  api?.stopEditing(true);
  intake.reset();
  if (!api || !cell) return;
  const node = api.getDisplayedRowAtIndex(cell.rowIndex);
  const f = ctrl.fields[ctrl.fieldIndex.get(cell.colId) ?? -1];
  if (node?.data && f) {
    const next = pickedByTyping(ctrl.rows.optionsFor(f), f.type === 'codes', ctrl.rows.value(node.data, cell.colId), text, ticks);
    if (next !== undefined) ctrl.commitEdit(node.data.id, cell.colId, next);
  }
  api.setFocusedCell(cell.rowIndex, cell.colId);
  if (commit === 'Enter') {
    if (cell.rowIndex + 1 < api.getDisplayedRowCount()) api.setFocusedCell(cell.rowIndex + 1, cell.colId);
    return;
  }
  // Tab out of an editor opens the next cell's editor, as AG Grid's own Tab does.
  if (!(commit === 'Tab' ? api.tabToNextCell() : api.tabToPreviousCell())) return;
  const to = api.getFocusedCell();
  if (to && to.rowIndex != null && to.column.isCellEditable(api.getDisplayedRowAtIndex(to.rowIndex)!))
    api.startEditingCell({ rowIndex: to.rowIndex, colKey: to.column });
}

/**
 * Enter in a text cell's editor: the value is sent, the editor closed and the next row's cell focused by
 * us, in that order, instead of AG Grid's stop-and-navigate (its value-changed events, then a scroll check
 * that reads the layout between DOM changes). True when the key was taken.
 */
export function commitTextOnEnter(ctrl: GridController, e: React.KeyboardEvent<HTMLElement>): boolean {
  const native = e.nativeEvent;
  if (e.key !== 'Enter' || native.shiftKey || native.ctrlKey || native.altKey || native.metaKey || isImeKey(native)) return false;
  const input = e.target;
  const api = ctrl.api;
  if (!api || !(input instanceof HTMLInputElement) || !input.closest('.ag-cell-inline-editing')) return false;
  const cell = editingCell(ctrl);
  const f = cell ? ctrl.fields[ctrl.fieldIndex.get(cell.colId) ?? -1] : undefined;
  const node = cell ? api.getDisplayedRowAtIndex(cell.rowIndex) : undefined;
  if (!cell || !f || usesPicker(f) || !node?.data) return false;
  e.preventDefault();
  e.stopPropagation();
  const text = input.value;
  const before = ctrl.rows.value(node.data, cell.colId);
  // The request leaves first, so the core saves while the browser closes the editor and paints.
  if (text !== (before == null ? '' : String(before))) ctrl.commitEdit(node.data.id, cell.colId, text);
  const next = cell.rowIndex + 1 < api.getDisplayedRowCount() ? cell.rowIndex + 1 : cell.rowIndex;
  // Scrolled into view first, by the grid: one row at a time, as in Excel. Focusing a cell below the edge
  // let the browser scroll it to the middle, half a screen at once, and every ~16th Enter then drew ~16 new
  // rows (the slowest edits of all).
  api.ensureIndexVisible(next);
  // The next cell is focused before the editor closes: closing it then finds its cell no longer the focused
  // one and leaves the browser's focus alone, so the key costs one focus() (a style and layout pass) not two.
  // The focus move itself closes the editor as a commit, whose value went out above.
  ctrl.closingSentEditor(() => {
    api.setFocusedCell(next, cell.colId);
    api.stopEditing(true);
  });
  return true;
}

function editingCell(ctrl: GridController): OpeningCell | null {
  const c = ctrl.api?.getEditingCells()[0];
  return c?.column && c.rowIndex != null ? { rowIndex: c.rowIndex, colId: c.column.getColId() } : null;
}

/**
 * While an editor opens (its input not focused yet) keys would hit the cell and be lost: a text editor
 * that is already in the page gets the focus and the key; otherwise keys and compositions gather in
 * the intake, Enter/Tab commit what they chose at once, and Space in a multi-select is remembered as a tick.
 */
export function whileOpening(ctrl: GridController, e: React.KeyboardEvent<HTMLElement>, root: HTMLElement | null): void {
  const api = ctrl.api;
  const intake = ctrl.intake;
  const native = e.nativeEvent;
  const target = e.target as HTMLElement;
  const inIntake = target === intake.input;
  const cell = (inIntake ? intake.cell : null) ?? editingCell(ctrl);
  const f = cell ? ctrl.fields[ctrl.fieldIndex.get(cell.colId) ?? -1] : undefined;
  if (!api || !f || !cell || (!inIntake && target.tagName === 'INPUT')) return;
  const ime = isImeKey(native);
  if (!usesPicker(f)) {
    if (commitOf(native) || e.key === 'Escape') intake.flushPendingText();
    const input = root?.querySelector<HTMLInputElement>('.ag-cell-inline-editing input');
    if (!input || inIntake || !(ime || isPrintable(native))) return;
    e.stopPropagation();
    if (ime) input.focus({ preventScroll: true });
    else {
      e.preventDefault();
      intake.typeWhenFocused(input, e.key);
    }
    return;
  }
  const commit = ime ? null : commitOf(native);
  if (commit) {
    e.preventDefault();
    e.stopPropagation();
    commitWhileOpening(ctrl, commit);
  } else if (e.key === 'Escape' && inIntake) {
    e.preventDefault();
    api.stopEditing(true);
    intake.reset();
    const at = ctrl.sel.focused();
    if (at) ctrl.sel.focusCell(at);
  } else if (e.key === ' ' && !ime && f.type === 'codes') {
    e.preventDefault();
    e.stopPropagation();
    if (!intake.opening) intake.open('', null, cell);
    intake.ticks.push(intake.input?.value ?? '');
  } else if (!inIntake && (ime || isPrintable(native))) {
    e.stopPropagation();
    if (!ime) e.preventDefault();
    intake.open((intake.opening ? (intake.input?.value ?? '') : '') + (ime ? '' : e.key), null, cell);
  }
}
