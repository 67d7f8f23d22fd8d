/**
 * Our own streaming .xlsx reader (yauzl + xml-scan.ts), replacing exceljs's WorkbookReader for imports.
 *
 * Why not exceljs: its lib/utils/parse-sax.js decodes every inflated chunk on its own, so a
 * Chinese character whose bytes straddle two chunks became U+FFFD (36 names in a 50k-row file);
 * it names sheets only when workbook.xml comes before the sheets (WPS and openpyxl write it after);
 * and it inflates whatever a part claims, so a 5 MB file whose sharedStrings.xml inflates to 2 GB
 * killed the process. Here:
 * - bytes are decoded by one streaming TextDecoder per part, correct at any chunk boundary;
 * - the zip is read by its central directory (random access), so workbook.xml, its relationships,
 *   styles and shared strings are read first and sheets follow in the workbook's own order and names;
 * - every part's declared size is capped before inflating, yauzl stops a part at its declared size,
 *   and shared strings, rows and columns are counted while streaming.
 * Writing workbooks (templates, exports, reports) still uses exceljs.
 */
import { createRequire } from 'node:module';
import type { Readable } from 'node:stream';
import yauzl from 'yauzl';
import type { Cell } from '../../../../shared/io';
import { countText } from '../../../../shared/reports/format';
import { columnLetter } from './layout';
import { XmlScanner, type XmlHandlers, type XmlTag } from './xml-scan';

const require = createRequire(import.meta.url);
// exceljs's own date rules, so cells read as dates exactly as before.
const excelUtils = require('exceljs/lib/utils/utils') as { isDateFmt(fmt: string): boolean; excelToDate(v: number, date1904: boolean): Date };

export const XLSX_LIMITS = {
  /** Inflated size of one XML part (a 1M-row sheet of 30 columns is about 1 GB) */
  maxPartBytes: 2048 * 1024 * 1024,
  /** workbook.xml, relationships, styles */
  maxSmallPartBytes: 16 * 1024 * 1024,
  /** sharedStrings.xml is held in memory as strings: inflated size and count */
  maxSharedStringsBytes: 256 * 1024 * 1024,
  maxSharedStrings: 2_000_000,
  /** Excel's own limits: 1,048,576 rows and 16,384 columns (XFD) */
  maxRows: 1_048_576,
  maxColumns: 16_384,
  maxEntries: 10_000,
  /**
   * Text a sheet may hand out through shared strings: this allowance plus twice its own XML size, in
   * characters. A cell names a shared string in ~30 bytes, so real sheets hand out less text than their
   * XML holds; a 48 KB file naming one 20 M-character string in 9,000 cells asked for 180 G characters.
   */
  sharedTextAllowance: 64 * 1024 * 1024,
  /**
   * Cells a sheet's rows may span, blank ones between included: this allowance plus one per byte of its
   * XML. A written cell takes ~25 bytes, so even rows that fill 2 of 50 columns stay under it; a row is
   * as wide as its last cell, so a 1 MB file with a value in column XFD of every row spans 3.3 billion
   * cells (4.4 minutes and 1.5 GB before this limit).
   */
  cellSlotAllowance: 4 * 1024 * 1024,
  /**
   * Bytes of XML without a '<': the longest a text or a tag may run. An Excel cell holds at most 32,767
   * characters (~200 KB written out, escapes and all); a 177 KB workbook whose one cell holds 60 M
   * characters took 1.7 GB and ended in an internal error before this limit.
   */
  maxRunBytes: 4 * 1024 * 1024,
} as const;

export class XlsxLimitError extends Error {
  constructor(readonly reason: string, message: string) {
    super(message);
  }
}

export interface XlsxSheet {
  name: string;
  hidden: boolean;
  rows: AsyncIterable<{ number: number; cells: Cell[] }>;
}

interface SheetRef { name: string; hidden: boolean; path: string }

function openBuffer(data: Buffer): Promise<yauzl.ZipFile> {
  return new Promise((resolve, reject) => {
    // validateEntrySizes: a part that inflates past its declared size is an error, not more bytes.
    yauzl.fromBuffer(data, { lazyEntries: true, decodeStrings: true, strictFileNames: false, validateEntrySizes: true }, (err, zip) => {
      if (err || !zip) reject(err ?? new Error('zip unreadable'));
      else resolve(zip);
    });
  });
}

