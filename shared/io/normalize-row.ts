/**
 * One spreadsheet row → one record's data, through the census normaliser. Shared by the importers
 * and the grid's paste so a value means the same whichever way it arrives.
 */
import { field, fieldOf, type FieldDef, type TableName } from '../census/dictionary';
import { cleanText, normalizeValue, type NormalizeContext } from '../census/normalize';
import type { FieldValue, RecordData } from '../census/schema';
import { completeFromIdNumber } from '../census/validate';
import { unescapeFormula } from './escape';
import { UNIT_CREDIT_CODE, UNIT_TYPE, type Cell } from './headers';

/** Column index → field key (dictionary key or an import-only key such as UNIT_CREDIT_CODE) */
export interface RowMapping {
  index: number;
  field: string | null;
}

export interface NormalizedRow {
  /** Only the fields the row supplies (mapped columns, and values derived from them) */
  data: RecordData;
  /** How the row named its unit, kept for resolving against units imported in the same batch */
  unitRef: UnitRef | null;
}

export interface UnitRef {
  name: string | null;
  creditCode: string | null;
  /** 单位类型 as the persons sheet gave it (a code, or text no code matched) */
  unitType?: FieldValue;
}

function isEmpty(v: FieldValue | undefined): boolean {
  return v == null || v === '' || (Array.isArray(v) && v.length === 0);
}

/**
 * A number in a date column between 1900 and 2100 is a year or year.month someone typed (1985.03),
 * never a day serial (that range would be 1905): hand over the text Excel shows for it.
 */
function dateGlue(raw: Cell): Cell {
  if (typeof raw === 'number' && raw >= 1900 && raw < 2100 && !Number.isInteger(raw)) return String(raw);
  return raw;
}

/** Digits (possibly mangled by Excel into 5.32323196906185E+17): a mainland ID number, not a passport */
const MAINLAND_ID = /^(\d{15,17}[\dX]|\d(\.\d+)?E\+?\d+)$/;

/**
 * Normalises the mapped cells of one row. A persons row's unit is resolved by credit code first,
 * then by name, through `ctx.resolveUnit`; an unresolved unit stays as the text the row gave.
 */
export function normalizeRow(table: TableName, cells: readonly Cell[], mapping: readonly RowMapping[], ctx: NormalizeContext = {}): NormalizedRow {
  const sheet = compile(table, mapping);
  // Every key the row will set, in order, from the start (see CompiledSheet.template)
  const data: RecordData = { ...sheet.template };
  let unitName: string | null = null;
  let unitCode: string | null = null;
  let unitType: FieldValue = null;
  for (const m of sheet.columns) {
    const raw = unescapeFormula(cells[m.index] ?? null);
    if (m.kind === 'unitType') {
      if (isEmpty(unitType)) unitType = typeof raw === 'string' ? cachedValue(m, raw, ctx) : normalizeValue(m.def, raw, ctx);
      continue;
    }
    if (m.kind === 'unitCode') {
      const code = cleanText(raw).replace(/\s/g, '').toUpperCase();
      if (code && !unitCode) unitCode = code;
      continue;
    }
    const f = m.def;
    if (m.kind === 'unitRef') {
      const name = cleanText(raw);
      if (name && !unitName) unitName = name;
      continue;
    }
    const value = typeof raw !== 'string' ? normalizeValue(f, m.kind === 'date' ? dateGlue(raw) : raw, ctx)
      : m.kind === 'coded' ? cachedValue(m, raw, ctx) : repeatedValue(m, raw, ctx);
    // Two columns for one field (出生年月 and 出生日期): the first one with a value wins.
    if (m.first || (isEmpty(data[f.key]) && !isEmpty(value))) data[f.key] = value;
  }
  let unitRef: NormalizedRow['unitRef'] = null;
  if (table === 'person' && (unitName || unitCode || 'unitId' in data)) {
    unitRef = isEmpty(unitType) ? { name: unitName, creditCode: unitCode } : { name: unitName, creditCode: unitCode, unitType };
    data.unitId = resolveUnitRef(unitRef, ctx);
  }
  if (table === 'person') {
    // Sheets without a 证件类型 column (or with it left blank) hold mainland ID numbers.
    const id = data.idNumber;
    if (isEmpty(data.idType) && typeof id === 'string' && MAINLAND_ID.test(id)) data.idType = '01';
    return { data: completeFromIdNumber(data), unitRef };
  }
  return { data, unitRef };
}

interface CompiledColumn {
  index: number;
  def: FieldDef;
  /** coded: a column with few distinct answers (codes, yes/no, townships), worth remembering */
  kind: 'value' | 'date' | 'coded' | 'unitRef' | 'unitCode' | 'unitType';
  /** The first column for its field: it sets the field; a later one only fills it in (出生年月 then 出生日期) */
  first?: boolean;
  cache?: { ctx: NormalizeContext; values: Map<string, FieldValue> };
  /** value and date columns: remembered while the column keeps repeating itself (see repeatedValue) */
  repeats?: { ctx: NormalizeContext; values: Map<string, FieldValue>; probes: number; hits: number; off: boolean };
}

