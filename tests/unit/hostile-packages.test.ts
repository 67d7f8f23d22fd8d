/**
 * Hostile and broken packages: each is refused with a message a clerk can act on, and the city
 * database is byte-for-byte what it was (hashed after the CLI has closed it). The variants are
 * built from a real exported package by tests/fixtures/packages.ts.
 */
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { deflateRawSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyPackages } from '../../electron/core/services/packages';
import { removeDir, tempDir } from '../fixtures/core';
import {
  countyCensus, exportTo, fileHash, HEFEI, LUYANG, rawZip, repack, unpack, writeFile, YAOHAI, type RawEntry,
} from '../fixtures/packages';
import { runCli } from '../fixtures/cli';

const run = runCli;

let dir: string;
let db: string;
let valid: Buffer;
let entries: Map<string, Buffer>;

beforeAll(async () => {
  dir = tempDir('headcount-hostile-');
  const county = await countyCensus(YAOHAI, 60, 7);
  valid = (await exportTo(county, 'valid.hcpkg')).data;
  const other = await countyCensus(LUYANG, 20, 8);
  const first = await exportTo(other, 'luyang.hcpkg');
  county.close();
  other.close();
  entries = await unpack(valid);
  db = path.join(dir, 'city.sqlite');
  expect((await run('init', '--db', db, '--area', HEFEI, '--level', 'city', '--ref-date', '2026-12-31', '--name', '合肥市民政局')).code).toBe(0);
  // A city that already holds data: a refusal must leave it, not just an empty file, untouched.
  const m = await run('merge', '--db', db, first.file, '--trust-new-keys');
  expect(m.code).toBe(0);
});
afterAll(() => removeDir(dir));

/** Merges `data` through the CLI and returns the message; asserts refusal and an unchanged database. */
async function refuse(name: string, data: Buffer, ...extra: string[]): Promise<string> {
  const file = writeFile(dir, name, data);
  const before = fileHash(db);
  const r = await run('merge', '--db', db, file, '--trust-new-keys', '--json', ...extra);
  expect(fileHash(db), 'database changed by a refused package').toBe(before);
  expect(r.code).toBe(1);
  const [res] = JSON.parse(r.out) as { status: string; message: string }[];
  expect(res!.status).toBe('refused');
  expect(res!.message).toMatch(/[\u4e00-\u9fff]/);
  expect(r.err).toBe('');
  if (process.env.SHOW) console.log(name, res!.message);
  return res!.message;
}

const person = () => entries.get('persons.csv')!;

describe('the fixtures themselves', () => {
  it('a repacked, re-signed package with no fault verifies and merges (so each refusal below is the fault’s doing)', async () => {
    const same = await repack(valid, () => {});
    const [v] = await verifyPackages(null, [{ name: 'same.hcpkg', data: same }]);
    expect(v).toMatchObject({ ok: true, problems: [] });
    const [orig] = await verifyPackages(null, [{ name: 'valid.hcpkg', data: valid }]);
    expect(orig).toMatchObject({ ok: true });
  });
});

