/**
 * Host side of reading a return package in a worker (see host.ts): scrypt, inflating, hashing and
 * parsing a package happen off this thread, so a costly or hostile package never stalls the bridge.
 */
import { readPackage, type ParsedPackage, type ReadOptions } from '../services/packages/read';
import { unpackRows, type PackedRows } from '../services/packages/packed-rows';
import { acquireWorker, fromWire, releaseWorker, workerFailure, workersEnabled, type WireError } from './host';

export type PackageRequest = { type: 'start'; fileName: string; passphrase?: string | undefined; data: Uint8Array };
/** A parsed package whose record rows are packed (packed-rows.ts) */
type WirePackage = Omit<ParsedPackage, 'persons' | 'units'> & {
  persons: Omit<ParsedPackage['persons'], 'rows'> & { rows: PackedRows };
  units: Omit<ParsedPackage['units'], 'rows'> & { rows: PackedRows };
};

export type PackageMessage =
  | { type: 'done'; pkg: WirePackage }
  | { type: 'error'; error: WireError };

export async function readPackageIsolated(data: Buffer, opts: ReadOptions): Promise<ParsedPackage> {
  if (!workersEnabled()) return readPackage(data, opts);
  const what = `读取上报包「${opts.fileName}」`;
  const worker = acquireWorker('package');
  return new Promise<ParsedPackage>((resolve, reject) => {
    let settled = false;
    const settle = (ok: boolean, value: unknown) => {
      if (settled) return;
      settled = true;
      if (ok) releaseWorker('package', worker);
      else void worker.terminate();
      if (ok) resolve(value as ParsedPackage);
      else reject(value);
    };
    worker.on('message', (m: PackageMessage) => {
      if (m.type === 'done') settle(true, { ...m.pkg, persons: { ...m.pkg.persons, rows: unpackRows(m.pkg.persons.rows) }, units: { ...m.pkg.units, rows: unpackRows(m.pkg.units.rows) } });
      else if (m.type === 'error') {
        // A refusal is an ordinary answer: the worker is fine and can be used again.
        if (!settled) releaseWorker('package', worker);
        settled = true;
        reject(fromWire(m.error));
      }
    });
    worker.on('error', (e) => settle(false, workerFailure(e, what)));
    worker.on('exit', () => settle(false, workerFailure(new Error('worker exited'), what)));
    const copy = new Uint8Array(data);
    worker.postMessage(
      { type: 'start', fileName: opts.fileName, passphrase: opts.passphrase, data: copy } satisfies PackageRequest,
      [copy.buffer],
    );
  });
}
