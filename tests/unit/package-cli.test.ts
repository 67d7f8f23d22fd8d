/** `headcount export | verify | merge | keys`, called in-process like the other CLI tests. */
import { copyFileSync, existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openCoreForFile } from '../../electron/core/app';
import { removeDir, tempDir } from '../fixtures/core';
import { fileHash, HEFEI, LUYANG, YAOHAI } from '../fixtures/packages';
import { runCli } from '../fixtures/cli';

const run = runCli;

let dir: string;
const p = (name: string) => path.join(dir, name);

beforeAll(async () => {
  dir = tempDir('headcount-pkgcli-');
  for (const [file, area, level, persons] of [['yaohai.sqlite', YAOHAI, 'county', 80], ['luyang.sqlite', LUYANG, 'county', 40], ['city.sqlite', HEFEI, 'city', 0]] as const) {
    expect((await run('init', '--db', p(file), '--area', area, '--level', level, '--ref-date', '2026-12-31', '--name', `${area}民政局`)).code).toBe(0);
    if (persons) expect((await run('demo', '--db', p(file), '--persons', String(persons), '--units', '4')).code).toBe(0);
  }
});
afterAll(() => removeDir(dir));

describe('headcount export', () => {
  it('writes a signed package and leaves no temporary file', async () => {
    const r = await run('export', '--db', p('yaohai.sqlite'), '-o', p('yaohai-1.hcpkg'));
    expect(r).toMatchObject({ code: 0, err: '' });
    expect(r.out).toContain('第 1 次上报');
    expect(r.out).toMatch(/密钥指纹：([0-9A-F]{4} ){7}[0-9A-F]{4}/);
    expect(existsSync(p('yaohai-1.hcpkg'))).toBe(true);
    expect(readdirSync(dir).filter((f) => f.endsWith('.part'))).toEqual([]);
  });

  it('encrypts with a passphrase file', async () => {
    writeFileSync(p('pass.txt'), '庐阳区的口令2026\n');
    const r = await run('export', '--db', p('luyang.sqlite'), '-o', p('luyang-1.hcpkg'), '--passphrase-file', p('pass.txt'));
    expect(r.code).toBe(0);
    expect(r.out).toContain('已加密');
  });

  it('refuses while errors remain, says how many, and writes no file', async () => {
    expect((await run('init', '--db', p('bad.sqlite'), '--area', YAOHAI, '--level', 'county', '--ref-date', '2026-12-31')).code).toBe(0);
    expect((await run('demo', '--db', p('bad.sqlite'), '--persons', '5', '--units', '1')).code).toBe(0);
    // A person whose unit is missing is an error.
    const core = openCoreForFile(p('bad.sqlite'));
    const first = core.ctx.store.persons.list({ limit: 1 }).rows[0]!;
    await core.dispatch('persons.update', { id: first.id, patch: { unitId: 'nowhere' } });
    core.close();
    const r = await run('export', '--db', p('bad.sqlite'), '-o', p('bad.hcpkg'));
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/还有 \d+ 个错误未修正/);
    expect(existsSync(p('bad.hcpkg'))).toBe(false);
  });

  it('explains bad arguments', async () => {
    expect((await run('export', '--db', p('yaohai.sqlite'))).err).toContain('缺少参数 --out');
    expect((await run('export', '--db', p('yaohai.sqlite'), '-o', p('no/such/dir/x.hcpkg'))).err).toContain('输出目录不存在');
    expect((await run('verify')).code).toBe(2);
    expect((await run('merge', '--db', p('city.sqlite'), p('missing.hcpkg'))).err).toContain('找不到上报包文件');
  });
});

describe('headcount verify', () => {
  it('reports what a package holds, in text and JSON', async () => {
    const t = await run('verify', p('yaohai-1.hcpkg'));
    expect(t.code).toBe(0);
    expect(t.out).toContain('通过');
    expect(t.out).toContain('瑶海区');
    const j = await run('verify', p('luyang-1.hcpkg'), '--passphrase-file', p('pass.txt'), '--json', '--db', p('city.sqlite'));
    expect(j.code).toBe(0);
    const { results } = JSON.parse(j.out) as { results: { ok: boolean; encrypted: boolean; trust: string; package: { persons: number } }[] };
    expect(results[0]).toMatchObject({ ok: true, encrypted: true, trust: 'new', package: { persons: 40 } });
  });

  it('takes a folder as its .hcpkg files', async () => {
    mkdirSync(p('usb'));
    copyFileSync(p('yaohai-1.hcpkg'), p('usb/a.hcpkg'));
    copyFileSync(p('yaohai-1.hcpkg'), p('usb/b.hcpkg'));
    writeFileSync(p('usb/说明.txt'), '不是上报包');
    const r = await run('verify', p('usb'), '--json');
    expect(r.code).toBe(0);
    expect((JSON.parse(r.out) as { results: { file: string }[] }).results.map((x) => x.file)).toEqual(['a.hcpkg', 'b.hcpkg']);
    mkdirSync(p('empty'));
    expect((await run('verify', p('empty'))).err).toContain('文件夹中没有 .hcpkg 上报包');
  });

  it('fails on an encrypted package without the passphrase', async () => {
    const r = await run('verify', p('luyang-1.hcpkg'));
    expect(r.code).toBe(1);
    expect(r.out).toContain('请输入口令');
  });
});

