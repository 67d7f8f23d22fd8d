/**
 * The spreadsheet's state outside React: rows, issues, the range, the save queue and the undo
 * stack. React components subscribe for the few things they show (status bar, panels); the 100k rows
 * live here and in AG Grid's client-side row model only.
 *
 * Every user action becomes one `grid.apply` call, sent one at a time in order; the core's reply
 * (values as stored, issues of every affected record) updates the rows and becomes one undo step.
 */
import type { Column, GridApi } from 'ag-grid-community';
import type { ApplyResult, CellChange } from '../../../shared/api/methods/grid';
import { codeLabel } from '../../../shared/census/codes';
import { field as fieldDef, type FieldDef, type TableName } from '../../../shared/census/dictionary';
import type { Issue } from '../../../shared/census/issues';
import type { FieldValue } from '../../../shared/census/schema';
import {
  boundsOf, cellRange, cellText, edgeOf, emptyValue, extendTo, formatTsv, inBounds, parseTsv, planClear, planFillDown, planPaste,
  redoRequest, stepFromResult, undoRequest, UndoStack, type Bounds, type CellLookups, type CellPos, type EditPlan,
  type GridRange, type GridStep, type GridView, type RowValues,
} from '../../../shared/grid';
import { escapeFormula } from '../../../shared/io/escape';
import { call, errorMessage } from '../api/client';
import { type GridRow, tableFields, usesPicker } from './model';
import { codeIndex, OptionIndex } from './search';
import { KeyIntake, type PendingCommit } from './typing';

export type SaveState = { kind: 'idle' } | { kind: 'saving' } | { kind: 'saved'; label: string } | { kind: 'error'; message: string };

export interface GridStatus {
  loading: boolean;
  loaded: number;
  total: number;
  /** Rows after filtering */
  shown: number;
  counts: { error: number; warning: number };
  save: SaveState;
  canUndo: boolean;
  canRedo: boolean;
  undoLabel: string | null;
  redoLabel: string | null;
  /** The record of the focused row, for the history panel */
  focusedId: string | null;
  /** One line of advice after an action (e.g. columns a paste dropped) */
  notice: string | null;
  /** Moves when the issues shown in the panel may have changed (not on edits that leave them alone) */
  issuesVersion: number;
  /** Moves on every saved change, for the history panel */
  dataVersion: number;
  /** Completed saves so far: tests and the benchmark wait for it to move */
  saves: number;
}

/** What editors and renderers read through AG Grid's `context` */
export interface GridContext {
  table: TableName;
  /** Keys and compositions typed while an editor was opening */
  intake: KeyIntake;
  /** Ends the edit as the Enter or Tab pressed while the editor opened asked for */
  commitPending(commit: PendingCommit, row: number | null, column: Column): void;
  field(key: string): FieldDef;
  optionsFor(f: FieldDef): OptionIndex<FieldValue>;
  codeText(f: FieldDef, code: string): string;
  lookups: CellLookups;
}

const BOOLEAN_OPTIONS = new OptionIndex<FieldValue>([
  { value: true, label: '是', also: ['y', '1'] },
  { value: false, label: '否', also: ['n', '0'] },
]);

export interface FilterState {
  text?: string;
  /** Checked display texts of a coded column ('' = empty) */
  values?: ReadonlySet<string>;
}

export class GridController {
  readonly fields: readonly FieldDef[];
  readonly fieldIndex: ReadonlyMap<string, number>;
  /** Every row by id, in stored order (Map keeps insertion order; replacing keeps the position) */
  readonly byId = new Map<string, GridRow>();
  api: GridApi<GridRow> | null = null;
  range: GridRange | null = null;
  private rangeBounds: Bounds | null = null;
  readonly undo = new UndoStack();
  private queue: Promise<void> = Promise.resolve();
  private pending = 0;
  private listeners = new Set<() => void>();
  private colIndex = new Map<string, number>();
  private units = new Map<string, string>();
  private townships = new Map<string, string>();
  private unitOptions = new OptionIndex<FieldValue>([]);
  private townshipOptions = new OptionIndex<FieldValue>([]);
  readonly filters = new Map<string, FilterState>();
  readonly intake = new KeyIntake();
  status: GridStatus = {
    loading: true, loaded: 0, total: 0, shown: 0, counts: { error: 0, warning: 0 }, save: { kind: 'idle' },
    canUndo: false, canRedo: false, undoLabel: null, redoLabel: null, focusedId: null, notice: null, issuesVersion: 0, dataVersion: 0, saves: 0,
  };
  readonly lookups: CellLookups = {
    unitName: (id) => this.units.get(id),
    townshipName: (code) => this.townships.get(code),
  };
  readonly context: GridContext;

