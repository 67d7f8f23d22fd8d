/**
 * Reading and verifying a return package without touching any database: envelope, zip structure,
 * signature over the exact datapackage.json bytes, schema version, manifest, per-resource size and
 * SHA-256, strict UTF-8, CSV shape and cell types. The result holds every row ready for insertion,
 * so a merge can run as one synchronous transaction after all checks have passed.
 */
import { isUtf8 } from 'node:buffer';
import Papa from 'papaparse';
import { ApiError } from '../../../../shared/api/errors';
import type { PersonCounts } from '../../../../shared/reports/aggregate';
import { fieldsOf, fieldLabel, type FieldDef, type TableName } from '../../../../shared/census/dictionary';
import {
  columnsOf, legacyColumns, LIMITS, recordResource, MANIFEST_FILE, tableSchemaOf, manifestSchema, PACKAGE_SCHEMA_VERSION, READABLE_SCHEMA_VERSIONS, RESOURCES, SIGNATURE_FILE, signatureSchema, upgradeRows,
  type HeadcountSection, type Manifest, type ResourceName,
} from '../../../../shared/package';
import type { PackageDecisionRow, ReceivedAuditRow, SqlValue } from '../../db';
import { decryptEnvelope, fingerprintOf, isEnvelope, sha256Hex, verifySignature } from './crypto';
import { looksLikeZip, openZip } from './zip';
import { NotFast, provenanceClaimed, provenanceCursor, readRecordsFast } from './read-fast';
import { countedRows, type RowSource } from './packed-rows';

export interface RecordTable {
  /** Rows in the column order of `recordColumns(table)` (from the worker: decoded as they are read, see packed-rows.ts) */
  rows: RowSource;
  ids: string[];
  /** Per area code: the package that first carried those records upward ('' when the sending level entered them) */
  firstPackages: Map<string, string>;
  areaCodes: Set<string>;
  /** Each row's area code, in row order (the same strings as in the rows; the bulk merge's id set files each id under it) */
  rowAreas: string[];
}

export interface ParsedPackage {
  fileName: string;
  encrypted: boolean;
  manifest: Manifest;
  head: HeadcountSection;
  manifestSha256: string;
  signer: { publicKey: string; fingerprint: string };
  persons: RecordTable & { idNumbers: (string | null)[]; kept?: Map<string, SqlValue[]> | undefined };
  units: RecordTable;
  explanations: [string, string, string, string, string, string, string][];
  audit: ReceivedAuditRow[];
  decisions: PackageDecisionRow[];
  /** Its persons counted into the summary tables, when the reader was asked to (worker/package.ts) */
  personCounts?: PersonCounts | undefined;
  /**
   * It is one of `ReadOptions.known` (same id, signer and signed manifest): the reader stopped after the
   * signature, so its record tables are empty and its rows counted as none (`countedRows`)
   */
  known?: true;
}

/** A package merged already, as the census keeps it */
export interface KnownPackage {
  packageId: string;
  signerFingerprint: string;
  manifestSha256: string;
}

export interface ReadOptions {
  fileName: string;
  passphrase?: string | undefined;
  /**
   * Person fields whose stored values are also wanted column by column (`persons.kept`; integers as
   * numbers): the merge's reading worker counts the summary tables from them without decoding rows again
   */
  keepPersonFields?: readonly string[] | undefined;
  /**
   * Only the records' ids, areas, ID numbers and counts are wanted (a preview): the rows are checked as
   * in any read but not kept, and the tables' `rows` can be counted, not read (packed-rows.ts `countedRows`)
   */
  countRowsOnly?: boolean | undefined;
  /**
   * Packages merged already: one of these, byte for byte under its signature, is not read past its
   * manifest (a preview of a folder that holds them again has nothing to judge in their records)
   */
  known?: readonly KnownPackage[] | undefined;
}

const refuse = (message: string, reason: string, details: Record<string, unknown> = {}) =>
  new ApiError('invalid_file', message, { reason, ...details });

/** The bytes, once they are known to be UTF-8 text without a BOM (decoding them then cannot fail or differ) */
function checkText(bytes: Buffer, entry: string): Buffer {
  if (bytes.length >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf)
    throw refuse(`「${entry}」以 BOM 开头，不符合上报包格式（应为不带 BOM 的 UTF-8）`, 'bom', { entry });
  // One validating pass (simdutf) and a plain decode: several times faster than a fatal TextDecoder,
  // and just as strict (overlong forms, surrogates and truncated sequences are refused).
  if (!isUtf8(bytes)) throw refuse(`「${entry}」含有无效的 UTF-8 编码，文件已损坏或不是 Headcount 生成的`, 'invalid_utf8', { entry });
  return bytes;
}