function listEntries(zip: yauzl.ZipFile): Promise<Map<string, yauzl.Entry>> {
  return new Promise((resolve, reject) => {
    const out = new Map<string, yauzl.Entry>();
    zip.on('entry', (e: yauzl.Entry) => {
      if (out.size >= XLSX_LIMITS.maxEntries) {
        reject(new XlsxLimitError('too_many_entries', `压缩包中的文件多达 ${zip.entryCount} 个，不像是 Excel 工作簿`));
        return;
      }
      // Part names are case-insensitive in OPC; some writers use a leading slash.
      out.set(e.fileName.replace(/^\//, '').toLowerCase(), e);
      zip.readEntry();
    });
    zip.on('end', () => resolve(out));
    zip.on('error', reject);
    zip.readEntry();
  });
}

function openStream(zip: yauzl.ZipFile, entry: yauzl.Entry): Promise<Readable> {
  return new Promise((resolve, reject) => {
    zip.openReadStream(entry, (err, stream) => (err || !stream ? reject(err ?? new Error('entry unreadable')) : resolve(stream)));
  });
}

const mb = (n: number) => `${Math.round(n / 1024 / 1024)} MB`;

const runTooLong = () =>
  new XlsxLimitError('run_too_long', `工作簿中有一个单元格的内容（或一段连续内容）超过 ${mb(XLSX_LIMITS.maxRunBytes)}，远超 Excel 单元格 32,767 个字符的上限（疑似恶意构造或已损坏的文件），已拒绝`);

/**
 * Feeds one part through a streaming UTF-8 decoder into the XML scanner, yielding after each chunk so
 * the caller can hand over what the chunk produced. Checks the part's size before inflating it.
 */
async function* scanPart(zip: yauzl.ZipFile, entry: yauzl.Entry, cap: number, handlers: XmlHandlers): AsyncGenerator<void> {
  if (entry.uncompressedSize > cap)
    throw new XlsxLimitError('part_too_large', `工作簿中的「${entry.fileName}」解压后有 ${mb(entry.uncompressedSize)}，超过上限 ${mb(cap)}（疑似压缩炸弹），已拒绝`);
  const stream = await openStream(zip, entry);
  // stream: true keeps a character's leading bytes until its trailing bytes arrive in the next chunk.
  const decoder = new TextDecoder('utf-8', { ignoreBOM: false });
  // The scanner holds unfinished markup until it ends (capped by the same limit), and a run without
  // '<' is what a text or a tag may take.
  const scanner = new XmlScanner(handlers, XLSX_LIMITS.maxRunBytes, runTooLong);
  let run = 0;
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      const lt = chunk.lastIndexOf(0x3c);
      run = lt < 0 ? run + chunk.length : chunk.length - lt;
      if (run > XLSX_LIMITS.maxRunBytes) throw runTooLong();
      scanner.write(decoder.decode(chunk, { stream: true }));
      yield;
    }
    scanner.write(decoder.decode());
    scanner.close();
    yield;
  } finally {
    stream.destroy();
  }
}

/** Drives a part to its end when the caller only needs the handlers' side effects. */
async function parseWhole(zip: yauzl.ZipFile, entry: yauzl.Entry | undefined, cap: number, handlers: XmlHandlers): Promise<void> {
  if (!entry) return;
  for await (const _ of scanPart(zip, entry, cap, handlers));
}

const local = (name: string) => name.slice(name.indexOf(':') + 1);

/** Excel's `_xHHHH_` escapes for characters XML cannot carry (e.g. _x000D_ for a carriage return). */
function unescapeOoxml(s: string): string {
  return s.indexOf('_x') < 0 ? s : s.replace(/_x([0-9A-Fa-f]{4})_/g, (_, h: string) => String.fromCharCode(parseInt(h, 16)));
}