  constructor(readonly table: TableName) {
    this.fields = tableFields(table);
    this.fieldIndex = new Map(this.fields.map((f, i) => [f.key, i]));
    this.context = {
      table,
      intake: this.intake,
      commitPending: (commit, row, column) => this.commitPending(commit, row, column),
      field: (key) => fieldDef(table, key),
      optionsFor: (f) => this.optionsFor(f),
      codeText: (f, code) => (f.codeList ? codeLabel(f.codeList, code) : code),
      lookups: this.lookups,
    };
  }

  // ---- subscription ---------------------------------------------------------------------------

  subscribe(fn: () => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  private set(patch: Partial<GridStatus>): void {
    this.status = { ...this.status, ...patch };
    for (const fn of this.listeners) fn();
  }

  private undoState(): Partial<GridStatus> {
    return {
      canUndo: this.undo.canUndo,
      canRedo: this.undo.canRedo,
      undoLabel: this.undo.peekUndo()?.label ?? null,
      redoLabel: this.undo.peekRedo()?.label ?? null,
    };
  }

  // ---- loading --------------------------------------------------------------------------------

  optionsFor(f: FieldDef): OptionIndex<FieldValue> {
    if (f.type === 'boolean') return BOOLEAN_OPTIONS;
    if (f.type === 'unitRef') return this.unitOptions;
    if (f.type === 'township') return this.townshipOptions;
    return codeIndex(f.codeList!) as OptionIndex<FieldValue>;
  }

  async loadRefs(): Promise<void> {
    const refs = await call('grid.refs', {});
    this.units = new Map(refs.units.map((u) => [u.id, u.name]));
    this.townships = new Map(refs.townships.map((t) => [t.code, t.name]));
    this.unitOptions = new OptionIndex(refs.units.map((u) => ({ value: u.id, label: u.name, hint: u.creditCode ?? '', also: u.creditCode ? [u.creditCode] : [] })));
    this.townshipOptions = new OptionIndex(refs.townships.map((t) => ({ value: t.code, label: t.name, hint: t.code })));
  }

  /**
   * Rows in chunks: the first small page shows at once, the rest streams in behind it. The issues
   * come last: on a fresh census the core validates everything once for them.
   */
  async load(onFirstRows: (rows: GridRow[]) => void): Promise<void> {
    this.set({ loading: true });
    await this.loadRefs();
    const firstLimit = 2000;
    const first = await call('grid.rows', { table: this.table, offset: 0, limit: firstLimit });
    this.checkFields(first.fields);
    const rows: GridRow[] = first.rows.map((r) => ({ id: r.id, v: r.values, iss: null }));
    for (const r of rows) this.byId.set(r.id, r);
    onFirstRows(rows);
    this.set({ loaded: rows.length, total: first.total, shown: rows.length });
    const CHUNK = 25_000;
    // Two requests in flight: the core reads the next chunk while the browser parses this one.
    const offsets: number[] = [];
    for (let off = rows.length; off < first.total; off += CHUNK) offsets.push(off);
    const pages = offsets.map((offset) => () => call('grid.rows', { table: this.table, offset, limit: CHUNK }));
    let next = pages.shift()?.();
    while (next) {
      const page = await next;
      next = pages.shift()?.();
      const added = page.rows.map((r) => ({ id: r.id, v: r.values, iss: null }) as GridRow).filter((r) => !this.byId.has(r.id));
      for (const r of added) this.byId.set(r.id, r);
      this.api?.applyTransaction({ add: added });
      this.set({ loaded: this.byId.size, total: Math.max(page.total, this.byId.size) });
    }
    await this.reloadIssues();
    this.set({ loading: false, shown: this.api?.getDisplayedRowCount() ?? this.byId.size });
  }

  private checkFields(fields: readonly string[]): void {
    if (fields.join(',') !== this.fields.map((f) => f.key).join(','))
      throw new Error('界面与数据库的字段不一致，请升级程序后重试');
  }

  async reloadIssues(): Promise<void> {
    const r = await call('grid.issues', { table: this.table });
    const by = new Map<string, Issue[]>();
    for (const i of r.issues) {
      let list = by.get(i.recordId);
      if (!list) by.set(i.recordId, (list = []));
      list.push(i);
    }
    const update: GridRow[] = [];
    for (const row of this.byId.values()) {
      const iss = by.get(row.id) ?? null;
      if (iss === null && row.iss === null) continue;
      const next = { ...row, iss };
      this.replace(next);
      update.push(next);
    }
    if (update.length) this.api?.applyTransaction({ update });
    this.set({ counts: r.counts, issuesVersion: this.status.issuesVersion + 1 });
  }

  private replace(row: GridRow): void {
    this.byId.set(row.id, row);
  }

  // ---- values ---------------------------------------------------------------------------------

  value(row: GridRow, key: string): FieldValue {
    const i = this.fieldIndex.get(key);
    return i === undefined ? null : (row.v[i] ?? null);
  }

  text(row: GridRow, key: string): string {
    const i = this.fieldIndex.get(key);
    if (i === undefined) return '';
    return cellText(this.fields[i]!, row.v[i], this.lookups);
  }

  rowValues(row: GridRow): RowValues {
    const out: RowValues = {};
    this.fields.forEach((f, i) => (out[f.key] = row.v[i] ?? null));
    return out;
  }

  // ---- columns and range ----------------------------------------------------------------------

  /** Displayed columns in order: a field key, or null for the row-number and status columns */
  colKeys(): (string | null)[] {
    const cols = this.api?.getAllDisplayedColumns() ?? [];
    return cols.map((c) => (this.fieldIndex.has(c.getColId()) ? c.getColId() : null));
  }

  columnsChanged(): void {
    const cols = this.api?.getAllDisplayedColumns() ?? [];
    this.colIndex = new Map(cols.map((c, i) => [c.getColId(), i]));
  }

  colPos(colId: string): number {
    return this.colIndex.get(colId) ?? -1;
  }

  view(): GridView {
    const api = this.api!;
    const keys = this.colKeys();
    return {
      rowCount: api.getDisplayedRowCount(),
      colKeys: keys,
      rowId: (r) => api.getDisplayedRowAtIndex(r)!.data!.id,
      value: (r, c) => {
        const key = keys[c];
        const data = api.getDisplayedRowAtIndex(r)?.data;
        return key && data ? this.value(data, key) : null;
      },
      emptyOf: (key) => emptyValue(fieldDef(this.table, key)),
    };
  }

  inRange(row: number | null, colId: string): boolean {
    const b = this.rangeBounds;
    if (!b || row === null || (b.top === b.bottom && b.left === b.right)) return false;
    return inBounds(b, row, this.colPos(colId));
  }

  setRange(r: GridRange | null): void {
    const before = this.rangeBounds;
    this.range = r;
    this.rangeBounds = r ? boundsOf(r) : null;
    const after = this.rangeBounds;
    if (JSON.stringify(before) !== JSON.stringify(after)) this.api?.refreshCells();
  }

  focusCell(at: CellPos): void {
    const api = this.api;
    const col = api?.getAllDisplayedColumns()[at.col];
    if (!api || !col) return;
    api.ensureIndexVisible(at.row);
    api.ensureColumnVisible(col);
    api.setFocusedCell(at.row, col);
  }

  focused(): CellPos | null {
    const fc = this.api?.getFocusedCell();
    if (!fc || fc.rowIndex == null || fc.rowPinned) return null;
    return { row: fc.rowIndex, col: this.colPos(fc.column.getColId()) };
  }

  /** The range the next action works on: the selection, or the focused cell */
  activeRange(): GridRange | null {
    if (this.range) return this.range;
    const f = this.focused();
    return f ? cellRange(f) : null;
  }

  extendRange(dRow: number, dCol: number): void {
    const r = this.activeRange();
    const api = this.api;
    if (!r || !api) return;
    const size = { rows: api.getDisplayedRowCount(), cols: api.getAllDisplayedColumns().length };
    const next = extendTo(r, { row: r.focus.row + dRow, col: r.focus.col + dCol }, size);
    this.setRange(next);
    api.ensureIndexVisible(next.focus.row);
    const col = api.getAllDisplayedColumns()[next.focus.col];
    if (col) api.ensureColumnVisible(col);
  }

  /** Ctrl+Shift+arrow: extends the range to the edge of the data, as Excel does */
  extendToEdge(dRow: number, dCol: number): void {
    const r = this.activeRange();
    const api = this.api;
    if (!r || !api) return;
    const view = this.view();
    const size = { rows: view.rowCount, cols: view.colKeys.length };
    const filled = (row: number, col: number) => {
      const v = view.value(row, col);
      return !(v == null || v === '' || (Array.isArray(v) && v.length === 0));
    };
    // Columns without a field (row number, status) count as filled, so a row-wise jump crosses them.
    const focus = edgeOf(r.focus, dRow, dCol, size, (row, col) => (view.colKeys[col] ? filled(row, col) : true));
    this.setRange({ anchor: r.anchor, focus });
    api.ensureIndexVisible(focus.row);
    const col = api.getAllDisplayedColumns()[focus.col];
    if (col) api.ensureColumnVisible(col);
  }

  selectAll(): void {
    const api = this.api;
    if (!api) return;
    this.setRange({ anchor: { row: 0, col: 0 }, focus: { row: api.getDisplayedRowCount() - 1, col: api.getAllDisplayedColumns().length - 1 } });
  }

  /** Enter or Tab that arrived before the editor was ready: end the edit and move as the key would have */
  commitPending(commit: PendingCommit, row: number | null, column: Column): void {
    const api = this.api;
    if (!api) return;
    // After the editor's value has landed (its onValueChange runs through React state).
    setTimeout(() => {
      api.stopEditing();
      if (commit === 'Tab') api.tabToNextCell();
      else if (commit === 'ShiftTab') api.tabToPreviousCell();
      else if (row != null && row + 1 < api.getDisplayedRowCount()) api.setFocusedCell(row + 1, column);
    }, 0);
  }

  /** Focuses a record's first field (after adding a row) */
  focusRow(id: string): void {
    const api = this.api;
    const node = api?.getRowNode(id);
    const first = api?.getAllDisplayedColumns().findIndex((c) => this.fieldIndex.has(c.getColId())) ?? -1;
    if (node?.rowIndex != null && first >= 0) this.focusCell({ row: node.rowIndex, col: first });
  }

  focusedChanged(): void {
    const f = this.focused();
    const id = f ? (this.api?.getDisplayedRowAtIndex(f.row)?.data?.id ?? null) : null;
    if (id !== this.status.focusedId) this.set({ focusedId: id });
  }

  // ---- clipboard ------------------------------------------------------------------------------

  /** The selected range as Excel-style TSV, values as they read on screen */
  copyText(): string | null {
    const r = this.activeRange();
    const api = this.api;
    if (!r || !api) return null;
    const b = boundsOf(r);
    const keys = this.colKeys();
    const out: string[][] = [];
    for (let row = b.top; row <= b.bottom; row++) {
      const data = api.getDisplayedRowAtIndex(row)?.data;
      const line: string[] = [];
      for (let col = b.left; col <= b.right; col++) {
        const key = keys[col];
        line.push(key && data ? escapeFormula(this.text(data, key)) : '');
      }
      out.push(line);
    }
    return formatTsv(out);
  }

  paste(text: string): Promise<void> {
    const r = this.activeRange();
    if (!r || !this.api) return Promise.resolve();
    const block = parseTsv(text);
    if (block.length === 0) return Promise.resolve();
    const plan = planPaste(this.view(), r, block, () => crypto.randomUUID());
    const width = Math.max(...block.map((x) => x.length));
    return this.run(plan, `粘贴 ${block.length} 行 × ${width} 列`, plan.droppedColumns ? `有 ${plan.droppedColumns} 列超出表格右边，未粘贴` : null);
  }

  fillDown(): Promise<void> {
    const r = this.activeRange();
    if (!r || !this.api) return Promise.resolve();
    return this.run(planFillDown(this.view(), r), '向下填充');
  }

  clear(): Promise<void> {
    const r = this.activeRange();
    if (!r || !this.api) return Promise.resolve();
    return this.run(planClear(this.view(), r), '清除内容');
  }

  /** An editor's committed value: pickers give typed values, text editors the clerk's text (normalised by the core) */
  commitEdit(id: string, key: string, v: FieldValue): void {
    const f = this.fields[this.fieldIndex.get(key) ?? -1];
    if (!f) return;
    void this.setCell(id, key, usesPicker(f) ? { value: v } : { text: v == null ? '' : String(v) });
  }

  setCell(id: string, key: string, change: { value: FieldValue } | { text: string }): Promise<void> {
    const f = fieldDef(this.table, key);
    const c: CellChange = 'value' in change ? { id, field: key, value: change.value } : { id, field: key, text: change.text };
    const pos = this.focused();
    const bounds = pos ? { top: pos.row, bottom: pos.row, left: pos.col, right: pos.col } : { top: 0, bottom: 0, left: 0, right: 0 };
    return this.run({ create: [], changes: [c], droppedColumns: 0, bounds }, `修改「${f.label}」`);
  }

  addRow(): Promise<string> {
    const id = crypto.randomUUID();
    return this.run({ create: [{ id, values: {} }], changes: [], droppedColumns: 0, bounds: { top: 0, bottom: 0, left: 0, right: 0 } }, '新增一行').then(() => id);
  }

  removeRows(ids: readonly string[]): Promise<void> {
    return this.send('删除行', { create: [], changes: [], remove: [...ids] }, null, true);
  }

  /** Rows the range covers (or the focused row) */
  selectedRowIds(): string[] {
    const r = this.activeRange();
    const api = this.api;
    if (!r || !api) return [];
    const b = boundsOf(r);
    const ids: string[] = [];
    for (let row = b.top; row <= b.bottom; row++) {
      const id = api.getDisplayedRowAtIndex(row)?.data?.id;
      if (id) ids.push(id);
    }
    return ids;
  }

  // ---- saving, undo, redo ---------------------------------------------------------------------

  private run(plan: EditPlan, label: string, notice: string | null = null): Promise<void> {
    if (plan.changes.length === 0 && plan.create.length === 0) return Promise.resolve();
    return this.send(label, { create: plan.create, changes: plan.changes, remove: [] }, notice, true, plan.bounds);
  }

  /** Sends one action; `record` pushes its undo step. Actions run strictly one after another. */
  private send(
    label: string,
    req: { create: { id: string; values: RowValues }[]; changes: CellChange[]; remove: string[] },
    notice: string | null,
    record: boolean,
    select?: Bounds,
    after?: () => void,
  ): Promise<void> {
    const idle = this.pending === 0;
    this.pending++;
    const run = async () => {
      const ids = new Set([...req.changes.map((c) => c.id), ...req.remove]);
      const before = new Map<string, RowValues>();
      for (const id of ids) {
        const row = this.byId.get(id);
        if (row) before.set(id, this.rowValues(row));
      }
      try {
        const result = await call('grid.apply', { table: this.table, ...req });
        this.applyResult(result);
        if (record) this.undo.push(stepFromResult(label, this.fields.map((f) => f.key), before, result.rows, result.removed));
        after?.();
        if (select && this.api && (select.top !== select.bottom || select.left !== select.right))
          this.setRange({ anchor: { row: select.top, col: select.left }, focus: { row: select.bottom, col: select.right } });
        this.pending--;
        this.set({ save: this.pending ? { kind: 'saving' } : { kind: 'saved', label }, saves: this.status.saves + 1, ...this.undoState() });
      } catch (e) {
        this.pending--;
        this.set({ save: { kind: 'error', message: errorMessage(e) } });
      }
    };
    // When nothing is queued the request leaves now, within the keystroke, so the core works while the
    // browser is still moving the focus and painting; otherwise it waits for the actions before it.
    const job = idle ? run() : this.queue.then(run);
    this.queue = job;
    this.set({ save: { kind: 'saving' }, notice });
    return job;
  }

  applyResult(result: ApplyResult): void {
    const add: GridRow[] = [];
    const update: GridRow[] = [];
    const remove: GridRow[] = [];
    // The issues panel re-reads the whole list (~20 ms in the core at 100k): only when it may show
    // something else — issues or totals changed, or a listed record changed (its label may have).
    let issuesMoved = result.counts.error !== this.status.counts.error || result.counts.warning !== this.status.counts.warning || result.removed.length > 0;
    for (const r of result.rows) {
      const old = this.byId.get(r.id);
      const iss = result.issues[r.id];
      const next: GridRow = { id: r.id, v: r.values, iss: iss ? (iss.length ? iss : null) : (old?.iss ?? null) };
      if (next.iss || old?.iss) issuesMoved = true;
      this.replace(next);
      (old ? update : add).push(next);
    }
    const rowIds = new Set(result.rows.map((r) => r.id));
    for (const [id, iss] of Object.entries(result.issues)) {
      const old = this.byId.get(id);
      if (!old || rowIds.has(id)) continue;
      const next = { ...old, iss: iss.length ? iss : null };
      if (JSON.stringify(next.iss) === JSON.stringify(old.iss)) continue;
      issuesMoved = true;
      this.replace(next);
      update.push(next);
    }
    for (const id of result.removed) {
      const old = this.byId.get(id);
      if (!old) continue;
      this.byId.delete(id);
      remove.push(old);
    }
    // Updated rows are refreshed in place: a transaction would re-run sort and filter over every row
    // (~20 ms at 100k), and a cell should not jump away from the clerk who just typed in it.
    const api = this.api;
    if (api) {
      for (const r of update) api.getRowNode(r.id)?.updateData(r);
      if (add.length || remove.length) api.applyTransaction({ add, remove });
    }
    this.set({
      counts: result.counts,
      total: this.byId.size,
      loaded: this.byId.size,
      shown: this.api?.getDisplayedRowCount() ?? this.byId.size,
      issuesVersion: this.status.issuesVersion + (issuesMoved ? 1 : 0),
      dataVersion: this.status.dataVersion + 1,
    });
  }

  undoLast(): Promise<void> {
    const step = this.undo.peekUndo();
    if (!step) return Promise.resolve();
    return this.replay(step, 'undo');
  }

  redoLast(): Promise<void> {
    const step = this.undo.peekRedo();
    if (!step) return Promise.resolve();
    return this.replay(step, 'redo');
  }

  private replay(step: GridStep, dir: 'undo' | 'redo'): Promise<void> {
    const req = dir === 'undo' ? undoRequest(step) : redoRequest(step);
    return this.send(`${dir === 'undo' ? '撤销' : '重做'}：${step.label}`, req, null, false, undefined, () => {
      if (dir === 'undo') this.undo.markUndone();
      else this.undo.markRedone();
    });
  }

  /** Applies a restore done by the history panel as a normal (undoable) step */
  async restore(recordId: string, auditId: number, side: 'old' | 'new'): Promise<void> {
    const row = this.byId.get(recordId);
    const before = new Map<string, RowValues>(row ? [[recordId, this.rowValues(row)]] : []);
    this.set({ save: { kind: 'saving' } });
    try {
      const result = await call('grid.restore', { table: this.table, recordId, auditId, side });
      this.applyResult(result);
      this.undo.push(stepFromResult('恢复历史值', this.fields.map((f) => f.key), before, result.rows, []));
      this.set({ save: { kind: 'saved', label: '恢复历史值' }, saves: this.status.saves + 1, ...this.undoState() });
    } catch (e) {
      this.set({ save: { kind: 'error', message: errorMessage(e) } });
    }
  }

  /** Waits until every queued action is saved */
  settled(): Promise<void> {
    return this.queue;
  }

  // ---- find, jump, filters --------------------------------------------------------------------

  /** The next cell (in display order, after the focused one) whose text contains `q` */
  find(q: string): boolean {
    const api = this.api;
    const needle = q.trim().toLowerCase();
    if (!api || !needle) return false;
    const keys = this.colKeys();
    const n = api.getDisplayedRowCount();
    const start = this.focused() ?? { row: 0, col: -1 };
    for (let step = 0; step <= n; step++) {
      const row = (start.row + step) % Math.max(1, n);
      const data = api.getDisplayedRowAtIndex(row)?.data;
      if (!data) continue;
      for (let col = step === 0 ? start.col + 1 : 0; col < keys.length; col++) {
        const key = keys[col];
        if (key && this.text(data, key).toLowerCase().includes(needle)) {
          this.setRange(null);
          this.focusCell({ row, col });
          return true;
        }
      }
    }
    return false;
  }

  /** Focuses a record's cell (clearing filters that hide it) */
  jumpTo(recordId: string, key: string): boolean {
    const api = this.api;
    if (!api) return false;
    let node = api.getRowNode(recordId);
    if (node && node.rowIndex == null && this.filters.size) {
      this.filters.clear();
      api.onFilterChanged();
      node = api.getRowNode(recordId);
    }
    if (!node || node.rowIndex == null) return false;
    const cols = api.getAllDisplayedColumns();
    let col = cols.findIndex((c) => c.getColId() === key);
    if (col < 0) col = cols.findIndex((c) => this.fieldIndex.has(c.getColId()));
    this.setRange(null);
    this.focusCell({ row: node.rowIndex, col });
    return true;
  }

  setFilter(key: string, f: FilterState | null): void {
    if (f && (f.text?.trim() || f.values)) this.filters.set(key, f);
    else this.filters.delete(key);
    this.api?.onFilterChanged();
    this.set({ shown: this.api?.getDisplayedRowCount() ?? this.byId.size });
  }

  passesFilters(row: GridRow): boolean {
    for (const [key, f] of this.filters) {
      const text = this.text(row, key);
      if (f.text && !text.toLowerCase().includes(f.text.trim().toLowerCase())) return false;
      if (f.values) {
        const v = this.value(row, key);
        const parts = Array.isArray(v) ? (v.length ? v.map((c) => this.context.codeText(fieldDef(this.table, key), c)) : ['']) : [text];
        if (!parts.some((p) => f.values!.has(p))) return false;
      }
    }
    return true;
  }

  /** Distinct display texts of a column with their counts, for the checklist filter */
  distinct(key: string): { text: string; count: number }[] {
    const counts = new Map<string, number>();
    const f = fieldDef(this.table, key);
    for (const row of this.byId.values()) {
      const v = this.value(row, key);
      const parts = Array.isArray(v) ? (v.length ? v.map((c) => this.context.codeText(f, c)) : ['']) : [this.text(row, key)];
      for (const p of parts) counts.set(p, (counts.get(p) ?? 0) + 1);
    }
    return [...counts].map(([text, count]) => ({ text, count })).sort((a, b) => b.count - a.count || a.text.localeCompare(b.text, 'zh-CN'));
  }

  notice(text: string | null): void {
    this.set({ notice: text });
  }
}
