/**
 * A page's state kept beyond the page: like useState, but held here by key, so a clerk who looks at another page
 * and comes back finds it as it was — a previewed import of 100,000 rows, or one still being read or written (its
 * calls go on writing here while the page is away). Keys name the census too (`censusKey`), so another file opened
 * meanwhile starts afresh.
 */
import { useCallback, useSyncExternalStore } from 'react';

const values = new Map<string, unknown>();
const listeners = new Map<string, Set<() => void>>();

function subscribeTo(key: string): (l: () => void) => () => void {
  return (l) => {
    let set = listeners.get(key);
    if (!set) listeners.set(key, (set = new Set()));
    set.add(l);
    return () => set.delete(l);
  };
}

const subscribers = new Map<string, (l: () => void) => () => void>();

export type Setter<T> = (next: T | ((prev: T) => T)) => void;

/** The value under `key` (`initial` until first set) and a setter that works whether the caller is mounted or not */
export function useKeptState<T>(key: string, initial: T): [T, Setter<T>] {
  // The first value is stored, so every render reads the same object until it is set
  if (!values.has(key)) values.set(key, initial);
  let subscribe = subscribers.get(key);
  if (!subscribe) subscribers.set(key, (subscribe = subscribeTo(key)));
  const value = useSyncExternalStore(subscribe, () => values.get(key) as T);
  const set = useCallback<Setter<T>>((next) => setKept(key, next), [key]);
  return [value, set];
}

/** Sets the value under `key`, telling whoever shows it */
export function setKept<T>(key: string, next: T | ((prev: T) => T)): void {
  const prev = values.get(key) as T;
  values.set(key, typeof next === 'function' ? (next as (prev: T) => T)(prev) : next);
  for (const l of listeners.get(key) ?? []) l();
}
