/**
 * What makes a merge of many packages a bulk load rather than many small ones:
 * - the next package is read and verified (inflate, hashes, signature, CSV parse — in a worker
 *   thread) while the current one is being written, so the two cores overlap instead of taking turns;
 * - when a merge brings at least half as many persons as the census already holds, the indexes whose
 *   keys scatter over the whole file (ID number, unit, name, created_at, and the unique person id)
 *   are dropped first and built again once at the end, one sort each, instead of being updated row
 *   by row package after package. The area-code indexes stay (a package's records are found through
 *   them for replacement), and so does the units' primary key (a few thousand keys, cheap). Each
 *   package is still its own transaction.
 * - without the person id index, the merge keeps the ids unique itself (`BulkIds`): the stored ids
 *   as hashes in memory, each with its record's area. A package none of whose ids is in there is
 *   written as is; a hit (a clash, or two ids sharing a hash) builds the id index again at once, and
 *   the rest of the merge goes the exact way it goes without a bulk: the unique index refuses a
 *   clashing package, with the same message.
 */
import { PERSONS_ID_INDEX } from '../../db';
import type { ServiceContext } from '../context';
import { IdSet } from './id-set';
import type { ParsedPackage } from './read';
import { readPackageIsolated as readPackage, type IsolatedReadOptions } from '../../worker/package';

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
 * Reads files in order ahead of their use, one at a time in a worker: file i+1 is read while file i is
 * written (the merge) or judged (the preview). At most AHEAD files are read or waiting beyond the one
 * taken last, so a writer slower than the reader (a merge into a large census, its indexes kept) never
 * holds every package of the batch in memory at once. With `counting`, the worker also counts each
 * package's persons into the summary tables (ParsedPackage.personCounts); with `countRowsOnly`, the
 * rows are checked but only counted (ReadOptions.countRowsOnly). Files are taken in order, each once.
 */
export interface ReadAhead {
  (i: number): Promise<ReadOutcome>;
  /** Whether file i has been read (awaiting it then runs only promise callbacks, never another event) */
  ready(i: number): boolean;
}

/** Files read or waiting beyond the one taken last */
export const AHEAD = 2;

/** How every file of the batch is read (the reader's own options, less what each file brings) */
export type ReadAheadOptions = Pick<IsolatedReadOptions, 'counting' | 'countRowsOnly' | 'known'>;

