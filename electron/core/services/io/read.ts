/**
 * Spreadsheet readers: .xlsx through our streaming reader (xlsx.ts) and .csv through papaparse's stream parser after detecting the
 * encoding. Both hand over rows of raw cells — numbers stay numbers, so an ID number Excel turned
 * into 5.32323196906185E+17 reaches the normaliser as that number, not as a rounded string.
 *
 * A file that is not a spreadsheet, is encrypted, truncated or empty is refused with a message a
 * clerk understands (ApiError 'invalid_file'), before anything is written anywhere.
 */
import { isUtf8 } from 'node:buffer';
import { Readable, Transform } from 'node:stream';
import iconv from 'iconv-lite';
import Papa from 'papaparse';
import { ApiError } from '../../../../shared/api/errors';
import type { Cell } from '../../../../shared/io';
import { readWorkbook, XlsxLimitError } from './xlsx';

export interface InputFile {
  /** The file's name as the user knows it (recorded as each record's source) */
  name: string;
  data: Buffer;
}

export type FileFormat = 'xlsx' | 'csv';
/** gb18030-bom: GBK text behind a UTF-8 byte-order mark (read as GBK, the mark dropped) */
export type TextEncoding = 'utf-8' | 'utf-8-bom' | 'gb18030' | 'gb18030-bom' | 'utf-16le' | 'utf-16be';

export interface SheetRow {
  /** 1-based row number as the spreadsheet shows it */
  number: number;
  cells: Cell[];
}

export interface SheetStream {
  /** null for CSV */
  name: string | null;
  hidden: boolean;
  rows: AsyncIterable<SheetRow>;
}

const ZIP = Buffer.from([0x50, 0x4b, 0x03, 0x04]);
/** End of central directory: the last record of every zip (and the first of an empty one) */
const EOCD = Buffer.from([0x50, 0x4b, 0x05, 0x06]);
const CFB = Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]);
/** "EncryptedPackage" in UTF-16LE: the stream name an encrypted .xlsx carries inside its OLE container */
const ENCRYPTED_PACKAGE = Buffer.from('EncryptedPackage', 'utf16le');

function invalid(file: string, why: string, reason: string): ApiError {
  return new ApiError('invalid_file', `无法导入「${file}」：${why}`, { file, reason });
}

/** What kind of file this is, judged from its bytes (the extension is only a hint). */
export function sniffFormat(file: InputFile): FileFormat {
  const { data, name } = file;
  if (data.length === 0) throw invalid(name, '文件是空的（0 字节），请检查是否选错了文件', 'empty');
  if (data.subarray(0, 4).equals(ZIP)) {
    // A complete zip ends with its central directory; a file cut short (an interrupted download or
    // copy) has none. The streaming reader would otherwise fail somewhere in the middle, or not at all.
    if (!hasEndOfCentralDirectory(data)) throw invalid(name, TRUNCATED, 'truncated');
    return 'xlsx';
  }
  if (data.subarray(0, 4).equals(EOCD)) throw invalid(name, '这是一个空的压缩包，不是 Excel 工作簿', 'not_spreadsheet');
  if (data.subarray(0, 8).equals(CFB)) {
    if (data.includes(ENCRYPTED_PACKAGE))
      throw invalid(name, '文件设置了打开密码（已加密）。请在 Excel 或 WPS 中打开，取消密码后另存为 .xlsx 再导入', 'encrypted');
    throw invalid(name, '这是旧版 Excel 97-2003（.xls）或其他 Office 文件。请在 Excel 或 WPS 中“另存为” .xlsx 或 CSV 后再导入', 'legacy_office');
  }
  if (data.subarray(0, 5).toString('latin1') === '%PDF-') throw invalid(name, '这是 PDF 文件，不是 Excel 或 CSV 表格', 'not_spreadsheet');
  if (looksBinary(data)) throw invalid(name, '不是 Excel（.xlsx）或 CSV 表格文件', 'not_spreadsheet');
  return 'csv';
}

const TRUNCATED = '文件不完整或已损坏（可能没有下载或复制完整）。请重新获取原文件后再导入';

