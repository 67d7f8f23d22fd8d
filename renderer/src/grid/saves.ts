/**
 * The save queue: every user action becomes one core call, sent strictly one after another, and (unless
 * it is itself an undo or redo) one undo step built from the rows before and the core's reply. Restoring a
 * value from the history goes through the same queue, so it is ordered with the edits around it.
 */
import type { ApplyResult } from '../../../shared/api/methods/grid';
import { type Bounds, type ApplyRequest, redoRequest, stepFromResult, undoRequest, UndoStack } from '../../../shared/grid';
import { call, errorMessage } from '../api/client';
import type { GridRows } from './rows';

export type SaveCall = { kind: 'apply'; request: ApplyRequest } | { kind: 'restore'; recordId: string; auditId: number; side: 'old' | 'new' };

export interface SaveAction {
  /** What the status bar and the undo button say (修改「姓名」, 粘贴 5 行 × 3 列, …) */
  label: string;
  call: SaveCall;
  /** One line of advice shown with it (e.g. pasted columns that were dropped) */
  notice?: string | null;
  /** Push an undo step (false for undo and redo themselves) */
  record?: boolean;
  /** Cells to select once it is saved */
  select?: Bounds;
  /** Runs once the reply has been applied */
  after?: () => void;
}

/** `large`: an action of many cells (批量设置 of 100k rows takes seconds), named while it is saved */
export type SaveState = { kind: 'idle' } | { kind: 'saving'; large?: { label: string; cells: number } } | { kind: 'saved'; label: string } | { kind: 'error'; message: string };

/** From this many cells an action is announced, and painted, before it is prepared and sent */
export const LARGE_ACTION_CELLS = 2000;

/** Resolves after the browser has painted (a frame, then a task); at once where there are no frames */
function afterPaint(): Promise<void> {
  return new Promise((resolve) => {
    if (typeof requestAnimationFrame !== 'function') return resolve();
    requestAnimationFrame(() => setTimeout(resolve, 0));
  });
}

export interface SaveHooks {
  /** The reply is in: merge it into the rows and the grid */
  applied(result: ApplyResult): void;
  /** Select the cells an action changed */
  select(bounds: Bounds): void;
  /** Save state, undo state and counters moved */
  changed(patch: { save: SaveState; notice?: string | null; saved?: boolean }): void;
}

export class SaveQueue {
  readonly undo = new UndoStack();
  private queue: Promise<void> = Promise.resolve();
  private pending = 0;

  constructor(
    private readonly table: 'person' | 'unit',
    private readonly rows: GridRows,
    private readonly hooks: SaveHooks,
    /** The grid's `areas` argument (an upper level's part): the replies' counts are the part's */
    private readonly scope: { areas?: string[] } = {},
  ) {}

  get busy(): boolean {
    return this.pending > 0;
  }

  /** Sends one action; actions run strictly one after another */
  send(action: SaveAction): Promise<void> {
    const idle = this.pending === 0;
    this.pending++;
    const c0 = action.call;
    const cells = c0.kind === 'apply' ? c0.request.changes.length + c0.request.create.length + c0.request.remove.length : 1;
    const large = cells >= LARGE_ACTION_CELLS;
    const saving: SaveState = large ? { kind: 'saving', large: { label: action.label, cells } } : { kind: 'saving' };
    const run = async () => {
      // Said again as it starts: an action before it that ended meanwhile showed plain 正在保存….
      if (large) this.hooks.changed({ save: saving });
      const c = action.call;
      const ids = c.kind === 'apply' ? [...c.request.changes.map((x) => x.id), ...c.request.remove] : [c.recordId];
      // Read when the action runs, not when it was queued: earlier actions may have changed these rows.
      const before = this.rows.snapshot(ids);
      try {
        const result =
          c.kind === 'apply'
            ? await call('grid.apply', { table: this.table, ...c.request, ...this.scope })
            : await call('grid.restore', { table: this.table, recordId: c.recordId, auditId: c.auditId, side: c.side, ...this.scope });
        this.hooks.applied(result);
        if (action.record !== false) this.undo.push(stepFromResult(action.label, this.rows.fields.map((f) => f.key), before, result.rows, result.removed));
        action.after?.();
        const s = action.select;
        if (s && (s.top !== s.bottom || s.left !== s.right)) this.hooks.select(s);
        this.pending--;
        // Control characters from a web page or another system are removed at the boundary: say so.
        const cleaned = result.cleaned > 0 ? { notice: `已删除 ${result.cleaned} 个不可见的控制字符（来自粘贴或输入的文字），请核对内容` } : {};
        this.hooks.changed({ save: this.pending ? { kind: 'saving' } : { kind: 'saved', label: action.label }, saved: true, ...cleaned });
      } catch (e) {
        this.pending--;
        this.hooks.changed({ save: { kind: 'error', message: errorMessage(e) } });
      }
    };
    // When nothing is queued the request leaves now, within the keystroke, so the core works while the
    // browser is still moving the focus and painting; otherwise it waits for the actions before it.
    // A large action is said first and painted: taking its snapshot and sending it takes the page seconds.
    if (large) this.hooks.changed({ save: saving, notice: action.notice ?? null });
    const job = large ? this.queue.then(afterPaint).then(run) : idle ? run() : this.queue.then(run);
    this.queue = job;
    if (!large) this.hooks.changed({ save: saving, notice: action.notice ?? null });
    return job;
  }

  apply(label: string, request: ApplyRequest, opts: Omit<SaveAction, 'label' | 'call'> = {}): Promise<void> {
    if (request.changes.length === 0 && request.create.length === 0 && request.remove.length === 0) return Promise.resolve();
    return this.send({ label, call: { kind: 'apply', request }, ...opts });
  }

  undoLast(): Promise<void> {
    const step = this.undo.peekUndo();
    if (!step) return Promise.resolve();
    return this.send({ label: `撤销：${step.label}`, call: { kind: 'apply', request: undoRequest(step) }, record: false, after: () => this.undo.markUndone() });
  }

  redoLast(): Promise<void> {
    const step = this.undo.peekRedo();
    if (!step) return Promise.resolve();
    return this.send({ label: `重做：${step.label}`, call: { kind: 'apply', request: redoRequest(step) }, record: false, after: () => this.undo.markRedone() });
  }

  /** Puts a value from the record's history back, as a new (undoable) change in the queue */
  restore(recordId: string, auditId: number, side: 'old' | 'new'): Promise<void> {
    return this.send({ label: '恢复历史值', call: { kind: 'restore', recordId, auditId, side } });
  }

  /** Waits until every queued action is saved */
  settled(): Promise<void> {
    return this.queue;
  }
}
