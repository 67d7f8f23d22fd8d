/**
 * Writing a package file from any source of rows (a snapshot of the census database, or generated
 * data in the benchmark). CSV resources are written in one pass and deflated as they go, chunk by
 * chunk on the thread pool, into a private temp folder, so memory stays flat and the compression runs
 * beside the records instead of after them (zip-write.ts); then the zip is put together from them,
 * optionally wrapped in the passphrase envelope, written under a temporary name, synced, and renamed
 * into place.
 */
import { createWriteStream, renameSync, rmSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createHash, randomBytes, type Hash } from 'node:crypto';
import { scratchDir } from '../../fs/scratch';
import { fieldsOf, type TableName } from '../../../../shared/census/dictionary';
import type { RecordRow } from '../../../../shared/census/schema';
import {
  columnsOf, CSV_DIALECT, csvLine, encodeCell, formatFingerprint, MANIFEST_FILE, PACKAGE_FORMAT, PACKAGE_SCHEMA_VERSION, RESOURCES,
  SIGNATURE_FILE, tableSchemaOf, type HeadcountSection, type ResourceManifestEntry, type ResourceName, type SignatureFile,
} from '../../../../shared/package';
import type { PackageCells, PackageDecisionRow, ReceivedAuditRow } from '../../db';
import { signBytes, startEncryption } from './crypto';
import { fsyncPath } from '../../fs/durable';
import { deflatedBuffer, DeflatingEntry, zipBytes, zipStream, type DeflatedEntry } from './zip-write';

export interface ExplanationOut {
  table: string;
  recordId: string;
  field: string;
  rule: string;
  text: string;
  operator: string;
  at: string;
}

/** A duplicate decision as it travels in the package: the row the store keeps. */
export type DecisionOut = PackageDecisionRow;

export interface PackageContent {
  /** The records as their cells' text (an iterable may yield one object refilled each time) */
  units(): Iterable<PackageCells>;
  persons(): Iterable<PackageCells>;
  /** The package that first carried a record of this area upward, '' for records entered at the sending level */
  firstPackage(table: TableName, areaCode: string): string;
  explanations(): Iterable<ExplanationOut>;
  audit(): Iterable<ReceivedAuditRow>;
  decisions(): Iterable<DecisionOut>;
  /** Rows expected, for progress only */
  total: number;
}

export type HeadInput = Omit<HeadcountSection, 'format' | 'schemaVersion' | 'counts'> & {
  counts: Pick<HeadcountSection['counts'], 'pendingDuplicates' | 'errors' | 'warnings' | 'unexplainedWarnings'>;
};

export interface WriteOptions {
  outPath: string;
  passphrase?: string | undefined;
  key: { publicKey: string; privateKey: string; fingerprint: string };
  onProgress?: (label: string, done: number, total: number) => void;
}

export interface WriteResult {
  bytes: number;
  counts: HeadcountSection['counts'];
  manifestSha256: string;
}

/**
 * zlib's fastest level for the CSV resources. A province's package of a million persons deflated in
 * 5.2 s instead of 9.3 s at the default level 6, for 99.8 MB instead of 89.7 MB (bench/README.md,
 * package export): a package travels on a USB stick, where ten megabytes do not matter and the
 * statistician's wait does.
 */
const CSV_DEFLATE_LEVEL = 1;

/** The manifest and signature: a few kilobytes, zlib's default level */
const JSON_DEFLATE_LEVEL = 6;

/** Bytes of a CSV resource gathered before they are hashed and handed to the deflater (one chunk of it) */
const CSV_BUFFER_BYTES = 1 << 20;

/**
 * One CSV resource being written: its lines encoded into a megabyte buffer, hashed and counted, and
 * each full buffer deflated on the thread pool while the next fills (zip-write.ts). Encoding each line
 * into a reused buffer as it comes: gathering a megabyte of lines as a JS string first made every line
 * live until the flush, and a province's million persons spent more time in the collector than in
 * writing (bench/README.md, package export).
 */
class CsvFile {
  private readonly entry: DeflatingEntry;
  private readonly hash: Hash = createHash('sha256');
  /** Buffers the deflater is done with, for the next chunks */
  private readonly spare: Buffer[] = [];
  private buf: Buffer = Buffer.allocUnsafeSlow(CSV_BUFFER_BYTES);
  private at = 0;
  rows = 0;

  constructor(dir: string, readonly resource: ResourceName) {
    const path = RESOURCES.find((r) => r.name === resource)!.path;
    this.entry = new DeflatingEntry(path, join(dir, `${path}.deflated`), CSV_DEFLATE_LEVEL, (b) => {
      if (b.byteOffset === 0 && b.buffer.byteLength === CSV_BUFFER_BYTES) this.spare.push(Buffer.from(b.buffer));
    });
    this.write(csvLine(columnsOf(resource)));
  }

  row(values: readonly string[]): void {
    this.rows++;
    this.write(csvLine(values));
  }

