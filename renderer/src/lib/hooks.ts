import { useEffect, useState } from 'react';
import { onEvent } from '../api/client';
import type { Progress } from './files';

/** The value after it has stopped changing for `ms` milliseconds. */
export function useDebounced<T>(value: T, ms: number): T {
  const [settled, setSettled] = useState(value);
  useEffect(() => {
    const t = setTimeout(() => setSettled(value), ms);
    return () => clearTimeout(t);
  }, [value, ms]);
  return settled;
}

/** Hands `show` every progress event of task `taskId` while it runs (none while `taskId` is null). */
export function useTaskProgress(taskId: string | null, show: (p: Progress) => void): void {
  useEffect(() => {
    if (!taskId) return;
    return onEvent('progress', (p) => {
      if (p.taskId === taskId) show(p);
    });
    // `show` is a state setter: stable, so the subscription follows the task alone
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [taskId]);
}

/** Whole seconds since `running` turned true (0 while it is false), ticking once a second. */
export function useElapsedSeconds(running: boolean): number {
  const [seconds, setSeconds] = useState(0);
  useEffect(() => {
    setSeconds(0);
    if (!running) return;
    const start = Date.now();
    const t = setInterval(() => setSeconds(Math.floor((Date.now() - start) / 1000)), 1000);
    return () => clearInterval(t);
  }, [running]);
  return seconds;
}
