/**
 * Reading the zip inside a package defensively (yauzl): entry names are checked (no absolute
 * paths, `..`, backslashes, directories, symlinks, duplicates or unexpected files), declared sizes
 * are capped before anything is inflated, and the inflated size is checked against the declared one
 * while inflating, so a bomb stops at its declared size.
 */
import { inflateRawSync } from 'node:zlib';
import yauzl from 'yauzl';
import { ApiError } from '../../../../shared/api/errors';
import { ENTRY_NAMES, LIMITS, MANIFEST_FILE, SIGNATURE_FILE, ZIP_MAGIC } from '../../../../shared/package';

export interface SafeZip {
  names: string[];
  size(name: string): number;
  read(name: string): Promise<Buffer>;
}

const refuse = (message: string, reason: string, details: Record<string, unknown> = {}) =>
  new ApiError('invalid_file', message, { reason, ...details });

const S_IFMT = 0o170000;
const S_IFLNK = 0o120000;

export function looksLikeZip(data: Uint8Array): boolean {
  return data.length >= 4 && ZIP_MAGIC.every((b, i) => data[i] === b);
}

function structureError(e: unknown): ApiError {
  const msg = e instanceof Error ? e.message : String(e);
  if (/invalid relative path|absolute path|invalid characters in fileName/i.test(msg))
    return refuse(`上报包中含有不安全的文件路径（${msg.replace(/^.*?: /, '')}），已拒绝`, 'unsafe_path');
  if (/end of central directory|truncated|unexpected EOF|not enough|out of range|multi-disk/i.test(msg))
    return refuse('上报包文件不完整或已损坏（zip 结构无法读取），请让报送单位重新拷贝或重新导出', 'truncated');
  return refuse(`上报包的 zip 结构已损坏：${msg}`, 'zip_corrupt');
}

function openBuffer(data: Buffer): Promise<yauzl.ZipFile> {
  return new Promise((resolve, reject) => {
    yauzl.fromBuffer(data, { lazyEntries: true, decodeStrings: true, strictFileNames: true, validateEntrySizes: true }, (err, zip) => {
      if (err || !zip) reject(structureError(err));
      else resolve(zip);
    });
  });
}

function readEntries(zip: yauzl.ZipFile): Promise<yauzl.Entry[]> {
  return new Promise((resolve, reject) => {
    const entries: yauzl.Entry[] = [];
    zip.on('entry', (e: yauzl.Entry) => {
      entries.push(e);
      zip.readEntry();
    });
    zip.on('end', () => resolve(entries));
    zip.on('error', (e: unknown) => reject(structureError(e)));
    zip.readEntry();
  });
}

