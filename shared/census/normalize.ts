/**
 * Turns what people type or paste (township spreadsheets, TSV from Excel/WPS, the grid) into stored
 * values. One normaliser for every entry path, so 本科 becomes 大学本科 the same way everywhere.
 * What cannot be interpreted is kept as text for validation to flag — never dropped or guessed.
 */
import { isoDateDays } from './checks';
import { codeLists, spanTerms, type CodeListId } from './codes';
import type { FieldDef } from './dictionary';
import type { FieldValue } from './schema';

export interface NormalizeContext {
  /** Township name or code → 9-digit code inside the census area, or null when unknown */
  resolveTownship?(text: string): string | null;
  /** Unit name or credit code → unit id, or null when no such unit */
  resolveUnit?(text: string): string | null;
  /**
   * The census's own value mappings (a clerk mapped 「普高毕业」 to 普通高级中学 once): the code for a text
   * no code list entry matches, or null. Consulted after the code list, never for span terms.
   */
  mapValue?(f: FieldDef, text: string): string | null;
}

/** Full-width ASCII and the ideographic space → half-width; NBSP and zero-width characters removed. */
export function toHalfWidth(s: string): string {
  // Most cells are plain: skip the four replacements (the importers call this for every cell).
  if (!/[\uFF01-\uFF5E\u3000\u00A0\u200B-\u200D\uFEFF]/.test(s)) return s;
  return s
    .replace(/[\uFF01-\uFF5E]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0))
    .replace(/\u3000/g, ' ')
    .replace(/\u00A0/g, ' ')
    .replace(/[\u200B-\u200D\uFEFF]/g, '');
}

const HAS_SPACE = /\s/;

/**
 * C0 and C1 control characters other than tab and line breaks (which \s folds into spaces), and the
 * two noncharacters: invisible, never meant, and refused by spreadsheets and XML.
 */
export const CONTROL_CHARS = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\uFFFE\uFFFF]/g;
const HAS_CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\uFFFE\uFFFF]/;

export function countControlChars(s: string): number {
  return HAS_CONTROL.test(s) ? (s.match(CONTROL_CHARS)?.length ?? 0) : 0;
}

export function cleanText(raw: unknown): string {
  if (raw == null) return '';
  let s = toHalfWidth(raw instanceof Date ? raw.toISOString() : String(raw));
  if (HAS_CONTROL.test(s)) s = s.replace(CONTROL_CHARS, '');
  // \s is exactly the set trim() strips: a cell without any is already clean, and most are.
  return HAS_SPACE.test(s) ? s.replace(/\s+/g, ' ').trim() : s;
}

const codeMatchers = new Map<CodeListId, Map<string, string>>();

function keyOf(s: string): string {
  // 社区(居委会) and 社区（居委会） are the same answer; case does not matter for Y/N.
  return toHalfWidth(s).replace(/\s+/g, '').replace(/[()（）]/g, '').toLowerCase();
}

function matcher(id: CodeListId): Map<string, string> {
  let m = codeMatchers.get(id);
  if (m) return m;
  m = new Map();
  const items = codeLists[id];
  // Labels and aliases win over bare codes only where they collide, so register codes last.
  for (const it of items) {
    m.set(keyOf(it.label), it.code);
    for (const a of it.aliases ?? []) if (!m.has(keyOf(a))) m.set(keyOf(a), it.code);
  }
  for (const it of items) {
    m.set(keyOf(it.code), it.code);
    // "1" for "01": spreadsheets drop leading zeros of numeric codes.
    const unpadded = it.code.replace(/^0+(?=\d)/, '');
    if (!m.has(unpadded)) m.set(unpadded, it.code);
  }
  codeMatchers.set(id, m);
  return m;
}

/** Code for a label, alias or code text; null when it matches nothing in the list. */
export function matchCode(id: CodeListId, text: string): string | null {
  const k = keyOf(text);
  if (!k) return null;
  const direct = matcher(id).get(k);
  if (direct) return direct;
  // "01 汉族" / "汉族(01)": a code and a label together.
  const m = /^(\d{1,2})\s*[-.、:：]?\s*(\S+)$/.exec(text.trim());
  if (m) return matcher(id).get(keyOf(m[1]!)) ?? matcher(id).get(keyOf(m[2]!)) ?? null;
  return null;
}

