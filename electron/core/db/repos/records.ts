/**
 * Persons and units. Both tables share one shape (id, area code, dictionary columns, provenance,
 * timestamps), so one generic repository serves both; the few lookups that only make sense for one
 * table are added on top.
 */
import { fieldsOf, type TableName } from '../../../../shared/census/dictionary';
import type { RecordData, RecordRow } from '../../../../shared/census/schema';
import type { RecordFilter } from '../../../../shared/reports/filter';
import { cellTextsInto, codecFor, codecsOf, dataFromSql, dataToSqlInto, tableOf, type SqlValue } from '../columns';
import { sqliteOf, type Db } from '../handle';
import type Database from 'better-sqlite3';
import { filterSql } from './records-filter';

export interface ListQuery {
  offset?: number;
  limit?: number;
  /** Matches a name containing it, or an ID number / credit code starting with it */
  search?: string;
  /** Field conditions that must all hold (shared/reports/filter.ts), evaluated in SQL */
  filter?: RecordFilter;
}

export interface RecordRepo {
  readonly table: TableName;
  /** All rows, or those with one of `areas` as their area code */
  count(areas?: readonly string[]): number;
  /** How many rows each area code has, by code */
  countByArea(): { code: string; count: number }[];
  list(query?: ListQuery): { total: number; rows: RecordRow[] };
  get(id: string): RecordRow | null;
  /** The rows that exist, in the order of `ids` */
  getMany(ids: readonly string[]): RecordRow[];
  /**
   * Every row, ordered like `list`, streamed. The connection is busy meanwhile: reads may run, but a
   * write before the iteration finishes throws ("connection is busy"); collect changes and write after.
   */
  iterate(scope?: RecordScope): Generator<RecordRow, void, undefined>;
  /**
   * Every row in `iterate`'s order as the text of a return package's cells (`cellTextsInto`), without
   * building a RecordRow per row. The same object is yielded each time, refilled: use it before asking
   * for the next. The connection is busy meanwhile, as with `iterate`.
   */
  packageRows(): Generator<PackageCells, void, undefined>;
  /**
   * Every row in storage (rowid) order, streamed: for passes whose result does not depend on order
   * (the summary tables). Walking the created_at index instead would fetch a million rows one page
   * read at a time in scattered order.
   */
  scan(): Generator<RecordRow, void, undefined>;
  /**
   * Like `scan`, reading only the dictionary fields `keys`: `{ id, data }` with just those in `data`.
   * Reading any other dictionary field of such a record throws, so a caller that forgot a field fails
   * loudly instead of counting it as empty.
   */
  scanFields(keys: readonly string[]): Generator<{ id: string; data: RecordData }, void, undefined>;
  /**
   * The records matching `where`, in storage order, each with `conditions` evaluated by SQLite — `pass[i]` is 1
   * when the record meets `conditions[i]` — and only the `keys` fields read (others throw, as in scanFields).
   * Summaries over a million records test their conditions here rather than build each record in JS.
   * Each row also carries the record's area code. The row yielded is reused for the next record: read it before
   * asking for the next.
   */
  scanEvaluated(conditions: readonly RecordFilter[], keys: readonly string[], where: RecordFilter, scope?: RecordScope): Generator<{ areaCode: string; data: RecordData; pass: number[] }, void, undefined>;
  /**
   * Up to `limit` rows after rowid `after` (0 to start), in rowid order, with the last rowid read:
   * whole-table exports page this way, since OFFSET would re-skip every earlier row on each page.
   */
  chunkAfter(after: number, limit: number): { rows: RecordRow[]; last: number };
  /** The rows whose area code is none of `areaCodes` (at an upper level: those not brought by a package) */
  outside(areaCodes: readonly string[]): RecordRow[];
  /**
   * Every row as a compact array, in no particular order: the id, the area code, then the stored
   * values of the dictionary fields `keys`. For whole-census passes that need a few columns only
   * (counting ID numbers over a million persons without building a million records).
   */
  iterateFields(keys: readonly string[], scope?: RecordScope): Generator<unknown[], void, undefined>;
  insert(row: RecordRow): void;
  /** Many rows in one transaction (joins the caller's transaction if there is one) */
  insertMany(rows: Iterable<RecordRow>): number;
  /** Sets the fields present in `data`; false when there is no such record */
  update(id: string, data: RecordData, updatedAt: string): boolean;
  /** Deletes and returns how many existed */
  remove(ids: readonly string[]): number;
  /**
   * A page of rows in `list` order as compact arrays: the id, then every data column in dictionary
   * order (the spreadsheet grid loads 100k rows this way, without building RecordRow objects).
   * With `areas`, only rows with one of these area codes, ordered by area code then rowid: that order
   * comes straight off the area-code index, where `list` order would sort the areas' rows again for
   * every page (55–370 ms a page for a 220,000-row 市州).
   */
  page(offset: number, limit: number, areas?: readonly string[]): { id: string; values: RecordData[string][] }[];
  /** Ids of the records whose dictionary field `key` holds one of `values` (exact match, indexed columns stay fast) */
  idsWhereIn(key: string, values: readonly string[]): string[];
}

