/**
 * The spreadsheet's state outside React, as a facade over parts with one concern each: the rows
 * (`rows.ts`), the save queue with undo and restore (`saves.ts`), the selection (`selection.ts`), find
 * and filters (`filters.ts`), and the keyboard intake (`typing.ts`). React components subscribe for the
 * few things they show (status bar, panels); the 100k rows live in `GridRows` and AG Grid's row model.
 */
import type { GridApi } from 'ag-grid-community';
import type { ApplyResult, CellChange } from '../../../shared/api/methods/grid';
import type { FieldDef, TableName } from '../../../shared/census/dictionary';
import { unpackIssues } from '../../../shared/census/issues';
import type { FieldValue } from '../../../shared/census/schema';
import { boundsOf, formatTsv, parseTsv, planClear, planFillDown, planPaste, type CellLookups, type CellPos, type EditPlan, type GridRange } from '../../../shared/grid';
import { escapeFormula } from '../../../shared/io/escape';
import { call } from '../api/client';
import { FindAndFilter, type FilterState, type IssueFilter } from './filters';
import { type GridRow, STATUS_COL, usesPicker } from './model';
import { agPort, type GridPort } from './port';
import { PreviousValues } from './previous';
import { GridRows } from './rows';
import { SaveQueue, type SaveState } from './saves';
import type { OptionIndex } from './search';
import { GridSelection } from './selection';
import { KeyIntake } from './typing';

export type { FilterState, IssueFilter } from './filters';
export type { SaveState } from './saves';

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
  /** The issues have been read once: until then no row is known to be clean (rows load first, issues last) */
  issuesKnown: boolean;
  /** Moves on every saved change, for the history panel */
  dataVersion: number;
  /** Moves when filters change, for the toolbar */
  filterVersion: number;
  /** Completed saves so far: tests and the benchmark wait for it to move */
  saves: number;
}

/** What editors and renderers read through AG Grid's `context` */
export interface GridContext {
  table: TableName;
  /** Keys and compositions typed while an editor was opening */
  intake: KeyIntake;
  field(key: string): FieldDef;
  optionsFor(f: FieldDef): OptionIndex<FieldValue>;
  codeText(f: FieldDef, code: string): string;
  lookups: CellLookups;
}

export class GridController {
  readonly rows: GridRows;
  readonly sel: GridSelection;
  readonly saves: SaveQueue;
  readonly search: FindAndFilter;
  readonly intake = new KeyIntake();
  /** Last census's values beside changed cells (上期 → 本期) */
  readonly previous: PreviousValues;
  readonly context: GridContext;
  api: GridApi<GridRow> | null = null;
  /**
   * False once the page left the grid: its rows stop streaming in. A national 区县 is four more requests of
   * 25,000 rows, and the next grid's first requests queued behind them on the core (~1.5 s).
   */
  private onPage = true;
  private listeners = new Set<() => void>();
  private rowsIn: () => void = () => {};
  /** Settles once every page of rows has been read (or reading them failed): 查找 waits for it */
  readonly allRows: Promise<void> = new Promise((resolve) => (this.rowsIn = resolve));
  status: GridStatus = {
    loading: true, loaded: 0, total: 0, shown: 0, counts: { error: 0, warning: 0 }, save: { kind: 'idle' }, canUndo: false, canRedo: false,
    undoLabel: null, redoLabel: null, focusedId: null, notice: null, issuesVersion: 0, issuesKnown: false, dataVersion: 0, filterVersion: 0, saves: 0,
  };