/** The end-of-central-directory record sits in the last 22 bytes plus at most a 64 KiB comment. */
function hasEndOfCentralDirectory(data: Buffer): boolean {
  const from = Math.max(0, data.length - (22 + 0xffff));
  const at = data.lastIndexOf(EOCD, data.length - 22);
  return at >= from && at + 22 <= data.length;
}

function looksBinary(data: Buffer): boolean {
  if (data[0] === 0xff && data[1] === 0xfe) return false;
  if (data[0] === 0xfe && data[1] === 0xff) return false;
  const head = data.subarray(0, 8192);
  let control = 0;
  // A stray NUL or BEL in a name is a bad cell, not a binary file (those cells are cleaned and
  // flagged on their row); a binary file has them everywhere.
  for (const b of head) if (b < 0x09 || (b > 0x0d && b < 0x20)) control++;
  return control > Math.max(8, head.length / 100);
}

/**
 * UTF-8 (with or without BOM) when the bytes are valid UTF-8, UTF-16 when they start with its BOM
 * (Excel's "Unicode text"), otherwise GB18030 — the superset of GBK that Chinese Windows Excel and
 * WPS write. Never asks: a GBK file is essentially never valid UTF-8.
 */
export function detectEncoding(data: Buffer, name = ''): TextEncoding {
  if (data[0] === 0xef && data[1] === 0xbb && data[2] === 0xbf) {
    if (isUtf8(data)) return 'utf-8-bom';
    // A BOM that lies: some tools put one in front of GBK text. Read as GBK when that decodes
    // cleanly; otherwise the bytes are neither, and guessing would store garbage.
    if (!iconv.decode(data.subarray(3), 'gb18030').includes('\uFFFD')) return 'gb18030-bom';
    throw invalid(name, '文件开头标明是 UTF-8 编码，但内容既不是有效的 UTF-8 也不是 GBK。请在 Excel 或 WPS 中打开后另存为“CSV UTF-8”或 .xlsx 再导入', 'bad_encoding');
  }
  if (data[0] === 0xff && data[1] === 0xfe) return 'utf-16le';
  if (data[0] === 0xfe && data[1] === 0xff) return 'utf-16be';
  return isUtf8(data) ? 'utf-8' : 'gb18030';
}

/**
 * Every line ending as \n: papaparse guesses one newline style from the first chunk, so a file
 * whose lines end in CRLF, LF and CR by turns (rows pasted together from several programs) would
 * lose rows into one another's cells. A \r at a chunk's end waits for the next chunk's first char.
 */
function unifyNewlines(): Transform {
  let pendingCr = false;
  return new Transform({
    decodeStrings: false,
    // Strings out as they are: papaparse reads text, and a byte-mode side would encode each chunk again.
    readableObjectMode: true,
    transform(chunk: string | Buffer, _enc, done) {
      let s = (pendingCr ? '\r' : '') + String(chunk);
      pendingCr = s.endsWith('\r');
      if (pendingCr) s = s.slice(0, -1);
      done(null, s.indexOf('\r') < 0 ? s : s.replace(/\r\n?/g, '\n'));
    },
    flush(done) {
      done(null, pendingCr ? '\n' : undefined);
    },
  });
}

function readFailure(file: string, e: unknown): ApiError {
  if (e instanceof ApiError) return e;
  if (e instanceof XlsxLimitError) return invalid(file, e.message, e.reason);
  const msg = e instanceof Error ? e.message : String(e);
  if (/too many bytes|expected \d+ bytes/i.test(msg)) return invalid(file, '工作簿中的某个部分解压后比声明的大（疑似压缩炸弹），已拒绝', 'size_mismatch');
  if (/FILE_ENDED|unexpected end|end of (central|data)|invalid (signature|distance|stored)|unknown compression|incorrect header|zlib|inflate|truncated|not enough|out of range/i.test(msg))
    return invalid(file, TRUNCATED, 'truncated');
  return invalid(file, `文件内容无法识别为 Excel 工作簿（${msg.slice(0, 80)}）`, 'corrupt');
}