const spanIndex = new Map<CodeListId, Map<string, string>>();

/** Why a text that spans several codes (高中及以下) is not mapped to one, or null when it is no such term. */
export function spanReason(id: CodeListId, text: string): string | null {
  let m = spanIndex.get(id);
  if (!m) {
    m = new Map(Object.entries(spanTerms[id] ?? {}).map(([k, v]) => [keyOf(k), v]));
    spanIndex.set(id, m);
  }
  return m.get(keyOf(text)) ?? null;
}

/** The comparable form of a value text, as code matching and value mappings compare it */
export function valueKey(text: string): string {
  return keyOf(text);
}

function mapped(f: FieldDef, text: string, ctx: NormalizeContext): string | null {
  const code = matchCode(f.codeList!, text);
  if (code) return code;
  if (!ctx.mapValue || spanReason(f.codeList!, text)) return null;
  return ctx.mapValue(f, text);
}

const EXCEL_EPOCH_UTC = Date.UTC(1899, 11, 30);

function pad(n: number, w = 2): string {
  return String(n).padStart(w, '0');
}

function ymd(y: number, m: number, d: number): string | null {
  if (y < 1000 || y > 2999 || m < 1 || m > 12 || d < 1) return null;
  const dt = new Date(Date.UTC(y, m - 1, d));
  if (dt.getUTCMonth() !== m - 1) return null;
  return `${y}-${pad(m)}-${pad(d)}`;
}

/** Excel's day serial (1900 system, with its fictitious 1900-02-29) → YYYY-MM-DD. */
export function excelSerialToDate(serial: number): string | null {
  if (!Number.isFinite(serial) || serial < 1 || serial > 2958465) return null;
  const ms = EXCEL_EPOCH_UTC + Math.floor(serial) * 86_400_000;
  const d = new Date(ms);
  return ymd(d.getUTCFullYear(), d.getUTCMonth() + 1, d.getUTCDate());
}

/**
 * Dates as they arrive: Date cells, serial numbers, 1985-03-15, 1985/3/15, 1985.03.15, 1985年3月15日,
 * 19850315, and month precision 1985.03, 1985-3, 198503, 1985年3月 → '1985-03' (completed from the ID
 * number later when it agrees).
 */
export function parseDate(raw: unknown): string | null {
  // Most date cells of a text return already read YYYY-MM-DD: taken as they are, with no text built.
  if (typeof raw === 'string' && isCanonicalDate(raw)) return raw;
  if (raw instanceof Date) {
    return Number.isNaN(raw.getTime()) ? null : ymd(raw.getUTCFullYear(), raw.getUTCMonth() + 1, raw.getUTCDate());
  }
  if (typeof raw === 'number') {
    // 1985 in a 出生年月 column is a year, not day 1985 of Excel's calendar (1905-06-07): not a date.
    if (isBareYear(raw)) return null;
    if (Number.isInteger(raw) && raw >= 19000101 && raw <= 29991231) return parseDate(String(raw));
    if (Number.isInteger(raw) && raw >= 190001 && raw <= 299912) return parseDate(String(raw));
    return excelSerialToDate(raw);
  }
  const s = cleanText(raw).replace(/\s/g, '');
  if (!s) return null;
  let m = /^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?$/.exec(s);
  if (m) return ymd(+m[1]!, +m[2]!, +m[3]!);
  m = /^(\d{4})(\d{2})(\d{2})$/.exec(s);
  if (m) return ymd(+m[1]!, +m[2]!, +m[3]!);
  m = /^(\d{4})[-/.年](\d{1,2})月?$/.exec(s) ?? /^(\d{4})(\d{2})$/.exec(s);
  if (m) {
    const mo = +m[2]!;
    return mo >= 1 && mo <= 12 ? `${m[1]}-${pad(mo)}` : null;
  }
  // ISO timestamps from JSON or Date.toISOString()
  m = /^(\d{4})-(\d{2})-(\d{2})T/.exec(s);
  if (m) return ymd(+m[1]!, +m[2]!, +m[3]!);
  if (/^\d+(\.\d+)?$/.test(s)) return isBareYear(Number(s)) ? null : excelSerialToDate(Number(s));
  return null;
}