  /** Waits while the deflater has its fill of chunks (rejects if deflating or writing one failed) */
  ready(): Promise<void> {
    return this.entry.ready();
  }

  private write(s: string): void {
    // A UTF-16 unit becomes at most 3 bytes of UTF-8 (a surrogate pair, two units, 4 bytes)
    if (this.at + s.length * 3 > this.buf.length) {
      this.flush();
      if (s.length * 3 > this.buf.length) {
        this.out(Buffer.from(s, 'utf8'));
        return;
      }
    }
    this.at += this.buf.write(s, this.at, 'utf8');
  }

  private flush(): void {
    if (this.at === 0) return;
    // Handed over whole: the deflater reads it on another thread until it gives it back
    this.out(this.buf.subarray(0, this.at));
    this.buf = this.spare.pop() ?? Buffer.allocUnsafeSlow(CSV_BUFFER_BYTES);
    this.at = 0;
  }

  private out(b: Buffer): void {
    this.hash.update(b);
    this.entry.add(b);
  }

  /** Its hash and rows, and its deflated entry (whose `size` is the CSV's bytes) */
  async close(): Promise<{ hash: string; rows: number; entry: DeflatedEntry }> {
    const last = this.buf.subarray(0, this.at);
    this.hash.update(last);
    this.at = 0;
    const entry = await this.entry.finish(last);
    return { hash: `sha256:${this.hash.digest('hex')}`, rows: this.rows, entry };
  }

  /** Lets go of the file without finishing it (the package is not being written after all) */
  abandon(): void {
    this.entry.abandon();
  }
}

/**
 * A record held as a RecordRow (generated data, tests) as package cells: each field through the format's
 * `encodeCell`. The census's own records come as cells straight from the database (RecordRepo.packageRows).
 */
export function packageCellsOf(table: TableName, r: RecordRow): PackageCells {
  const cells = [r.id, r.areaCode];
  for (const f of fieldsOf[table]) cells.push(encodeCell(r.data[f.key]));
  const s = r.source;
  return { cells, areaCode: r.areaCode, provenance: [s?.file ?? '', s?.sheet ?? '', s ? String(s.row) : '', r.createdBy, r.createdAt, r.updatedAt] };
}

/** Rows written between two turns of the event loop (see writeResources) */
const ROWS_PER_TURN = 2048;

/** A CSV resource written: its manifest entry, and its deflated bytes for the zip */
interface WrittenResource {
  manifest: ResourceManifestEntry;
  entry: DeflatedEntry;
}

/**
 * Writes the CSV resources, deflating them as they go. It gives the event loop a turn every
 * ROWS_PER_TURN rows, so a province's million records (seconds of work) neither hold up the process's
 * other requests nor keep its progress from reaching the screen, and the deflated chunks are taken
 * from the thread pool. The content must therefore read one state of the census across those turns
 * (exportPackage reads a snapshot).
 */
async function writeResources(dir: string, content: PackageContent, onProgress?: WriteOptions['onProgress']): Promise<WrittenResource[]> {
  const made: CsvFile[] = [];
  try {
    // One by one, so a file that cannot be opened (no space, too many open files) closes those opened before it
    for (const r of RESOURCES) made.push(new CsvFile(dir, r.name));
    return await writeAll(Object.fromEntries(made.map((f) => [f.resource, f])) as Record<ResourceName, CsvFile>, content, onProgress);
  } catch (e) {
    // Closed before the caller deletes the folder (Windows keeps an open file)
    for (const f of made) f.abandon();
    throw e;
  }
}

async function writeAll(files: Record<ResourceName, CsvFile>, content: PackageContent, onProgress?: WriteOptions['onProgress']): Promise<WrittenResource[]> {
  let done = 0;
  let rows = 0;
  const all = Object.values(files);
  const turn = async (): Promise<void> => {
    await new Promise<void>((resolve) => setImmediate(resolve));
    // Never more than a few chunks a file waiting to be deflated: memory stays flat if zlib falls behind
    for (const f of all) await f.ready();
  };
  for (const table of ['unit', 'person'] as const) {
    const target = table === 'person' ? files.persons : files.units;
    for (const r of table === 'person' ? content.persons() : content.units()) {
      target.row(r.cells);
      const p = r.provenance;
      files.provenance.row([table, r.cells[0]!, content.firstPackage(table, r.areaCode), p[0]!, p[1]!, p[2]!, p[3]!, p[4]!, p[5]!]);
      if (++done % 5000 === 0) onProgress?.('正在写出记录', done, content.total);
      if (++rows % ROWS_PER_TURN === 0) await turn();
    }
  }
  onProgress?.('正在写出记录', content.total, content.total);
  for (const e of content.explanations()) files.explanations.row([e.table, e.recordId, e.field, e.rule, e.text, e.operator, e.at]);
  for (const a of content.audit()) {
    files.audit.row([a.table, a.recordId, a.action, a.field ?? '', a.oldValue ?? '', a.newValue ?? '', a.operator, a.at]);
    if (++rows % ROWS_PER_TURN === 0) await turn();
  }
  for (const d of content.decisions()) files.duplicate_decisions.row([d.idNumber, d.areas, d.chosenArea, d.reason, d.operator, d.at, d.decidedBy]);
  const out: WrittenResource[] = [];
  for (const r of RESOURCES) {
    const { hash, rows, entry } = await files[r.name].close();
    out.push({
      entry,
      manifest: {
        name: r.name,
        path: r.path,
        title: r.title,
        profile: 'tabular-data-resource',
        format: 'csv',
        mediatype: 'text/csv',
        encoding: 'utf-8',
        hash,
        bytes: entry.size,
        rows,
        dialect: { ...CSV_DIALECT },
        schema: tableSchemaOf(r.name),
      },
    });
  }
  return out;
}