function resolveTarget(base: string, target: string): string {
  if (target.startsWith('/')) return target.slice(1).toLowerCase();
  const parts = base.split('/').slice(0, -1);
  for (const seg of target.split('/')) {
    if (seg === '..') parts.pop();
    else if (seg !== '.' && seg !== '') parts.push(seg);
  }
  return parts.join('/').toLowerCase();
}

async function readRels(zip: yauzl.ZipFile, entries: Map<string, yauzl.Entry>, relsPath: string, basePath: string): Promise<Map<string, { type: string; path: string }>> {
  const out = new Map<string, { type: string; path: string }>();
  await parseWhole(zip, entries.get(relsPath), XLSX_LIMITS.maxSmallPartBytes, {
    open(n: XmlTag) {
      if (local(n.name) !== 'Relationship') return;
      const id = n.get('Id');
      const target = n.get('Target');
      if (id && target) out.set(id, { type: n.get('Type') ?? '', path: resolveTarget(basePath, target) });
    },
  });
  return out;
}

/** The main workbook part: named by the package relationships, xl/workbook.xml by default. */
async function workbookPath(zip: yauzl.ZipFile, entries: Map<string, yauzl.Entry>): Promise<string> {
  const rels = await readRels(zip, entries, '_rels/.rels', '');
  for (const r of rels.values()) if (r.type.endsWith('/officeDocument') && entries.has(r.path)) return r.path;
  return 'xl/workbook.xml';
}

interface Book { sheets: SheetRef[]; date1904: boolean; sharedStrings: string | null; styles: string | null }

async function readBook(zip: yauzl.ZipFile, entries: Map<string, yauzl.Entry>): Promise<Book> {
  const wb = await workbookPath(zip, entries);
  const relsPath = wb.replace(/[^/]+$/, (f) => `_rels/${f}.rels`);
  const rels = await readRels(zip, entries, relsPath, wb);
  const declared: { name: string; state: string; rid: string }[] = [];
  let date1904 = false;
  await parseWhole(zip, entries.get(wb), XLSX_LIMITS.maxSmallPartBytes, {
    open(n: XmlTag) {
      const tag = local(n.name);
      if (tag === 'workbookPr') date1904 = n.get('date1904') === '1' || n.get('date1904') === 'true';
      if (tag !== 'sheet') return;
      const rid = n.entries().find(([k]) => local(k) === 'id' && k !== 'sheetId')?.[1] ?? '';
      declared.push({ name: n.get('name') ?? '', state: n.get('state') ?? 'visible', rid });
    },
  });
  const byType = (suffix: string) => [...rels.values()].find((r) => r.type.endsWith(suffix) && entries.has(r.path))?.path ?? null;
  const sheets: SheetRef[] = [];
  for (const d of declared) {
    const rel = rels.get(d.rid);
    // Chartsheets and dialog sheets have no cells.
    if (!rel || !rel.type.endsWith('/worksheet') || !entries.has(rel.path)) continue;
    sheets.push({ name: d.name || `Sheet${sheets.length + 1}`, hidden: d.state === 'hidden' || d.state === 'veryHidden', path: rel.path });
  }
  if (declared.length === 0) {
    // No usable workbook.xml: fall back to the sheet parts by number, as Excel numbers them.
    const parts = [...entries.keys()].filter((k) => /^xl\/worksheets\/sheet\d+\.xml$/.test(k));
    parts.sort((a, b) => Number(/(\d+)\.xml$/.exec(a)![1]) - Number(/(\d+)\.xml$/.exec(b)![1]));
    parts.forEach((path, i) => sheets.push({ name: `Sheet${i + 1}`, hidden: false, path }));
  }
  return {
    sheets, date1904,
    sharedStrings: byType('/sharedStrings') ?? (entries.has('xl/sharedstrings.xml') ? 'xl/sharedstrings.xml' : null),
    styles: byType('/styles') ?? (entries.has('xl/styles.xml') ? 'xl/styles.xml' : null),
  };
}

/** Excel's built-in number formats that show dates or times. */
const BUILTIN_DATE_IDS = new Set([14, 15, 16, 17, 18, 19, 20, 21, 22, 27, 28, 29, 30, 31, 32, 33, 34, 35, 36, 45, 46, 47, 50, 51, 52, 53, 54, 55, 56, 57, 58]);

