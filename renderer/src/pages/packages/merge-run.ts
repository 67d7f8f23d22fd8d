/**
 * The merge under way, held outside the page. A province's merge runs for tens of seconds, and the
 * core finishes it whatever the page does; a statistician who looks at another page meanwhile must come
 * back to its bar, then its results and a board read after it, not to an empty panel and a board of
 * the packages written so far.
 */
import { useSyncExternalStore } from 'react';
import type { CensusSettings } from '../../../../shared/api/contract';
import type { MergeResult } from '../../../../shared/api/methods/packages';
import { errorMessage, onEvent } from '../../api/client';
import type { Progress } from '../../lib/files';

export interface MergeRun {
  taskId: string;
  /** Which census it is merging into (`censusKey`): another file opened meanwhile does not show it */
  census: string;
  progress: Progress | null;
  /** Set once the merge has ended, with `error` when it failed */
  ended: boolean;
  results: MergeResult[] | null;
  error: string | null;
}

let run: MergeRun | null = null;
const listeners = new Set<() => void>();

function set(next: MergeRun | null): void {
  run = next;
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

/** Runs `merge` as task `taskId`, its progress and outcome kept here whether a page shows them or not */
export function startMerge(taskId: string, census: string, merge: () => Promise<MergeResult[]>): Promise<void> {
  set({ taskId, census, progress: null, ended: false, results: null, error: null });
  const off = onEvent('progress', (p) => {
    if (p.taskId === taskId && run?.taskId === taskId && !run.ended) set({ ...run, progress: p });
  });
  const end = (patch: Pick<MergeRun, 'results' | 'error'>) => {
    off();
    if (run?.taskId === taskId) set({ ...run, ...patch, ended: true });
  };
  return merge().then(
    (results) => end({ results, error: null }),
    (e: unknown) => end({ results: null, error: errorMessage(e) }),
  );
}

/** The same outside React */
export function currentMerge(): MergeRun | null {
  return run;
}

/** The merge under way into `census`, or the last one's outcome until `forgetMerge` */
export function useMergeRun(census: string): MergeRun | null {
  return useSyncExternalStore(subscribe, () => (run?.census === census ? run : null));
}

/** Lets go of an ended merge's outcome (new files picked); one under way is kept */
export function forgetMerge(): void {
  if (run?.ended) set(null);
}
