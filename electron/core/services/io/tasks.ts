/**
 * Long import/export steps as cancellable tasks: the UI names a task id, listens to `progress`
 * events with that id, and may ask `io.cancel` to stop it. Work checks `throwIfCancelled` between
 * rows and yields to the event loop often enough for the cancel call to get through.
 */
import { ApiError } from '../../../../shared/api/errors';
import type { ProgressPhase } from '../../../../shared/api/contract';
import { countText } from '../../../../shared/reports/format';
import type { ServiceContext } from '../context';
import { defineSlot } from '../state';

export interface Task {
  readonly id: string | null;
  progress(label: string, done: number, total: number, phase: ProgressPhase): void;
  /** Announces one step that cannot report its share as it goes (a single synchronous transaction) */
  step(label: string, phase: ProgressPhase): void;
  throwIfCancelled(): void;
  /** Yields to the event loop (so progress events flush and cancel requests arrive) every few ms */
  breathe(): Promise<void>;
}

const RUNNING = defineSlot('running tasks', () => new Map<string, { cancelled: boolean }>());

function registry(ctx: ServiceContext): Map<string, { cancelled: boolean }> {
  return ctx.state.get(RUNNING);
}

export const CANCELLED_MESSAGE = '已取消，数据库没有任何改动';

/** A step's progress line with its record counts, as the UI groups them: 正在导出（120,832 / 3,100,000 条） */
export const countedLabel = (what: string, done: number, total: number): string => `${what}（${countText(done)} / ${countText(total)} 条）`;

const PROGRESS_EVERY_MS = 100;
const BREATHE_EVERY_MS = 30;

/** Runs `fn` as task `id` (when given); the task is forgotten when `fn` settles. */
export async function runTask<T>(ctx: ServiceContext, id: string | undefined, fn: (task: Task) => Promise<T>): Promise<T> {
  const reg = registry(ctx);
  const state = { cancelled: false };
  if (id) {
    if (reg.has(id)) throw new ApiError('conflict', '同名任务正在进行中，请稍候');
    reg.set(id, state);
  }
  let lastEmit = 0;
  let lastBreath = Date.now();
  const task: Task = {
    id: id ?? null,
    progress(label, done, total, phase) {
      if (!id) return;
      const now = Date.now();
      // The first, the last, and at most ten a second in between.
      if (done !== 0 && done < total && now - lastEmit < PROGRESS_EVERY_MS) return;
      lastEmit = now;
      ctx.events.emit('progress', { taskId: id, label, done, total, phase });
    },
    step(label, phase) {
      if (!id) return;
      lastEmit = Date.now();
      ctx.events.emit('progress', { taskId: id, label, done: 0, total: 0, phase, measured: false });
    },
    throwIfCancelled() {
      if (state.cancelled) throw new ApiError('cancelled', CANCELLED_MESSAGE);
    },
    async breathe() {
      if (Date.now() - lastBreath < BREATHE_EVERY_MS) return;
      await new Promise<void>((resolve) => setImmediate(resolve));
      lastBreath = Date.now();
      if (state.cancelled) throw new ApiError('cancelled', CANCELLED_MESSAGE);
    },
  };
  try {
    return await fn(task);
  } finally {
    if (id) reg.delete(id);
  }
}

export function cancelTask(ctx: ServiceContext, id: string): { cancelled: boolean } {
  const state = registry(ctx).get(id);
  if (!state) return { cancelled: false };
  state.cancelled = true;
  return { cancelled: true };
}