/** For each cell style index: whether its number format shows a date. */
async function readDateStyles(zip: yauzl.ZipFile, entries: Map<string, yauzl.Entry>, path: string | null): Promise<boolean[]> {
  if (!path) return [];
  const custom = new Map<number, string>();
  const xfs: number[] = [];
  let inCellXfs = false;
  await parseWhole(zip, entries.get(path), XLSX_LIMITS.maxSmallPartBytes, {
    open(n: XmlTag) {
      const tag = local(n.name);
      if (tag === 'numFmt') custom.set(Number(n.get('numFmtId')), n.get('formatCode') ?? '');
      else if (tag === 'cellXfs') inCellXfs = true;
      else if (tag === 'xf' && inCellXfs) xfs.push(Number(n.get('numFmtId') ?? 0));
    },
    close(name: string) {
      if (local(name) === 'cellXfs') inCellXfs = false;
    },
  });
  return xfs.map((id) => (custom.has(id) ? excelUtils.isDateFmt(custom.get(id)!) : BUILTIN_DATE_IDS.has(id)));
}

async function readSharedStrings(zip: yauzl.ZipFile, entries: Map<string, yauzl.Entry>, path: string | null): Promise<string[]> {
  const out: string[] = [];
  if (!path) return out;
  let text: string[] = [];
  let inT = false;
  let phonetic = 0;
  await parseWhole(zip, entries.get(path), XLSX_LIMITS.maxSharedStringsBytes, {
    open(n: XmlTag) {
      const tag = local(n.name);
      if (tag === 't') inT = phonetic === 0 && !n.selfClosing;
      // Phonetic runs (rPh) carry readings, not the cell's text.
      else if (tag === 'rPh') phonetic++;
      else if (tag === 'si') text = [];
    },
    text(t: string) {
      if (inT) text.push(t);
    },
    close(name: string) {
      const tag = local(name);
      if (tag === 't') inT = false;
      else if (tag === 'rPh') phonetic--;
      else if (tag === 'si') {
        if (out.length >= XLSX_LIMITS.maxSharedStrings)
          throw new XlsxLimitError('too_many_strings', `工作簿的共享文本超过 ${countText(XLSX_LIMITS.maxSharedStrings)} 条（疑似恶意构造的文件），已拒绝`);
        out.push(unescapeOoxml(text.join('')));
      }
    },
  });
  return out;
}

/** "BC12" → column index 54 (0-based); -1 when the reference is missing or malformed. */
function columnOf(ref: string | undefined): number {
  if (!ref) return -1;
  let col = 0;
  let i = 0;
  for (; i < ref.length; i++) {
    const c = ref.charCodeAt(i);
    if (c >= 65 && c <= 90) col = col * 26 + (c - 64);
    else if (c >= 97 && c <= 122) col = col * 26 + (c - 96);
    else break;
  }
  return i === 0 ? -1 : col - 1;
}

