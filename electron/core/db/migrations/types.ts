import type { Sqlite } from '../handle';

/** One step of schema history. `up` runs inside a transaction the runner opens. */
export interface Migration {
  readonly version: number;
  readonly name: string;
  up(db: Sqlite): void;
}
