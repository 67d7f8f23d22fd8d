/**
 * 006: a census started from the last one (issue 13). Frozen once shipped.
 * - persons.change_status (变动情况) and persons.prev_qual_level (上期职业资格等级), two dictionary fields.
 * - `previous_records`: each carried record's values as the last census had them, so the grid and the
 *   form show 上期 → 本期 beside a changed value. Keyed by the record id the carried record keeps.
 * - `periods`: headline indicators of earlier censuses of this area (the dashboard's trend), copied
 *   forward from census to census, one row per reference date and area.
 */
import type { Migration } from './types';

export const migration006: Migration = {
  version: 6,
  name: 'periods',
  up(db) {
    db.exec(`
ALTER TABLE persons ADD COLUMN change_status TEXT;    -- 变动情况 (code)
ALTER TABLE persons ADD COLUMN prev_qual_level TEXT;  -- 上期职业资格等级 (code)
CREATE INDEX persons_change_status ON persons (change_status);

CREATE TABLE previous_records (
  table_name TEXT NOT NULL CHECK (table_name IN ('person', 'unit')),
  record_id TEXT NOT NULL,
  data TEXT NOT NULL,          -- JSON of the record's data in the last census
  PRIMARY KEY (table_name, record_id)
) STRICT, WITHOUT ROWID;

CREATE TABLE periods (
  ref_date TEXT NOT NULL,
  area_code TEXT NOT NULL,     -- canonical division code of the census area
  area_name TEXT NOT NULL,
  persons INTEGER NOT NULL,    -- 总量: persons counted
  holders INTEGER NOT NULL,    -- 持证人数
  population INTEGER,          -- 户籍人口 entered for the area then, if any
  source TEXT NOT NULL,        -- the file it was read from
  PRIMARY KEY (ref_date, area_code)
) STRICT, WITHOUT ROWID;
`);
  },
};
