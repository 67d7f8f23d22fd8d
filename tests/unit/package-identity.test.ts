/**
 * A package is identified by its id, its signed content and its signer together: a file that
 * reuses a merged package's id but is signed by another key is refused as key_changed, never
 * answered "已经合并过" — and the city database is byte-for-byte unchanged.
 */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../fixtures/cli';
import { removeDir, tempDir } from '../fixtures/core';
import { countyCensus, exportTo, fileHash, HEFEI, repack, writeFile, YAOHAI } from '../fixtures/packages';

let dir: string;
let db: string;
let valid: { file: string; data: Buffer };

beforeAll(async () => {
  dir = tempDir('headcount-identity-');
  const county = await countyCensus(YAOHAI, 20, 3);
  valid = await exportTo(county, 'yaohai.hcpkg');
  county.close();
  db = path.join(dir, 'city.sqlite');
  expect((await runCli('init', '--db', db, '--area', HEFEI, '--level', 'city', '--ref-date', '2026-12-31', '--name', '合肥市民政局')).code).toBe(0);
  expect((await runCli('merge', '--db', db, valid.file, '--trust-new-keys')).code).toBe(0);
});
afterAll(() => removeDir(dir));

describe('package identity', () => {
  it('answers the very same package again with "unchanged"', async () => {
    const before = fileHash(db);
    const r = await runCli('merge', '--db', db, valid.file, '--json');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out)[0]).toMatchObject({ status: 'unchanged' });
    expect(fileHash(db)).toBe(before);
  });

  it('refuses a re-signed package that reuses the merged id as key_changed, with exit 1 and the database unchanged', async () => {
    const forged = writeFile(dir, 'forged.hcpkg', await repack(valid.data, () => {}, { resign: true }));
    const before = fileHash(db);
    const r = await runCli('merge', '--db', db, forged, '--trust-new-keys', '--json');
    expect(r.code).toBe(1);
    const [res] = JSON.parse(r.out) as { status: string; message: string }[];
    expect(res).toMatchObject({ status: 'refused' });
    expect(res!.message).toContain('签名密钥不同');
    expect(res!.message).not.toContain('已经合并过');
    expect(fileHash(db)).toBe(before);
  });
});