export function readAhead(files: readonly PackageFile[], opts: ReadAheadOptions = {}): ReadAhead {
  const started = new Map<number, Promise<ReadOutcome>>();
  const settled = new Set<number>();
  const polls = new Map<number, () => boolean>();
  let next = 0;
  let taken = 0;
  let reading = false;
  const start = (i: number) => {
    const f = files[i]!;
    let p: Promise<ReadOutcome>;
    try {
      const read = readPackage(bytesOf(f), { ...opts, fileName: f.name, passphrase: f.passphrase });
      polls.set(i, read.poll);
      p = read.then(
        (pkg) => ({ ok: true as const, pkg }),
        (error: unknown) => ({ ok: false as const, error }),
      );
    } catch (error) {
      p = Promise.resolve({ ok: false as const, error });
    }
    reading = true;
    started.set(i, p);
    void p.then(() => {
      reading = false;
      settled.add(i);
      polls.delete(i);
      pump();
    });
  };
  const pump = () => {
    if (!reading && next < files.length && next - taken < AHEAD) start(next++);
  };
  const take = (i: number) => {
    taken = Math.max(taken, i + 1);
    // The first file is started here; each later one was started when the one before it was read
    if (i >= next) {
      next = i + 1;
      start(i);
    }
    pump();
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

/**
 * Page cache while a bulk merge writes, KiB. With every scattered index dropped (the person ids with
 * them) the rows are appended and the area-code indexes grow at one end each: the merge's 64 MB
 * cache (MERGE_CACHE_MB, for merges that keep the indexes) would only hold written pages.
 */
export const BULK_CACHE_KIB = 16 * 1024;

/** A bulk merge under way: its person ids while their index is dropped, and how to end it */
export interface Bulk {
  readonly ids: BulkIds;
  /**
   * Builds the dropped indexes again, one at a time, awaiting `before(i, n)` before each (safe to call
   * more than once: a later call waits for the first). Not inside a transaction.
   */
  end(before?: (i: number, n: number) => Promise<void>): Promise<void>;
}

/** Drops the scattered indexes (the person id index with them) for about `incoming` more persons */
export function beginBulk(ctx: ServiceContext, incoming: number): Bulk {
  const dropped = ctx.store.packages.dropScatteredIndexes(process.pid);
  ctx.store.markWrite();
  const ids = new BulkIds(ctx, dropped.includes(PERSONS_ID_INDEX), incoming);
  const cache = ctx.store.packages.setCache(BULK_CACHE_KIB);
  let ended: Promise<void> | null = null;
  return {
    ids,
    end(before = () => Promise.resolve()) {
      ended ??= (async () => {
        // The ids' memory goes before the sorts behind the rebuild take theirs
        ids.close();
        cache();
        try {
          await ctx.store.packages.restoreIndexesInTurns(before);
        } finally {
          ctx.store.markWrite();
        }
      })();
      return ended;
    },
  };
}

/**
 * What the unique person id index answers while a bulk merge has it dropped. Filled from the stored
 * persons when the bulk starts, then kept as packages replace and add persons. It trusts only its
 * own writes: anything else written to the file meanwhile (another window's edit between two
 * commits, another process) sends the merge back to the index, as does any hit.
 */
export class BulkIds {
  private set: IdSet | null = null;
  private seen = '';

  constructor(private readonly ctx: ServiceContext, dropped: boolean, incoming: number) {
    if (!dropped) return;
    const set = new IdSet(ctx.store.persons.count() + incoming);
    const ids: string[] = [];
    const areas: string[] = [];
    const flush = () => {
      set.add(IdSet.hashes(ids), (i) => areas[i]!);
      ids.length = 0;
      areas.length = 0;
    };
    for (const [id, area] of ctx.store.packages.iterateIdsAndAreas('person')) {
      ids.push(id);
      areas.push(area);
      if (ids.length === 50_000) flush();
    }
    flush();
    this.set = set;
    this.written();
  }

  /** Whether the id index is dropped and this object stands in for it */
  get active(): boolean {
    return this.set !== null;
  }

  /**
   * Before writing a package that replaces the records under `replaced` (its area's earlier
   * package): the hashes of its person ids when none can clash, else null — the id index has then
   * been built again (inside the open transaction) and the package is written the exact way.
   */
  admit(ids: readonly string[], replaced: ReadonlySet<string>): Uint32Array | null {
    if (!this.set) return null;
    const h = IdSet.hashes(ids);
    if (this.seen === this.version() && this.set.suspects(h, replaced).length === 0) return h;
    this.exact();
    return null;
  }

  /** After a package was written: its person ids in, the replaced ones out */
  merged(h: Uint32Array, areaOf: (i: number) => string, removed: readonly string[], replaced: ReadonlySet<string>): void {
    if (!this.set) return;
    if (removed.length) this.set.remove(IdSet.hashes(removed), replaced);
    this.set.add(h, areaOf);
  }

  /** After this merge wrote (or tried to write) a package: the file's state it knows */
  written(): void {
    if (this.set) this.seen = this.version();
  }

  /** The id index built again now; from here on it refuses clashes itself */
  exact(): void {
    if (!this.set) return;
    this.set = null;
    this.ctx.store.packages.restoreIndex(PERSONS_ID_INDEX);
  }

  /** Forgets the ids (the index is about to be built again) */
  close(): void {
    this.set = null;
  }

  private version(): string {
    return `${this.ctx.store.othersVersion()}.${this.ctx.store.totalChanges()}`;
  }
}