/** Checks every entry's name, kind and declared size before anything is inflated. */
export async function openZip(data: Buffer): Promise<SafeZip> {
  if (!looksLikeZip(data)) throw refuse('文件不是 Headcount 上报包（.hcpkg）', 'not_a_package');
  const zip = await openBuffer(data);
  if (zip.entryCount > LIMITS.maxEntries) throw refuse(`上报包中的文件过多（${zip.entryCount} 个），不是有效的上报包`, 'too_many_entries');
  const entries = await readEntries(zip);
  const byName = new Map<string, yauzl.Entry>();
  let total = 0;
  for (const e of entries) {
    const name = e.fileName;
    if (name.endsWith('/')) throw refuse(`上报包中含有文件夹「${name}」，不是有效的上报包`, 'directory');
    if (((e.externalFileAttributes >>> 16) & S_IFMT) === S_IFLNK) throw refuse(`上报包中含有符号链接「${name}」，已拒绝`, 'symlink');
    if (byName.has(name)) throw refuse(`上报包中有重名的文件「${name}」，已拒绝`, 'duplicate_entry');
    if (!ENTRY_NAMES.includes(name)) throw refuse(`上报包中含有不应有的文件「${name}」，已拒绝`, 'unexpected_entry', { entry: name });
    if (e.isEncrypted()) throw refuse(`上报包中的「${name}」使用了 zip 加密，不是 Headcount 生成的文件`, 'zip_encrypted');
    if (e.compressionMethod !== 0 && e.compressionMethod !== 8)
      throw refuse(`上报包中的「${name}」使用了不支持的压缩方式`, 'compression_method');
    const cap = name === MANIFEST_FILE || name === SIGNATURE_FILE ? LIMITS.maxManifestBytes : LIMITS.maxEntryBytes;
    if (e.uncompressedSize > cap)
      throw refuse(`上报包中的「${name}」解压后有 ${mb(e.uncompressedSize)}，超过上限 ${mb(cap)}，已拒绝`, 'entry_too_large', { entry: name });
    if (e.uncompressedSize >= LIMITS.ratioCheckFromBytes && e.uncompressedSize > LIMITS.maxCompressionRatio * Math.max(1, e.compressedSize))
      throw refuse(`上报包中的「${name}」压缩比异常（疑似压缩炸弹），已拒绝`, 'compression_ratio', { entry: name });
    total += e.uncompressedSize;
    if (total > LIMITS.maxTotalBytes) throw refuse(`上报包解压后总大小超过上限 ${mb(LIMITS.maxTotalBytes)}，已拒绝`, 'total_too_large');
    byName.set(name, e);
  }
  return {
    names: [...byName.keys()],
    size: (name) => byName.get(name)?.uncompressedSize ?? 0,
    read(name) {
      const entry = byName.get(name);
      if (!entry) return Promise.reject(refuse(`上报包中缺少「${name}」`, 'missing_entry', { entry: name }));
      return inflate(zip, data, entry);
    },
  };
}

/**
 * One entry, inflated in one call from the package's bytes (all in memory already). yauzl's stream went
 * through zlib's thread pool 16 KiB at a time: a round trip per chunk, which left the reading worker
 * idle ~2 s of a province's 7 s preview (bench/README, session 28). The output stops at the declared
 * size (`maxOutputLength`), so a bomb is refused without inflating past it. The output is one buffer of
 * the declared size (one more byte, so a longer stream is caught): zlib's default, 16 KiB pieces joined
 * at the end, made ~2,000 small allocations and a copy per 35 MB package, and the national merge's
 * peak RSS 792 → 704 MB without them (bench/README, session 30).
 */
async function inflate(zip: yauzl.ZipFile, data: Buffer, entry: yauzl.Entry): Promise<Buffer> {
  const fail = (e: unknown) => {
    const code = (e as { code?: unknown }).code;
    if (code === 'ERR_BUFFER_TOO_LARGE')
      return refuse(`上报包中的「${entry.fileName}」解压后比声明的大（疑似压缩炸弹），已拒绝`, 'size_mismatch', { entry: entry.fileName });
    const why = code === 'Z_BUF_ERROR' ? '压缩数据不完整' : code === 'Z_DATA_ERROR' ? '压缩数据有误' : e instanceof Error ? e.message : String(e);
    return refuse(`上报包中的「${entry.fileName}」已损坏，无法解压（${why}），请让报送单位重新拷贝或重新导出`, 'inflate_failed', { entry: entry.fileName });
  };
  let start: number;
  try {
    // Checks the local header's signature and that the entry's data lies inside the file
    ({ fileDataStart: start } = await zip.readLocalFileHeaderPromise(entry, { minimal: true }));
  } catch {
    throw fail(new Error('文件在 zip 中的记录有误'));
  }
  const raw = data.subarray(start, start + entry.compressedSize);
  let out: Buffer;
  try {
    out = entry.compressionMethod === 0 ? Buffer.from(raw) : inflateRawSync(raw, { maxOutputLength: Math.max(1, entry.uncompressedSize), chunkSize: Math.max(64, entry.uncompressedSize + 1) });
  } catch (e) {
    throw fail(e);
  }
  if (out.length !== entry.uncompressedSize) throw fail(new Error(`解压后 ${out.length} 字节，应为 ${entry.uncompressedSize} 字节`));
  return out;
}

function mb(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${(bytes / 1024 / 1024).toFixed(0)} MB` : `${Math.ceil(bytes / 1024)} KB`;
}