/**
 * Every worksheet of an .xlsx in the workbook's own order and names (see xlsx.ts for why this is
 * not exceljs's reader). `onBytes` reports progress by sheet, as parts are inflated out of order.
 */
export async function* readXlsx(file: InputFile, onBytes: (n: number) => void = () => {}): AsyncGenerator<SheetStream> {
  let sheets = 0;
  try {
    for await (const ws of readWorkbook(file.data)) {
      sheets++;
      yield { name: ws.name, hidden: ws.hidden, rows: guard(file.name, ws.rows) };
    }
  } catch (e) {
    throw readFailure(file.name, e);
  }
  onBytes(file.data.length);
  if (sheets === 0) throw invalid(file.name, '压缩包里没有工作表，不是 Excel 工作簿', 'not_spreadsheet');
}

async function* guard<T>(file: string, it: AsyncIterable<T>): AsyncGenerator<T> {
  try {
    yield* it;
  } catch (e) {
    throw readFailure(file, e);
  }
}

/**
 * The one "sheet" of a CSV file: the bytes streamed through the detected decoder into papaparse's
 * stream parser, so the decoded text never has to exist as one big string.
 *
 * papaparse reads the decoded text as a stream and hands over each row through its step callback,
 * with that row's parse errors (its stream-out mode drops them, and an unclosed quote then merged every
 * later line into one cell silently). Back-pressure is applied at the source, never to papaparse:
 * pausing it re-parses its pending chunk on resume (and its stream-out mode polled for that on a 3 ms
 * timer — idle seconds per 100k rows). Its rows are taken as they come and the next slice of bytes
 * is fed only while fewer than QUEUE_HIGH rows wait, so memory stays bounded.
 */
