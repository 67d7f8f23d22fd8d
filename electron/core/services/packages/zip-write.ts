/**
 * Writing a package's zip from entries deflated while their content is still being made.
 *
 * A province's million records take seconds to turn into CSV on the core's thread, and deflating the
 * result took seconds more after it, one entry at a time (yazl feeds zlib through a stream whose 16 KiB
 * output chunks each wait for this thread to hand back: no overlap with the records at all). Here each
 * CSV resource is cut into chunks that zlib deflates on the thread pool as they fill, each chunk on its
 * own and ended with a sync flush, the last one with the final block (pigz's way: the pieces joined are
 * one valid deflate stream). The records and their compression then run on the two cores at once, and the zip is
 * put together at the end from the deflated pieces, with every size and CRC known: plain local headers,
 * no data descriptors. No zip library takes data deflated already (yazl's pull request for it, #55, was
 * closed unmerged), so this much of the container is written here. The package format's limits
 * (shared/package, LIMITS: 1 GiB in all) keep every size and offset in 32 bits: no zip64.
 */
import { closeSync, createReadStream, openSync, writeSync } from 'node:fs';
import { once } from 'node:events';
import { Readable } from 'node:stream';
import zlib from 'node:zlib';
import { ApiError } from '../../../../shared/api/errors';

/** An entry ready to go into the zip: its deflated bytes (in memory or in a file) and what the headers say of it */
export interface DeflatedEntry {
  name: string;
  crc32: number;
  size: number;
  compressedSize: number;
  /** The raw deflate data, or the file holding it */
  data: Buffer | { path: string };
}

/** Deflate tasks of one entry on the thread pool at once (more only queue in libuv's four threads) */
const IN_FLIGHT = 3;

/**
 * One entry deflated chunk by chunk as its bytes come: `add` hands over a chunk (the caller must not
 * touch it again until it comes back through `recycle`), `ready` waits while too many chunks are
 * being deflated, `finish` ends the stream. The deflated pieces go to `path` in order.
 */
export class DeflatingEntry {
  private readonly fd: number;
  private crc = 0;
  private size = 0;
  private compressedSize = 0;
  /** Each chunk submitted and not yet written out, oldest first: the promise of its write */
  private readonly pending: Promise<void>[] = [];
  private writing: Promise<void> = Promise.resolve();
  private failed: Error | null = null;
  private closed = false;

  constructor(readonly name: string, readonly path: string, private readonly level: number, private readonly recycle?: (chunk: Buffer) => void) {
    this.fd = openSync(path, 'wx');
  }

  /** Deflates `chunk` (not the last one) on the thread pool */
  add(chunk: Buffer): void {
    this.crc = zlib.crc32(chunk, this.crc);
    this.size += chunk.length;
    this.submit(chunk, zlib.constants.Z_SYNC_FLUSH);
  }

  /** Resolves once fewer than IN_FLIGHT chunks are being deflated (rejects if one failed) */
  async ready(): Promise<void> {
    while (this.pending.length >= IN_FLIGHT) await this.pending[0];
    if (this.failed) throw this.failed;
  }

  /** Deflates `last` (possibly empty) as the end of the stream and waits for every piece to be written */
  async finish(last: Buffer): Promise<DeflatedEntry> {
    this.crc = zlib.crc32(last, this.crc);
    this.size += last.length;
    this.submit(last, zlib.constants.Z_FINISH);
    await this.writing;
    if (this.failed) throw this.failed;
    this.close();
    return { name: this.name, crc32: this.crc, size: this.size, compressedSize: this.compressedSize, data: { path: this.path } };
  }

  /** Lets go of the file without finishing (the package is not being written after all) */
  abandon(): void {
    this.close();
  }

  private close(): void {
    if (this.closed) return;
    this.closed = true;
    closeSync(this.fd);
  }

  private submit(chunk: Buffer, flush: number): void {
    const piece = new Promise<Buffer>((resolve, reject) => {
      // One output buffer for the whole chunk: one trip back to this thread per chunk
      zlib.deflateRaw(chunk, { level: this.level, finishFlush: flush, chunkSize: chunk.length + 1024 }, (err, out) => {
        if (err) reject(err);
        else resolve(out);
        this.recycle?.(chunk);
      });
    });
    // A failure is taken by the write chain below, maybe only after earlier pieces: not an unhandled rejection meanwhile
    piece.catch(() => {});
    // Written strictly in order: each piece waits for the one before it (never rejects: a failure is kept in `failed`)
    this.writing = this.writing.then(() => piece).then(
      (out) => {
        void this.pending.shift();
        if (this.closed || this.failed) return;
        try {
          let off = 0;
          while (off < out.length) off += writeSync(this.fd, out, off);
          this.compressedSize += out.length;
        } catch (e) {
          this.failed = asError(e);
        }
      },
      (e: unknown) => {
        void this.pending.shift();
        this.failed ??= asError(e);
      },
    );
    this.pending.push(this.writing);
  }
}

function asError(e: unknown): Error {
  return e instanceof Error ? e : new Error(String(e));
}

