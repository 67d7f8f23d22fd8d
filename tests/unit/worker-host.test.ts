/**
 * The package worker starts with a larger old space (host.ts, INITIAL_OLD_SPACE_MB): reading package
 * after package, it then collects fully about a third as often. V8 takes the size from a process-wide
 * flag when a worker's isolate is made, so the flag must be set only for that worker and put back.
 */
import v8 from 'node:v8';
import { Worker } from 'node:worker_threads';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { acquireWorker, INITIAL_OLD_SPACE_MB, workerWithOldSpace } from '../../electron/core/worker/host';

// Thirty "packages" in turn, each 100,000 objects alive until the next replaces it; the answer is how
// many full collections that took.
const READER = `
const { PerformanceObserver, constants } = require('node:perf_hooks');
const { parentPort } = require('node:worker_threads');
let majors = 0;
new PerformanceObserver((l) => {
  for (const e of l.getEntries()) if (e.detail.kind === constants.NODE_PERFORMANCE_GC_MAJOR) majors++;
}).observe({ entryTypes: ['gc'] });
let held = [];
for (let p = 0; p < 30; p++) {
  const rows = [];
  for (let i = 0; i < 100000; i++) rows.push({ id: 'p' + p + '-' + i, n: i });
  held = rows;
}
setTimeout(() => parentPort.postMessage(held.length === 100000 ? majors : -1), 100);
`;

const started: Worker[] = [];
afterEach(async () => {
  vi.restoreAllMocks();
  await Promise.all(started.splice(0).map((w) => w.terminate()));
});

function fullCollections(initialMb: number | undefined): Promise<number> {
  const w = workerWithOldSpace(() => new Worker(READER, { eval: true, resourceLimits: { maxOldGenerationSizeMb: 1024, maxYoungGenerationSizeMb: 48 } }), initialMb);
  started.push(w);
  return new Promise((resolve, reject) => {
    w.once('message', resolve);
    w.once('error', reject);
  });
}

const online = (w: Worker) => new Promise<void>((resolve) => w.once('online', () => resolve()));

describe('worker heaps', () => {
  it('a worker started with a larger old space collects fully less often; the next one gets V8’s own size again', async () => {
    const plain = await fullCollections(undefined);
    const larger = await fullCollections(64);
    const after = await fullCollections(undefined);
    // The counts move by one with the machine's load (7 or 8 full collections for the same worker, 3 or 4 with
    // the larger old space): what must hold is which side of that gap each worker falls on.
    expect(plain).toBeGreaterThan(0);
    expect(plain - larger).toBeGreaterThanOrEqual(2);
    expect(Math.abs(after - plain)).toBeLessThan(Math.abs(after - larger));
  });

  it('only the package worker is started with it, and the flag is put back once it runs', async () => {
    const flags = vi.spyOn(v8, 'setFlagsFromString');
    const pkg = acquireWorker('package');
    started.push(pkg);
    await online(pkg);
    expect(INITIAL_OLD_SPACE_MB.package).toBeGreaterThan(0);
    expect(flags.mock.calls).toEqual([[`--initial-old-space-size=${INITIAL_OLD_SPACE_MB.package}`], ['--initial-old-space-size=0']]);
    flags.mockClear();
    const sheets = acquireWorker('sheets');
    started.push(sheets);
    await online(sheets);
    expect(flags).not.toHaveBeenCalled();
  });

  it('puts the flag back when the worker cannot be made', () => {
    const flags = vi.spyOn(v8, 'setFlagsFromString');
    expect(() => workerWithOldSpace(() => { throw new Error('no worker'); }, 64)).toThrow('no worker');
    expect(flags.mock.calls).toEqual([['--initial-old-space-size=64'], ['--initial-old-space-size=0']]);
  });
});
