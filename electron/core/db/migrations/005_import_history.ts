/**
 * 005: import history, for undoing an import as one step and sending error reports per township
 * file at any time; and a note on audit entries saying why an entry was written without a person
 * typing it (derived from which field, set for all rows in the preview, an import undone).
 * Frozen once shipped.
 */
import type { Migration } from './types';

export const migration005: Migration = {
  version: 5,
  name: 'import_history',
  up(db) {
    db.exec(`
ALTER TABLE audit_log ADD COLUMN note TEXT;  -- JSON: {"derivedFrom": field} | {"fill": true} | {"undoImport": id} | {"unitLinked": name}

CREATE TABLE import_batches (
  id TEXT PRIMARY KEY,
  at TEXT NOT NULL,
  operator TEXT NOT NULL,
  files TEXT NOT NULL,       -- JSON: [{ file, sheets, added, updated, unitsAdded }]
  audit_to INTEGER NOT NULL, -- the last audit_log id the import wrote: a later entry on a touched record is an edit since
  undone_at TEXT,
  undone_by TEXT
) STRICT;

CREATE TABLE import_records (
  import_id TEXT NOT NULL,
  table_name TEXT NOT NULL CHECK (table_name IN ('person', 'unit')),
  record_id TEXT NOT NULL,
  kind TEXT NOT NULL CHECK (kind IN ('add', 'update')),
  before TEXT,               -- JSON of the record's data before an update (NULL for an add)
  before_source TEXT,        -- JSON of its source before an update
  PRIMARY KEY (import_id, table_name, record_id)
) STRICT, WITHOUT ROWID;
`);
  },
};