function decodeText(bytes: Buffer, entry: string): string {
  return checkText(bytes, entry).toString('utf8');
}

function parseJson(bytes: Buffer, entry: string): unknown {
  const text = decodeText(bytes, entry);
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw refuse(`「${entry}」不是有效的 JSON，文件已损坏`, 'bad_json', { entry });
  }
}

/** Opens the envelope if there is one; returns the zip bytes. */
function unwrap(data: Buffer, passphrase: string | undefined): { zip: Buffer; encrypted: boolean } {
  if (data.length === 0) throw refuse('文件是空的，不是上报包', 'empty');
  if (data.length > LIMITS.maxFileBytes) throw refuse('文件过大，不是有效的上报包', 'file_too_large');
  if (isEnvelope(data)) return { zip: decryptEnvelope(data, passphrase), encrypted: true };
  if (looksLikeZip(data)) return { zip: data, encrypted: false };
  throw refuse('文件不是 Headcount 上报包（.hcpkg）：文件头不对', 'not_a_package');
}

/** Reads a whole package; throws an ApiError('invalid_file') whose message a clerk can act on. */
export async function readPackage(data: Buffer, opts: ReadOptions): Promise<ParsedPackage> {
  const { zip: zipBytes, encrypted } = unwrap(data, opts.passphrase);
  const zip = await openZip(zipBytes);
  for (const required of [MANIFEST_FILE, SIGNATURE_FILE]) {
    if (!zip.names.includes(required))
      throw refuse(required === SIGNATURE_FILE ? '上报包缺少签名文件（signature.json），无法确认来源，已拒绝' : '上报包缺少说明文件（datapackage.json）', 'missing_entry', { entry: required });
  }

  // Signature first: nothing in the manifest is believed before it verifies.
  const sigParsed = signatureSchema.safeParse(parseJson(await zip.read(SIGNATURE_FILE), SIGNATURE_FILE));
  if (!sigParsed.success) throw refuse('签名文件（signature.json）内容不完整或格式不正确，无法确认来源', 'bad_signature_file');
  const sig = sigParsed.data;
  const manifestBytes = await zip.read(MANIFEST_FILE);
  const rawKey = Buffer.from(sig.publicKey, 'base64');
  if (!verifySignature(rawKey, manifestBytes, Buffer.from(sig.signature, 'base64')))
    throw refuse('签名验证失败：说明文件（datapackage.json）在签名后被改动过，或签名不属于此文件，已拒绝', 'bad_signature');
  const fingerprint = fingerprintOf(rawKey);

  const json = parseJson(manifestBytes, MANIFEST_FILE);
  const version = (json as { headcount?: { schemaVersion?: unknown } } | null)?.headcount?.schemaVersion;
  if (typeof version !== 'number' || !READABLE_SCHEMA_VERSIONS.includes(version)) {
    throw typeof version === 'number' && version > PACKAGE_SCHEMA_VERSION
      ? refuse(`上报包格式版本为 ${version}，本程序只支持版本 ${PACKAGE_SCHEMA_VERSION}，请升级 Headcount 后再导入`, 'schema_version', { version })
      : refuse(`上报包格式版本「${String(version)}」无法识别，本程序只支持版本 ${PACKAGE_SCHEMA_VERSION}`, 'schema_version', { version: String(version) });
  }
  const parsed = manifestSchema.safeParse(json);
  if (!parsed.success) {
    const first = parsed.error.issues[0];
    throw refuse(`说明文件（datapackage.json）内容不完整：${first?.path.join('.') ?? ''} ${first?.message ?? ''}`.trim(), 'bad_manifest');
  }
  const manifest = parsed.data;
  const head = manifest.headcount;
  const manifestSha256 = sha256Hex(manifestBytes);
  if (opts.known?.some((k) => k.packageId === head.packageId && k.signerFingerprint === fingerprint && k.manifestSha256 === manifestSha256))
    return { fileName: opts.fileName, encrypted, manifest, head, manifestSha256, signer: { publicKey: sig.publicKey, fingerprint }, known: true, ...noRecords() };

  // The resource list must be exactly ours, each once, at its fixed path.
  const entries = new Map<string, Manifest['resources'][number]>();
  for (const r of manifest.resources) {
    const known = RESOURCES.find((k) => k.name === r.name);
    if (!known || known.path !== r.path || entries.has(r.name))
      throw refuse(`说明文件中的资源「${r.name}」（${r.path}）不符合上报包格式`, 'bad_manifest');
    entries.set(r.name, r);
  }
  for (const k of RESOURCES) if (!entries.has(k.name)) throw refuse(`说明文件中缺少资源「${k.name}」`, 'bad_manifest');

  // Every resource's size and hash, all reported together.
  const problems: string[] = [];
  // Checked UTF-8, decoded only by the reader that wants text (the one-pass reader reads the record tables' bytes)
  const texts = new Map<ResourceName, Buffer>();
  for (const k of RESOURCES) {
    const r = entries.get(k.name)!;
    if (!zip.names.includes(k.path)) {
      problems.push(`缺少「${k.path}」`);
      continue;
    }
    const bytes = await zip.read(k.path);
    if (bytes.length !== r.bytes || `sha256:${sha256Hex(bytes)}` !== r.hash) {
      problems.push(`「${k.path}」的校验值与说明文件不符（文件被改动或损坏）`);
      continue;
    }
    texts.set(k.name, checkText(bytes, k.path));
  }
  if (problems.length)
    throw refuse(`上报包内容校验失败：${problems.join('；')}，已拒绝`, 'hash_mismatch', { problems });

  const base = {
    fileName: opts.fileName, encrypted, manifest, head, manifestSha256, signer: { publicKey: sig.publicKey, fingerprint },
  };
  // The one-pass reader takes the packages our writer makes today; anything else, and every refusal,
  // is the general reader's (read-fast.ts).
  if (version === PACKAGE_SCHEMA_VERSION) {
    try {
      return { ...base, ...recordsFast(texts, entries, head, opts.keepPersonFields, !opts.countRowsOnly) };
    } catch {
      // read again below: the general reader accepts or refuses it, with its message
    }
  }
  const general = recordsGeneral(texts, entries, head, version);
  if (opts.keepPersonFields) general.persons.kept = keptColumns(general.persons.rows as SqlValue[][], opts.keepPersonFields);
  if (opts.countRowsOnly) {
    general.persons.rows = countedRows('person', general.persons.rows.length);
    general.units.rows = countedRows('unit', general.units.rows.length);
  }
  return { ...base, ...general };
}