/** A YYYY-MM-DD naming a real day that `ymd` would give back unchanged (it takes years 1000–2999) */
function isCanonicalDate(s: string): boolean {
  return s >= '1000' && s < '3000' && isoDateDays(s) !== null;
}

function isBareYear(n: number): boolean {
  return Number.isInteger(n) && n >= 1900 && n <= 2100;
}

function parseNumber(s: string): number | null {
  const t = s.replace(/,/g, '').replace(/(人|个|小时|学时|h)$/i, '');
  if (!/^-?\d+(\.\d+)?$/.test(t)) return null;
  const n = Number(t);
  return Number.isFinite(n) ? n : null;
}

/** Normalise one cell for one field. Unreadable input is returned as its cleaned text. */
export function normalizeValue(f: FieldDef, raw: unknown, ctx: NormalizeContext = {}): FieldValue {
  if (f.type === 'codes') {
    const items = Array.isArray(raw) ? raw.map(cleanText) : cleanText(raw).split(/[、,，;；/|\s]+/);
    const out: string[] = [];
    for (const t of items) {
      if (!t) continue;
      const code = mapped(f, t, ctx) ?? t;
      if (!out.includes(code)) out.push(code);
    }
    return out;
  }
  if (raw == null || (typeof raw === 'string' && cleanText(raw) === '')) return null;
  switch (f.type) {
    case 'date': {
      const d = parseDate(raw);
      return d ?? cleanText(raw);
    }
    case 'year': {
      if (raw instanceof Date) return raw.getUTCFullYear();
      const s = cleanText(raw).replace(/年$/, '');
      const m = /^(\d{4})(?:[-/.年]\d{1,2}.*)?$/.exec(s);
      if (m) return Number(m[1]);
      const n = parseNumber(s);
      return n != null && Number.isInteger(n) ? n : s;
    }
    case 'integer': {
      if (typeof raw === 'number') return Number.isInteger(raw) ? raw : Math.abs(raw - Math.round(raw)) < 1e-9 ? Math.round(raw) : String(raw);
      const s = cleanText(raw);
      const n = parseNumber(s);
      return n != null && Number.isInteger(n) ? n : s;
    }
    case 'boolean': {
      if (typeof raw === 'boolean') return raw;
      const s = cleanText(raw);
      const code = mapped(f.codeList ? f : { ...f, codeList: 'yesNo' }, s, ctx);
      return code === '1' ? true : code === '0' ? false : s;
    }
    case 'code': {
      const s = cleanText(raw);
      return mapped(f, s, ctx) ?? s;
    }
    case 'idNumber':
    case 'creditCode':
      return cleanText(typeof raw === 'number' ? numberToPlainString(raw) : raw).replace(/\s/g, '').toUpperCase();
    case 'phone':
      return cleanText(typeof raw === 'number' ? String(raw) : raw).replace(/[\s-]/g, '');
    case 'township': {
      const s = cleanText(typeof raw === 'number' ? String(raw) : raw).replace(/\s/g, '');
      if (/^\d{9}$/.test(s)) return s;
      return ctx.resolveTownship?.(s) ?? s;
    }
    case 'unitRef': {
      const s = cleanText(raw);
      return ctx.resolveUnit?.(s) ?? s;
    }
    default: {
      const s = cleanText(raw);
      // Chinese names are written without spaces; "张 三" is a typing artefact.
      return f.key === 'name' && f.table === 'person' && /^[\u4e00-\u9fff ·]+$/.test(s) ? s.replace(/ /g, '') : s;
    }
  }
}

/**
 * A long number is shown the way Excel shows it (5.32323196906185E+17): its last digits are already
 * lost, and printing invented digits would hide that from the clerk.
 */
function numberToPlainString(n: number): string {
  if (Number.isFinite(n) && Math.abs(n) >= 1e15) return n.toExponential(14).replace(/\.?0+e/, 'e').toUpperCase();
  return String(n);
}
