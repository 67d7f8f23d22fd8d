/**
 * Heavy parsing (spreadsheets, return packages) runs in a worker thread with resource limits: a
 * hostile file can exhaust the worker's heap or keep it busy, never the process that hosts the
 * bridge and the database. The worker is ended when its job settles.
 */
import { existsSync } from 'node:fs';
import v8 from 'node:v8';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { ApiError, type ErrorCode } from '../../../shared/api/errors';

export type WorkerTask = 'sheets' | 'package';

/** Heap for one file's parse: the readers' own caps keep honest work well below it. */
export const WORKER_LIMITS = { maxOldGenerationSizeMb: 1024, maxYoungGenerationSizeMb: 48, stackSizeMb: 4 } as const;

/**
 * Where a task's worker starts. The Electron build bundles each task beside the main entry
 * (electron.config.ts), where there is no TypeScript source for tsx to load; run from source (CLI,
 * bridge, tests) the tasks are .ts files that entry.mjs loads through tsx.
 */
export function workerEntry(task: WorkerTask, base: string | URL = import.meta.url): URL {
  const bundled = new URL(`./${task}-task.js`, base);
  return existsSync(fileURLToPath(bundled)) ? bundled : new URL('./entry.mjs', base);
}

/**
 * HEADCOUNT_PARSE_IN_PROCESS=1 parses on the calling thread (for debugging); otherwise every
 * caller gets a worker.
 */
export function workersEnabled(): boolean {
  return process.env.HEADCOUNT_PARSE_IN_PROCESS !== '1';
}

/**
 * Old space a task's worker starts with (MB; V8 sizes it from the survivors of its first collections
 * otherwise). A package's rows live while it is read, so each package read into a heap sized to the
 * last one's survivors took a full collection: 107-119 in the 1M merge's 100 packages, whose marking
 * kept V8's helper threads busy ~8 s. From 64 MB, 35-46 (helpers ~5 s, peak RSS +30-40 MB); 128 MB
 * saved more but brought the merge's peak RSS to 450-480 MB, near its 500 MB aim.
 */
export const INITIAL_OLD_SPACE_MB: Readonly<Partial<Record<WorkerTask, number>>> = { package: 64 };

function startWorker(task: WorkerTask): Worker {
  const make = () => new Worker(workerEntry(task), { workerData: { task }, resourceLimits: WORKER_LIMITS, execArgv: [], stdout: false, stderr: false });
  return workerWithOldSpace(make, INITIAL_OLD_SPACE_MB[task]);
}

/**
 * The worker `make` starts, its heap beginning with `initialMb` of old space (V8's own sizing when
 * undefined). Node's resourceLimits set no initial size; V8 reads this flag when an isolate is made,
 * which a worker's is before it runs (`online`), and V8's default (0) is put back then.
 */
export function workerWithOldSpace(make: () => Worker, initialMb: number | undefined): Worker {
  if (!initialMb) return make();
  // Node and Electron both start V8 with --no-freeze-flags-after-init, so flags stay settable.
  v8.setFlagsFromString(`--initial-old-space-size=${initialMb}`);
  const reset = () => v8.setFlagsFromString('--initial-old-space-size=0');
  let w: Worker;
  try {
    w = make();
  } catch (e) {
    reset();
    throw e;
  }
  w.once('online', reset);
  w.once('exit', reset);
  return w;
}

/**
 * One idle worker per task is kept (unref'd, so it never keeps a CLI process alive): starting one
 * loads the readers through tsx, about a second, which a clerk previewing file after file should
 * pay once. A worker that failed or was abandoned mid-job is terminated, never reused.
 */
const idle = new Map<WorkerTask, Worker>();

export function acquireWorker(task: WorkerTask): Worker {
  const w = idle.get(task);
  if (w) {
    idle.delete(task);
    detach(w);
    w.ref();
    return w;
  }
  return startWorker(task);
}

/** Only our listeners: Worker keeps its own (e.g. newListener, which starts its message port). */
function detach(w: Worker): void {
  for (const event of ['message', 'error', 'exit'] as const) w.removeAllListeners(event);
}

/** Hands back a worker whose job ended normally. */
export function releaseWorker(task: WorkerTask, w: Worker): void {
  detach(w);
  if (idle.has(task)) {
    void w.terminate();
    return;
  }
  w.on('error', () => {});
  w.once('exit', () => {
    if (idle.get(task) === w) idle.delete(task);
  });
  w.unref();
  idle.set(task, w);
}

/** What the worker's death means for the clerk. */
export function workerFailure(e: unknown, what: string): ApiError {
  if (e instanceof ApiError) return e;
  const code = (e as { code?: unknown }).code;
  if (code === 'ERR_WORKER_OUT_OF_MEMORY')
    return new ApiError('invalid_file', `${what}时用尽了内存上限（${WORKER_LIMITS.maxOldGenerationSizeMb} MB），已停止读取。文件可能过大或是恶意构造的；程序和数据库不受影响`, { reason: 'out_of_memory' });
  const msg = e instanceof Error ? e.message : String(e);
  return new ApiError('internal', `${what}时读取程序意外停止（${msg.slice(0, 120)}），数据库没有任何改动。请重试；如仍失败，请把文件交给技术人员检查`, { reason: 'worker_failed' });
}

/** An ApiError as it crosses the thread boundary (structured clone keeps no class). */
export interface WireError { code: string; message: string; details?: unknown }

export function toWire(e: unknown): WireError {
  if (e instanceof ApiError) return { code: e.code, message: e.message, details: e.details };
  const msg = e instanceof Error ? e.message : String(e);
  return { code: 'internal', message: `程序内部错误：${msg}` };
}

export function fromWire(w: WireError): ApiError {
  return new ApiError(w.code as ErrorCode, w.message, w.details);
}
