/**
 * Files sent ahead as raw bytes (`files.upload`) and named by their upload id: the import preview and
 * commit, and a city's package preview and merge, read the same bytes as from inline base64; an id the
 * core no longer holds, or a file given both ways or neither, is refused in words; old uploads give
 * way to new ones within the memory bound.
 */
import path from 'node:path';
import { readFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { bytesOf, putUpload } from '../../electron/core/services/uploads';
import { DONGCHENG, openTestCore, removeDir, type TestCore } from '../fixtures/core';
import { countyCensus, exportTo, HEFEI, YAOHAI } from '../fixtures/packages';
import { makeIdNumber, writeCsv } from '../fixtures/township-returns';

const opened: TestCore[] = [];
const track = <T extends TestCore>(t: T) => (opened.push(t), t);
afterAll(() => {
  for (const t of opened) {
    t.close();
    removeDir(t.dir);
  }
});

describe('files sent ahead as raw bytes', () => {
  it('a GBK township return previews and imports from its upload as from base64', async () => {
    const t = track(await openTestCore());
    await t.call('census.setup', DONGCHENG);
    const rows = [['姓名', '性别', '证件号码'], ...Array.from({ length: 40 }, (_, i) => [`测试${i}`, i % 2 ? '男' : '女', makeIdNumber('19900101', i + 1)])];
    const data = readFileSync(writeCsv(path.join(t.dir, '景山街道.csv'), rows, 'gbk'));
    const up = await t.call('files.upload', { name: '景山街道.csv', data: new Uint8Array(data) });
    expect(up.size).toBe(data.length);

    const viaUpload = await t.call('io.import.preview', { files: [{ name: '景山街道.csv', uploadId: up.uploadId }] });
    const viaBase64 = await t.call('io.import.preview', { files: [{ name: '景山街道.csv', dataBase64: data.toString('base64') }] });
    expect(viaUpload.totals).toMatchObject({ rowsRead: 40, toAdd: 40 });
    expect(viaUpload.totals).toEqual(viaBase64.totals);
    expect(viaUpload.files[0]!.encoding).toBe('gb18030');
    await t.call('io.import.commit', { importId: viaUpload.importId! });
    const listed = await t.call('persons.list', { limit: 100 });
    expect(listed.total).toBe(40);
    expect(listed.rows.map((r) => r.data.name)).toContain('测试7');
  });

  it('a city previews and merges a county package from its upload', async () => {
    const county = track(await countyCensus(YAOHAI, 25));
    const pkg = await exportTo(county, 'yaohai.hcpkg');
    const city = track(await openTestCore());
    await city.call('census.setup', { areaCode: HEFEI, level: 'city', refDate: '2026-12-31', officeName: '合肥市民政局', operator: '王芳' });
    const { uploadId } = await city.call('files.upload', { name: 'yaohai.hcpkg', data: new Uint8Array(pkg.data) });
    const file = { name: 'yaohai.hcpkg', uploadId };
    const preview = await city.call('packages.preview', { files: [file] });
    expect(preview.results[0]).toMatchObject({ area: YAOHAI, status: 'ready', added: 25 });
    const merged = await city.call('packages.merge', { files: [file], trustNewKeys: true });
    expect(merged.results[0]).toMatchObject({ status: 'merged', added: 25 });
    expect((await city.call('persons.list', { limit: 1 })).total).toBe(25);
    // The merged package's bytes are let go (a province's hundreds of MB); the page picks files anew
    const again = await city.fail('packages.preview', { files: [file] });
    expect(again).toMatchObject({ code: 'not_found', details: { reason: 'upload_gone' } });
  });

  it('keeps the uploads of a merge that failed, for the same click again', async () => {
    const county = track(await countyCensus(YAOHAI, 5));
    const pkg = await exportTo(county, 'yaohai.hcpkg');
    const t = track(await openTestCore());
    await t.call('census.setup', DONGCHENG);
    const { uploadId } = await t.call('files.upload', { name: 'yaohai.hcpkg', data: new Uint8Array(pkg.data) });
    // A county census cannot merge: refused as a whole, nothing answered
    expect((await t.fail('packages.merge', { files: [{ name: 'yaohai.hcpkg', uploadId }], trustNewKeys: true })).code).toBe('conflict');
    expect((await t.call('packages.verify', { files: [{ name: 'yaohai.hcpkg', uploadId }] })).results[0]).toMatchObject({ ok: true });
  });

  it('refuses an upload it no longer holds, and a file given both ways or neither', async () => {
    const t = track(await openTestCore());
    await t.call('census.setup', DONGCHENG);
    const gone = await t.fail('io.import.preview', { files: [{ name: '交道口.xlsx', uploadId: 'no-such-upload' }] });
    expect(gone).toMatchObject({ code: 'not_found' });
    expect(gone.message).toContain('「交道口.xlsx」已不在内存中');
    expect(gone.message).toContain('请重新选择文件');
    const { uploadId } = await t.call('files.upload', { name: 'a.csv', data: new Uint8Array(Buffer.from('姓名\n张三\n')) });
    const both = await t.fail('io.import.preview', { files: [{ name: 'a.csv', uploadId, dataBase64: 'eA==' }] });
    expect(both.code).toBe('bad_input');
    expect(both.message).toContain('请重新选择文件');
    expect((await t.fail('packages.verify', { files: [{ name: 'a.hcpkg' }] })).code).toBe('bad_input');
    // JSON cannot carry the bytes themselves: a base64 string where the bytes belong is refused
    expect((await t.fail('files.upload', { name: 'a.csv', data: 'eA==' as never })).code).toBe('bad_input');
  });

  it('keeps the newest uploads within its memory bound, oldest out first', async () => {
    const t = track(await openTestCore());
    const ctx = t.core.ctx;
    const put = (name: string, size: number) => ({ name, ...putUpload(ctx, name, new Uint8Array(size).fill(name.charCodeAt(0)), 1000) });
    const a = put('a', 400);
    const b = put('b', 400);
    expect(bytesOf(ctx, a)[0]).toBe('a'.charCodeAt(0));
    const c = put('c', 400); // 1,200 bytes > 1,000: a goes
    expect(() => bytesOf(ctx, a)).toThrow(/已不在内存中/);
    expect(bytesOf(ctx, b).length).toBe(400);
    expect(bytesOf(ctx, c)[399]).toBe('c'.charCodeAt(0));
    const big = put('d', 5000); // larger than the bound by itself: kept, every older one goes
    expect(bytesOf(ctx, big).length).toBe(5000);
    expect(() => bytesOf(ctx, b)).toThrow(/已不在内存中/);
    expect(() => bytesOf(ctx, c)).toThrow(/已不在内存中/);
  });
});
