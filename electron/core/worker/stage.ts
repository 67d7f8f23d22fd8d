/**
 * Host side of a stage file (db/stage-file.ts) written in a worker thread: the importing thread hands
 * over the records it plans to add as it plans them, in batches, and goes on planning and validating
 * while the worker binds them; the write then moves them into the census in one statement.
 *
 * A stage is an optimisation, never a condition: if the worker cannot start or fails, `finish`
 * answers null and the caller inserts the rows as before. The file is deleted by `discard`, which the
 * caller calls once the write is done or the plan is dropped, and by the next open after a crash.
 */
import type { Worker } from 'node:worker_threads';
import type { TableName } from '../../../shared/census/dictionary';
import { recordColumns, removeStageFile, stageFilePath, type SqlValue } from '../db';
import { acquireWorker, releaseWorker, workersEnabled, type WireError } from './host';

export type StageRequest =
  | { type: 'stage-open'; path: string; columns: string[] }
  | { type: 'stage-rows'; rows: SqlValue[][] }
  | { type: 'stage-finish' };
export type StageMessage = { type: 'stage-taken' } | { type: 'stage-done'; rows: number } | { type: 'stage-error'; error: WireError };

/** Rows per message: large enough that posting is cheap, small enough that the worker starts early */
const BATCH = 2048;
/**
 * Messages the worker may have unread. Posted rows are copies (their strings too) until written; rows
 * waiting here share their strings with the plan. Planning outruns the worker, so without a bound a
 * census-size import held ~100 MB more at its peak (bench/README.md).
 */
const AHEAD = 8;

export interface StageWriter {
  readonly table: TableName;
  /** Queues a row (in `recordColumns` order; the last three — created_by, created_at, updated_at — are set by the write) */
  add(row: SqlValue[]): void;
  /** Rows added so far */
  readonly count: number;
  /** Waits for the worker: the file's path once every row is in it, or null when the stage failed (insert the rows directly then) */
  finish(): Promise<string | null>;
  /** Stops the worker if it still runs and deletes the file */
  discard(): void;
}

let seq = 0;

export function startStage(censusPath: string, table: TableName): StageWriter | null {
  if (!workersEnabled()) return null;
  const path = stageFilePath(censusPath, `${Date.now().toString(36)}-${++seq}`);
  let worker: Worker | null;
  try {
    // The reading worker, idle once the files are read (see stage-task.ts)
    worker = acquireWorker('sheets');
  } catch {
    return null;
  }
  let batch: SqlValue[][] = [];
  /** Full batches waiting for the worker to take one of those in flight */
  const waiting: SqlValue[][][] = [];
  let inFlight = 0;
  let count = 0;
  let failed = false;
  let discarded = false;
  /** Set while `finish` waits for the last batches to be handed over */
  let onDrained: (() => void) | null = null;
  let outcome: Promise<string | null> | null = null;
  let settle: (m: StageMessage | null) => void = () => {};
  const answer = new Promise<StageMessage | null>((resolve) => (settle = resolve));
  worker.on('message', (m: StageMessage) => {
    if (m.type === 'stage-taken') {
      inFlight--;
      send();
      return;
    }
    if (m.type === 'stage-error') {
      failed = true;
      wakeIfDrained();
    }
    settle(m);
  });
  worker.on('error', () => {
    failed = true;
    settle(null);
    wakeIfDrained();
  });
  worker.on('exit', () => {
    failed = true;
    settle(null);
    wakeIfDrained();
  });
  worker.postMessage({ type: 'stage-open', path, columns: recordColumns(table) } satisfies StageRequest);
  function wakeIfDrained() {
    if (!onDrained || (waiting.length && !failed && worker)) return;
    const w = onDrained;
    onDrained = null;
    w();
  }
  function send() {
    while (inFlight < AHEAD && waiting.length && !failed && worker) {
      worker.postMessage({ type: 'stage-rows', rows: waiting.shift()! } satisfies StageRequest);
      inFlight++;
    }
    if (failed) waiting.length = 0;
    wakeIfDrained();
  }
  const post = () => {
    if (batch.length && !failed) waiting.push(batch);
    batch = [];
    send();
  };
  /** Resolves once every batch has been handed to the worker (or there is no worker to hand them to) */
  const drained = () => new Promise<void>((resolve) => {
    onDrained = resolve;
    wakeIfDrained();
  });
  /** Lets the worker go: back to the idle pool when its job ended normally, else ended (then `after`) */
  const stop = (clean: boolean, after: () => void = () => {}) => {
    const w = worker;
    worker = null;
    if (!w) return after();
    if (clean) {
      releaseWorker('sheets', w);
      after();
    } else void w.terminate().finally(after);
  };
  return {
    table,
    get count() {
      return count;
    },
    add(row) {
      count++;
      if (failed) return;
      batch.push(row);
      if (batch.length >= BATCH) post();
    },
    finish() {
      if (discarded) return Promise.resolve(null);
      outcome ??= (async () => {
        post();
        await drained();
        if (failed || !worker) return null;
        worker.postMessage({ type: 'stage-finish' } satisfies StageRequest);
        const m = await answer;
        const ok = m?.type === 'stage-done' && m.rows === count && !discarded;
        stop(ok);
        return ok ? path : null;
      })();
      return outcome;
    },
    discard() {
      discarded = true;
      waiting.length = 0;
      wakeIfDrained();
      // Deleted once the worker has let go of it (Windows refuses to delete an open file)
      stop(false, () => removeStageFile(path));
    },
  };
}
