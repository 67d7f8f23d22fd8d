/**
 * Check-digit algorithms of the two national identifiers the census relies on.
 * GB 11643 (citizen ID number) and GB 32100 (unified social credit code).
 */

const ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2] as const;
const ID_CHECK_CHARS = '10X98765432';

/** Province-level prefixes of GB/T 2260 (incl. 71 Taiwan, 81 Hong Kong, 82 Macao). */
export const PROVINCE_PREFIXES: ReadonlySet<string> = new Set([
  '11', '12', '13', '14', '15', '21', '22', '23', '31', '32', '33', '34', '35', '36', '37', '41', '42', '43',
  '44', '45', '46', '50', '51', '52', '53', '54', '61', '62', '63', '64', '65', '71', '81', '82',
]);

export function idCheckChar(first17: string): string {
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += (first17.charCodeAt(i) - 48) * ID_WEIGHTS[i]!;
  return ID_CHECK_CHARS[sum % 11]!;
}

export type IdProblem =
  | 'excel_number' // arrived as a number in scientific notation: last digits lost
  | 'length'
  | 'format'
  | 'province'
  | 'birth_date'
  | 'checksum';

export interface IdInfo {
  sex: '1' | '2';
  birthDate: string; // YYYY-MM-DD
}

/** Matches what Excel shows for a long number: 5.32323196906185E+17, 5.32E17, 532323196906185000 */
const EXCEL_NUMBER = /^\d(\.\d+)?[eE]\+?\d+$/;

export function looksLikeExcelNumber(raw: string): boolean {
  const s = raw.trim();
  if (EXCEL_NUMBER.test(s)) return true;
  // 18 digits ending in zeros from a float: Excel keeps 15 significant digits, so digits 16-18 are 0.
  return /^\d{15}000$/.test(s) && !isValidIdChecksum(s);
}

function isValidIdChecksum(id: string): boolean {
  return /^\d{17}[\dX]$/.test(id) && idCheckChar(id.slice(0, 17)) === id[17];
}

const MONTH_DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31] as const;

/** Whether day `d` of month `m` (1–12) exists in year `y` of the Gregorian calendar */
export function isRealDate(y: number, m: number, d: number): boolean {
  if (!(m >= 1 && m <= 12) || !(d >= 1)) return false;
  if (m === 2 && d === 29) return y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0);
  return d <= MONTH_DAYS[m - 1]!;
}

const DAY_MS = 86_400_000;

/** The decimal number in s[from, to), or -1 if any character there is not an ASCII digit */
function digits(s: string, from: number, to: number): number {
  let n = 0;
  for (let i = from; i < to; i++) {
    const c = s.charCodeAt(i) - 48;
    if (c < 0 || c > 9) return -1;
    n = n * 10 + c;
  }
  return n;
}

/**
 * Days since 1970-01-01 of a YYYY-MM-DD naming a day that exists, or null. Read by character codes, not a
 * regular expression and a Date: validation and the Parquet export read millions of dates. Years below
 * 100 stay refused, as when this went through Date.UTC (which reads them as 19xx).
 */
export function isoDateDays(s: string): number | null {
  if (s.length !== 10 || s.charCodeAt(4) !== 45 || s.charCodeAt(7) !== 45) return null;
  const y = digits(s, 0, 4);
  const m = digits(s, 5, 7);
  const d = digits(s, 8, 10);
  return y >= 100 && isRealDate(y, m, d) ? Date.UTC(y, m - 1, d) / DAY_MS : null;
}

/**
 * Checks an 18-character ID number. The address code is where the person was first registered and
 * may no longer exist, so only its province prefix is checked.
 */
