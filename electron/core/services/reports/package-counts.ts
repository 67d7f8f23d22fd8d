/**
 * A received package's persons counted into the tables' person cells while the merge reads it.
 *
 * The merge's reading worker already holds every row of a package in JS (packed for the writing
 * thread), and it has time to spare: the writing thread, not the reader, sets a merge's pace. Counting
 * there costs the statistician nothing, whereas counting a million persons afterwards from SQLite takes
 * ~10 s on one thread (bench/README.md, reports). The counts then live with the package in the file
 * (`store.personCounts`), so the summary tables after a merge — and after the file is opened again —
 * only add them up.
 *
 * The conditions are evaluated by the pure evaluator (shared/reports/filter.ts), whose semantics the
 * store's SQL follows cell by cell (records-filter.ts); `report-upper-counts.test.ts` checks that the
 * tables agree either way.
 */
import { createHash } from 'node:crypto';
import { LEAVE_CODES } from '../../../../shared/census/change';
import type { RecordData } from '../../../../shared/census/schema';
import { countPersonColumns, personFieldsRead, type PersonCounts } from '../../../../shared/reports/aggregate';
import { countingReportEnv, type CountingEnv } from '../../../../shared/reports/env';
import type { RecordFilter } from '../../../../shared/reports/filter';
import { codeColumn, type PersonColumns } from '../../../../shared/reports/person-columns';
import { codecFor, dataFromSql, type SqlValue } from '../../db/columns';

/** Persons who left since the last census stay in the file for 表6 only */
export const PRESENT: RecordFilter = [{ field: 'change', op: 'notIn', values: [...LEAVE_CODES] }];

/** The person fields a package's counts read (ask the reader to keep them: ReadOptions.keepPersonFields) */
export function countedPersonFields(counting: CountingEnv): string[] {
  return [...new Set([...personFieldsRead(countingReportEnv(counting)), ...PRESENT.map((c) => c.field)])];
}

/**
 * The person counts of one package: its units' rows, its persons' ids and the stored values of
 * `countedPersonFields` column by column, as the reader kept them while reading (decoding every row
 * of the packed form again cost twice as much). Counted by column: each condition once per distinct
 * value (shared/reports/person-columns.ts), 23 against 40 ms per 10,000 persons record by record.
 */
export function countKeptPersons(
  counting: CountingEnv, unitRows: Iterable<readonly SqlValue[]>, ids: readonly string[], kept: ReadonlyMap<string, readonly SqlValue[]>,
): PersonCounts {
  const env = countingReportEnv(counting);
  const unitData = new Map<string, RecordData>();
  // Integers as SQLite hands them back (numbers), whichever form the rows carry them in
  for (const raw of unitRows) unitData.set(raw[0] as string, dataFromSql('unit', raw.map((v) => (typeof v === 'bigint' ? Number(v) : v)), 2));
  const persons: PersonColumns = {
    size: ids.length,
    ids,
    column(key) {
      const values = kept.get(key);
      if (!values || values.length !== ids.length) throw new Error(`the reader did not keep person field ${key}`);
      const codec = codecFor('person', key);
      return codeColumn(values, (v) => codec.fromSql(v));
    },
  };
  return countPersonColumns(env, unitData, persons, PRESENT);
}

/**
 * `countKeptPersons` for the merge: the counts are derived data, so a package is never refused over
 * them — without counts, the tables count its persons from the store the first time they are shown.
 */
export function countsWhileReading(
  counting: CountingEnv | undefined, unitRows: Iterable<readonly SqlValue[]>, ids: readonly string[], kept: ReadonlyMap<string, readonly SqlValue[]> | undefined,
): PersonCounts | undefined {
  if (!counting || !kept) return undefined;
  try {
    return countKeptPersons(counting, unitRows, ids, kept);
  } catch {
    return undefined;
  }
}

/**
 * Bumped when what a key does not say changes the counts (code lists, age bands, how a condition is
 * evaluated): counts kept in a file by an older program are then counted again, never added.
 */
const COUNTS_FORMAT = 1;

/** The short form of a counts key that a file keeps beside each package's counts */
export function storedCountsKey(key: string): string {
  return createHash('sha256').update(`${COUNTS_FORMAT}\n${key}`).digest('hex');
}

/** The cells of every table, one after the other, as little-endian doubles */
export function encodeCounts(c: PersonCounts): Buffer {
  const total = c.cells.reduce((n, t) => n + t.length, 0);
  const out = Buffer.alloc(total * 8);
  let at = 0;
  for (const t of c.cells) for (const v of t) at = out.writeDoubleLE(v, at);
  return out;
}

/**
 * Counts read back in the shape of `template` (empty counts under the report's environment, whose key
 * they take); null when the bytes do not fit its tables (a damaged or foreign row).
 */
export function decodeCounts(template: PersonCounts, blob: Uint8Array): PersonCounts | null {
  const total = template.cells.reduce((n, t) => n + t.length, 0);
  if (blob.byteLength !== total * 8) return null;
  const view = new DataView(blob.buffer, blob.byteOffset, blob.byteLength);
  let at = 0;
  const cells = template.cells.map((t) => new Float64Array(t.length));
  for (const t of cells) {
    for (let i = 0; i < t.length; i++, at += 8) {
      const v = view.getFloat64(at, true);
      if (!Number.isInteger(v) || v < 0) return null;
      t[i] = v;
    }
  }
  return { key: template.key, cells };
}