const CODED = new Set<FieldDef['type']>(['code', 'codes', 'boolean', 'township']);
const CACHE_LIMIT = 2000;

/**
 * normalizeValue for a coded cell, remembered per column: a 100k-row return repeats 大学本科 and
 * 东华门街道 tens of thousands of times, and the answer depends only on the text (and the context).
 */
function cachedValue(m: CompiledColumn, raw: string, ctx: NormalizeContext): FieldValue {
  if (!m.cache || m.cache.ctx !== ctx) m.cache = { ctx, values: new Map() };
  const hit = m.cache.values.get(raw);
  if (hit !== undefined) return Array.isArray(hit) ? [...hit] : hit;
  const value = normalizeValue(m.def, raw, ctx);
  if (m.cache.values.size < CACHE_LIMIT) m.cache.values.set(raw, Array.isArray(value) ? [...value] : value);
  return value;
}

/** Lookups after which a value or date column that hit its remembered answers less than half the time stops remembering */
const REPEAT_PROBES = 1000;

/**
 * normalizeValue for the text of a value or date column, remembered while that pays: years, hours,
 * dates and 专业名称 repeat thousands of times in a census-size return, names and ID numbers never,
 * so a column whose first REPEAT_PROBES lookups mostly missed is normalised cell by cell from then on.
 * The answers are text, numbers or null (only codes columns give arrays, and those are `coded`).
 */
function repeatedValue(m: CompiledColumn, raw: string, ctx: NormalizeContext): FieldValue {
  let c = m.repeats;
  if (!c || c.ctx !== ctx) c = m.repeats = { ctx, values: new Map(), probes: 0, hits: 0, off: false };
  if (c.off) return normalizeValue(m.def, raw, ctx);
  c.probes++;
  const hit = c.values.get(raw);
  if (hit !== undefined) {
    c.hits++;
    return hit;
  }
  const value = normalizeValue(m.def, raw, ctx);
  if (c.probes >= REPEAT_PROBES && c.hits * 2 < c.probes) {
    c.off = true;
    c.values.clear();
  } else if (c.values.size < CACHE_LIMIT) c.values.set(raw, value);
  return value;
}

// A sheet maps its columns once and normalises 100k rows with that mapping: resolve fields once.
interface CompiledSheet {
  table: TableName;
  columns: CompiledColumn[];
  /**
   * The keys the columns set, in their order, all null: each row starts as a copy. Built up key by key
   * with computed keys, V8 turned every row's object into a dictionary past a dozen properties (~1.4 KB
   * of garbage a row, copied back into a fast object by completeFromIdNumber); JSON.parse makes a fast one.
   */
  template: RecordData;
}
const compiled = new WeakMap<readonly RowMapping[], CompiledSheet>();

function compile(table: TableName, mapping: readonly RowMapping[]): CompiledSheet {
  const hit = compiled.get(mapping);
  if (hit && hit.table === table) return hit;
  const columns: CompiledColumn[] = [];
  for (const m of mapping) {
    if (!m.field) continue;
    if (m.field === UNIT_CREDIT_CODE) {
      columns.push({ index: m.index, def: field('unit', 'creditCode'), kind: 'unitCode' });
      continue;
    }
    if (m.field === UNIT_TYPE && table === 'person') {
      columns.push({ index: m.index, def: field('unit', 'unitType'), kind: 'unitType' });
      continue;
    }
    const def = fieldOf(table, m.field);
    columns.push({ index: m.index, def, kind: def.type === 'unitRef' ? 'unitRef' : def.type === 'date' ? 'date' : CODED.has(def.type) ? 'coded' : 'value' });
  }
  const keys: string[] = [];
  for (const c of columns) {
    if (c.kind === 'unitCode' || c.kind === 'unitType') continue;
    c.first = !keys.includes(c.def.key);
    if (c.first) keys.push(c.def.key);
  }
  const template = JSON.parse(JSON.stringify(Object.fromEntries(keys.map((k) => [k, null])))) as RecordData;
  const sheet = { table, columns, template };
  compiled.set(mapping, sheet);
  return sheet;
}

/** The unit's id when `ctx` knows it; otherwise the text the row gave (validation flags it as missing). */
export function resolveUnitRef(ref: UnitRef, ctx: NormalizeContext): string | null {
  if (ref.creditCode) {
    const byCode = ctx.resolveUnit?.(ref.creditCode);
    if (byCode) return byCode;
  }
  if (ref.name) {
    const byName = ctx.resolveUnit?.(ref.name);
    if (byName) return byName;
  }
  return ref.name ?? ref.creditCode;
}
