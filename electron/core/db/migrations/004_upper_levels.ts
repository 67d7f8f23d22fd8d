/**
 * 004: what cities and provinces need beyond merging. `package_coverage`: the sub-areas a received
 * merged package says it expected and included (a partial return shows as partial). `feedback`:
 * 审核退回 — questions (核实意见) an upper level sends a sub-area about records or a whole return, and
 * the same items as the sub-area received them, with the answers. Frozen once shipped.
 */
import type { Migration } from './types';

export const migration004: Migration = {
  version: 4,
  name: 'upper_levels',
  up(db) {
    db.exec(`
CREATE TABLE package_coverage (
  package_id TEXT PRIMARY KEY,
  expected TEXT NOT NULL,     -- JSON array of 6-digit sub-area codes the sender expected
  included TEXT NOT NULL      -- JSON array of those it had received
) STRICT, WITHOUT ROWID;

CREATE TABLE feedback (
  id TEXT PRIMARY KEY,
  direction TEXT NOT NULL CHECK (direction IN ('sent', 'received')),
  area_code TEXT NOT NULL,    -- the sub-area asked (sent) / this census's area (received)
  record_table TEXT CHECK (record_table IN ('person', 'unit')),
  record_id TEXT,             -- null: the question is about the whole return
  record_label TEXT NOT NULL,
  question TEXT NOT NULL,
  asked_by TEXT NOT NULL,
  asked_at TEXT NOT NULL,
  from_area TEXT,             -- received: who asked
  from_office TEXT,
  sent_at TEXT,               -- sent: when first written into a feedback file
  answer TEXT,
  answered_by TEXT,
  answered_at TEXT,
  answer_package TEXT,        -- sent: the package that carried the answer
  CHECK ((record_table IS NULL) = (record_id IS NULL))
) STRICT;
CREATE INDEX feedback_area ON feedback (direction, area_code);
`);
  },
};
