/**
 * 查找 and 筛选: the next cell whose text matches (pinyin initials included), per-column filters (text,
 * or a checklist of the column's distinct values), and a filter to the records with one kind of issue
 * (a field and a rule, from the issues panel's summary).
 */
import type { GridRow } from './model';
import type { GridRows } from './rows';
import { textMatches } from './search';
import type { GridSelection } from './selection';

export interface FilterState {
  text?: string;
  /** Checked display texts of a coded column ('' = empty) */
  values?: ReadonlySet<string>;
}

export interface IssueFilter {
  /** '' for issues of the whole record */
  field: string;
  rule: string;
  /** What the toolbar shows, e.g. 必填·城乡 */
  label: string;
}

export class FindAndFilter {
  readonly filters = new Map<string, FilterState>();
  issue: IssueFilter | null = null;

  constructor(
    private readonly rows: GridRows,
    private readonly sel: GridSelection,
  ) {}

  get active(): boolean {
    return this.filters.size > 0 || this.issue !== null;
  }

  /** The next cell (in display order, after the focused one) whose text matches `q` */
  find(q: string): boolean {
    const port = this.sel.port;
    if (!port || !q.trim()) return false;
    const keys = this.sel.colKeys();
    const n = port.rowCount();
    const start = this.sel.focused() ?? { row: 0, col: -1 };
    for (let step = 0; step <= n; step++) {
      const row = (start.row + step) % Math.max(1, n);
      const data = port.rowAt(row);
      if (!data) continue;
      for (let col = step === 0 ? start.col + 1 : 0; col < keys.length; col++) {
        const key = keys[col];
        if (key && textMatches(this.rows.text(data, key), q)) {
          this.sel.setRange(null);
          this.sel.focusCell({ row, col });
          return true;
        }
      }
    }
    return false;
  }

  setFilter(key: string, f: FilterState | null): void {
    if (f && (f.text?.trim() || f.values)) this.filters.set(key, f);
    else this.filters.delete(key);
    this.sel.port?.filterChanged();
  }

  /** 只看此值: the column's checklist narrowed to one value */
  onlyValue(key: string, text: string): void {
    this.setFilter(key, { ...this.filters.get(key), values: new Set([text]) });
  }

  setIssueFilter(f: IssueFilter | null): void {
    this.issue = f;
    this.sel.port?.filterChanged();
  }

  clearAll(): void {
    this.filters.clear();
    this.issue = null;
    this.sel.port?.filterChanged();
  }

  /** The display texts a cell offers to the checklist: one per code of a multi-select */
  private parts(row: GridRow, key: string): string[] {
    const v = this.rows.value(row, key);
    if (!Array.isArray(v)) return [this.rows.text(row, key)];
    const f = this.rows.field(key)!;
    return v.length ? v.map((c) => this.rows.codeText(f, c)) : [''];
  }

  passes(row: GridRow): boolean {
    const iss = this.issue;
    if (iss && !(row.iss ?? []).some((i) => i.rule === iss.rule && i.field === iss.field)) return false;
    for (const [key, f] of this.filters) {
      if (f.text && !textMatches(this.rows.text(row, key), f.text)) return false;
      if (f.values && !this.parts(row, key).some((p) => f.values!.has(p))) return false;
    }
    return true;
  }

  /** Distinct display texts of a column with their counts, for the checklist filter */
  distinct(key: string): { text: string; count: number }[] {
    const counts = new Map<string, number>();
    for (const row of this.rows.byId.values()) for (const p of this.parts(row, key)) counts.set(p, (counts.get(p) ?? 0) + 1);
    return [...counts].map(([text, count]) => ({ text, count })).sort((a, b) => b.count - a.count || a.text.localeCompare(b.text, 'zh-CN'));
  }
}