export function checkIdNumber(raw: string): { ok: true; info: IdInfo } | { ok: false; problem: IdProblem } {
  // Read by character codes, not slices: every person's number is checked twice per import (when its
  // sex and birth date are filled in, and when it is validated), and each slice was a new string.
  const id = isPlainId(raw) ? raw : raw.trim().toUpperCase();
  if (looksLikeExcelNumber(id)) return { ok: false, problem: 'excel_number' };
  if (id.length !== 18) return { ok: false, problem: 'length' };
  if (!/^\d{17}[\dX]$/.test(id)) return { ok: false, problem: 'format' };
  if (!PROVINCE_NUMBERS.has(digits(id, 0, 2))) return { ok: false, problem: 'province' };
  const y = digits(id, 6, 10);
  const m = digits(id, 10, 12);
  const d = digits(id, 12, 14);
  if (y < 1880 || !isRealDate(y, m, d)) return { ok: false, problem: 'birth_date' };
  if (idCheckChar(id).charCodeAt(0) !== id.charCodeAt(17)) return { ok: false, problem: 'checksum' };
  return { ok: true, info: { sex: (id.charCodeAt(16) - 48) % 2 === 1 ? '1' : '2', birthDate: birthDateText(y, m, d) } };
}

/**
 * YYYY-MM-DD of a birth date, one string per day: a census's persons share ~25,000 birthdays, so each
 * record's text is shared rather than built. Bounded, whatever dates a hostile file brings.
 */
const birthDates = new Map<number, string>();
const BIRTH_DATES_KEPT = 60_000;

function birthDateText(y: number, m: number, d: number): string {
  const key = y * 10_000 + m * 100 + d;
  let text = birthDates.get(key);
  if (text === undefined) {
    text = `${y}-${m < 10 ? '0' : ''}${m}-${d < 10 ? '0' : ''}${d}`;
    if (birthDates.size < BIRTH_DATES_KEPT) birthDates.set(key, text);
  }
  return text;
}

/** 18 printable ASCII characters, no space and no lower-case letter: what trim() and toUpperCase() leave as it is */
function isPlainId(s: string): boolean {
  if (s.length !== 18) return false;
  for (let i = 0; i < 18; i++) {
    const c = s.charCodeAt(i);
    if (c <= 32 || c > 126 || (c >= 97 && c <= 122)) return false;
  }
  return true;
}

/** PROVINCE_PREFIXES as numbers, for an ID number's first two digits */
const PROVINCE_NUMBERS: ReadonlySet<number> = new Set([...PROVINCE_PREFIXES].map(Number));

/** Sex and birth date of a valid ID number, or null when it is not valid. */
export function idInfo(raw: string): IdInfo | null {
  const r = checkIdNumber(raw);
  return r.ok ? r.info : null;
}

const CREDIT_ALPHABET = '0123456789ABCDEFGHJKLMNPQRTUWXY';
const CREDIT_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28] as const;

export function creditCheckChar(first17: string): string | null {
  let sum = 0;
  for (let i = 0; i < 17; i++) {
    const v = CREDIT_ALPHABET.indexOf(first17[i]!);
    if (v < 0) return null;
    sum += v * CREDIT_WEIGHTS[i]!;
  }
  return CREDIT_ALPHABET[(31 - (sum % 31)) % 31]!;
}

export type CreditProblem = 'length' | 'format' | 'checksum';

export function checkCreditCode(raw: string): { ok: true } | { ok: false; problem: CreditProblem } {
  const code = raw.trim().toUpperCase();
  if (code.length !== 18) return { ok: false, problem: 'length' };
  for (const ch of code) if (!CREDIT_ALPHABET.includes(ch)) return { ok: false, problem: 'format' };
  if (creditCheckChar(code.slice(0, 17)) !== code[17]) return { ok: false, problem: 'checksum' };
  return { ok: true };
}

/** Mainland mobile numbers: 11 digits starting 13-19, optionally with +86. */
export function isMobilePhone(raw: string): boolean {
  return /^(?:\+?86)?1[3-9]\d{9}$/.test(raw.replace(/[\s-]/g, ''));
}
