import { useSyncExternalStore } from 'react';
import type { GridController, GridStatus } from './controller';

/** The controller's status as React state: re-renders only the component that reads it. */
export function useGridStatus(ctrl: GridController): GridStatus {
  return useSyncExternalStore(
    (fn) => ctrl.subscribe(fn),
    () => ctrl.status,
  );
}

/**
 * One primitive of the status: the component re-renders only when it changes, not on every
 * "saving / saved" flip of an edit (the side panels hold hundreds of rows).
 */
export function useGridSelector<T extends string | number | boolean | null>(ctrl: GridController, pick: (s: GridStatus) => T): T {
  return useSyncExternalStore(
    (fn) => ctrl.subscribe(fn),
    () => pick(ctrl.status),
  );
}
