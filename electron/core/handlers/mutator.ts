/**
 * Writes are marked where a method is registered, not remembered by each service (the idea of Actual
 * Budget's `mutator()`): a handler wrapped here is a write. Write transactions already move the store's
 * change counter; a row written outside one (a single-statement repository write) would not, so after
 * the handler the wrapper compares SQLite's count of changed rows and marks the write itself. Every
 * cache keyed by `ctx.store.version()` is then stale, whichever way the service wrote.
 */
import type { ServiceContext } from '../services/context';

export interface MutatorOptions {
  /**
   * The write touches nothing any cache is built from (an explanation text, a grid layout): leave the
   * caches alone so the next read does not revalidate the whole census.
   */
  keepsCaches?: boolean;
}

const MARK = Symbol('mutator');

export function mutator<A extends unknown[], R>(ctx: ServiceContext, fn: (...args: A) => R, opts: MutatorOptions = {}): (...args: A) => R {
  const wrapped = (...args: A): R => {
    const changes = ctx.store.totalChanges();
    const writes = ctx.store.writes();
    const settle = () => {
      if (opts.keepsCaches || !ctx.store.db.isOpen) return;
      if (ctx.store.writes() === writes && ctx.store.totalChanges() !== changes) ctx.store.markWrite();
    };
    let out: R;
    try {
      out = fn(...args);
    } catch (e) {
      settle();
      throw e;
    }
    if (out instanceof Promise) return out.finally(settle) as R;
    settle();
    return out;
  };
  return Object.assign(wrapped, { [MARK]: true });
}

/** Whether a handler was registered as a write */
export function isMutator(fn: unknown): boolean {
  return typeof fn === 'function' && MARK in fn;
}