  /**
   * @param areas the area codes whose records the grid shows (an upper level looking at one 市州 or
   * 区县); null for the whole table
   * @param addHint why rows cannot be added here (an upper level's part holding received records
   * only: a new row would be the office's own and belong to another part); null where they can
   */
  constructor(
    readonly table: TableName,
    readonly areas: string[] | null = null,
    readonly addHint: string | null = null,
  ) {
    this.rows = new GridRows(table);
    this.previous = new PreviousValues(table);
    this.sel = new GridSelection(this.rows);
    this.search = new FindAndFilter(this.rows, this.sel);
    this.saves = new SaveQueue(table, this.rows, {
      applied: (result) => this.applyResult(result),
      select: (b) => this.sel.setRange({ anchor: { row: b.top, col: b.left }, focus: { row: b.bottom, col: b.right } }),
      changed: ({ save, notice, saved }) => {
        const u = this.saves.undo;
        this.set({
          save,
          ...(notice !== undefined ? { notice } : {}),
          ...(saved ? { saves: this.status.saves + 1 } : {}),
          canUndo: u.canUndo, canRedo: u.canRedo, undoLabel: u.peekUndo()?.label ?? null, redoLabel: u.peekRedo()?.label ?? null,
        });
      },
    }, this.scope());
    this.context = {
      table,
      intake: this.intake,
      field: (key) => this.rows.field(key)!,
      optionsFor: (f) => this.rows.optionsFor(f),
      codeText: (f, code) => this.rows.codeText(f, code),
      lookups: this.rows.lookups,
    };
  }

  // ---- the parts' state, as the components read it ---------------------------------------------

  get fields(): readonly FieldDef[] {
    return this.rows.fields;
  }
  get fieldIndex(): ReadonlyMap<string, number> {
    return this.rows.fieldIndex;
  }
  get byId(): ReadonlyMap<string, GridRow> {
    return this.rows.byId;
  }
  get lookups(): CellLookups {
    return this.rows.lookups;
  }
  get filters(): ReadonlyMap<string, FilterState> {
    return this.search.filters;
  }

  /** The grid is ready: the parts talk to it through the port */
  attach(api: GridApi<GridRow>): void {
    this.api = api;
    this.attachPort(agPort(api));
  }

  /** Without AG Grid (unit tests): any table that implements the port */
  attachPort(port: GridPort): void {
    this.sel.attach(port);
  }

  /** The page shows this grid (again: React mounts a component twice in development) */
  shownOnPage(): void {
    this.onPage = true;
  }

  /** The page left this grid: reading stops at the next page of rows */
  leftPage(): void {
    this.onPage = false;
  }

