/**
 * What makes a merge of many packages a bulk load rather than many small ones:
 * - the next package is read and verified (inflate, hashes, signature, CSV parse — in a worker
 *   thread) while the current one is being written, so the two cores overlap instead of taking turns;
 * - when a merge brings at least half as many persons as the census already holds, the indexes whose
 *   keys scatter over the whole file (ID number, unit, name, created_at) are dropped first and built
 *   again once at the end, one sort each, instead of being updated row by row package after package.
 *   The primary key and the area-code indexes stay: they keep id clashes refused and a package's
 *   records found for replacement. Each package is still its own transaction.
 */
import type { CountingEnv } from '../../../../shared/reports/env';
import type { ServiceContext } from '../context';
import type { ParsedPackage } from './read';
import { readPackageIsolated as readPackage } from '../../worker/package';

export interface PackageFile {
  name: string;
  /** The file's bytes, or how to get them when their turn comes (a hundred files never sit in memory at once) */
  data: Buffer | (() => Buffer);
  passphrase?: string | undefined;
}

export function bytesOf(f: PackageFile): Buffer {
  return typeof f.data === 'function' ? f.data() : f.data;
}

export type ReadOutcome = { ok: true; pkg: ParsedPackage } | { ok: false; error: unknown };

/**
 * Reads files in order, one at a time (one worker, one parsed package waiting): file i+1 is started as
 * soon as file i has been read, so it is read while file i is written. With `counting`, the worker
 * also counts each package's persons into the summary tables (ParsedPackage.personCounts).
 */
export interface ReadAhead {
  (i: number): Promise<ReadOutcome>;
  /** Whether file i has been read (awaiting it then runs only promise callbacks, never another event) */
  ready(i: number): boolean;
}

export function readAhead(files: readonly PackageFile[], counting?: CountingEnv): ReadAhead {
  const started = new Map<number, Promise<ReadOutcome>>();
  const settled = new Set<number>();
  const polls = new Map<number, () => boolean>();
  const start = (i: number) => {
    if (i >= files.length || started.has(i)) return;
    const f = files[i]!;
    let p: Promise<ReadOutcome>;
    try {
      const read = readPackage(bytesOf(f), { fileName: f.name, passphrase: f.passphrase, counting });
      polls.set(i, read.poll);
      p = read.then(
        (pkg) => ({ ok: true as const, pkg }),
        (error: unknown) => ({ ok: false as const, error }),
      );
    } catch (error) {
      p = Promise.resolve({ ok: false as const, error });
    }
    started.set(i, p);
    void p.then(() => {
      settled.add(i);
      polls.delete(i);
      start(i + 1);
    });
  };
  const take = (i: number) => {
    start(i);
    const p = started.get(i)!;
    started.delete(i);
    return p;
  };
  // An answer the worker sent while this thread was busy is taken now (receiveMessageOnPort)
  return Object.assign(take, { ready: (i: number) => settled.has(i) || (polls.get(i)?.() ?? false) });
}

/**
 * Persons written per commit in a bulk merge. Each commit writes every page the packages dirtied to
 * the WAL: with record ids scattered over the primary key, a province's packages each dirty most of
 * that index, so five packages per commit write its pages once instead of five times.
 */
export const BULK_COMMIT_PERSONS = 50_000;

/** Below this many incoming persons the indexes are simply kept up to date */
export const BULK_MIN_PERSONS = 20_000;

/** Whether dropping and rebuilding the scattered indexes pays for this many incoming persons */
export function worthBulk(ctx: ServiceContext, incomingPersons: number, min = BULK_MIN_PERSONS): boolean {
  return incomingPersons >= min && incomingPersons * 2 >= ctx.store.persons.count();
}

/** Drops the scattered indexes; the returned function builds them again (safe to call more than once) */
export function beginBulk(ctx: ServiceContext): () => void {
  ctx.store.packages.dropScatteredIndexes(process.pid);
  ctx.store.markWrite();
  let done = false;
  return () => {
    if (done) return;
    done = true;
    ctx.store.packages.restoreIndexes();
    ctx.store.markWrite();
  };
}
