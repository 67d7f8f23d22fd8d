/**
 * 008: each received package's persons counted into the summary tables' person cells, kept with the
 * package (services/reports/package-counts.ts). Derived data: a row whose key no longer matches the
 * tables is ignored and counted again, so dropping the table loses nothing but time. Frozen once shipped.
 */
import type { Migration } from './types';

export const migration008: Migration = {
  version: 8,
  name: 'package_person_counts',
  up(db) {
    db.exec(`
CREATE TABLE package_person_counts (
  package_id TEXT PRIMARY KEY,        -- packages.id
  manifest_sha256 TEXT NOT NULL,      -- the content the counts were made from
  counts_key TEXT NOT NULL,           -- what the counts depend on besides the records (tables, sub-areas, date), hashed
  cells BLOB NOT NULL                 -- every table's person cells, little-endian doubles
) STRICT;
`);
  },
};
