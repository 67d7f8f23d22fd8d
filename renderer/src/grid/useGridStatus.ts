import { useSyncExternalStore } from 'react';
import type { GridController, GridStatus } from './controller';

/** The controller's status as React state: re-renders only the component that reads it. */
export function useGridStatus(ctrl: GridController): GridStatus {
  return useSyncExternalStore(
    (fn) => ctrl.subscribe(fn),
    () => ctrl.status,
  );
}
