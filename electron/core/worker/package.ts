/**
 * Host side of reading a return package in a worker (see host.ts): scrypt, inflating, hashing and
 * parsing a package happen off this thread, so a costly or hostile package never stalls the bridge.
 */
import { MessageChannel, receiveMessageOnPort, type MessagePort } from 'node:worker_threads';
import { readPackage, type KnownPackage, type ParsedPackage, type ReadOptions } from '../services/packages/read';
import { unpackRows, type PackedRows } from '../services/packages/packed-rows';
import { countedPersonFields, countsWhileReading } from '../services/reports/package-counts';
import type { CountingEnv } from '../../../shared/reports/env';
import { acquireWorker, fromWire, releaseWorker, workerFailure, workersEnabled, type WireError } from './host';

/** `reply`: the port the answer goes to, so the caller can take it without yielding (`poll`) */
export type PackageRequest = {
  type: 'start'; fileName: string; passphrase?: string | undefined; counting?: CountingEnv | undefined; countRowsOnly?: boolean | undefined;
  known?: readonly KnownPackage[] | undefined; data: Uint8Array; reply: MessagePort;
};

export interface IsolatedReadOptions extends ReadOptions {
  /** Count the package's persons into the summary tables under this environment (ParsedPackage.personCounts) */
  counting?: CountingEnv | undefined;
}
/** A parsed package whose record rows are packed (packed-rows.ts) */
type WirePackage = Omit<ParsedPackage, 'persons' | 'units'> & {
  persons: Omit<ParsedPackage['persons'], 'rows'> & { rows: PackedRows };
  units: Omit<ParsedPackage['units'], 'rows'> & { rows: PackedRows };
};

export type PackageMessage =
  | { type: 'done'; pkg: WirePackage }
  | { type: 'error'; error: WireError };

/** A read under way; `poll()` takes its answer if the worker has sent it, without yielding to the event loop */
export type PendingRead = Promise<ParsedPackage> & { poll(): boolean };

export function readPackageIsolated(data: Buffer, opts: IsolatedReadOptions): PendingRead {
  if (!workersEnabled()) {
    let done = false;
    const counting = opts.counting;
    const p = readPackage(data, { ...opts, keepPersonFields: counting && countedPersonFields(counting) })
      .then(({ persons: { kept, ...persons }, ...pkg }) => ({
        ...pkg,
        persons,
        personCounts: countsWhileReading(counting, pkg.units.rows, persons.ids, kept),
      }))
      .finally(() => (done = true));
    return Object.assign(p, { poll: () => done });
  }
  const what = `读取上报包「${opts.fileName}」`;
  const worker = acquireWorker('package');
  const { port1, port2 } = new MessageChannel();
  let settled = false;
  let answer = (_m: PackageMessage) => {};
  const p = new Promise<ParsedPackage>((resolve, reject) => {
    const settle = (ok: boolean, value: unknown) => {
      if (settled) return;
      settled = true;
      port1.close();
      if (ok) releaseWorker('package', worker);
      else void worker.terminate();
      if (ok) resolve(value as ParsedPackage);
      else reject(value);
    };
    answer = (m: PackageMessage) => {
      if (m.type === 'done') settle(true, { ...m.pkg, persons: { ...m.pkg.persons, rows: unpackRows(m.pkg.persons.rows) }, units: { ...m.pkg.units, rows: unpackRows(m.pkg.units.rows) } });
      else if (m.type === 'error') {
        // A refusal is an ordinary answer: the worker is fine and can be used again.
        if (settled) return;
        settled = true;
        port1.close();
        releaseWorker('package', worker);
        reject(fromWire(m.error));
      }
    };
    port1.on('message', (m: PackageMessage) => answer(m));
    worker.on('error', (e) => settle(false, workerFailure(e, what)));
    worker.on('exit', () => settle(false, workerFailure(new Error('worker exited'), what)));
    const copy = new Uint8Array(data);
    worker.postMessage(
      { type: 'start', fileName: opts.fileName, passphrase: opts.passphrase, counting: opts.counting, countRowsOnly: opts.countRowsOnly, known: opts.known, data: copy, reply: port2 } satisfies PackageRequest,
      [copy.buffer, port2],
    );
  });
  return Object.assign(p, {
    poll: () => {
      if (!settled) {
        const got = receiveMessageOnPort(port1);
        if (got) answer(got.message as PackageMessage);
      }
      return settled;
    },
  });
}