/**
 * A subset of rows by area code (at an upper level: the records still to validate): those whose area
 * code is one of `areas`, plus, when `outsideOf` is given, those whose area code is none of `outsideOf`.
 */
export interface RecordScope {
  areas: readonly string[];
  outsideOf?: readonly string[] | undefined;
}

export interface PersonRepo extends RecordRepo {
  readonly table: 'person';
  findByIdNumber(idNumber: string): RecordRow[];
  /** How many persons name this unit as theirs */
  countByUnit(unitId: string): number;
  /** The same, leaving out those whose 变动情况 is one of `leaveCodes` (they left since the last census) */
  countByUnitExcept(unitId: string, leaveCodes: readonly string[]): number;
  /** Persons whose 变动情况 is one of `codes` */
  countByChange(codes: readonly string[]): number;
}

export interface UnitOption {
  id: string;
  name: string;
  creditCode: string | null;
}

export interface UnitRepo extends RecordRepo {
  readonly table: 'unit';
  findByName(name: string): RecordRow[];
  findByCreditCode(code: string): RecordRow[];
  options(search?: string, limit?: number): UnitOption[];
}

/** The column an ID-like search matches by prefix */
const codeColumnOf: Record<TableName, string> = { person: 'id_number', unit: 'credit_code' };

const HEAD = ['id', 'area_code'];
const TAIL = ['source_file', 'source_sheet', 'source_row', 'created_by', 'created_at', 'updated_at'];

/** A record as the text of its cells in a return package (RecordRepo.packageRows) */
export interface PackageCells {
  /** id, area_code, then every field's cell in dictionary order: the record's CSV row */
  cells: string[];
  areaCode: string;
  /** Its source file, sheet and row ('' each without a source), then created_by, created_at, updated_at */
  provenance: string[];
}

/** LIKE pattern text with its wildcards escaped (ESCAPE '\') */
function likeEscape(s: string): string {
  return s.replace(/[\\%_]/g, (c) => '\\' + c);
}

class Statements {
  private readonly cache = new Map<string, Database.Statement>();
  constructor(private readonly sqlite: Database.Database) {}
  get(sql: string, raw = false): Database.Statement {
    const key = (raw ? 'raw:' : '') + sql;
    let stmt = this.cache.get(key);
    if (!stmt) {
      stmt = this.sqlite.prepare(sql);
      if (raw) stmt.raw(true);
      this.cache.set(key, stmt);
    }
    return stmt;
  }
}

/** Conditions packed into one SQLite integer (JS bit operations take 32 bits; 30 keeps clear of the sign) */
const BITS_PER_WORD = 30;