/** The record and side tables of a package whose records were not read (`known`) */
function noRecords(): Pick<ParsedPackage, 'persons' | 'units' | 'explanations' | 'audit' | 'decisions'> {
  const table = (t: TableName) => ({ rows: countedRows(t, 0), ids: [], firstPackages: new Map<string, string>(), areaCodes: new Set<string>(), rowAreas: [] });
  return { persons: { ...table('person'), idNumbers: [] }, units: table('unit'), explanations: [], audit: [], decisions: [] };
}

type Entries = Map<string, Manifest['resources'][number]>;
type Content = Pick<ParsedPackage, 'persons' | 'units' | 'explanations' | 'audit' | 'decisions'>;

function recordsGeneral(texts: Map<ResourceName, Buffer>, entries: Entries, head: HeadcountSection, version: number): Content {
  const tables = new Map<ResourceName, string[][]>();
  for (const k of RESOURCES) {
    const declared = entries.get(k.name)!.rows;
    if (declared > LIMITS.maxRows)
      throw refuse(`说明文件记载「${k.path}」有 ${declared} 行，超过上限 ${LIMITS.maxRows} 行，已拒绝`, 'too_many_rows', { entry: k.path });
    // Versions 1 and 2 carry the frozen person/unit layout of their day (用工形式 since split); version 3
    // lacks only the columns added later in version 3's life. Both are brought to today's columns.
    const legacy = legacyColumns(k.name, version);
    const columns = legacy ? [...legacy] : columnsOf(k.name, version);
    const titles = legacy ? columns : tableSchemaOf(k.name, version).fields.map((f) => f.title ?? f.name);
    const rows = parseCsv(texts.get(k.name)!.toString('utf8'), k.path, columns, titles, declared);
    texts.delete(k.name);
    const declaredFields = entries.get(k.name)!.schema.fields.map((f) => f.name).join(',');
    if (declaredFields !== columns.join(','))
      throw refuse(`说明文件中「${k.path}」的字段与本程序的格式不符`, 'schema_mismatch', { entry: k.path });
    if (rows.length !== entries.get(k.name)!.rows)
      throw refuse(`「${k.path}」有 ${rows.length} 行数据，说明文件记载为 ${entries.get(k.name)!.rows} 行`, 'row_count', { entry: k.path });
    tables.set(k.name, legacy ? upgradeRows(k.name, columns, columnsOf(k.name), rows) : widen(rows, columns, columnsOf(k.name)));
  }

  const provenance = provenanceIndex(tables.get('provenance')!);
  const units = recordTable('unit', tables.get('units')!, provenance);
  const persons = recordTable('person', tables.get('persons')!, provenance);
  const idCol = 2 + fieldsOf.person.findIndex((f) => f.key === 'idNumber');
  const personTable = { ...persons, idNumbers: persons.rows.map((r) => (typeof r[idCol] === 'string' ? (r[idCol] as string) : null)) };
  return sideTables(tables, personTable, units, provenance, head);
}

