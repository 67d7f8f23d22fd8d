/**
 * Host side of a spreadsheet read in a worker (see host.ts): the worker parses the file and stages
 * its sheets (io/stage.ts: header, mapping, rows normalised per the field dictionary), and this
 * thread only collects the staged rows. With workers off the same staging runs on this thread.
 */
import { openSpreadsheet, type FileFormat, type InputFile, type TextEncoding } from '../services/io/read';
import { normalizeContextOf, stageSheet, type StagedRow, type StagedSheet, type StageSpec } from '../services/io/stage';
import { unpackStrings } from './staged-wire';
import { acquireWorker, fromWire, releaseWorker, workerFailure, workersEnabled, type WireError } from './host';

export type SheetsRequest = { type: 'start'; name: string; data: Uint8Array; spec: StageSpec } | { type: 'more' };
export type SheetsMessage =
  | { type: 'file'; format: FileFormat; encoding: TextEncoding | null }
  /**
   * Staged rows of the current sheet, their repeating values as indexes into `strings` (staged-wire.ts),
   * and how many rows were read (skipped ones too) since the last message
   */
  | { type: 'rows'; rows: StagedRow[]; strings: string[]; read: number; bytes: number }
  /** The sheet just read, its rows left out (they came in the `rows` messages before it) */
  | { type: 'sheet'; sheet: StagedSheet }
  | { type: 'done'; bytes: number }
  | { type: 'error'; error: WireError };

export interface StagedRead {
  format: FileFormat;
  encoding: TextEncoding | null;
  sheets: StagedSheet[];
}

/** Rows read since the last call and bytes read so far; a promise when the reader should wait for it */
export type ReadProgress = (rows: number, bytes: number) => Promise<void> | undefined;

/** Reads and stages `file` in a worker thread (or on this thread when workers are turned off). */
export async function stageFileIsolated(file: InputFile, spec: StageSpec, onProgress: ReadProgress = () => undefined): Promise<StagedRead> {
  if (!workersEnabled()) return stageHere(file, spec, onProgress);
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
  try {
    // A copy the worker can own: the caller's buffer may be a slice of a shared pool.
    const data = new Uint8Array(file.data);
    worker.postMessage({ type: 'start', name: file.name, data, spec } satisfies SheetsRequest, [data.buffer]);
    const first = await next();
    if (first.type !== 'file') throw workerFailure(new Error(`unexpected ${first.type}`), what);
    const sheets: StagedSheet[] = [];
    let rows: StagedRow[] = [];
    for (;;) {
      const m = await next();
      if (m.type === 'rows') {
        worker.postMessage({ type: 'more' } satisfies SheetsRequest);
        unpackStrings(m.rows, m.strings);
        for (const r of m.rows) rows.push(r);
        const wait = onProgress(m.read, m.bytes);
        if (wait) await wait;
      } else if (m.type === 'sheet') {
        m.sheet.rows = rows;
        rows = [];
        sheets.push(m.sheet);
      } else if (m.type === 'done') {
        clean = true;
        await onProgress(0, m.bytes);
        return { format: first.format, encoding: first.encoding, sheets };
      } else throw workerFailure(new Error(`unexpected ${m.type}`), what);
    }
  } finally {
    finished = true;
    if (clean) releaseWorker('sheets', worker);
    else void worker.terminate();
  }
}

/** The same read and staging on this thread (HEADCOUNT_PARSE_IN_PROCESS=1) */
async function stageHere(file: InputFile, spec: StageSpec, onProgress: ReadProgress): Promise<StagedRead> {
  let bytes = 0;
  const opened = openSpreadsheet(file, (n) => {
    bytes = n;
  });
  const normalize = normalizeContextOf(spec);
  const sheets: StagedSheet[] = [];
  let read = 0;
  for await (const stream of opened.sheets) {
    const rows: StagedRow[] = [];
    const sheet = await stageSheet(file.name, stream, spec, normalize, {
      row(r) {
        rows.push(r);
      },
      read() {
        if (++read < 256) return undefined;
        read = 0;
        return onProgress(256, bytes);
      },
    });
    sheet.rows = rows;
    sheets.push(sheet);
  }
  await onProgress(read, file.data.length);
  return { format: opened.format, encoding: opened.encoding, sheets };
}
