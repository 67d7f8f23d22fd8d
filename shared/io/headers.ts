/**
 * Header mapping: which spreadsheet column holds which dictionary field. Township sheets name their
 * columns in many ways (身份证号 / 公民身份号码 / 证件号码…), so a header is matched by the field's
 * label, then its synonyms, then (as a guess the user confirms) by containing one of them.
 */
import { cleanText } from '../census/normalize';
import { enteredFieldsOf, unitFields, type TableName } from '../census/dictionary';

/** A cell as the readers hand it over: what the spreadsheet held, untouched. */
export type Cell = string | number | boolean | Date | null;

/**
 * Persons name their unit by name (the unitId field) or by the unit's credit code. The credit code
 * is not a person field, so it is an import-only column resolved to the unit's id.
 */
export const UNIT_CREDIT_CODE = 'unitCreditCode';

/**
 * A persons sheet's 单位性质 / 单位类型 column describes the person's unit: kept for the units the
 * import creates from the returns, never stored on the person.
 */
export const UNIT_TYPE = 'unitType';

export interface ImportField {
  key: string;
  label: string;
  names: readonly string[];
}

const creditCode = unitFields.find((f) => f.key === 'creditCode')!;
const unitType = unitFields.find((f) => f.key === 'unitType')!;

const importFieldLists: Record<TableName, readonly ImportField[]> = {
  person: [
    ...enteredFieldsOf.person.map((f) => ({ key: f.key, label: f.label, names: f.synonyms })),
    {
      key: UNIT_CREDIT_CODE,
      label: `所在单位${creditCode.label}`,
      names: [creditCode.label, ...creditCode.synonyms, ...[creditCode.label, ...creditCode.synonyms].map((s) => `单位${s}`)],
    },
    { key: UNIT_TYPE, label: `所在单位${unitType.label}`, names: [unitType.label, ...unitType.synonyms] },
  ],
  unit: enteredFieldsOf.unit.map((f) => ({ key: f.key, label: f.label, names: f.synonyms })),
};

/** Every column an import of `table` can fill: the dictionary's fields plus import-only ones. */
export function importFields(table: TableName): readonly ImportField[] {
  return importFieldLists[table];
}

export function importFieldLabel(table: TableName, key: string): string {
  return importFieldLists[table].find((f) => f.key === key)?.label ?? key;
}

// Parenthesised hints that are not part of a header's name: （必填）, (可多选), （18位）, （如：1985-03-15）
const HINT = /\([^()]*(必填|选填|多选|单选|选择|下拉|填写|格式|例|如[:：]|\d+位|可空|可不填)[^()]*\)/g;

/** The comparable form of a header text: half-width, no spaces, hints, markers or brackets. */
export function headerKey(text: unknown): string {
  return cleanText(text)
    .replace(HINT, '')
    .replace(/[\s*※:：]/g, '')
    .replace(/[()[\]【】<>《》]/g, '')
    .toLowerCase();
}

export type MappingSource = 'override' | 'remembered' | 'label' | 'synonym' | 'guess' | 'none';

export interface ColumnMapping {
  /** 0-based column index in the sheet */
  index: number;
  header: string;
  field: string | null;
  how: MappingSource;
}

/** header key → field key (null: deliberately ignored), per table, as confirmed by a user */
export type RememberedMappings = Partial<Record<TableName, Record<string, string | null>>>;

interface MatchIndex {
  exact: Map<string, { key: string; how: 'label' | 'synonym' }>;
  /** longest names first, for the containment guess */
  names: { name: string; key: string }[];
}

const indexes = new Map<TableName, MatchIndex>();

function matchIndex(table: TableName): MatchIndex {
  let idx = indexes.get(table);
  if (idx) return idx;
  const exact = new Map<string, { key: string; how: 'label' | 'synonym' }>();
  const fields = importFieldLists[table];
  // Labels first: a label always wins over another field's synonym.
  for (const f of fields) exact.set(headerKey(f.label), { key: f.key, how: 'label' });
  for (const f of fields) for (const s of f.names) if (!exact.has(headerKey(s))) exact.set(headerKey(s), { key: f.key, how: 'synonym' });
  const names = [...exact.entries()]
    .filter(([name]) => name.length >= 2)
    .map(([name, m]) => ({ name, key: m.key }))
    .sort((a, b) => b.name.length - a.name.length);
  idx = { exact, names };
  indexes.set(table, idx);
  return idx;
}

/** The field a header names by label or synonym; null when it names none. */
export function matchHeader(table: TableName, header: unknown): { key: string; how: 'label' | 'synonym' } | null {
  const k = headerKey(header);
  return k ? (matchIndex(table).exact.get(k) ?? null) : null;
}

function guessHeader(table: TableName, key: string): string | null {
  if (key.length < 3) return null;
  for (const n of matchIndex(table).names) if (key.includes(n.name)) return n.key;
  return null;
}