/** The person fields `keep`, one array of stored values each, integers as numbers (as read-fast.ts keeps them) */
function keptColumns(rows: readonly SqlValue[][], keep: readonly string[]): Map<string, SqlValue[]> {
  return new Map(keep.map((key) => {
    const at = 2 + fieldsOf.person.findIndex((f) => f.key === key);
    if (at < 2) throw new TypeError(`unknown person field ${key}`);
    return [key, rows.map((r) => (typeof r[at] === 'bigint' ? Number(r[at]) : r[at]!))];
  }));
}

/** The same result as recordsGeneral for a package of today's schema that our writer made; throws otherwise */
function recordsFast(texts: Map<ResourceName, Buffer>, entries: Entries, head: HeadcountSection, keep: readonly string[] | undefined, keepRows: boolean): Content {
  const tables = new Map<ResourceName, string[][]>();
  for (const k of RESOURCES) {
    const e = entries.get(k.name)!;
    const columns = columnsOf(k.name);
    if (e.rows > LIMITS.maxRows || e.schema.fields.map((f) => f.name).join(',') !== columns.join(',')) throw new NotFast();
    // The record tables and their provenance are read from their bytes (read-fast.ts)
    if (k.name === 'persons' || k.name === 'units' || k.name === 'provenance') continue;
    const rows = parseCsv(texts.get(k.name)!.toString('utf8'), k.path, columns, columns, e.rows);
    if (rows.length !== e.rows) throw new NotFast();
    tables.set(k.name, rows);
  }
  const provenance = provenanceCursor(texts.get('provenance')!, columnsOf('provenance'), entries.get('provenance')!.rows);
  const records = (table: TableName) => {
    const r = recordResource[table];
    return readRecordsFast(table, texts.get(r)!, columnsOf(r), entries.get(r)!.rows, provenance, table === 'person' ? keep : [], keepRows);
  };
  const units = records('unit');
  const persons = records('person');
  if (!provenanceClaimed(provenance)) throw new NotFast();
  return sideTables(tables, persons, units, new Map(), head);
}