/** Builds, signs and writes one package; `outPath` appears only when the file is complete. */
export async function writePackage(content: PackageContent, head: HeadInput, opts: WriteOptions): Promise<WriteResult> {
  const stage = scratchDir('pkg');
  const outDir = dirname(opts.outPath);
  const partial = join(outDir, `.${basename(opts.outPath)}.${randomBytes(4).toString('hex')}.part`);
  try {
    const written = await writeResources(stage, content, opts.onProgress);
    const resources = written.map((w) => w.manifest);
    const rowsOf = (n: ResourceName) => resources.find((r) => r.name === n)!.rows;
    const counts: HeadcountSection['counts'] = {
      persons: rowsOf('persons'),
      units: rowsOf('units'),
      explanations: rowsOf('explanations'),
      audit: rowsOf('audit'),
      decisions: rowsOf('duplicate_decisions'),
      ...head.counts,
    };
    const section: HeadcountSection = { format: PACKAGE_FORMAT, schemaVersion: PACKAGE_SCHEMA_VERSION, ...head, counts };
    const manifest = {
      profile: 'tabular-data-package',
      name: `headcount-${head.areaCode}-${head.refDate}-${head.sequence}`,
      title: `${head.areaName} 社会工作专业人才统计调查上报包（第${head.sequence}次）`,
      created: head.createdAt,
      resources,
      headcount: section,
    };
    const manifestBytes = Buffer.from(JSON.stringify(manifest, null, 2) + '\n', 'utf8');
    const signature: SignatureFile = {
      algorithm: 'Ed25519',
      signedFile: MANIFEST_FILE,
      publicKey: opts.key.publicKey,
      fingerprint: formatFingerprint(opts.key.fingerprint),
      signature: signBytes(opts.key.privateKey, manifestBytes).toString('base64'),
    };

    const entries = [
      deflatedBuffer(MANIFEST_FILE, manifestBytes, JSON_DEFLATE_LEVEL),
      deflatedBuffer(SIGNATURE_FILE, Buffer.from(JSON.stringify(signature, null, 2) + '\n', 'utf8'), JSON_DEFLATE_LEVEL),
      ...written.map((w) => w.entry),
    ];
    const zip = zipStream(entries, new Date(head.createdAt));

    // Everything is deflated already: what is left is copying it into the file (and encrypting it)
    const total = zipBytes(entries);
    let copied = 0;
    const counter = new Transform({
      transform(chunk: Buffer, _enc, cb) {
        copied += chunk.length;
        try {
          opts.onProgress?.('正在压缩', copied, total);
        } catch (e) {
          cb(e instanceof Error ? e : new Error(String(e)));
          return;
        }
        cb(null, chunk);
      },
    });
    const stages: NodeJS.ReadWriteStream[] = [counter];
    if (opts.passphrase) {
      const { head: envHead, cipher } = startEncryption(opts.passphrase);
      let started = false;
      stages.push(
        new Transform({
          transform(chunk: Buffer, _enc, cb) {
            const out = cipher.update(chunk);
            if (!started) {
              started = true;
              cb(null, Buffer.concat([envHead, out]));
            } else cb(null, out);
          },
          flush(cb) {
            const last = cipher.final();
            cb(null, Buffer.concat([started ? Buffer.alloc(0) : envHead, last, cipher.getAuthTag()]));
          },
        }),
      );
    }
    const out = createWriteStream(partial, { flags: 'wx' });
    await pipeline([zip, ...stages, out]);
    fsyncPath(partial);
    renameSync(partial, opts.outPath);
    fsyncPath(outDir);
    return { bytes: statSync(opts.outPath).size, counts, manifestSha256: createHash('sha256').update(manifestBytes).digest('hex') };
  } catch (e) {
    rmSync(partial, { force: true });
    throw e;
  } finally {
    // The temp folder, retried: Windows may hold a just-closed file for a moment. One left behind (in the
    // system's temp folder) must not turn an export already in place into an error.
    try {
      rmSync(stage, { recursive: true, force: true, maxRetries: 5 });
    } catch {
      // left for the system's temp cleanup
    }
  }
}
