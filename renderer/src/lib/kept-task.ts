/**
 * Long tasks held outside the page that started them. A province's merge or its own export runs for
 * tens of seconds, and the core finishes it whatever the page does; a statistician who looks at another
 * page meanwhile must come back to its bar and then its outcome (and a board or check read after it),
 * not to an empty panel offering to start it again. The same holds for a data export (a province's Parquet runs
 * for half a minute). One task per slot.
 */
import { useEffect, useRef, useSyncExternalStore } from 'react';
import type { CensusSettings } from '../../../shared/api/contract';
import { errorMessage, onEvent } from '../api/client';
import type { Progress } from './files';

export type Slot = 'merge' | 'export' | 'data-export';

export interface KeptTask<T> {
  taskId: string;
  /** Which census it works on (`censusKey`): another file opened meanwhile does not show it */
  census: string;
  progress: Progress | null;
  /** Set once the task has ended, with `result` or `error` */
  ended: boolean;
  result: T | null;
  error: string | null;
}

const tasks = new Map<Slot, KeptTask<unknown>>();
const listeners = new Set<() => void>();

function set(slot: Slot, next: KeptTask<unknown> | null): void {
  if (next) tasks.set(slot, next);
  else tasks.delete(slot);
  for (const l of listeners) l();
}

function subscribe(l: () => void): () => void {
  listeners.add(l);
  return () => listeners.delete(l);
}

/** What tells one census from another here */
export function censusKey(s: CensusSettings): string {
  return `${s.level}|${s.areaCode}|${s.refDate}`;
}

/**
 * Runs `work` as task `taskId` in `slot`, its progress and outcome kept here whether a page shows them or not. `work`
 * may report a step of its own the core does not (saving the file it fetched). Resolves to the task as it ended (null
 * if another took its slot meanwhile).
 */
export function startKept<T>(slot: Slot, taskId: string, census: string, work: (report: (p: Progress) => void) => Promise<T>): Promise<KeptTask<T> | null> {
  set(slot, { taskId, census, progress: null, ended: false, result: null, error: null });
  const mine = () => {
    const t = tasks.get(slot);
    return t?.taskId === taskId ? t : null;
  };
  const report = (p: Progress) => {
    const t = mine();
    if (t && !t.ended) set(slot, { ...t, progress: p });
  };
  const off = onEvent('progress', (p) => {
    if (p.taskId === taskId) report(p);
  });
  const end = (patch: Pick<KeptTask<T>, 'result' | 'error'>): KeptTask<T> | null => {
    off();
    const t = mine();
    if (!t) return null;
    const ended = { ...(t as KeptTask<T>), ...patch, ended: true };
    set(slot, ended);
    return ended;
  };
  return work(report).then(
    (result) => end({ result, error: null }),
    (e: unknown) => end({ result: null, error: errorMessage(e) }),
  );
}

/** The task in `slot` on `census`, under way or ended, until `forgetKept` */
export function useKept<T>(slot: Slot, census: string): KeptTask<T> | null {
  return useSyncExternalStore(subscribe, () => {
    const t = tasks.get(slot);
    return t?.census === census ? (t as KeptTask<T>) : null;
  });
}

/**
 * Calls `onEnd(task)` when the task in `slot` on `census` ends while the caller is mounted, or ended while it
 * was away and opened again since: what the caller shows must be read again. Not for one that had ended before
 * the caller mounted (what it read on mounting came after it).
 */
export function useKeptEnd<T>(slot: Slot, census: string, onEnd: (task: KeptTask<T>) => void): void {
  const task = useKept<T>(slot, census);
  const ended = task?.ended ? task : null;
  const seen = useRef(ended?.taskId ?? null);
  const latest = useRef(onEnd);
  latest.current = onEnd;
  useEffect(() => {
    if (!ended || ended.taskId === seen.current) return;
    seen.current = ended.taskId;
    latest.current(ended);
  }, [ended]);
}

/** Lets go of an ended task's outcome (new files picked, the message closed); one under way is kept */
export function forgetKept(slot: Slot): void {
  if (tasks.get(slot)?.ended) set(slot, null);
}
