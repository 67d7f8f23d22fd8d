/**
 * Worker side of a spreadsheet read: opens the file sent by worker/sheets.ts, stages its sheets
 * (header, column mapping, rows normalised to typed values: io/stage.ts) and sends the staged rows
 * back in batches, pausing while the host has more than a few batches unread.
 */
import { parentPort } from 'node:worker_threads';
import { ApiError } from '../../../shared/api/errors';
import { openSpreadsheet } from '../services/io/read';
import { normalizeContextOf, stageSheet, type StagedRow } from '../services/io/stage';
import { toWire } from './host';
import { packStrings } from './staged-wire';
import type { SheetsMessage, SheetsRequest } from './sheets';

/** Rows one file may hold across all its sheets: two full Excel sheets */
export const MAX_FILE_ROWS = 2 * 1_048_576;
/** Staged rows per message, and rows read (skipped ones included) between progress messages */
const BATCH = 512;
const AHEAD = 4;

const port = parentPort!;
let credit = AHEAD;
let wake: (() => void) | null = null;
const post = (m: SheetsMessage) => port.postMessage(m);

async function run(req: Extract<SheetsRequest, { type: 'start' }>): Promise<void> {
  credit = AHEAD;
  let bytes = 0;
  const file = { name: req.name, data: Buffer.from(req.data.buffer, req.data.byteOffset, req.data.byteLength) };
  const opened = openSpreadsheet(file, (n) => {
    bytes = n;
  });
  post({ type: 'file', format: opened.format, encoding: opened.encoding });
  const normalize = normalizeContextOf(req.spec);
  let total = 0;
  let batch: StagedRow[] = [];
  let read = 0;
  const flush = async () => {
    if (!batch.length && !read) return;
    while (credit <= 0) await new Promise<void>((resolve) => (wake = resolve));
    credit--;
    post({ type: 'rows', rows: batch, strings: packStrings(batch), read, bytes });
    batch = [];
    read = 0;
  };
  const sink = {
    row(r: StagedRow) {
      batch.push(r);
    },
    read(): Promise<void> | undefined {
      if (++total > MAX_FILE_ROWS)
        throw new ApiError('invalid_file', `无法导入「${req.name}」：文件的行数超过上限 ${MAX_FILE_ROWS.toLocaleString('en-US')} 行，已拒绝`, { file: req.name, reason: 'too_many_rows' });
      return ++read >= BATCH || batch.length >= BATCH ? flush() : undefined;
    },
  };
  for await (const sheet of opened.sheets) {
    const staged = await stageSheet(req.name, sheet, req.spec, normalize, sink);
    await flush();
    post({ type: 'sheet', sheet: staged });
  }
  post({ type: 'done', bytes: file.data.length });
}

port.on('message', (m: SheetsRequest) => {
  if (m.type === 'more') {
    credit++;
    const w = wake;
    wake = null;
    w?.();
    return;
  }
  run(m).catch((e: unknown) => post({ type: 'error', error: toWire(e) }));
});