describe('headcount merge and keys', () => {
  it('refuses a first key unless trusted, and prints the JSON the issue specifies', async () => {
    const before = fileHash(p('city.sqlite'));
    const r = await run('merge', '--db', p('city.sqlite'), p('yaohai-1.hcpkg'), '--json');
    expect(r.code).toBe(1);
    const [res] = JSON.parse(r.out) as Record<string, unknown>[];
    expect(Object.keys(res!)).toEqual(['file', 'area', 'sequence', 'status', 'added', 'replaced', 'removed', 'duplicatesHeld', 'message']);
    expect(res).toMatchObject({ area: YAOHAI, sequence: 1, status: 'refused', added: 80 });
    expect(res!.message).toContain('电话核对密钥指纹');
    expect(fileHash(p('city.sqlite'))).toBe(before);
  });

  it('merges with --trust-new-keys, and again is unchanged', async () => {
    const r = await run('merge', '--db', p('city.sqlite'), p('yaohai-1.hcpkg'), p('luyang-1.hcpkg'), '--passphrase-file', p('pass.txt'), '--trust-new-keys', '--json');
    expect(r.code).toBe(0);
    const res = JSON.parse(r.out) as { status: string; added: number }[];
    expect(res.map((x) => [x.status, x.added])).toEqual([['merged', 80], ['merged', 40]]);
    const again = await run('merge', '--db', p('city.sqlite'), p('yaohai-1.hcpkg'));
    expect(again.code).toBe(0);
    expect(again.out).toContain('无变化');
    const info = JSON.parse((await run('info', '--db', p('city.sqlite'), '--json')).out) as { summary: { persons: number } };
    expect(info.summary.persons).toBe(120);
  });

  it('keys lists the own fingerprint and the trusted keys; --trust registers a changed key explicitly', async () => {
    const k = await run('keys', '--db', p('city.sqlite'), '--json');
    const keys = JSON.parse(k.out) as { own: { fingerprint: string }; trusted: { areaCode: string; current: boolean }[] };
    expect(keys.own.fingerprint).toMatch(/^([0-9A-F]{4} ){7}[0-9A-F]{4}$/);
    expect(keys.trusted.map((x) => x.areaCode).sort()).toEqual([YAOHAI, LUYANG].sort());
    const text = await run('keys', '--db', p('city.sqlite'));
    expect(text.out).toContain('本单位密钥指纹');
    expect(text.out).toContain('瑶海区');

    // Another installation of 瑶海区 (a new key) sends its package.
    expect((await run('init', '--db', p('yaohai-new.sqlite'), '--area', YAOHAI, '--level', 'county', '--ref-date', '2026-12-31')).code).toBe(0);
    expect((await run('demo', '--db', p('yaohai-new.sqlite'), '--persons', '7', '--units', '1', '--seed', '99')).code).toBe(0);
    for (const n of [1, 2]) expect((await run('export', '--db', p('yaohai-new.sqlite'), '-o', p(`yaohai-new-${n}.hcpkg`))).code).toBe(0);
    const refused = await run('merge', '--db', p('city.sqlite'), p('yaohai-new-2.hcpkg'), '--trust-new-keys');
    expect(refused.code).toBe(1);
    expect(refused.out).toContain('密钥与此前登记的不同');
    const t = await run('keys', '--db', p('city.sqlite'), '--trust', p('yaohai-new-2.hcpkg'));
    expect(t.code).toBe(0);
    expect(t.out).toContain('取代原密钥');
    const ok = await run('merge', '--db', p('city.sqlite'), p('yaohai-new-2.hcpkg'), '--json');
    expect(JSON.parse(ok.out)[0]).toMatchObject({ status: 'merged', added: 7, removed: 80 });
  });
});