/** Explanations, audit rows and duplicate decisions checked against the records; the declared counts */
function sideTables(
  tables: Map<ResourceName, string[][]>, persons: ParsedPackage['persons'], units: RecordTable, provenance: Map<string, string[]>, head: HeadcountSection,
): Content {
  if (provenance.size > 0) throw refuse(`「provenance.csv」中有 ${provenance.size} 条来源信息找不到对应的记录`, 'provenance');
  const recordKeys = new Set<string>([...persons.ids.map((id) => `person|${id}`), ...units.ids.map((id) => `unit|${id}`)]);
  const explanations = tables.get('explanations')!.map((r, i) => {
    const [table, recordId, field, rule, text, operator, at] = r as [string, string, string, string, string, string, string];
    const line = i + 2;
    if (table !== 'person' && table !== 'unit') throw cellError('explanations.csv', line, 'table', '应为 person 或 unit');
    if (!recordKeys.has(`${table}|${recordId}`)) throw cellError('explanations.csv', line, 'record_id', `记录 ${recordId} 不在本上报包中`);
    if (!rule || !text) throw cellError('explanations.csv', line, 'text', '不能为空');
    return [table, recordId, field, rule, text, operator, at] as [string, string, string, string, string, string, string];
  });
  const actions = new Set(['create', 'update', 'delete', 'restore', 'import']);
  const audit: ReceivedAuditRow[] = tables.get('audit')!.map((r, i) => {
    const [table, recordId, action, field, oldValue, newValue, operator, at] = r as string[];
    const line = i + 2;
    if (table !== 'person' && table !== 'unit') throw cellError('audit.csv', line, 'table', '应为 person 或 unit');
    if (!actions.has(action!)) throw cellError('audit.csv', line, 'action', `「${action}」不是有效的操作`);
    if (!recordId || !operator || !at) throw cellError('audit.csv', line, 'operator', '记录编号、操作员和时间不能为空');
    return { table, recordId, action: action!, field: field || null, oldValue: oldValue || null, newValue: newValue || null, operator, at };
  });
  const decisions: PackageDecisionRow[] = tables.get('duplicate_decisions')!.map((r, i) => {
    const [idNumber, areas, chosenArea, reason, operator, at, decidedBy] = r as string[];
    const line = i + 2;
    if (!idNumber || !areas || !chosenArea || !reason) throw cellError('duplicates.csv', line, 'reason', '证件号码、涉及地区、计入地区和理由不能为空');
    if (chosenArea !== 'error' && !areas.split(',').includes(chosenArea)) throw cellError('duplicates.csv', line, 'chosen_area', `计入地区 ${chosenArea} 不在涉及地区中`);
    return { idNumber, areas, chosenArea, reason, operator: operator ?? '', at: at ?? '', decidedBy: decidedBy ?? '' };
  });

  const c = head.counts;
  const mismatch = [
    ['人员', c.persons, persons.rows.length],
    ['单位', c.units, units.rows.length],
    ['核实说明', c.explanations, explanations.length],
    ['修改记录', c.audit, audit.length],
    ['重复人员决定', c.decisions, decisions.length],
  ].find(([, declared, actual]) => declared !== actual);
  if (mismatch) throw refuse(`说明文件记载${mismatch[0]} ${mismatch[1]} 条，实际为 ${mismatch[2]} 条`, 'count_mismatch');
  return { persons, units, explanations, audit, decisions };
}

/** Rows of an older version's columns laid out in today's, the columns added since left empty */
function widen(rows: string[][], from: readonly string[], to: readonly string[]): string[][] {
  if (from.length === to.length) return rows;
  const at = new Map(from.map((c, i) => [c, i]));
  const pick = to.map((c) => at.get(c) ?? -1);
  for (let i = 0; i < rows.length; i++) {
    const r = rows[i]!;
    rows[i] = pick.map((j) => (j < 0 ? '' : r[j]!));
  }
  return rows;
}

function cellError(entry: string, line: number, column: string, problem: string): ApiError {
  return refuse(`「${entry}」第 ${line} 行「${column}」${problem}，文件不符合上报包格式`, 'bad_cell', { entry, line, column });
}

/** Rows without the header; the header must be exactly `columns`. */
function parseCsv(text: string, entry: string, columns: string[], titles: string[], declaredRows: number): string[][] {
  // Header, the declared rows, the writer's final empty line and one more to prove there is more:
  // a file of millions of tiny lines stops here instead of becoming millions of arrays.
  const result = Papa.parse<string[]>(text, { delimiter: ',', quoteChar: '"', escapeChar: '"', skipEmptyLines: false, dynamicTyping: false, preview: declaredRows + 3 });
  const bad = result.errors.find((e) => e.type === 'Quotes' || e.code === 'MissingQuotes' || e.code === 'InvalidQuotes');
  if (bad) throw refuse(`「${entry}」第 ${(bad.row ?? 0) + 1} 行的引号不成对，文件已损坏`, 'bad_csv', { entry });
  const rows = result.data;
  // The writer ends every line with CRLF, so the last "row" is empty.
  const last = rows[rows.length - 1];
  if (last && last.length === 1 && last[0] === '') rows.pop();
  const header = rows.shift();
  if (!header || header.join(',') !== columns.join(','))
    throw refuse(`「${entry}」的表头与上报包格式不符`, 'bad_header', { entry, expected: columns, found: header ?? [] });
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i]!;
    if (row.length !== columns.length)
      throw refuse(`「${entry}」第 ${i + 2} 行有 ${row.length} 列，应为 ${columns.length} 列，文件已损坏`, 'bad_csv', { entry, line: i + 2 });
    for (let j = 0; j < row.length; j++) {
      if (row[j]!.length > LIMITS.maxFieldChars)
        throw refuse(`「${entry}」第 ${i + 2} 行「${titles[j]}」的内容长达 ${row[j]!.length} 个字符，超过上限 ${LIMITS.maxFieldChars}，已拒绝`, 'field_too_long', { entry, line: i + 2 });
    }
  }
  return rows;
}