/** A small entry deflated at once */
export function deflatedBuffer(name: string, bytes: Buffer, level: number): DeflatedEntry {
  const data = zlib.deflateRawSync(bytes, { level });
  return { name, crc32: zlib.crc32(bytes), size: bytes.length, compressedSize: data.length, data };
}

/** Past this a zip needs zip64, which the package limits never require */
const MAX_32 = 0xfffffffe;

const UTF8_NAMES = 1 << 11;
const DEFLATE = 8;
const VERSION = 20;
/** A regular file, rw-rw-r-- (what yazl wrote), in the upper half of the external attributes */
const FILE_MODE = 0o100664;

/** Date and time as MS-DOS stores them (local time, two-second resolution) */
function dosDateTime(d: Date): { date: number; time: number } {
  const year = Math.min(Math.max(d.getFullYear(), 1980), 2107);
  return {
    date: ((year - 1980) << 9) | ((d.getMonth() + 1) << 5) | d.getDate(),
    time: (d.getHours() << 11) | (d.getMinutes() << 5) | Math.floor(d.getSeconds() / 2),
  };
}

/** The size of the zip of `entries` (zipStream), in bytes */
export function zipBytes(entries: readonly DeflatedEntry[]): number {
  return entries.reduce((n, e) => n + 30 + 46 + 2 * Buffer.byteLength(e.name) + e.compressedSize, 22);
}

/** The zip of `entries`, in that order, as a stream of bytes */
export function zipStream(entries: readonly DeflatedEntry[], mtime: Date): Readable {
  const { date, time } = dosDateTime(mtime);
  const names = entries.map((e) => Buffer.from(e.name, 'utf8'));
  for (const e of entries)
    if (e.size > MAX_32 || e.compressedSize > MAX_32) throw new ApiError('conflict', `上报包中的「${e.name}」过大（超过 4 GB），超出上报包格式的上限，无法写出`);
  if (zipBytes(entries) > MAX_32) throw new ApiError('conflict', '上报包过大（超过 4 GB），超出上报包格式的上限，无法写出');
  // The fields a local header and a central record share, in the same order (from "version needed to extract"
  // to the extra field's length, none here)
  const describe = (b: Buffer, at: number, e: DeflatedEntry, nameLength: number) => {
    b.writeUInt16LE(VERSION, at);
    b.writeUInt16LE(UTF8_NAMES, at + 2);
    b.writeUInt16LE(DEFLATE, at + 4);
    b.writeUInt16LE(time, at + 6);
    b.writeUInt16LE(date, at + 8);
    b.writeUInt32LE(e.crc32, at + 10);
    b.writeUInt32LE(e.compressedSize, at + 14);
    b.writeUInt32LE(e.size, at + 18);
    b.writeUInt16LE(nameLength, at + 22);
    b.writeUInt16LE(0, at + 24);
  };
  async function* bytes(): AsyncGenerator<Buffer> {
    const offsets: number[] = [];
    let at = 0;
    for (const [i, e] of entries.entries()) {
      const h = Buffer.alloc(30);
      h.writeUInt32LE(0x04034b50, 0);
      describe(h, 4, e, names[i]!.length);
      offsets.push(at);
      yield Buffer.concat([h, names[i]!]);
      at += 30 + names[i]!.length;
      if (Buffer.isBuffer(e.data)) yield e.data;
      else {
        let n = 0;
        const file = createReadStream(e.data.path, { highWaterMark: 1 << 20 });
        try {
          for await (const b of file) {
            n += (b as Buffer).length;
            yield b as Buffer;
          }
        } finally {
          // Closed before the next entry (and before the caller deletes the temp folder: Windows keeps an open file)
          if (!file.closed) await once(file, 'close');
        }
        // The file is ours and was just written: anything else means it changed under us
        if (n !== e.compressedSize) throw new Error(`${e.name}: ${n} deflated bytes read back, ${e.compressedSize} written`);
      }
      at += e.compressedSize;
    }
    const central: Buffer[] = [];
    for (const [i, e] of entries.entries()) {
      const c = Buffer.alloc(46);
      c.writeUInt32LE(0x02014b50, 0);
      c.writeUInt16LE((3 << 8) | VERSION, 4); // made by: unix, so the mode below is read as one
      describe(c, 6, e, names[i]!.length);
      // comment, disk, internal attributes: 0
      c.writeUInt32LE((FILE_MODE << 16) >>> 0, 38);
      c.writeUInt32LE(offsets[i]!, 42);
      central.push(c, names[i]!);
    }
    const dir = Buffer.concat(central);
    const end = Buffer.alloc(22);
    end.writeUInt32LE(0x06054b50, 0);
    end.writeUInt16LE(entries.length, 8);
    end.writeUInt16LE(entries.length, 10);
    end.writeUInt32LE(dir.length, 12);
    end.writeUInt32LE(at, 16);
    yield Buffer.concat([dir, end]);
  }
  return Readable.from(bytes(), { objectMode: false });
}
