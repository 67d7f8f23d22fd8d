/** This installation's Ed25519 key pair and the register of sub-area office keys it trusts. */
import { sqliteOf, type Db } from '../handle';

export interface OfficeKeyRow {
  /** Raw 32-byte public key, base64 */
  publicKey: string;
  /** PKCS#8 DER, base64 */
  privateKey: string;
  /** SHA-256 hex of the raw public key */
  fingerprint: string;
  createdAt: string;
}

export interface TrustedKeyRow {
  areaCode: string;
  fingerprint: string;
  publicKey: string;
  officeName: string;
  trustedAt: string;
  trustedBy: string;
  /** null while this is the area's key in force */
  replacedAt: string | null;
}

export interface KeysRepo {
  own(): OfficeKeyRow | null;
  /** Stores the key pair unless one exists; returns the one in force */
  saveOwn(row: OfficeKeyRow): OfficeKeyRow;
  /** The key in force for an area, if any */
  activeFor(areaCode: string): TrustedKeyRow | null;
  list(): TrustedKeyRow[];
  /** Makes `key` the area's key in force; a previous different key is kept, marked replaced */
  trust(key: Omit<TrustedKeyRow, 'replacedAt'>): void;
}

export function keysRepo(db: Db): KeysRepo {
  const sqlite = sqliteOf(db);
  const ownStmt = sqlite.prepare(`SELECT public_key AS publicKey, private_key AS privateKey, fingerprint, created_at AS createdAt FROM office_key WHERE id = 1`);
  const saveOwnStmt = sqlite.prepare(
    `INSERT INTO office_key (id, public_key, private_key, fingerprint, created_at) VALUES (1, :publicKey, :privateKey, :fingerprint, :createdAt)
     ON CONFLICT (id) DO NOTHING`,
  );
  const cols = `area_code AS areaCode, fingerprint, public_key AS publicKey, office_name AS officeName,
    trusted_at AS trustedAt, trusted_by AS trustedBy, replaced_at AS replacedAt`;
  const activeStmt = sqlite.prepare(`SELECT ${cols} FROM trusted_keys WHERE area_code = ? AND replaced_at IS NULL`);
  const listStmt = sqlite.prepare(`SELECT ${cols} FROM trusted_keys ORDER BY area_code, replaced_at IS NOT NULL, trusted_at DESC`);
  const retire = sqlite.prepare(`UPDATE trusted_keys SET replaced_at = ? WHERE area_code = ? AND replaced_at IS NULL AND fingerprint <> ?`);
  const upsert = sqlite.prepare(
    `INSERT INTO trusted_keys (area_code, fingerprint, public_key, office_name, trusted_at, trusted_by, replaced_at)
     VALUES (:areaCode, :fingerprint, :publicKey, :officeName, :trustedAt, :trustedBy, NULL)
     ON CONFLICT (area_code, fingerprint) DO UPDATE SET office_name = excluded.office_name, trusted_at = excluded.trusted_at,
       trusted_by = excluded.trusted_by, replaced_at = NULL`,
  );
  return {
    own: () => (ownStmt.get() as OfficeKeyRow | undefined) ?? null,
    saveOwn(row) {
      saveOwnStmt.run(row);
      return ownStmt.get() as OfficeKeyRow;
    },
    activeFor: (areaCode) => (activeStmt.get(areaCode) as TrustedKeyRow | undefined) ?? null,
    list: () => listStmt.all() as TrustedKeyRow[],
    trust(key) {
      sqlite.transaction(() => {
        retire.run(key.trustedAt, key.areaCode, key.fingerprint);
        upsert.run(key);
      }).immediate();
    },
  };
}