type Converter = (cell: string) => SqlValue;

class CellProblem extends Error {}

function converterOf(f: FieldDef): Converter {
  switch (f.type) {
    case 'integer':
    case 'year':
      return (c) => {
        if (c === '') return null;
        if (!/^-?\d{1,15}$/.test(c)) throw new CellProblem(`不是整数：「${c}」`);
        // bigint: the columns are ANY, where a JS number would be stored as REAL
        return BigInt(c);
      };
    case 'boolean':
      return (c) => {
        if (c === '') return null;
        if (c === 'true') return 1n;
        if (c === 'false') return 0n;
        throw new CellProblem(`应为 true 或 false：「${c}」`);
      };
    case 'codes':
      return (c) => {
        if (c === '') return null;
        if (c.split(',').some((x) => x === '')) throw new CellProblem(`代码列表格式不正确：「${c}」`);
        return c;
      };
    default:
      return (c) => (c === '' ? null : c);
  }
}

const converters: Record<TableName, Converter[]> = { person: fieldsOf.person.map(converterOf), unit: fieldsOf.unit.map(converterOf) };

/** provenance.csv keyed by "table|id"; entries are removed as records claim them */
function provenanceIndex(rows: string[][]): Map<string, string[]> {
  const out = new Map<string, string[]>();
  rows.forEach((r, i) => {
    const key = `${r[0]}|${r[1]}`;
    if (r[0] !== 'person' && r[0] !== 'unit') throw cellError('provenance.csv', i + 2, 'table', '应为 person 或 unit');
    if (out.has(key)) throw cellError('provenance.csv', i + 2, 'record_id', '重复');
    out.set(key, r);
  });
  return out;
}

function recordTable(table: TableName, csv: string[][], provenance: Map<string, string[]>): RecordTable & { rows: SqlValue[][] } {
  const entry = table === 'person' ? 'persons.csv' : 'units.csv';
  const conv = converters[table];
  const fields = fieldsOf[table];
  const ids: string[] = [];
  const rowAreas: string[] = [];
  const firstPackages = new Map<string, string>();
  const seen = new Set<string>();
  const areaCodes = new Set<string>();
  const k = 2 + fields.length;
  // The parsed CSV arrays become the insert rows in place: id, area_code, the dictionary's columns,
  // then six provenance columns (recordColumns order).
  const rows = csv as SqlValue[][];
  for (let i = 0; i < csv.length; i++) {
    const r = csv[i]!;
    const line = i + 2;
    const id = r[0]!;
    const area = r[1]!;
    if (!id) throw cellError(entry, line, 'id', '不能为空');
    if (seen.has(id)) throw cellError(entry, line, 'id', `记录编号 ${id} 重复`);
    seen.add(id);
    if (!/^\d{6}$/.test(area)) throw cellError(entry, line, 'area_code', `应为6位行政区划代码：「${area}」`);
    areaCodes.add(area);
    rowAreas.push(area);
    const out = rows[i]!;
    let j = 0;
    try {
      for (; j < fields.length; j++) out[2 + j] = conv[j]!(r[2 + j] as string);
    } catch (e) {
      if (e instanceof CellProblem) throw cellError(entry, line, `${fields[j]!.column}（${fieldLabel(table, fields[j]!.key)}）`, e.message);
      throw e;
    }
    const key = `${table}|${id}`;
    const p = provenance.get(key);
    if (!p) throw refuse(`「${entry}」第 ${line} 行的记录在 provenance.csv 中没有来源信息`, 'provenance', { entry, line });
    provenance.delete(key);
    const file = p[3]!;
    const row = p[5]!;
    if (!p[6] || !p[7] || !p[8]) throw cellError('provenance.csv', line, 'created_by', '录入人和时间不能为空');
    if (row && !/^\d{1,9}$/.test(row)) throw cellError('provenance.csv', line, 'source_row', `不是行号：「${row}」`);
    out[k] = file || null;
    out[k + 1] = p[4] || null;
    out[k + 2] = file && row ? BigInt(row) : null;
    out[k + 3] = p[6];
    out[k + 4] = p[7];
    out[k + 5] = p[8];
    ids.push(id);
    const first = p[2] ?? '';
    const known = firstPackages.get(area);
    if (known === undefined) firstPackages.set(area, first);
    else if (known !== first) throw cellError('provenance.csv', line, 'origin_package', `与同一地区代码 ${area} 的其他记录不同`);
  }
  return { rows, ids, firstPackages, areaCodes, rowAreas };
}
