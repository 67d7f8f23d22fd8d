/**
 * Host side of a spreadsheet read in a worker (see host.ts): the same OpenedFile the in-process
 * reader returns, fed by the worker's batches. Sheets must be read in order, each to its end (the
 * import does); abandoning the iteration ends the worker.
 */
import type { Cell } from '../../../shared/io';
import { openSpreadsheet, type FileFormat, type InputFile, type OpenedFile, type SheetRow, type SheetStream, type TextEncoding } from '../services/io/read';
import { acquireWorker, fromWire, releaseWorker, workerFailure, workersEnabled, type WireError } from './host';

export type SheetsRequest = { type: 'start'; name: string; data: Uint8Array } | { type: 'more' };
export type SheetsMessage =
  | { type: 'file'; format: FileFormat; encoding: TextEncoding | null }
  | { type: 'sheet'; name: string | null; hidden: boolean }
  | { type: 'rows'; rows: { number: number; cells: Cell[] }[]; bytes: number }
  | { type: 'sheet-end' }
  | { type: 'done'; bytes: number }
  | { type: 'error'; error: WireError };

/** Opens `file` in a worker thread (or on this thread when workers are turned off). */
export async function openSpreadsheetIsolated(file: InputFile, onBytes: (n: number) => void = () => {}): Promise<OpenedFile> {
  if (!workersEnabled()) return openSpreadsheet(file, onBytes);
  const what = `读取「${file.name}」`;
  const worker = acquireWorker('sheets');
  const inbox: SheetsMessage[] = [];
  let failure: Error | null = null;
  let finished = false;
  let wake: (() => void) | null = null;
  const notify = () => {
    const w = wake;
    wake = null;
    w?.();
  };
  worker.on('message', (m: SheetsMessage) => {
    inbox.push(m);
    notify();
  });
  worker.on('error', (e) => {
    failure ??= workerFailure(e, what);
    notify();
  });
  worker.on('exit', () => {
    if (!finished) failure ??= workerFailure(new Error('worker exited'), what);
    notify();
  });
  const next = async (): Promise<SheetsMessage> => {
    for (;;) {
      const m = inbox.shift();
      if (m) {
        if (m.type === 'error') throw fromWire(m.error);
        return m;
      }
      if (failure) throw failure;
      await new Promise<void>((resolve) => (wake = resolve));
    }
  };
  let clean = false;
  const stop = () => {
    if (finished) return;
    finished = true;
    if (clean) releaseWorker('sheets', worker);
    else void worker.terminate();
  };
  // A copy the worker can own: the caller's buffer may be a slice of a shared pool.
  const data = new Uint8Array(file.data);
  worker.postMessage({ type: 'start', name: file.name, data } satisfies SheetsRequest, [data.buffer]);
  let first: SheetsMessage;
  try {
    first = await next();
  } catch (e) {
    stop();
    throw e;
  }
  if (first.type !== 'file') {
    stop();
    throw workerFailure(new Error(`unexpected ${first.type}`), what);
  }
  const rowsOf = async function* (): AsyncGenerator<SheetRow> {
    for (;;) {
      const m = await next();
      if (m.type === 'sheet-end') return;
      if (m.type !== 'rows') throw workerFailure(new Error(`unexpected ${m.type}`), what);
      worker.postMessage({ type: 'more' } satisfies SheetsRequest);
      onBytes(m.bytes);
      yield* m.rows;
    }
  };
  const sheets = async function* (): AsyncGenerator<SheetStream> {
    try {
      for (;;) {
        const m = await next();
        if (m.type === 'done') {
          onBytes(m.bytes);
          clean = true;
          return;
        }
        if (m.type !== 'sheet') throw workerFailure(new Error(`unexpected ${m.type}`), what);
        yield { name: m.name, hidden: m.hidden, rows: rowsOf() };
      }
    } finally {
      stop();
    }
  };
  return { format: first.format, encoding: first.encoding, sheets: sheets() };
}
