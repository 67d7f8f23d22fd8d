/**
 * 002: return packages and merging. Frozen history once shipped.
 *
 * - `packages`: every package received (current, or superseded by a later sequence of its area).
 * - A merged record's package is known from its area code: each package lists the area codes of
 *   its records (`area_codes`), and packages of overlapping areas are never current together, so
 *   "the records that package brought" is `area_code IN (its area codes)` — indexed below, which
 *   costs a merge almost nothing (a package's rows share a few codes) where a per-record origin
 *   table would add a random-key insert per record. Records entered at this level carry this
 *   census's own code and belong to no package.
 * - `received_audit` / `package_decisions`: the audit log and duplicate decisions that arrived in a
 *   package, kept per package so a resubmission replaces them with the rest of the area's data.
 * - `duplicate_decisions`: this level's decisions on persons reported by two areas (history kept;
 *   the latest row per ID number is in force). Pending cases are derived from the records.
 * - `office_key`: this installation's Ed25519 key pair (the private key lives in this file).
 * - `trusted_keys`: the register of sub-area office keys; one active key per area.
 * - `exports`: the packages this census has written, which also numbers the next sequence.
 */
import type { Migration } from './types';

export const migration002: Migration = {
  version: 2,
  name: 'packages',
  up(db) {
    db.exec(`
CREATE TABLE packages (
  id TEXT PRIMARY KEY,                 -- package id (UUID) from the manifest
  area_code TEXT NOT NULL,             -- sender's area, 6-digit form
  area_name TEXT NOT NULL,
  level TEXT NOT NULL CHECK (level IN ('county', 'city', 'province')),
  ref_date TEXT NOT NULL,
  sequence INTEGER NOT NULL CHECK (sequence >= 1),
  office_name TEXT NOT NULL,
  operator TEXT NOT NULL,              -- who exported it
  created_at TEXT NOT NULL,            -- when it was exported
  app_version TEXT NOT NULL,
  divisions_version TEXT NOT NULL,
  schema_version INTEGER NOT NULL,
  persons INTEGER NOT NULL,
  units INTEGER NOT NULL,
  explanations INTEGER NOT NULL,
  declared_errors INTEGER NOT NULL,
  declared_warnings INTEGER NOT NULL,
  declared_unexplained INTEGER NOT NULL,
  declared_pending INTEGER NOT NULL,
  sources TEXT NOT NULL,               -- JSON array of the packages it was built from
  area_codes TEXT NOT NULL,            -- JSON array: the area codes of its records
  first_packages TEXT NOT NULL,        -- JSON object: area code → package that first carried those records upward
  signer_fingerprint TEXT NOT NULL,    -- SHA-256 hex of the raw Ed25519 public key
  manifest_sha256 TEXT NOT NULL,
  file_name TEXT NOT NULL,
  received_at TEXT NOT NULL,
  received_by TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('current', 'superseded')),
  superseded_by TEXT
) STRICT;

CREATE UNIQUE INDEX packages_current_area ON packages (area_code) WHERE status = 'current';

CREATE INDEX persons_area_code ON persons (area_code);
CREATE INDEX units_area_code ON units (area_code);

CREATE TABLE received_audit (
  package_id TEXT NOT NULL REFERENCES packages (id),
  seq INTEGER NOT NULL,                -- row order within the package's audit.csv
  table_name TEXT NOT NULL CHECK (table_name IN ('person', 'unit')),
  record_id TEXT NOT NULL,
  action TEXT NOT NULL CHECK (action IN ('create', 'update', 'delete', 'restore', 'import')),
  field TEXT,
  old_value TEXT,
  new_value TEXT,
  operator TEXT NOT NULL,
  at TEXT NOT NULL,
  PRIMARY KEY (package_id, seq)
) STRICT, WITHOUT ROWID;

CREATE TABLE package_decisions (
  package_id TEXT NOT NULL REFERENCES packages (id),
  id_number TEXT NOT NULL,
  areas TEXT NOT NULL,                 -- sorted area codes the decision covers, comma-joined
  chosen_area TEXT NOT NULL,           -- an area code, or 'error'
  reason TEXT NOT NULL,
  operator TEXT NOT NULL,
  at TEXT NOT NULL,
  decided_by TEXT NOT NULL,            -- area code of the census that decided
  PRIMARY KEY (package_id, id_number)
) STRICT, WITHOUT ROWID;

CREATE TABLE duplicate_decisions (
  id INTEGER PRIMARY KEY,
  id_number TEXT NOT NULL,
  areas TEXT NOT NULL,
  record_ids TEXT NOT NULL,            -- JSON array of the records shown when deciding
  chosen_area TEXT NOT NULL,
  reason TEXT NOT NULL,
  operator TEXT NOT NULL,
  at TEXT NOT NULL
) STRICT;

CREATE INDEX duplicate_decisions_id_number ON duplicate_decisions (id_number, id);

CREATE TABLE office_key (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  public_key TEXT NOT NULL,            -- raw 32 bytes, base64
  private_key TEXT NOT NULL,           -- PKCS#8 DER, base64
  fingerprint TEXT NOT NULL,
  created_at TEXT NOT NULL
) STRICT;

CREATE TABLE trusted_keys (
  area_code TEXT NOT NULL,
  fingerprint TEXT NOT NULL,
  public_key TEXT NOT NULL,
  office_name TEXT NOT NULL,
  trusted_at TEXT NOT NULL,
  trusted_by TEXT NOT NULL,
  replaced_at TEXT,                    -- NULL while this is the area's key in force
  PRIMARY KEY (area_code, fingerprint)
) STRICT, WITHOUT ROWID;

CREATE UNIQUE INDEX trusted_keys_active ON trusted_keys (area_code) WHERE replaced_at IS NULL;

CREATE TABLE exports (
  sequence INTEGER PRIMARY KEY,
  package_id TEXT NOT NULL,
  file_name TEXT NOT NULL,
  persons INTEGER NOT NULL,
  units INTEGER NOT NULL,
  encrypted INTEGER NOT NULL CHECK (encrypted IN (0, 1)),
  operator TEXT NOT NULL,
  started_at TEXT NOT NULL,
  finished_at TEXT                     -- NULL when the export failed or was interrupted
) STRICT;
`);
  },
};