function sheetRows(zip: yauzl.ZipFile, entry: yauzl.Entry, strings: string[], dateStyles: boolean[], date1904: boolean): AsyncIterable<{ number: number; cells: Cell[] }> {
  return (async function* () {
    const ready: { number: number; cells: Cell[] }[] = [];
    let cells: Cell[] | null = null;
    let rowNumber = 0;
    let rowCount = 0;
    let col = -1;
    let type = '';
    let style = 0;
    // The cell's text so far (a text may arrive in pieces), null outside <v> and <is>
    let value: string | null = null;
    let hasFormula = false;
    let phonetic = 0;
    // Every cell naming a shared string is a reference to one JS string here, but a copy in every row
    // posted to the importing thread, in the staged data and in the database.
    const textBudget = XLSX_LIMITS.sharedTextAllowance + 2 * entry.uncompressedSize;
    let text = 0;
    const slotBudget = XLSX_LIMITS.cellSlotAllowance + entry.uncompressedSize;
    let slots = 0;
    const shared = (i: number): string => {
      const str = strings[i]!;
      text += str.length;
      if (text > textBudget)
        throw new XlsxLimitError('text_amplified', `工作表中反复引用的共享文本合计超过 ${mb(textBudget * 2)}，远大于工作表本身（疑似恶意构造的文件），已拒绝`);
      return str;
    };
    const open = (n: XmlTag) => {
      switch (local(n.name)) {
        case 'row': {
          const r = Number(n.get('r'));
          rowNumber = Number.isInteger(r) && r > rowNumber ? r : rowNumber + 1;
          if (++rowCount > XLSX_LIMITS.maxRows || rowNumber > XLSX_LIMITS.maxRows)
            throw new XlsxLimitError('too_many_rows', `工作表的行数超过 Excel 的上限 ${countText(XLSX_LIMITS.maxRows)} 行，已拒绝`);
          cells = [];
          col = -1;
          break;
        }
        case 'c': {
          const at = columnOf(n.get('r'));
          col = at >= 0 ? at : col + 1;
          if (col >= XLSX_LIMITS.maxColumns)
            throw new XlsxLimitError('too_many_columns', `工作表的列数超过 Excel 的上限 ${XLSX_LIMITS.maxColumns} 列，已拒绝`);
          type = n.get('t') ?? 'n';
          style = Number(n.get('s') ?? 0);
          value = null;
          hasFormula = false;
          break;
        }
        case 'v':
          value = '';
          break;
        case 'f':
          hasFormula = true;
          break;
        case 'is':
          value = '';
          break;
        case 'rPh':
          phonetic++;
          break;
      }
    };
    const onText = (t: string) => {
      if (value !== null && phonetic === 0) value += t;
    };
    const close = (name: string) => {
      switch (local(name)) {
        case 'v':
        case 'is':
          if (cells && value !== null) cells[col] = cellValue(type, value, style, hasFormula);
          value = null;
          break;
        case 'rPh':
          phonetic--;
          break;
        case 'row':
          if (cells) {
            slots += cells.length;
            if (slots > slotBudget)
              throw new XlsxLimitError('too_wide', `工作表第 ${rowNumber} 行一直到第 ${columnLetter(cells.length)} 列才有内容，整张表展开后超过 ${Math.round(slotBudget / 1e4)} 万个单元格（大多是空白），已拒绝。请在 Excel 中删除数据右边多余的列后另存，再导入`);
            for (let i = 0; i < cells.length; i++) if (cells[i] === undefined) cells[i] = null;
            ready.push({ number: rowNumber, cells });
          }
          cells = null;
          break;
      }
    };
    const cellValue = (t: string, raw: string, s: number, formula: boolean): Cell => {
      switch (t) {
        case 's': {
          const i = Number(raw);
          return Number.isInteger(i) && i >= 0 && i < strings.length ? shared(i) : null;
        }
        case 'inlineStr':
        case 'str':
          return unescapeOoxml(raw);
        case 'b':
          return Number(raw) !== 0;
        case 'e':
          return raw;
        case 'd': {
          const d = new Date(raw);
          return Number.isNaN(d.getTime()) ? raw : d;
        }
        default: {
          if (raw.trim() === '') return null;
          const v = Number(raw);
          if (!Number.isFinite(v)) return raw;
          return !formula && dateStyles[s] ? excelUtils.excelToDate(v, date1904) : v;
        }
      }
    };
    for await (const _ of scanPart(zip, entry, XLSX_LIMITS.maxPartBytes, { open, text: onText, close })) {
      if (ready.length) yield* ready.splice(0, ready.length);
    }
  })();
}

/**
 * Every worksheet in the workbook's order with its own name. Throws XlsxLimitError for a file over
 * a limit, and yauzl's or the XML scanner's error for a damaged one (the caller words both for the clerk).
 */
export async function* readWorkbook(data: Buffer): AsyncGenerator<XlsxSheet> {
  const zip = await openBuffer(data);
  try {
    const entries = await listEntries(zip);
    const book = await readBook(zip, entries);
    const dateStyles = await readDateStyles(zip, entries, book.styles);
    const strings = await readSharedStrings(zip, entries, book.sharedStrings);
    for (const s of book.sheets) {
      yield { name: s.name, hidden: s.hidden, rows: sheetRows(zip, entries.get(s.path)!, strings, dateStyles, book.date1904) };
    }
  } finally {
    zip.close();
  }
}
