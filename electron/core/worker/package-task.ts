/** Worker side of reading a return package: decrypts, verifies and parses it (readPackage). */
import { parentPort } from 'node:worker_threads';
import { readPackage } from '../services/packages/read';
import { toWire } from './host';
import type { PackageMessage, PackageRequest } from './package';

const port = parentPort!;

port.on('message', (m: PackageRequest) => {
  const data = Buffer.from(m.data.buffer, m.data.byteOffset, m.data.byteLength);
  readPackage(data, { fileName: m.fileName, passphrase: m.passphrase }).then(
    (pkg) => port.postMessage({ type: 'done', pkg } satisfies PackageMessage),
    (e: unknown) => port.postMessage({ type: 'error', error: toWire(e) } satisfies PackageMessage),
  );
});
