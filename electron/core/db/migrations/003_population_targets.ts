/**
 * 003: registered population per area and the area's targets, the user inputs behind 表5 and the
 * dashboard's headline figures. Frozen once shipped. Keyed by canonical division code (the census
 * area's own code or one of its sub-areas'), so a figure survives re-imports of the records.
 */
import type { Migration } from './types';

export const migration003: Migration = {
  version: 3,
  name: 'population_targets',
  up(db) {
    db.exec(`
CREATE TABLE population (
  area_code TEXT PRIMARY KEY,
  population INTEGER NOT NULL CHECK (population >= 0),
  operator TEXT NOT NULL,
  updated_at TEXT NOT NULL
) STRICT, WITHOUT ROWID;

CREATE TABLE targets (
  area_code TEXT NOT NULL,
  target TEXT NOT NULL,      -- totalTalents, certified, certRate, perMille, trainingRate
  value REAL NOT NULL CHECK (value >= 0),
  operator TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  PRIMARY KEY (area_code, target)
) STRICT, WITHOUT ROWID;
`);
  },
};
