/**
 * Worker side of a spreadsheet read: parses the file sent by worker/sheets.ts and sends each sheet's
 * raw rows back in batches, pausing while the host has more than a few batches unread. The host stages
 * them (io/stage.ts) as they arrive, so parsing and staging run side by side on two threads. Once the
 * files are read, the same thread writes the import's stage file (stage-task.ts, messages `stage-*`).
 */
import { parentPort } from 'node:worker_threads';
import { ApiError } from '../../../shared/api/errors';
import { openSpreadsheet, type SheetRow } from '../services/io/read';
import { toWire } from './host';
import type { SheetsMessage, SheetsRequest } from './sheets';
import type { StageRequest } from './stage';
import { handleStage } from './stage-task';
import { countText } from '../../../shared/reports/format';

/** Rows one file may hold across all its sheets: two full Excel sheets */
export const MAX_FILE_ROWS = 2 * 1_048_576;
/** Rows per message, and cells: a few very wide rows make a message of their own, so taking one never holds the importing thread long */
const BATCH = 512;
const BATCH_CELLS = 65_536;
/** Messages the host may have unread */
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
  let total = 0;
  let batch: SheetRow[] = [];
  let cells = 0;
  const flush = async () => {
    while (credit <= 0) await new Promise<void>((resolve) => (wake = resolve));
    credit--;
    post({ type: 'rows', rows: batch, bytes });
    batch = [];
    cells = 0;
  };
  for await (const sheet of opened.sheets) {
    post({ type: 'sheet', name: sheet.name, hidden: sheet.hidden });
    for await (const row of sheet.rows) {
      if (++total > MAX_FILE_ROWS)
        throw new ApiError('invalid_file', `无法导入「${req.name}」：文件的行数超过上限 ${countText(MAX_FILE_ROWS)} 行，已拒绝`, { file: req.name, reason: 'too_many_rows' });
      batch.push(row);
      cells += row.cells.length;
      if (batch.length >= BATCH || cells >= BATCH_CELLS) await flush();
    }
    if (batch.length) await flush();
    post({ type: 'sheetEnd' });
  }
  post({ type: 'done', bytes: file.data.length });
}

port.on('message', (m: SheetsRequest | StageRequest) => {
  if (m.type.startsWith('stage-')) {
    handleStage(m as StageRequest, (r) => port.postMessage(r));
    return;
  }
  if (m.type === 'more') {
    credit++;
    const w = wake;
    wake = null;
    w?.();
    return;
  }
  run(m as Extract<SheetsRequest, { type: 'start' }>).catch((e: unknown) => post({ type: 'error', error: toWire(e) }));
});