function headerText(c: Cell | undefined): string {
  return c == null ? '' : cleanText(c instanceof Date ? c.toISOString().slice(0, 10) : c);
}

/**
 * Maps every non-empty header cell. Precedence: this sheet's explicit overrides, then mappings a
 * user confirmed before, then label, synonym, and last a containment guess for a field no other
 * column has taken (shown to the user for confirmation).
 */
export function mapHeaders(
  table: TableName,
  headers: readonly Cell[],
  opts: { remembered?: RememberedMappings; overrides?: Readonly<Record<number, string | null>> } = {},
): ColumnMapping[] {
  const remembered = opts.remembered?.[table] ?? {};
  const valid = new Set(importFieldLists[table].map((f) => f.key));
  const out: ColumnMapping[] = [];
  headers.forEach((cell, index) => {
    const header = headerText(cell);
    if (!header) return;
    const key = headerKey(header);
    const override = opts.overrides?.[index];
    if (override !== undefined && (override === null || valid.has(override))) {
      out.push({ index, header, field: override, how: 'override' });
      return;
    }
    if (Object.prototype.hasOwnProperty.call(remembered, key)) {
      const r = remembered[key];
      if (r === null || (r !== undefined && valid.has(r))) {
        out.push({ index, header, field: r, how: 'remembered' });
        return;
      }
    }
    const m = matchIndex(table).exact.get(key);
    out.push(m ? { index, header, field: m.key, how: m.how } : { index, header, field: null, how: 'none' });
  });
  // A column with data but no header can still be given a field by the clerk.
  for (const [k, override] of Object.entries(opts.overrides ?? {})) {
    const index = Number(k);
    if (override && valid.has(override) && !out.some((c) => c.index === index))
      out.push({ index, header: `（第${index + 1}列，无列名）`, field: override, how: 'override' });
  }
  out.sort((a, b) => a.index - b.index);
  const taken = new Set(out.filter((c) => c.field).map((c) => c.field));
  for (const c of out) {
    if (c.how !== 'none') continue;
    const g = guessHeader(table, headerKey(c.header));
    if (g && !taken.has(g)) {
      c.field = g;
      c.how = 'guess';
      taken.add(g);
    }
  }
  return out;
}

/**
 * How many distinct fields a row of cells names exactly (or by a mapping a user confirmed before):
 * the measure of "this is the header row".
 */
export function headerScore(table: TableName, cells: readonly Cell[], remembered?: RememberedMappings): number {
  const seen = new Set<string>();
  const mine = remembered?.[table];
  for (const c of cells) {
    if (c == null) continue;
    const k = headerKey(c);
    const r = mine && Object.prototype.hasOwnProperty.call(mine, k) ? mine[k] : undefined;
    const key = r !== undefined ? r : (matchHeader(table, c)?.key ?? null);
    if (key) seen.add(key);
  }
  return seen.size;
}

const TABLE_HINTS: Record<TableName, RegExp> = { person: /人员|人才|社工|个人|花名册/, unit: /单位|机构|组织/ };

/** The table a header row belongs to, by which dictionary it matches better; the sheet name breaks ties. */
export function detectTable(cells: readonly Cell[], sheetName = '', remembered?: RememberedMappings): { table: TableName; score: number } | null {
  const person = headerScore('person', cells, remembered);
  const unit = headerScore('unit', cells, remembered);
  const best = Math.max(person, unit);
  if (best < MIN_HEADER_SCORE) return null;
  if (person !== unit) return person > unit ? { table: 'person', score: person } : { table: 'unit', score: unit };
  return { table: TABLE_HINTS.unit.test(sheetName) && !TABLE_HINTS.person.test(sheetName) ? 'unit' : 'person', score: best };
}

/** A header row names at least this many fields; a title or notes line never does. */
export const MIN_HEADER_SCORE = 2;
/** How far down a sheet the header row is looked for (title rows, notes, merged headers above it) */
export const HEADER_SEARCH_ROWS = 30;

/**
 * The header row among the first rows of a sheet: the one naming the most fields (the first of
 * equals). `table` forces the dictionary; otherwise both are tried.
 */
export function findHeaderRow(
  rows: readonly (readonly Cell[])[],
  opts: { table?: TableName; sheetName?: string; remembered?: RememberedMappings } = {},
): { index: number; table: TableName; score: number } | null {
  let best: { index: number; table: TableName; score: number } | null = null;
  rows.slice(0, HEADER_SEARCH_ROWS).forEach((cells, index) => {
    const hit = opts.table
      ? { table: opts.table, score: headerScore(opts.table, cells, opts.remembered) }
      : detectTable(cells, opts.sheetName, opts.remembered);
    if (hit && hit.score >= MIN_HEADER_SCORE && (!best || hit.score > best.score)) best = { index, ...hit };
  });
  return best;
}