/** A prototype whose dictionary fields, other than `keys`, throw when read (see `scanFields`) */
function unreadGuard(table: TableName, keys: readonly string[]): object {
  const proto = {};
  for (const f of fieldsOf[table]) {
    if (keys.includes(f.key)) continue;
    Object.defineProperty(proto, f.key, {
      get() {
        throw new Error(`${table}.${f.key} was not read by scanFields`);
      },
    });
  }
  return proto;
}

/** The WHERE clause of a scope and its parameters; `areas` alone stays on the area-code index */
function scopeWhere(scope: RecordScope): [string, string[]] {
  const inAreas = 'area_code IN (SELECT value FROM json_each(?))';
  if (!scope.outsideOf) return [inAreas, [JSON.stringify(scope.areas)]];
  return [`(${inAreas} OR area_code NOT IN (SELECT value FROM json_each(?)))`, [JSON.stringify(scope.areas), JSON.stringify(scope.outsideOf)]];
}

function baseRepo(db: Db, table: TableName) {
  const sqlite = sqliteOf(db);
  const st = new Statements(sqlite);
  const name = tableOf[table];
  const dataColumns = codecsOf(table).map((c) => c.column);
  const allColumns = [...HEAD, ...dataColumns, ...TAIL];
  const dataOffset = HEAD.length;
  // Every write below that changed rows counts itself when they are units (UnitWritesRepo).
  const wrote = table === 'unit' ? (rows: number) => void (rows > 0 && db.unitWrites++) : () => undefined;
  const tailOffset = HEAD.length + dataColumns.length;
  const select = `SELECT ${allColumns.join(', ')} FROM ${name}`;
  const order = 'ORDER BY created_at, rowid';
  const searchWhere = `WHERE name LIKE '%' || :s || '%' ESCAPE '\\' OR ${codeColumnOf[table]} LIKE :s || '%' ESCAPE '\\'`;
  const insertStmt = st.get(
    `INSERT INTO ${name} (${allColumns.join(', ')}) VALUES (${allColumns.map(() => '?').join(', ')})`,
  );

  function fromRaw(raw: unknown[]): RecordRow {
    const t = tailOffset;
    const file = raw[t] as string | null;
    const sheet = raw[t + 1] as string | null;
    return {
      id: raw[0] as string,
      areaCode: raw[1] as string,
      data: dataFromSql(table, raw, dataOffset),
      source: file === null ? null : { file, ...(sheet === null ? {} : { sheet }), row: raw[t + 2] as number },
      createdBy: raw[t + 3] as string,
      createdAt: raw[t + 4] as string,
      updatedAt: raw[t + 5] as string,
    };
  }

  function toRaw(row: RecordRow): SqlValue[] {
    const out = new Array<SqlValue>(allColumns.length);
    out[0] = row.id;
    out[1] = row.areaCode;
    dataToSqlInto(table, row.data, out, dataOffset);
    const t = tailOffset;
    out[t] = row.source?.file ?? null;
    out[t + 1] = row.source?.sheet ?? null;
    out[t + 2] = row.source?.row ?? null;
    out[t + 3] = row.createdBy;
    out[t + 4] = row.createdAt;
    out[t + 5] = row.updatedAt;
    return out;
  }

  function rowsWhere(where: string, ...params: unknown[]): RecordRow[] {
    return (st.get(`${select} ${where} ${order}`, true).all(...params) as unknown[][]).map(fromRaw);
  }

  const repo: RecordRepo = {
    table,
    count: (areas) =>
      (areas
        ? st.get(`SELECT count(*) FROM ${name} WHERE area_code IN (SELECT value FROM json_each(?))`).pluck().get(JSON.stringify(areas))
        : st.get(`SELECT count(*) FROM ${name}`).pluck().get()) as number,
    countByArea: () =>
      (st.get(`SELECT area_code, count(*) FROM ${name} GROUP BY area_code ORDER BY area_code`, true).all() as [string, number][]).map(([code, count]) => ({ code, count })),
    list({ offset = 0, limit = 100, search, filter } = {}) {
      const s = search?.trim();
      if (filter?.length) {
        const f = filterSql(table, filter);
        const where = s ? `WHERE (${searchWhere.slice(6)}) AND ${f.sql}` : `WHERE ${f.sql}`;
        const params = s ? [{ s: likeEscape(s) }, ...f.params] : f.params;
        return {
          total: sqlite.prepare(`SELECT count(*) FROM ${name} ${where}`).pluck().get(...params) as number,
          rows: (sqlite.prepare(`${select} ${where} ${order} LIMIT ? OFFSET ?`).raw(true).all(...params, limit, offset) as unknown[][]).map(fromRaw),
        };
      }
      if (!s) {
        return {
          total: repo.count(),
          rows: (st.get(`${select} ${order} LIMIT ? OFFSET ?`, true).all(limit, offset) as unknown[][]).map(fromRaw),
        };
      }
      const params = { s: likeEscape(s), limit, offset };
      return {
        total: st.get(`SELECT count(*) FROM ${name} ${searchWhere}`).pluck().get({ s: params.s }) as number,
        rows: (st.get(`${select} ${searchWhere} ${order} LIMIT :limit OFFSET :offset`, true).all(params) as unknown[][]).map(fromRaw),
      };
    },
    get(id) {
      const raw = st.get(`${select} WHERE id = ?`, true).get(id) as unknown[] | undefined;
      return raw ? fromRaw(raw) : null;
    },
    getMany(ids) {
      if (!ids.length) return [];
      const found = new Map(
        (st.get(`${select} WHERE id IN (SELECT value FROM json_each(?))`, true).all(JSON.stringify(ids)) as unknown[][])
          .map(fromRaw)
          .map((r) => [r.id, r]),
      );
      const out: RecordRow[] = [];
      for (const id of new Set(ids)) {
        const r = found.get(id);
        if (r) out.push(r);
      }
      return out;
    },
    *iterate(scope) {
      if (!scope) {
        for (const raw of st.get(`${select} ${order}`, true).iterate() as IterableIterator<unknown[]>) yield fromRaw(raw);
        return;
      }
      // `+created_at`: sort the few scoped rows rather than walk the whole created_at index to find them
      const [where, params] = scopeWhere(scope);
      for (const raw of st.get(`${select} WHERE ${where} ORDER BY +created_at, rowid`, true).iterate(...params) as IterableIterator<unknown[]>) yield fromRaw(raw);
    },
    *packageRows() {
      const fields = dataColumns.length;
      const out: PackageCells = { cells: new Array<string>(HEAD.length + fields), areaCode: '', provenance: new Array<string>(TAIL.length) };
      const t = tailOffset;
      for (const raw of st.get(`${select} ${order}`, true).iterate() as IterableIterator<unknown[]>) {
        out.cells[0] = raw[0] as string;
        out.cells[1] = out.areaCode = raw[1] as string;
        cellTextsInto(table, raw, dataOffset, out.cells, HEAD.length);
        // As a RecordRow's source gives them: no file, no source at all
        const file = raw[t] as string | null;
        out.provenance[0] = file ?? '';
        out.provenance[1] = file === null ? '' : ((raw[t + 1] as string | null) ?? '');
        out.provenance[2] = file === null ? '' : String(raw[t + 2]);
        out.provenance[3] = raw[t + 3] as string;
        out.provenance[4] = raw[t + 4] as string;
        out.provenance[5] = raw[t + 5] as string;
        yield out;
      }
    },
    *scan() {
      for (const raw of st.get(`${select} ORDER BY rowid`, true).iterate() as IterableIterator<unknown[]>) yield fromRaw(raw);
    },
    chunkAfter(after, limit) {
      // rowid last, past the columns fromRaw reads: no copy of each row without it
      const raws = st.get(`SELECT ${allColumns.join(', ')}, rowid FROM ${name} WHERE rowid > ? ORDER BY rowid LIMIT ?`, true).all(after, limit) as unknown[][];
      return { rows: raws.map(fromRaw), last: raws.length ? Number(raws[raws.length - 1]![allColumns.length]) : after };
    },
    outside(areaCodes) {
      return (st.get(`${select} WHERE area_code NOT IN (SELECT value FROM json_each(?)) ${order}`, true).all(JSON.stringify(areaCodes)) as unknown[][]).map(fromRaw);
    },
    *scanFields(keys) {
      const codecs = keys.map((k) => codecFor(table, k));
      const proto = unreadGuard(table, keys);
      const stmt = st.get(`SELECT id${codecs.map((c) => `, ${c.column}`).join('')} FROM ${name} ORDER BY rowid`, true);
      for (const raw of stmt.iterate() as IterableIterator<unknown[]>) {
        const data = Object.create(proto) as RecordData;
        for (let i = 0; i < codecs.length; i++) data[codecs[i]!.key] = codecs[i]!.fromSql(raw[i + 1]);
        yield { id: raw[0] as string, data };
      }
    },
    *scanEvaluated(conditions, keys, where, scope) {
      const codecs = keys.map((k) => codecFor(table, k));
      const proto = unreadGuard(table, keys);
      const tests = conditions.map((c) => filterSql(table, c));
      const w = filterSql(table, where);
      // The conditions' results travel packed, 30 to an integer: a value handed from SQLite to JS costs more than the test.
      const words: string[] = [];
      for (let i = 0; i < tests.length; i += BITS_PER_WORD)
        words.push(tests.slice(i, i + BITS_PER_WORD).map((t, b) => `(coalesce(${t.sql}, 0) << ${b})`).join(' | '));
      const n = words.length;
      const columns = [...words, 'area_code', ...codecs.map((c) => c.column)];
      // Not cached: the conditions' lists (townships, duplicates left out) are bound as parameters, but a
      // statement per report is cheap beside the scan.
      const [inScope, scopeParams] = scope ? scopeWhere(scope) : ['1', []];
      const stmt = sqlite.prepare(`SELECT ${columns.join(', ')} FROM ${name} WHERE ${w.sql} AND ${inScope}`).raw(true);
      // One row object, refilled for each record: a million short-lived objects cost more than the tallies.
      const row = { areaCode: '', data: Object.create(proto) as RecordData, pass: new Array<number>(tests.length).fill(0) };
      const { data, pass } = row;
      for (const raw of stmt.iterate(...tests.flatMap((t) => t.params), ...w.params, ...scopeParams) as IterableIterator<unknown[]>) {
        row.areaCode = raw[n] as string;
        for (let i = 0; i < codecs.length; i++) data[codecs[i]!.key] = codecs[i]!.fromSql(raw[n + 1 + i]);
        for (let i = 0; i < tests.length; i++) pass[i] = ((raw[(i / BITS_PER_WORD) | 0] as number) >> i % BITS_PER_WORD) & 1;
        yield row;
      }
    },
    *iterateFields(keys, scope) {
      const codecs = keys.map((k) => codecFor(table, k));
      const [where, params] = scope ? scopeWhere(scope) : ['1', []];
      const stmt = st.get(`SELECT id, area_code${codecs.map((c) => `, ${c.column}`).join('')} FROM ${name} WHERE ${where}`, true);
      for (const raw of stmt.iterate(...params) as IterableIterator<unknown[]>) {
        for (let i = 0; i < codecs.length; i++) raw[i + 2] = codecs[i]!.fromSql(raw[i + 2]);
        yield raw;
      }
    },
    insert(row) {
      insertStmt.run(toRaw(row));
      wrote(1);
    },
    insertMany(rows) {
      const n = sqlite.transaction(() => {
        let n = 0;
        for (const row of rows) {
          insertStmt.run(toRaw(row));
          n++;
        }
        return n;
      }).immediate();
      wrote(n);
      return n;
    },
    update(id, data, updatedAt) {
      const keys = Object.keys(data);
      const codecs = keys.map((k) => codecFor(table, k));
      const sets = [...codecs.map((c) => `${c.column} = ?`), 'updated_at = ?'].join(', ');
      const values = codecs.map((c) => c.toSql(data[c.key]));
      const changed = st.get(`UPDATE ${name} SET ${sets} WHERE id = ?`).run(...values, updatedAt, id).changes;
      wrote(changed);
      return changed > 0;
    },
    remove(ids) {
      if (!ids.length) return 0;
      const removed = st.get(`DELETE FROM ${name} WHERE id IN (SELECT value FROM json_each(?))`).run(JSON.stringify(ids)).changes;
      wrote(removed);
      return removed;
    },
    page(offset, limit, areas) {
      const codecs = codecsOf(table);
      const raws = (areas
        ? st.get(`SELECT id, ${dataColumns.join(', ')} FROM ${name} WHERE area_code IN (SELECT value FROM json_each(?)) ORDER BY area_code, rowid LIMIT ? OFFSET ?`, true)
          .all(JSON.stringify(areas), limit, offset)
        : st.get(`SELECT id, ${dataColumns.join(', ')} FROM ${name} ${order} LIMIT ? OFFSET ?`, true).all(limit, offset)) as unknown[][];
      return raws.map((raw) => ({ id: raw[0] as string, values: codecs.map((c, i) => c.fromSql(raw[i + 1])) }));
    },
    idsWhereIn(key, values) {
      if (!values.length) return [];
      const column = codecFor(table, key).column;
      return st.get(`SELECT id FROM ${name} WHERE ${column} IN (SELECT value FROM json_each(?))`).pluck().all(JSON.stringify(values)) as string[];
    },
  };
  return { repo, rowsWhere, st };
}

