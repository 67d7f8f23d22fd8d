/**
 * Undo and redo as the core sees them: each step is the set of cells one action changed (with the
 * values before and after, as stored), the rows it created and the rows it removed. Undoing sends
 * the inverse as one `grid.apply`, so an undo is itself one transaction and one audit entry per field.
 */
import type { CellChange } from '../api/methods/grid';
import type { FieldValue } from '../census/schema';

export type RowValues = Record<string, FieldValue>;

export interface CellEdit {
  id: string;
  field: string;
  before: FieldValue;
  after: FieldValue;
}

export interface GridStep {
  /** What the status bar says about it (粘贴 5 × 10, 向下填充, …) */
  label: string;
  edits: CellEdit[];
  /** Rows the action created, with their values as stored */
  created: { id: string; values: RowValues }[];
  /** Rows the action removed, with their values before */
  removed: { id: string; values: RowValues }[];
}

export interface ApplyRequest {
  create: { id: string; values: RowValues }[];
  changes: CellChange[];
  remove: string[];
}

function same(a: FieldValue | undefined, b: FieldValue | undefined): boolean {
  const norm = (v: FieldValue | undefined) => (v == null || v === '' || (Array.isArray(v) && v.length === 0) ? null : JSON.stringify(v));
  return norm(a) === norm(b);
}

/**
 * The step an action made, from the rows before it (by id; absent for created rows) and the rows
 * the core returned. Derived values (sex and birth date from an ID number) are part of the step.
 */
export function stepFromResult(
  label: string,
  fields: readonly string[],
  before: ReadonlyMap<string, RowValues>,
  after: readonly { id: string; values: readonly FieldValue[] }[],
  removed: readonly string[],
): GridStep {
  const edits: CellEdit[] = [];
  const created: GridStep['created'] = [];
  for (const row of after) {
    const values: RowValues = {};
    fields.forEach((f, i) => (values[f] = row.values[i] ?? null));
    const prev = before.get(row.id);
    if (!prev) {
      created.push({ id: row.id, values });
      continue;
    }
    for (const f of fields) if (!same(prev[f], values[f])) edits.push({ id: row.id, field: f, before: prev[f] ?? null, after: values[f] ?? null });
  }
  const gone = removed.flatMap((id) => {
    const values = before.get(id);
    return values ? [{ id, values }] : [];
  });
  return { label, edits, created, removed: gone };
}

export function isEmptyStep(s: GridStep): boolean {
  return s.edits.length === 0 && s.created.length === 0 && s.removed.length === 0;
}

/** The request that takes the step back */
export function undoRequest(s: GridStep): ApplyRequest {
  return {
    create: s.removed.map((r) => ({ id: r.id, values: r.values })),
    changes: s.edits.map((e) => ({ id: e.id, field: e.field, value: e.before })),
    remove: s.created.map((r) => r.id),
  };
}

/** The request that makes the step again */
export function redoRequest(s: GridStep): ApplyRequest {
  return {
    create: s.created.map((r) => ({ id: r.id, values: r.values })),
    changes: s.edits.map((e) => ({ id: e.id, field: e.field, value: e.after })),
    remove: s.removed.map((r) => r.id),
  };
}

/** Done and undone steps; a new step forgets what was undone, as in every editor */
export class UndoStack {
  private done: GridStep[] = [];
  private undone: GridStep[] = [];
  constructor(private readonly limit = 200) {}

  push(step: GridStep): void {
    if (isEmptyStep(step)) return;
    this.done.push(step);
    if (this.done.length > this.limit) this.done.shift();
    this.undone = [];
  }

  get canUndo(): boolean {
    return this.done.length > 0;
  }

  get canRedo(): boolean {
    return this.undone.length > 0;
  }

  peekUndo(): GridStep | undefined {
    return this.done[this.done.length - 1];
  }

  peekRedo(): GridStep | undefined {
    return this.undone[this.undone.length - 1];
  }

  /** Moves the last step to the redo side once its undo has been saved */
  markUndone(): void {
    const s = this.done.pop();
    if (s) this.undone.push(s);
  }

  /** Moves the last undone step back once its redo has been saved */
  markRedone(): void {
    const s = this.undone.pop();
    if (s) this.done.push(s);
  }

  clear(): void {
    this.done = [];
    this.undone = [];
  }
}