describe('refused with a clear message, database unchanged', () => {
  it('a truncated package (copy interrupted)', async () => {
    expect(await refuse('truncated.hcpkg', valid.subarray(0, Math.floor(valid.length * 0.6)))).toContain('文件不完整或已损坏');
  });

  it('a file that is not a package at all, and an empty file', async () => {
    expect(await refuse('notes.hcpkg', Buffer.from('这是一份会议记录', 'utf8'))).toContain('不是 Headcount 上报包');
    expect(await refuse('empty.hcpkg', Buffer.alloc(0))).toContain('文件是空的');
  });

  it('a zip-slip path (../persons.csv)', async () => {
    const msg = await refuse('slip.hcpkg', await repack(valid, () => {}, { rename: { 'persons.csv': '../persons.csv' } }));
    expect(msg).toContain('不安全的文件路径');
  });

  it('an absolute path and a backslash path', async () => {
    expect(await refuse('abs.hcpkg', await repack(valid, () => {}, { rename: { 'units.csv': '/tmp/units.csv' } }))).toContain('不安全的文件路径');
    expect(await refuse('bs.hcpkg', await repack(valid, () => {}, { rename: { 'units.csv': 'x\\units.csv' } }))).toContain('不安全的文件路径');
  });

  it('a symlink entry', async () => {
    const list: RawEntry[] = [...entries].map(([name, data]) => ({ name, data, ...(name === 'audit.csv' ? { unixMode: 0o120777 } : {}) }));
    expect(await refuse('link.hcpkg', rawZip(list))).toContain('符号链接');
  });

  it('two entries with the same name, and an entry the format does not have', async () => {
    const list: RawEntry[] = [...entries].map(([name, data]) => ({ name, data }));
    expect(await refuse('twice.hcpkg', rawZip([...list, { name: 'persons.csv', data: person() }]))).toContain('重名');
    expect(await refuse('extra.hcpkg', rawZip([...list, { name: 'run.bat', data: Buffer.from('echo') }]))).toContain('不应有的文件');
  });

  it('a zip bomb: an entry declaring more than the cap is refused before inflating', async () => {
    const list: RawEntry[] = [...entries].map(([name, data]) => ({ name, data, ...(name === 'persons.csv' ? { declaredSize: 2_000_000_000 } : {}) }));
    expect(await refuse('bomb-declared.hcpkg', rawZip(list))).toContain('超过上限');
  });

  it('a zip bomb: an entry inflating to more than it declares stops at the declared size', async () => {
    const big = Buffer.alloc(8 * 1024 * 1024, 0x41);
    const list: RawEntry[] = [...entries].map(([name, data]) => (name === 'audit.csv' ? { name, data: big, declaredSize: 1000 } : { name, data }));
    expect(await refuse('bomb-lying.hcpkg', rawZip(list))).toContain('解压后比声明的大');
  });

  it('an entry inflating to less than it declares, and one whose deflated data breaks off', async () => {
    const short: RawEntry[] = [...entries].map(([name, data]) => (name === 'audit.csv' ? { name, data, declaredSize: data.length + 500 } : { name, data }));
    expect(await refuse('short-entry.hcpkg', rawZip(short))).toMatch(/「audit\.csv」已损坏，无法解压（解压后 \d+ 字节，应为 \d+ 字节）/);
    const cut: RawEntry[] = [...entries].map(([name, data]) => {
      if (name !== 'persons.csv') return { name, data };
      const deflated = deflateRawSync(data);
      return { name, data, deflated: deflated.subarray(0, Math.floor(deflated.length / 2)) };
    });
    expect(await refuse('cut.hcpkg', rawZip(cut))).toBe('上报包中的「persons.csv」已损坏，无法解压（压缩数据不完整），请让报送单位重新拷贝或重新导出');
  });

  it('an entry whose local header is damaged (the central directory still points at it)', async () => {
    const list: RawEntry[] = [...entries].map(([name, data]) => ({ name, data }));
    const zip = rawZip(list);
    // The second entry's local header follows the first's header, name and deflated data
    const second = 30 + Buffer.byteLength(list[0]!.name) + deflateRawSync(list[0]!.data).length;
    expect(zip.readUInt32LE(second)).toBe(0x04034b50);
    zip.writeUInt32LE(0x04034b51, second);
    expect(await refuse('header.hcpkg', zip)).toBe(`上报包中的「${list[1]!.name}」已损坏，无法解压（文件在 zip 中的记录有误），请让报送单位重新拷贝或重新导出`);
  });

  it('a zip bomb: an absurd compression ratio', async () => {
    const zeros = Buffer.alloc(64 * 1024 * 1024, 0x30);
    const list: RawEntry[] = [...entries].map(([name, data]) => (name === 'audit.csv' ? { name, data: zeros } : { name, data }));
    expect(await refuse('bomb-ratio.hcpkg', rawZip(list))).toContain('压缩比异常');
  });

  it('a resource whose hash does not match the manifest', async () => {
    const tampered = await repack(valid, (e) => {
      const text = e.get('persons.csv')!.toString('utf8');
      e.set('persons.csv', Buffer.from(text.replace(/,2,/, ',1,'), 'utf8'));
    }, { resign: false, fixHashes: false });
    const msg = await refuse('hash.hcpkg', tampered);
    expect(msg).toContain('persons.csv');
    expect(msg).toContain('校验值');
  });

  it('a tampered datapackage.json (signature no longer matches)', async () => {
    const tampered = await repack(valid, (e, m) => {
      m.headcount.sequence = 99;
      e.set('datapackage.json', Buffer.from(JSON.stringify(m, null, 2) + '\n', 'utf8'));
    }, { resign: false, fixHashes: false });
    expect(await refuse('manifest.hcpkg', tampered)).toContain('签名验证失败');
  });

  it('a bad signature, and a missing one', async () => {
    const bad = await repack(valid, (e) => {
      const sig = JSON.parse(e.get('signature.json')!.toString('utf8')) as { signature: string };
      sig.signature = randomBytes(64).toString('base64');
      e.set('signature.json', Buffer.from(JSON.stringify(sig)));
    }, { resign: false, fixHashes: false });
    expect(await refuse('badsig.hcpkg', bad)).toContain('签名验证失败');
    const missing = await repack(valid, (e) => void e.delete('signature.json'), { resign: false, fixHashes: false });
    expect(await refuse('nosig.hcpkg', missing)).toContain('缺少签名文件');
  });

  it('an unknown schema version (correctly signed)', async () => {
    const future = await repack(valid, (_e, m) => void (m.headcount.schemaVersion = 4));
    expect(await refuse('v4.hcpkg', future)).toContain('格式版本为 4');
  });

  it('a wrong passphrase, and none at all', async () => {
    const county = await countyCensus(YAOHAI, 10, 11);
    const enc = (await exportTo(county, 'enc.hcpkg', { passphrase: '正确的口令12345' })).data;
    county.close();
    const pf = writeFile(dir, 'wrong.txt', Buffer.from('错误的口令99999\n'));
    expect(await refuse('enc.hcpkg', enc, '--passphrase-file', pf)).toContain('口令不正确');
    expect(await refuse('enc2.hcpkg', enc)).toContain('请输入口令');
  });

  it('a CSV resource with invalid UTF-8 (hash and signature in order)', async () => {
    const broken = await repack(valid, (e) => {
      const b = Buffer.from(e.get('units.csv')!);
      b[b.indexOf(0x0a) + 5] = 0xff;
      e.set('units.csv', b);
    });
    expect(await refuse('utf8.hcpkg', broken)).toContain('无效的 UTF-8');
  });

  it('a CSV field far beyond any real value', async () => {
    const huge = await repack(valid, (e) => {
      const lines = e.get('persons.csv')!.toString('utf8').split('\r\n');
      const cells = lines[1]!.split(',');
      cells[2] = 'x'.repeat(200_000);
      lines[1] = cells.join(',');
      e.set('persons.csv', Buffer.from(lines.join('\r\n'), 'utf8'));
    });
    const msg = await refuse('huge.hcpkg', huge);
    expect(msg).toContain('超过上限');
    expect(msg).toContain('persons.csv');
  });

  it('a CSV with a broken quote and a row with a missing column', async () => {
    const quote = await repack(valid, (e) => {
      const t = e.get('units.csv')!.toString('utf8').replace(/\r\n([^,]+),/, '\r\n"$1,');
      e.set('units.csv', Buffer.from(t, 'utf8'));
    });
    expect(await refuse('quote.hcpkg', quote)).toMatch(/units\.csv/);
    const short = await repack(valid, (e) => {
      const lines = e.get('units.csv')!.toString('utf8').split('\r\n');
      lines[1] = lines[1]!.split(',').slice(0, -1).join(',');
      e.set('units.csv', Buffer.from(lines.join('\r\n'), 'utf8'));
    });
    expect(await refuse('short.hcpkg', short)).toContain('列');
  });

  it('a row count or record count that disagrees with the manifest', async () => {
    const fewer = await repack(valid, (e) => {
      const lines = e.get('persons.csv')!.toString('utf8').split('\r\n');
      lines.splice(1, 1);
      e.set('persons.csv', Buffer.from(lines.join('\r\n'), 'utf8'));
    });
    expect(await refuse('rows.hcpkg', fewer)).toMatch(/行数据|来源信息/);
  });

  it('verify reports the fault without a database', async () => {
    const file = writeFile(dir, 'verify-hash.hcpkg', await repack(valid, (e) => {
      e.set('explanations.csv', Buffer.concat([e.get('explanations.csv')!, Buffer.from('x')]));
    }, { resign: false, fixHashes: false }));
    const r = await run('verify', file, '--json');
    expect(r.code).toBe(1);
    const { results } = JSON.parse(r.out) as { results: { ok: boolean; problems: string[] }[] };
    expect(results[0]).toMatchObject({ ok: false });
    expect(results[0]!.problems.join('')).toContain('explanations.csv');
  });
});
