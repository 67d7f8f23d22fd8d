/**
 * A stage file: records an import will add, written by another thread while the importing thread
 * still plans and validates, then moved into the census in one `INSERT … SELECT` (repos/imports.ts
 * `attachStage`).
 *
 * Why: binding ~45 values per row through better-sqlite3 is what a census-size insert costs — 100k
 * persons take ~1.0 s of the importing thread that way, and 0.2 s as one INSERT … SELECT from a
 * table SQLite already holds (bench/README.md, session 13). The values still have to be bound once,
 * but on a thread that would otherwise wait.
 *
 * The file is scratch: no journal file, no sync, no constraints; one table `rows` whose columns are the
 * record's columns (`recordColumns`, given by the caller) without types, so every value keeps the type
 * it was bound with. This module loads nothing of the census database but the driver: the worker that
 * writes stage files imports it alone.
 * It sits beside the census file (the same folder and permissions as the data it copies) under a
 * name that says what it is, and is deleted once the import is written or dropped; one left by a
 * crash is deleted the next time the census is opened (`removeStaleStageFiles`).
 */
import { rmSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import Database from 'better-sqlite3';
import type { SqlValue } from './columns';
import { leftByEndedProcesses } from '../fs/process';

export interface StageFile {
  /** Appends rows in `recordColumns` order */
  insert(rows: readonly (readonly SqlValue[])[]): void;
  /** Writes what is pending and closes; returns the number of rows */
  finish(): number;
  /** Closes (if open) and deletes the file */
  remove(): void;
}

const STAGE_MARK = '.import-stage-';

/**
 * Where a census file's stage files go: beside it, named after it and the process writing it (two
 * processes may import into one census; each one's stage files are its own).
 */
export function stageFilePath(censusPath: string, id: string): string {
  return join(dirname(censusPath), `.${basename(censusPath)}${STAGE_MARK}${process.pid}-${id}`);
}

export function createStageFile(path: string, columns: readonly string[]): StageFile {
  const cols = columns.map((c) => {
    if (!/^[a-z][a-z0-9_]*$/.test(c)) throw new Error(`stage file: bad column name ${JSON.stringify(c)}`);
    return c;
  });
  const db = new Database(path);
  let count = 0;
  try {
    // MEMORY, not OFF: better-sqlite3 opens connections in defensive mode, which refuses OFF
    db.pragma('journal_mode = MEMORY');
    db.pragma('synchronous = OFF');
    db.exec(`DROP TABLE IF EXISTS rows; CREATE TABLE rows (${cols.join(', ')})`);
    db.exec('BEGIN');
  } catch (e) {
    db.close();
    rmSync(path, { force: true });
    throw e;
  }
  const insert = db.prepare(`INSERT INTO rows VALUES (${cols.map(() => '?').join(', ')})`);
  return {
    insert(rows) {
      for (const r of rows) insert.run(r);
      count += rows.length;
    },
    finish() {
      db.exec('COMMIT');
      db.close();
      return count;
    },
    remove() {
      if (db.open) db.close();
      removeStageFile(path);
    },
  };
}

/** Deletes a stage file; one that cannot be deleted now is left to the next open's sweep */
export function removeStageFile(path: string): void {
  try {
    rmSync(path, { force: true });
  } catch {
    // swept by removeStaleStageFiles once this process has ended
  }
}

/** Stage files a crashed process left beside the census file at `censusPath` (those of live processes stay) */
export function removeStaleStageFiles(censusPath: string): void {
  // A file that cannot be deleted now (held open elsewhere) must not keep the census from opening
  for (const n of leftByEndedProcesses(dirname(censusPath), `.${basename(censusPath)}${STAGE_MARK}`)) removeStageFile(join(dirname(censusPath), n));
}
