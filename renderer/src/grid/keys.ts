/**
 * The grid's own keys as one table: each entry names a chord and the action it runs. AG Grid keeps
 * arrows, Tab, Enter, F2 and Esc; typing is `typing.ts`'s. A key not in the table goes on to AG Grid.
 */
export type Direction = 'up' | 'down' | 'left' | 'right';

export type GridKeyAction =
  | { kind: 'undo' }
  | { kind: 'redo' }
  | { kind: 'fillDown' }
  | { kind: 'find' }
  | { kind: 'clear' }
  | { kind: 'addRow' }
  | { kind: 'deleteRows' }
  | { kind: 'selectAll' }
  | { kind: 'openForm' }
  | { kind: 'extend'; dir: Direction }
  | { kind: 'extendToEdge'; dir: Direction };

interface Binding {
  /** `KeyboardEvent.key`, single characters lower-cased */
  key: string;
  /** Ctrl (or ⌘): true = required, false = not pressed */
  ctrl: boolean;
  /** Shift: true / false, or undefined for either */
  shift?: boolean;
  action: GridKeyAction;
}

const ARROWS: Record<string, Direction> = { ArrowUp: 'up', ArrowDown: 'down', ArrowLeft: 'left', ArrowRight: 'right' };

export const DELTA: Record<Direction, [number, number]> = { up: [-1, 0], down: [1, 0], left: [0, -1], right: [0, 1] };

export const KEY_TABLE: readonly Binding[] = [
  { key: 'z', ctrl: true, shift: false, action: { kind: 'undo' } },
  { key: 'y', ctrl: true, action: { kind: 'redo' } },
  { key: 'z', ctrl: true, shift: true, action: { kind: 'redo' } },
  { key: 'd', ctrl: true, action: { kind: 'fillDown' } },
  { key: 'f', ctrl: true, action: { kind: 'find' } },
  { key: 'Delete', ctrl: false, action: { kind: 'clear' } },
  { key: 'Backspace', ctrl: false, action: { kind: 'clear' } },
  { key: 'Insert', ctrl: false, action: { kind: 'addRow' } },
  { key: '+', ctrl: true, action: { kind: 'addRow' } },
  { key: '=', ctrl: true, action: { kind: 'addRow' } },
  { key: '-', ctrl: true, action: { kind: 'deleteRows' } },
  { key: 'a', ctrl: true, action: { kind: 'selectAll' } },
  { key: 'Enter', ctrl: true, action: { kind: 'openForm' } },
  ...Object.entries(ARROWS).flatMap(([key, dir]): Binding[] => [
    { key, ctrl: false, shift: true, action: { kind: 'extend', dir } },
    { key, ctrl: true, shift: true, action: { kind: 'extendToEdge', dir } },
  ]),
];

export interface Chord {
  key: string;
  ctrlKey: boolean;
  metaKey: boolean;
  shiftKey: boolean;
  altKey: boolean;
}

/** The action a keydown asks for, or null when the key is not the grid's */
export function gridKeyAction(e: Chord): GridKeyAction | null {
  if (e.altKey) return null;
  const key = e.key.length === 1 ? e.key.toLowerCase() : e.key;
  const ctrl = e.ctrlKey || e.metaKey;
  const hit = KEY_TABLE.find((b) => b.key === key && b.ctrl === ctrl && (b.shift === undefined || b.shift === e.shiftKey));
  return hit?.action ?? null;
}
