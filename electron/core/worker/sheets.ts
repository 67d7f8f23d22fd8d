/**
 * A spreadsheet read with the parse in a worker thread (see host.ts) and the staging (io/stage.ts:
 * header, mapping, rows normalised per the field dictionary) on this thread as the rows arrive.
 *
 * Why the split falls there: parsing is where a hostile file does its harm (zip bombs, huge parts,
 * deep XML), so it stays behind the worker's heap limit; staging is bounded by the rows the worker
 * lets through. And this thread has nothing else to do while the file is read, so parsing and
 * staging run on two cores; raw rows also cross the thread boundary more cheaply than staged ones.
 * With workers off (HEADCOUNT_PARSE_IN_PROCESS=1) the same parse and staging run on this thread.
 */
import { openSpreadsheet, type FileFormat, type InputFile, type OpenedFile, type SheetRow, type SheetStream, type TextEncoding } from '../services/io/read';
import { normalizeContextOf, stageSheet, type StagedRow, type StagedSheet, type StageSpec } from '../services/io/stage';
import { acquireWorker, fromWire, releaseWorker, workerFailure, workersEnabled, type WireError } from './host';

export type SheetsRequest = { type: 'start'; name: string; data: Uint8Array } | { type: 'more' };
export type SheetsMessage =
  | { type: 'file'; format: FileFormat; encoding: TextEncoding | null }
  /** A sheet begins; its rows follow in `rows` messages until `sheetEnd` */
  | { type: 'sheet'; name: string | null; hidden: boolean }
  /** Rows of the current sheet as parsed, and bytes of the file read so far */
  | { type: 'rows'; rows: SheetRow[]; bytes: number }
  | { type: 'sheetEnd' }
  | { type: 'done'; bytes: number }
  | { type: 'error'; error: WireError };

export interface StagedRead {
  format: FileFormat;
  encoding: TextEncoding | null;
  sheets: StagedSheet[];
}

/** Rows read since the last call and bytes read so far; a promise when the reader should wait for it */
export type ReadProgress = (rows: number, bytes: number) => Promise<void> | undefined;

/** A file being parsed somewhere: its sheets, bytes read so far, and how to let go of the parser */
interface Parsing {
  opened: Promise<OpenedFile>;
  bytes(): number;
  /** `clean`: every message was read, so a worker can be reused */
  close(clean: boolean): void;
}

/** Reads `file` (parse in a worker thread unless workers are off) and stages its sheets on this thread. */
export async function stageFileIsolated(file: InputFile, spec: StageSpec, onProgress: ReadProgress = () => undefined): Promise<StagedRead> {
  const parsing = workersEnabled() ? parseInWorker(file) : parseHere(file);
  let clean = false;
  try {
    const opened = await parsing.opened;
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
          return onProgress(256, parsing.bytes());
        },
      });
      sheet.rows = rows;
      sheets.push(sheet);
    }
    clean = true;
    await onProgress(read, file.data.length);
    return { format: opened.format, encoding: opened.encoding, sheets };
  } finally {
    parsing.close(clean);
  }
}

function parseHere(file: InputFile): Parsing {
  let bytes = 0;
  const opened = openSpreadsheet(file, (n) => {
    bytes = n;
  });
  return { opened: Promise.resolve(opened), bytes: () => bytes, close() {} };
}

function parseInWorker(file: InputFile): Parsing {
  const what = `读取「${file.name}」`;
  const worker = acquireWorker('sheets');
  const inbox: SheetsMessage[] = [];
  let failure: Error | null = null;
  let finished = false;
  let bytes = 0;
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
      // A few messages at most: the worker waits for credit after AHEAD unread batches.
      const m = inbox.shift();
      if (m) {
        if (m.type === 'error') throw fromWire(m.error);
        return m;
      }
      if (failure) throw failure;
      await new Promise<void>((resolve) => (wake = resolve));
    }
  };
  const unexpected = (m: SheetsMessage) => workerFailure(new Error(`unexpected ${m.type}`), what);
  async function* rowsOf(): AsyncGenerator<SheetRow> {
    for (;;) {
      const m = await next();
      if (m.type === 'sheetEnd') return;
      if (m.type !== 'rows') throw unexpected(m);
      // Credit back at once: the worker parses the next batch while this one is staged.
      worker.postMessage({ type: 'more' } satisfies SheetsRequest);
      bytes = m.bytes;
      yield* m.rows;
    }
  }
  async function* sheetsOf(): AsyncGenerator<SheetStream> {
    for (;;) {
      const m = await next();
      if (m.type === 'done') {
        bytes = m.bytes;
        return;
      }
      if (m.type !== 'sheet') throw unexpected(m);
      const rows = rowsOf();
      yield { name: m.name, hidden: m.hidden, rows };
      // stageSheet drains every sheet it is given; a sheet left unread means its rows are still queued.
      if (!(await rows.next()).done) throw workerFailure(new Error('sheet left unread'), what);
    }
  }
  const opened = (async (): Promise<OpenedFile> => {
    // A copy the worker can own: the caller's buffer may be a slice of a shared pool.
    const data = new Uint8Array(file.data);
    worker.postMessage({ type: 'start', name: file.name, data } satisfies SheetsRequest, [data.buffer]);
    const first = await next();
    if (first.type !== 'file') throw unexpected(first);
    return { format: first.format, encoding: first.encoding, sheets: sheetsOf() };
  })();
  return {
    opened,
    bytes: () => bytes,
    close(clean) {
      finished = true;
      if (clean) releaseWorker('sheets', worker);
      else void worker.terminate();
    },
  };
}
