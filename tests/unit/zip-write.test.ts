/**
 * The zip a package is written as (zip-write.ts), read back by yauzl — a reader that shares no code
 * with the writer — with each entry's CRC-32 checked against the central directory (yauzl itself
 * does not check it), its local header against its central record, and its deflate stream inflated
 * by zlib, which refuses a stream that does not end.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { tmpdir } from 'node:os';
import { crc32, inflateRawSync } from 'node:zlib';
import yauzl from 'yauzl';
import { afterAll, describe, expect, it } from 'vitest';
import { ApiError } from '../../shared/api/errors';
import { deflatedBuffer, DeflatingEntry, zipBytes, zipStream, type DeflatedEntry } from '../../electron/core/services/packages/zip-write';

const dir = mkdtempSync(path.join(tmpdir(), 'headcount-zipw-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Text that compresses, in lines of varying width, with 3- and 4-byte characters */
function lines(n: number, seed: number): Buffer {
  let s = '';
  for (let i = 0; i < n; i++) s += `${seed}-${i},社会工作者${i % 97},😀${'督导'.repeat(i % 5)},${(i * 7919) % 10007}\r\n`;
  return Buffer.from(s, 'utf8');
}

async function entryOf(name: string, chunks: Buffer[], level = 1): Promise<DeflatedEntry> {
  const e = new DeflatingEntry(name, path.join(dir, `${name}-${Math.random()}.deflated`), level);
  for (const c of chunks.slice(0, -1)) {
    e.add(c);
    await e.ready();
  }
  return e.finish(chunks.at(-1) ?? Buffer.alloc(0));
}

async function writeZip(entries: DeflatedEntry[], file: string): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const b of zipStream(entries, new Date(2026, 11, 31, 23, 59, 58))) chunks.push(b as Buffer);
  const data = Buffer.concat(chunks);
  writeFileSync(file, data);
  return data;
}

interface ReadEntry { name: string; content: Buffer; crc32: number; mode: number; date: Date; raw: Buffer; localCrc: number; localSizes: [number, number]; flags: number }

/** Every entry as yauzl sees it, with its raw deflate data and what its local header says */
function readZip(data: Buffer): Promise<ReadEntry[]> {
  return new Promise((resolve, reject) => {
    yauzl.fromBuffer(data, { lazyEntries: true, strictFileNames: true, validateEntrySizes: true }, (err, zip) => {
      if (err || !zip) return reject(err);
      const out: ReadEntry[] = [];
      zip.on('entry', (e: yauzl.Entry) => {
        zip.openReadStream(e, { decompress: false }, (err2, s) => {
          if (err2 || !s) return reject(err2);
          const parts: Buffer[] = [];
          s.on('data', (b: Buffer) => parts.push(b));
          s.on('end', () => {
            const raw = Buffer.concat(parts);
            const at = e.relativeOffsetOfLocalHeader;
            out.push({
              name: e.fileName, crc32: e.crc32, mode: (e.externalFileAttributes >>> 16) & 0xffff, date: e.getLastModDate(), flags: e.generalPurposeBitFlag,
              raw, content: inflateRawSync(raw), localCrc: data.readUInt32LE(at + 14), localSizes: [data.readUInt32LE(at + 18), data.readUInt32LE(at + 22)],
            });
            zip.readEntry();
          });
        });
      });
      zip.on('end', () => resolve(out));
      zip.on('error', reject);
      zip.readEntry();
    });
  });
}

describe('the package zip writer', () => {
  it('writes entries deflated chunk by chunk that any reader inflates to exactly the bytes given, CRC and sizes in both headers', async () => {
    // A big first chunk and small ones after it: the small ones are deflated first on the thread pool, but
    // must still be written after it
    const persons = [lines(40_000, 1), lines(10, 2), lines(3, 3), lines(2_000, 4), lines(1, 5)];
    const units = [lines(500, 6)];
    const empty: Buffer[] = [Buffer.alloc(0)];
    const endsEmpty = [lines(300, 7), Buffer.alloc(0)];
    const entries = [
      deflatedBuffer('datapackage.json', Buffer.from('{"name":"说明"}\n'), 6),
      await entryOf('persons.csv', persons),
      await entryOf('units.csv', units),
      await entryOf('empty.csv', empty),
      await entryOf('ends-empty.csv', endsEmpty),
    ];
    const data = await writeZip(entries, path.join(dir, 'a.zip'));
    expect(data.length).toBe(zipBytes(entries));
    const read = await readZip(data);
    expect(read.map((e) => e.name)).toEqual(['datapackage.json', 'persons.csv', 'units.csv', 'empty.csv', 'ends-empty.csv']);
    const expected = [Buffer.from('{"name":"说明"}\n'), Buffer.concat(persons), Buffer.concat(units), Buffer.alloc(0), Buffer.concat(endsEmpty)];
    read.forEach((e, i) => {
      expect(e.content.equals(expected[i]!), e.name).toBe(true);
      expect(crc32(e.content)).toBe(e.crc32);
      expect(e.localCrc).toBe(e.crc32);
      expect(e.localSizes).toEqual([e.raw.length, e.content.length]);
      expect(e.mode).toBe(0o100664);
      expect(e.flags & (1 << 11)).not.toBe(0); // UTF-8 names
      expect(e.flags & (1 << 3)).toBe(0); // sizes in the local header, no data descriptor
      expect(e.date).toEqual(new Date(2026, 11, 31, 23, 59, 58));
    });
    // Deflated at level 1, CSV shrinks to well under half
    expect(read[1]!.raw.length).toBeLessThan(read[1]!.content.length / 2);
  });

  it('keeps at most a few chunks waiting for zlib: `ready` waits until one is done', async () => {
    const given: Buffer[] = [];
    const back: Buffer[] = [];
    const e = new DeflatingEntry('x.csv', path.join(dir, 'x.deflated'), 1, (b) => back.push(b));
    for (let i = 0; i < 3; i++) {
      given.push(lines(5_000, i));
      e.add(given[i]!);
    }
    expect(back).toEqual([]);
    await e.ready();
    expect(back.length).toBeGreaterThanOrEqual(1);
    // The buffers come back to their owner for the next chunks, untouched
    for (const b of back) expect(given).toContain(b);
    const done = await e.finish(Buffer.alloc(0));
    expect(inflateRawSync(readFileSync(path.join(dir, 'x.deflated'))).equals(Buffer.concat(given))).toBe(true);
    expect(done).toMatchObject({ size: Buffer.concat(given).length, crc32: crc32(Buffer.concat(given)) });
  });

  it('refuses, in words a clerk reads, a zip past what 32-bit sizes hold', () => {
    const big: DeflatedEntry = { name: 'persons.csv', crc32: 0, size: 5 * 1024 ** 3, compressedSize: 10, data: Buffer.alloc(10) };
    expect(() => zipStream([big], new Date())).toThrow(ApiError);
    expect(() => zipStream([big], new Date())).toThrow('超过 4 GB');
  });
});
