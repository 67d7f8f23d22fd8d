/**
 * The table's rows outside AG Grid: every record by id (values in dictionary order, issues), the
 * reference lists (units, townships) cells show by name, and how a core reply changes them.
 */
import type { ApplyResult } from '../../../shared/api/methods/grid';
import { codeLabel } from '../../../shared/census/codes';
import { type FieldDef, type TableName } from '../../../shared/census/dictionary';
import type { Issue } from '../../../shared/census/issues';
import type { FieldValue } from '../../../shared/census/schema';
import { cellText, type CellLookups, type RowValues } from '../../../shared/grid';
import { type GridRow, tableFields } from './model';
import type { RowDiff } from './port';
import { loadRefs, type Refs } from './refs';
import { codeIndex, OptionIndex } from './search';

const BOOLEAN_OPTIONS = new OptionIndex<FieldValue>([
  { value: true, label: '是', also: ['y', '1'] },
  { value: false, label: '否', also: ['n', '0'] },
]);

export class GridRows {
  readonly fields: readonly FieldDef[];
  readonly fieldIndex: ReadonlyMap<string, number>;
  /** Every row by id, in stored order (Map keeps insertion order; replacing keeps the position) */
  readonly byId = new Map<string, GridRow>();
  private refs: Refs = { unitNames: new Map(), townshipNames: new Map(), unitOptions: new OptionIndex<FieldValue>([]), townshipOptions: new OptionIndex<FieldValue>([]) };
  readonly lookups: CellLookups = {
    unitName: (id) => this.refs.unitNames.get(id),
    townshipName: (code) => this.refs.townshipNames.get(code),
  };

  constructor(readonly table: TableName) {
    this.fields = tableFields(table);
    this.fieldIndex = new Map(this.fields.map((f, i) => [f.key, i]));
  }

  field(key: string): FieldDef | undefined {
    return this.fields[this.fieldIndex.get(key) ?? -1];
  }

  optionsFor(f: FieldDef): OptionIndex<FieldValue> {
    if (f.type === 'boolean') return BOOLEAN_OPTIONS;
    if (f.type === 'unitRef') return this.refs.unitOptions;
    if (f.type === 'township') return this.refs.townshipOptions;
    return codeIndex(f.codeList!) as OptionIndex<FieldValue>;
  }

  codeText(f: FieldDef, code: string): string {
    return f.codeList ? codeLabel(f.codeList, code) : code;
  }

  async loadRefs(): Promise<void> {
    this.refs = await loadRefs();
  }

  checkFields(fields: readonly string[]): void {
    if (fields.join(',') !== this.fields.map((f) => f.key).join(',')) throw new Error('界面与数据库的字段不一致，请升级程序后重试');
  }

  /** Rows of a `grid.rows` page not seen before, now stored here */
  addPage(rows: readonly { id: string; values: FieldValue[] }[]): GridRow[] {
    const added: GridRow[] = [];
    for (const r of rows) {
      if (this.byId.has(r.id)) continue;
      const row: GridRow = { id: r.id, v: r.values, iss: null };
      this.byId.set(r.id, row);
      added.push(row);
    }
    return added;
  }

  /** Replaces every row's issues; returns the rows that changed */
  setIssues(issues: readonly Issue[]): GridRow[] {
    const by = new Map<string, Issue[]>();
    for (const i of issues) {
      let list = by.get(i.recordId);
      if (!list) by.set(i.recordId, (list = []));
      list.push(i);
    }
    const update: GridRow[] = [];
    for (const row of this.byId.values()) {
      const iss = by.get(row.id) ?? null;
      if (iss === null && row.iss === null) continue;
      const next = { ...row, iss };
      this.byId.set(row.id, next);
      update.push(next);
    }
    return update;
  }

  /**
   * A core reply merged in: rows as stored, issues of every affected record, removed rows. `issuesMoved`
   * says whether the issues panel may show something else (issues changed, or a listed record did).
   */
  merge(result: ApplyResult): RowDiff & { issuesMoved: boolean } {
    const add: GridRow[] = [];
    const update: GridRow[] = [];
    const remove: GridRow[] = [];
    let issuesMoved = result.removed.length > 0;
    for (const r of result.rows) {
      const old = this.byId.get(r.id);
      const iss = result.issues[r.id];
      const next: GridRow = { id: r.id, v: r.values, iss: iss ? (iss.length ? iss : null) : (old?.iss ?? null) };
      if (next.iss || old?.iss) issuesMoved = true;
      this.byId.set(r.id, next);
      (old ? update : add).push(next);
    }
    const rowIds = new Set(result.rows.map((r) => r.id));
    for (const [id, iss] of Object.entries(result.issues)) {
      const old = this.byId.get(id);
      if (!old || rowIds.has(id)) continue;
      const next = { ...old, iss: iss.length ? iss : null };
      if (JSON.stringify(next.iss) === JSON.stringify(old.iss)) continue;
      issuesMoved = true;
      this.byId.set(id, next);
      update.push(next);
    }
    for (const id of result.removed) {
      const old = this.byId.get(id);
      if (!old) continue;
      this.byId.delete(id);
      remove.push(old);
    }
    return { add, update, remove, issuesMoved };
  }

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

  /** Issues counted by field and rule (errors first, then by count), for the issues panel's summary */
  issueSummary(): { field: string; rule: string; severity: Issue['severity']; count: number }[] {
    const counts = new Map<string, { field: string; rule: string; severity: Issue['severity']; count: number }>();
    for (const row of this.byId.values()) {
      for (const i of row.iss ?? []) {
        const k = `${i.rule}|${i.field}`;
        const hit = counts.get(k);
        if (hit) hit.count++;
        else counts.set(k, { field: i.field, rule: i.rule, severity: i.severity, count: 1 });
      }
    }
    return [...counts.values()].sort((a, b) => (a.severity === b.severity ? b.count - a.count : a.severity === 'error' ? -1 : 1));
  }

  /** The values of these records now, for an undo step's "before" */
  snapshot(ids: Iterable<string>): Map<string, RowValues> {
    const before = new Map<string, RowValues>();
    for (const id of ids) {
      const row = this.byId.get(id);
      if (row) before.set(id, this.rowValues(row));
    }
    return before;
  }
}