  subscribe(fn: () => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  private set(patch: Partial<GridStatus>): void {
    this.status = { ...this.status, ...patch };
    for (const fn of this.listeners) fn();
  }

  notice(text: string | null): void {
    this.set({ notice: text });
  }

  /** The `areas` argument of the core's grid methods: absent for the whole table */
  scope(): { areas?: string[] } {
    return this.areas ? { areas: this.areas } : {};
  }

  private shown(): number {
    return this.sel.port?.rowCount() ?? this.rows.byId.size;
  }

  // ---- loading --------------------------------------------------------------------------------

  /**
   * Rows in chunks: the first small page shows at once, the rest streams in behind it. The issues
   * come last: on a fresh census the core validates everything once for them.
   */
  async load(onFirstRows: (rows: GridRow[]) => void): Promise<void> {
    this.set({ loading: true });
    // Side by side: the page takes in the refs (or is told it holds them) while the core reads the first rows.
    const [, first] = await Promise.all([this.rows.loadRefs(), call('grid.rows', { table: this.table, offset: 0, limit: 2000, ...this.scope() })]);
    this.rows.checkFields(first.fields);
    const rows = this.rows.addPage(first.rows);
    onFirstRows(rows);
    this.set({ loaded: rows.length, total: first.total, shown: rows.length });
    const CHUNK = 25_000;
    // Two requests in flight: the core reads the next chunk while the browser parses this one.
    const offsets: number[] = [];
    for (let off = rows.length; off < first.total; off += CHUNK) offsets.push(off);
    const pages = offsets.map((offset) => () => call('grid.rows', { table: this.table, offset, limit: CHUNK, ...this.scope() }));
    try {
      let next = pages.shift()?.();
      while (next) {
        if (!this.onPage) {
          // The request already out is let go unread; the grid it was for is gone.
          next.catch(() => undefined);
          break;
        }
        const page = await next;
        next = this.onPage ? pages.shift()?.() : undefined;
        this.sel.port?.rowsChanged({ add: this.rows.addPage(page.rows), update: [], remove: [] });
        this.set({ loaded: this.rows.byId.size, total: Math.max(page.total, this.rows.byId.size) });
      }
    } finally {
      this.rowsIn();
    }
    if (!this.onPage) return;
    await this.reloadIssues();
    await this.previous.load().catch(() => undefined);
    if (this.previous.any) this.api?.refreshCells({ force: true });
    this.set({ loading: false, shown: this.shown() });
  }

  async reloadIssues(): Promise<void> {
    const r = await call('grid.issues', { table: this.table, ...this.scope() });
    const update = this.rows.setIssues(unpackIssues(r.issues));
    const first = !this.status.issuesKnown;
    this.set({ counts: r.counts, issuesVersion: this.status.issuesVersion + 1, issuesKnown: true });
    if (update.length) this.sel.port?.rowsChanged({ add: [], update, remove: [] });
    // Every row's status cell showed "not checked yet", the clean ones too
    if (first) this.api?.refreshCells({ columns: [STATUS_COL], force: true });
  }

  applyResult(result: ApplyResult): void {
    const { issuesMoved, ...diff } = this.rows.merge(result);
    // Before the rows are redrawn, so a carried record's 上期 → 本期 shows with its new value.
    this.previous.take(result.previous);
    this.sel.port?.rowsChanged(diff);
    this.set({
      counts: result.counts,
      total: this.rows.byId.size,
      loaded: this.rows.byId.size,
      shown: this.shown(),
      issuesVersion: this.status.issuesVersion + (issuesMoved ? 1 : 0),
      dataVersion: this.status.dataVersion + 1,
    });
  }

  // ---- focus -------------------------------------------------------------------------------

  /** Focuses a record's first field (after adding a row) */
  focusRow(id: string): void {
    const row = this.sel.port?.indexOf(id);
    const first = (this.sel.port?.columnIds() ?? []).findIndex((c) => this.rows.fieldIndex.has(c));
    if (row != null && first >= 0) this.sel.focusCell({ row, col: first });
  }

  focusedChanged(): void {
    const f = this.sel.focused();
    const id = f ? (this.sel.port?.rowAt(f.row)?.id ?? null) : null;
    if (id !== this.status.focusedId) this.set({ focusedId: id });
  }

  /** Focuses a record's cell (clearing filters that hide it) */
  jumpTo(recordId: string, key: string): boolean {
    const port = this.sel.port;
    if (!port) return false;
    let row = port.indexOf(recordId);
    if (row == null && this.search.active) {
      this.search.clearAll();
      this.filtersChanged();
      row = port.indexOf(recordId);
    }
    if (row == null) return false;
    const cols = port.columnIds();
    let col = cols.indexOf(key);
    if (col < 0) col = cols.findIndex((c) => this.rows.fieldIndex.has(c));
    this.sel.setRange(null);
    this.sel.focusCell({ row, col });
    return true;
  }

  // ---- edits ----------------------------------------------------------------------------------

  /** The selected range as Excel-style TSV, values as they read on screen */
  copyText(): string | null {
    const r = this.sel.activeRange();
    const port = this.sel.port;
    if (!r || !port) return null;
    const b = boundsOf(r);
    const keys = this.sel.colKeys();
    const out: string[][] = [];
    for (let row = b.top; row <= b.bottom; row++) {
      const data = port.rowAt(row);
      const line: string[] = [];
      for (let col = b.left; col <= b.right; col++) {
        const key = keys[col];
        line.push(key && data ? escapeFormula(this.rows.text(data, key)) : '');
      }
      out.push(line);
    }
    return formatTsv(out);
  }

  private run(plan: EditPlan, label: string, notice: string | null = null): Promise<void> {
    return this.saves.apply(label, { create: plan.create, changes: plan.changes, remove: [] }, { notice, select: plan.bounds });
  }

  paste(text: string): Promise<void> {
    const r = this.sel.activeRange();
    if (!r || !this.sel.port) return Promise.resolve();
    const block = parseTsv(text);
    if (block.length === 0) return Promise.resolve();
    const plan = planPaste(this.sel.view(), r, block, () => crypto.randomUUID());
    const width = Math.max(...block.map((x) => x.length));
    return this.run(plan, `粘贴 ${block.length} 行 × ${width} 列`, plan.droppedColumns ? `有 ${plan.droppedColumns} 列超出表格右边，未粘贴` : null);
  }

  fillDown(): Promise<void> {
    const r = this.sel.activeRange();
    if (!r || !this.sel.port) return Promise.resolve();
    return this.run(planFillDown(this.sel.view(), r), '向下填充');
  }

  clear(): Promise<void> {
    const r = this.sel.activeRange();
    if (!r || !this.sel.port) return Promise.resolve();
    return this.run(planClear(this.sel.view(), r), '清除内容');
  }

  /** While `closingSentEditor` runs: the open editor's value has been sent already */
  private editorValueSent = false;

  /**
   * Runs `close`, in which the open editor closes, without its value being saved again: the caller sent
   * it. Moving the focus to another cell closes the editor the way a commit does (AG Grid), through
   * `commitEdit`, within the same call.
   */
  closingSentEditor(close: () => void): void {
    this.editorValueSent = true;
    try {
      close();
    } finally {
      this.editorValueSent = false;
    }
  }

  /** An editor's committed value: pickers give typed values, text editors the clerk's text (normalised by the core) */
  commitEdit(id: string, key: string, v: FieldValue): void {
    if (this.editorValueSent) return;
    const f = this.rows.field(key);
    if (!f) return;
    void this.setCell(id, key, usesPicker(f) ? { value: v } : { text: v == null ? '' : String(v) });
  }

  setCell(id: string, key: string, change: { value: FieldValue } | { text: string }): Promise<void> {
    const c: CellChange = 'value' in change ? { id, field: key, value: change.value } : { id, field: key, text: change.text };
    return this.saves.apply(`修改「${this.rows.field(key)?.label ?? key}」`, { create: [], changes: [c], remove: [] });
  }

  /**
   * 批量设置: one field of many records set to one value (a picker's value, or text normalised as a
   * paste is) — one core call, one transaction, one undo step.
   */
  setForRows(ids: readonly string[], key: string, change: { value: FieldValue } | { text: string }, scope: string): Promise<void> {
    const f = this.rows.field(key);
    if (!f || ids.length === 0) return Promise.resolve();
    const changes: CellChange[] = ids.map((id) => ('value' in change ? { id, field: key, value: change.value } : { id, field: key, text: change.text }));
    return this.saves.apply(`将${scope} ${ids.length.toLocaleString('zh-CN')} 行的「${f.label}」设为同一值`, { create: [], changes, remove: [] });
  }

  /** A new empty row; null (and the reason as the notice) where rows cannot be added */
  addRow(): Promise<string | null> {
    if (this.addHint) {
      this.notice(this.addHint);
      return Promise.resolve(null);
    }
    const id = crypto.randomUUID();
    return this.saves.apply('新增一行', { create: [{ id, values: {} }], changes: [], remove: [] }).then(() => id);
  }

  removeRows(ids: readonly string[]): Promise<void> {
    return this.saves.apply('删除行', { create: [], changes: [], remove: [...ids] });
  }

  undoLast(): Promise<void> {
    return this.saves.undoLast();
  }

  redoLast(): Promise<void> {
    return this.saves.redoLast();
  }

  /** Applies a value from the history panel through the save queue, as an undoable step */
  restore(recordId: string, auditId: number, side: 'old' | 'new'): Promise<void> {
    return this.saves.restore(recordId, auditId, side);
  }

  /** Waits until every queued action is saved */
  settled(): Promise<void> {
    return this.saves.settled();
  }

  // ---- find and filters -----------------------------------------------------------------------

  find(q: string): boolean {
    return this.search.find(q);
  }

  /** Rows of the table still to be read: a search among the rest cannot yet say 没有找到 */
  get rowsPending(): number {
    return Math.max(0, this.status.total - this.status.loaded);
  }

  private filtersChanged(): void {
    this.set({ shown: this.shown(), filterVersion: this.status.filterVersion + 1 });
  }

  setFilter(key: string, f: FilterState | null): void {
    this.search.setFilter(key, f);
    this.filtersChanged();
  }

  onlyValue(key: string, text: string): void {
    this.search.onlyValue(key, text);
    this.filtersChanged();
  }

  setIssueFilter(f: IssueFilter | null): void {
    this.search.setIssueFilter(f);
    this.filtersChanged();
  }

  clearFilters(): void {
    this.search.clearAll();
    this.filtersChanged();
  }

  passesFilters(row: GridRow): boolean {
    return this.search.passes(row);
  }

  distinct(key: string): { text: string; count: number }[] {
    return this.search.distinct(key);
  }
}