export function readCsv(file: InputFile, onBytes: (n: number) => void = () => {}): { encoding: TextEncoding; sheet: SheetStream } {
  const encoding = detectEncoding(file.data, file.name);
  const bom = encoding === 'utf-8-bom' || encoding === 'gb18030-bom' ? 3 : encoding === 'utf-16le' || encoding === 'utf-16be' ? 2 : 0;
  const rows = (async function* () {
    const decoder = iconv.decodeStream(encoding === 'utf-8-bom' ? 'utf-8' : encoding === 'gb18030-bom' ? 'gb18030' : encoding);
    const newlines = unifyNewlines();
    const data = file.data.subarray(bom);
    const queue: string[][] = [];
    let head = 0;
    let ended = false;
    let failure: unknown = null;
    let starved = false;
    let wake: (() => void) | null = null;
    const notify = () => {
      const w = wake;
      wake = null;
      w?.();
    };
    let number = 0;
    let pos = 0;
    /** Bytes fed since papaparse last finished a record: what its unfinished record can be at most */
    let sinceRecord = 0;
    // 64 KiB slices: papaparse re-scans a chunk's unfinished tail, so big chunks cost more.
    const feed = (src: Readable) => {
      if (pos >= data.length) {
        src.push(null);
        return;
      }
      const end = Math.min(pos + CSV_SLICE, data.length);
      const chunk = data.subarray(pos, end);
      // papaparse scans an unfinished record again with every slice that extends it: a file with no line
      // break (or a quote opened at its start and never closed) took 273 s and 2.6 GB for 300 MB of text,
      // then failed with an internal error. A record has an end long before MAX_CSV_RECORD_BYTES.
      sinceRecord += chunk.length;
      if (sinceRecord > MAX_CSV_RECORD_BYTES) {
        const row = number + queue.length - head + 1;
        fail(invalid(file.name, `从第 ${row} 行起超过 ${MAX_CSV_RECORD_BYTES / 2 ** 20} MB 的内容里没有一个完整的行：这不像按行保存的表格，或者某个引号（"）没有配对，把后面的内容都并进了一格。请用记事本或 Excel 打开检查后再导入`, 'record_too_long'));
        src.destroy();
        return;
      }
      pos = end;
      onBytes(pos);
      src.push(chunk);
    };
    const source = new Readable({
      highWaterMark: CSV_SLICE,
      read() {
        if (queue.length - head >= QUEUE_HIGH) starved = true;
        else feed(this);
      },
    });
    const take = (record: string[], errors: readonly Papa.ParseError[]) => {
      sinceRecord = 0;
      if (record.length > MAX_CSV_FIELDS) {
        fail(invalid(file.name, `第 ${number + queue.length - head + 1} 行有 ${record.length} 列，超过上限 ${MAX_CSV_FIELDS} 列（Excel 的列数上限），已拒绝`, 'too_many_columns'));
        source.destroy();
        return;
      }
      // A quote that opens a cell and is never closed makes every line after it part of that cell:
      // three people would become one. Only the file's last record can end that way.
      if (errors.some((e) => e.code === 'MissingQuotes')) {
        const lines = record.at(-1)!.replace(/\n+$/, '').split('\n').length;
        fail(invalid(file.name, `第 ${number + queue.length - head + 1} 行有一个引号（"）没有配对，从它到文件末尾的 ${lines} 行会被并成一格。请用记事本或 Excel 打开，删去或补全这个引号后再导入`, 'unclosed_quote'));
        return;
      }
      queue.push(record);
      notify();
    };
    const fail = (e: unknown) => {
      failure ??= e;
      notify();
    };
    decoder.on('error', fail);
    newlines.on('error', fail);
    source.pipe(decoder).pipe(newlines);
    // papaparse reading the stream, one row per step: its stream-out mode drops the rows' parse errors.
    Papa.parse(newlines, {
      header: false, skipEmptyLines: false, newline: '\n',
      step: (r: Papa.ParseStepResult<string[]>) => take(r.data, r.errors),
      complete: () => {
        ended = true;
        notify();
      },
      error: fail,
    });
    try {
      for (;;) {
        if (head < queue.length) {
          const record = queue[head]!;
          queue[head++] = EMPTY_RECORD;
          number++;
          // In place: the parser's array is ours, and a copy per row is 100k arrays of garbage.
          const cells: Cell[] = record;
          for (let i = 0; i < cells.length; i++) if (cells[i] === '') cells[i] = null;
          yield { number, cells };
          if (head >= 4096) {
            queue.splice(0, head);
            head = 0;
          }
          continue;
        }
        if (failure) throw failure as Error;
        if (ended) return;
        if (starved) {
          starved = false;
          feed(source);
          continue;
        }
        await new Promise<void>((resolve) => {
          wake = resolve;
        });
      }
    } finally {
      if (!ended) source.destroy();
    }
  })();
  return { encoding, sheet: { name: null, hidden: false, rows: guard(file.name, rows) } };
}

const CSV_SLICE = 64 * 1024;
/** Excel's own column limit (XFD) */
const MAX_CSV_FIELDS = 16_384;
/**
 * The most a CSV record (a line, with any quoted line breaks in it) may span in the file. A person's
 * row is well under 1 KB; 8 MB holds a hundred columns each at Excel's 32,767-character cell limit.
 */
const MAX_CSV_RECORD_BYTES = 8 * 2 ** 20;
/**
 * Parsed rows that may wait for the consumer. Rows waiting through a young-generation collection are
 * copied and then moved to the old generation: at 4096 the reading worker spent ~0.75 s of a 100k-row
 * GBK file in GC, at 512 ~0.4 s (bench/README.md, import); one 64 KiB slice still fills it.
 */
const QUEUE_HIGH = 512;
const EMPTY_RECORD: string[] = [];

/** A spreadsheet opened for reading: its format, the CSV's encoding, and its sheets in order. */
export interface OpenedFile {
  format: FileFormat;
  encoding: TextEncoding | null;
  sheets: AsyncIterable<SheetStream>;
}

/** Opens `file` on this thread (the worker's side of worker/sheets.ts, and its fallback). */
export function openSpreadsheet(file: InputFile, onBytes: (n: number) => void = () => {}): OpenedFile {
  const format = sniffFormat(file);
  if (format === 'xlsx') return { format, encoding: null, sheets: readXlsx(file, onBytes) };
  const { encoding, sheet } = readCsv(file, onBytes);
  return { format, encoding, sheets: (async function* () { yield sheet; })() };
}
