/**
 * 010: persons.id is kept unique by an ordinary UNIQUE index (`persons_id`) instead of a PRIMARY KEY.
 * The key's autoindex could not be dropped; record ids are the senders' random strings, so in a
 * province's bulk merge every package dirtied most of that index and each commit wrote its pages
 * again — the largest part of the merge's writing. A named index can be dropped for a bulk merge and
 * built once at the end like the others (services/packages/bulk.ts); lookups by id use it as before.
 *
 * Rebuilt the way SQLite documents for changes ALTER TABLE cannot make: a new table from the current
 * definition (every column, CHECK and STRICT as they stand after 001–009), the rows copied with their
 * rowids (the order records are listed in), the old table dropped, the new one renamed, its indexes
 * created again — all inside this migration's transaction. The index list is read from the file:
 * indexes a bulk merge that died had dropped are not here, and come back from `meta` when the file
 * is opened (repos/packages.ts). Frozen once shipped.
 */
import type { Migration } from './types';

export const migration010: Migration = {
  version: 10,
  name: 'persons_id_index',
  up(db) {
    const sql = db.prepare(`SELECT sql FROM sqlite_schema WHERE type = 'table' AND name = 'persons'`).pluck().get() as string;
    const key = /\bid TEXT PRIMARY KEY,/g;
    if ((sql.match(key) ?? []).length !== 1 || !/^CREATE TABLE persons \(/.test(sql)) throw new Error('persons: unexpected definition');
    const indexes = db
      .prepare(`SELECT sql FROM sqlite_schema WHERE type = 'index' AND tbl_name = 'persons' AND sql IS NOT NULL ORDER BY name`)
      .pluck()
      .all() as string[];
    const cols = (db.prepare(`SELECT name FROM pragma_table_info('persons') ORDER BY cid`).pluck().all() as string[]).join(', ');
    db.exec(sql.replace(/^CREATE TABLE persons \(/, 'CREATE TABLE persons_010 (').replace(key, 'id TEXT NOT NULL,'));
    db.exec(`INSERT INTO persons_010 (rowid, ${cols}) SELECT rowid, ${cols} FROM persons ORDER BY rowid`);
    db.exec(`DROP TABLE persons`);
    db.exec(`ALTER TABLE persons_010 RENAME TO persons`);
    db.exec(`CREATE UNIQUE INDEX persons_id ON persons (id)`);
    for (const ix of indexes) db.exec(ix);
  },
};
