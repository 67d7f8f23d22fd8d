/**
 * The caches and staging of one core, in one object built with the core's context (never module-level
 * state keyed by the context). Each user declares its slot next to the code that uses it; the object
 * owns the values, so a new context (another census file opened) starts empty and nothing leaks
 * between cores in one process (tests, the bridge's reopen).
 *
 * Freshness is not each writer's duty: a cache records `ctx.store.version()` when it is built and is
 * stale when the version differs. The version moves with every write transaction of this process (the
 * store's change counter) and every commit by another process (SQLite's data_version).
 */
export interface StateSlot<T> {
  readonly name: string;
  init(): T;
  /** What a value holds outside memory (a worker, a file), let go when the core closes */
  dispose?(value: T): void;
}

export interface ServiceState {
  get<T>(slot: StateSlot<T>): T;
  /** Names of the slots in use, for tests and diagnostics */
  names(): string[];
  /** Disposes of every slot's value and empties the state (the core is closing) */
  dispose(): void;
}

export function defineSlot<T>(name: string, init: () => T, dispose?: (value: T) => void): StateSlot<T> {
  return dispose ? { name, init, dispose } : { name, init };
}

export function createServiceState(): ServiceState {
  const values = new Map<StateSlot<unknown>, unknown>();
  return {
    get<T>(slot: StateSlot<T>): T {
      if (!values.has(slot)) values.set(slot, slot.init());
      return values.get(slot) as T;
    },
    names: () => [...values.keys()].map((s) => s.name),
    dispose() {
      for (const [slot, value] of values) slot.dispose?.(value);
      values.clear();
    },
  };
}

/** A value computed from the database, kept while the file's version is unchanged */
export interface Versioned<T> {
  version: string;
  value: T;
}