export function recordRepo(db: Db, table: 'person'): PersonRepo;
export function recordRepo(db: Db, table: 'unit'): UnitRepo;
export function recordRepo(db: Db, table: TableName): PersonRepo | UnitRepo;
export function recordRepo(db: Db, table: TableName): PersonRepo | UnitRepo {
  const { repo, rowsWhere, st } = baseRepo(db, table);
  if (table === 'person') {
    return {
      ...repo,
      table,
      findByIdNumber: (idNumber) => rowsWhere('WHERE id_number = ?', idNumber),
      countByUnit: (unitId) => st.get('SELECT count(*) FROM persons WHERE unit_id = ?').pluck().get(unitId) as number,
      countByUnitExcept: (unitId, leaveCodes) =>
        st.get(`SELECT count(*) FROM persons WHERE unit_id = ? AND coalesce(change_status, '') NOT IN (SELECT value FROM json_each(?))`)
          .pluck().get(unitId, JSON.stringify(leaveCodes)) as number,
      countByChange: (codes) =>
        st.get('SELECT count(*) FROM persons WHERE change_status IN (SELECT value FROM json_each(?))').pluck().get(JSON.stringify(codes)) as number,
    };
  }
  return {
    ...repo,
    table,
    findByName: (name) => rowsWhere('WHERE name = ?', name),
    findByCreditCode: (code) => rowsWhere('WHERE credit_code = ?', code),
    options(search, limit = 50) {
      const s = search?.trim();
      const rows = s
        ? st
            .get(
              `SELECT id, coalesce(name, '') AS name, credit_code AS creditCode FROM units
               WHERE name LIKE '%' || ? || '%' ESCAPE '\\' OR credit_code LIKE ? || '%' ESCAPE '\\'
               ORDER BY name, rowid LIMIT ?`,
            )
            .all(likeEscape(s), likeEscape(s), limit)
        : st.get(`SELECT id, coalesce(name, '') AS name, credit_code AS creditCode FROM units ORDER BY name, rowid LIMIT ?`).all(limit);
      return rows as UnitOption[];
    },
  };
}
