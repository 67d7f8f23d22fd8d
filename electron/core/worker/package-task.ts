/** Worker side of reading a return package: decrypts, verifies and parses it (readPackage). */
import { parentPort } from 'node:worker_threads';
import { readPackage } from '../services/packages/read';
import { toWire } from './host';
import type { SqlValue } from '../db';
import { packRows } from '../services/packages/packed-rows';
import type { PackageMessage, PackageRequest } from './package';
import { countedPersonFields, countsWhileReading } from '../services/reports/package-counts';

const port = parentPort!;

port.on('message', (m: PackageRequest) => {
  const data = Buffer.from(m.data.buffer, m.data.byteOffset, m.data.byteLength);
  const keepPersonFields = m.counting && countedPersonFields(m.counting);
  readPackage(data, { fileName: m.fileName, passphrase: m.passphrase, keepPersonFields, countRowsOnly: m.countRowsOnly, known: m.known }).then(
    ({ persons: { kept, ...personTable }, ...read }) => {
      // The summary tables' counts of its persons, made here while the writing thread inserts the previous package
      const personCounts = countsWhileReading(m.counting, read.units.rows, personTable.ids, kept);
      // The record rows travel as one transferred buffer each (packed-rows.ts), not as half a million values
      // (packed already when the one-pass reader read them, read-fast.ts)
      const persons = personTable.rows.packed ?? packRows('person', personTable.rows as SqlValue[][]);
      const units = read.units.rows.packed ?? packRows('unit', read.units.rows as SqlValue[][]);
      const pkg = { ...read, persons: { ...personTable, rows: persons }, units: { ...read.units, rows: units }, personCounts };
      m.reply.postMessage({ type: 'done', pkg } satisfies PackageMessage, [persons.data.buffer as ArrayBuffer, units.data.buffer as ArrayBuffer]);
    },
    (e: unknown) => m.reply.postMessage({ type: 'error', error: toWire(e) } satisfies PackageMessage),
  );
});
