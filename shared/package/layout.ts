/**
 * The return package's file layout and limits (docs/package-format.md is the prose version).
 * A `.hcpkg` file is either a plain zip or the encrypted envelope around one; both are recognised
 * by their first bytes, never by the file name.
 */

/**
 * Package format version carried as `headcount.schemaVersion`. Version 2 added two optional manifest
 * fields (`coverage`, `feedbackAnswers`); a version-1 package is a version-2 package without them.
 * Version 3 added person columns (the dictionary entries with `since: 3`: 变动情况, 上期职业资格等级,
 * 人员类别, 编制情况/用工方式, certificate registration, cumulative training …) and the optional
 * `planningStart`; 用工形式 was split, so versions 1 and 2 are read through their frozen column layout
 * (shared/package/legacy.ts). Readers accept every version in READABLE_SCHEMA_VERSIONS and refuse
 * newer ones. A later column added this session extends version 3 (`since: 3`, empty when absent).
 */
export const PACKAGE_SCHEMA_VERSION = 3;
export const READABLE_SCHEMA_VERSIONS: readonly number[] = [1, 2, 3];
export const PACKAGE_FORMAT = 'headcount-return-package';
export const PACKAGE_EXTENSION = '.hcpkg';

export const MANIFEST_FILE = 'datapackage.json';
export const SIGNATURE_FILE = 'signature.json';

/** Every CSV resource a package holds, in the order they are written. */
export const RESOURCES = [
  { name: 'persons', path: 'persons.csv', title: '人员' },
  { name: 'units', path: 'units.csv', title: '单位' },
  { name: 'explanations', path: 'explanations.csv', title: '核实说明' },
  { name: 'provenance', path: 'provenance.csv', title: '记录来源' },
  { name: 'audit', path: 'audit.csv', title: '修改记录' },
  { name: 'duplicate_decisions', path: 'duplicates.csv', title: '重复人员处理决定' },
] as const;
export type ResourceName = (typeof RESOURCES)[number]['name'];

export const ENTRY_NAMES: readonly string[] = [MANIFEST_FILE, SIGNATURE_FILE, ...RESOURCES.map((r) => r.path)];

/**
 * Limits a reader enforces before and while inflating. They are far above any real return (a
 * province of a million people is about 400 MB of CSV) and far below what would hurt the machine.
 */
export const LIMITS = {
  /** The .hcpkg file itself */
  maxFileBytes: 1024 * 1024 * 1024,
  maxEntries: 16,
  /** Uncompressed size of one CSV resource */
  maxEntryBytes: 768 * 1024 * 1024,
  /** Uncompressed size of all entries together */
  maxTotalBytes: 1024 * 1024 * 1024,
  /** datapackage.json and signature.json */
  maxManifestBytes: 4 * 1024 * 1024,
  /**
   * Rows one resource may declare. Checked before its CSV is parsed, and the parser stops one row
   * past the declared count, so millions of tiny lines cost nothing
   */
  maxRows: 5_000_000,
  /** One CSV field, in characters (audit values hold a whole record as JSON, a few KB) */
  maxFieldChars: 64 * 1024,
  /**
   * Census CSV deflates about 5:1 and even highly repetitive text stays well under 100:1; an entry
   * over 1 MB claiming more than this is a bomb, refused before inflating
   */
  maxCompressionRatio: 200,
  ratioCheckFromBytes: 1024 * 1024,
} as const;

/** The encrypted envelope: magic, header length, JSON header, AES-256-GCM ciphertext, 16-byte tag. */
export const ENVELOPE = {
  magic: 'HCPKGENC',
  maxHeaderBytes: 4096,
  tagBytes: 16,
  ivBytes: 12,
  saltBytes: 16,
  /** Defaults for new packages: about 0.1 s and 32 MB on an office PC */
  scrypt: { N: 32768, r: 8, p: 1 },
  /** What a reader accepts, so a hostile header cannot ask for gigabytes of memory */
  maxN: 1 << 20,
  maxR: 32,
  maxP: 16,
  /** scrypt needs 128·N·r bytes: at most 256 MiB, whatever the header asks */
  maxScryptBytes: 256 * 1024 * 1024,
  /**
   * And 128·N·r·p bytes of work: at most 4× the default's (about 0.5 s), so a 1 KB header cannot
   * ask for a minute of CPU (N=2²⁰, r=2, p=16 would be 128×)
   */
  maxScryptWork: 4 * 32768 * 8 * 1,
} as const;

export const ZIP_MAGIC = [0x50, 0x4b, 0x03, 0x04] as const;

/** Suggested file name: area, reference date, sequence (the office may rename it freely). */
export function packageFileName(areaCode: string, areaName: string, refDate: string, sequence: number): string {
  const name = areaName.split(' / ').pop() ?? '';
  const safe = name.replace(/[\\/:*?"<>|\s]/g, '');
  return `${areaCode}${safe}-${refDate.replace(/-/g, '')}-第${sequence}次${PACKAGE_EXTENSION}`;
}
