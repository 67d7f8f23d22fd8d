/**
 * The app's census file as a workspace: backups listed with what they hold and restored (keeping the
 * current file first), a damaged file answered with the damaged state and mended from the newest good
 * backup, another file opened and remembered, and the lock that keeps two computers off one file.
 * All through the real dispatch over real SQLite files in temp dirs.
 */
import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { MethodInput, MethodName, MethodOutput } from '../../shared/api/contract';
import { createCore, type AppCore } from '../../electron/core/app';
import type { LockIdentity } from '../../electron/core/workspace/lock';
import { describeBackups } from '../../electron/core/services/backups';
import { damageDatabase, damageDataPages } from '../fixtures/damage';
import { DONGCHENG, removeDir, tempDir } from '../fixtures/core';
import { validPerson, validUnit } from '../fixtures/records';

const OFFICE_A: LockIdentity = { host: 'OFFICE-PC1', user: 'zhang', pid: process.pid };
const OFFICE_B: LockIdentity = { host: 'OFFICE-PC2', user: 'li', pid: process.pid };

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups.splice(0).reverse()) c();
});

function dir(): string {
  const d = tempDir('headcount-ws-');
  cleanups.push(() => removeDir(d));
  return d;
}

async function open(dataDir: string, identity: LockIdentity = OFFICE_A, extra: { heartbeatMs?: number } = {}): Promise<AppCore> {
  const core = await createCore({ dataDir, identity, ...extra });
  cleanups.push(() => core.close());
  return core;
}

async function call<M extends MethodName>(core: AppCore, method: M, input: MethodInput<M>): Promise<MethodOutput<M>> {
  const r = await core.dispatch(method, input);
  if (!r.ok) throw new Error(`${method} failed: ${r.error.code} ${r.error.message}`);
  return r.result as MethodOutput<M>;
}

async function fail(core: AppCore, method: MethodName, input: unknown): Promise<{ code: string; message: string }> {
  const r = await core.dispatch(method, input);
  if (r.ok) throw new Error(`${method} unexpectedly succeeded`);
  return r.error;
}

async function censusWithPeople(core: AppCore, n: number): Promise<void> {
  await call(core, 'census.setup', DONGCHENG);
  const { row: unit } = await call(core, 'units.create', { data: validUnit() });
  for (let i = 0; i < n; i++) {
    await call(core, 'persons.create', { data: validPerson({ unitId: unit.id, name: `测试${i}`, idNumber: null }) });
  }
}

describe('backups', () => {
  it('lists backups newest first with time, size and what they hold', async () => {
    const core = await open(dir());
    await censusWithPeople(core, 2);
    const b = await call(core, 'backups.create', {});
    expect(b).toMatchObject({ ok: true, persons: 2, units: 1, areaName: '北京市 / 东城区' });
    expect(b.size).toBeGreaterThan(4096);
    const list = await call(core, 'backups.list', {});
    expect(list.backups[0]!.name).toBe(b.name);
    expect(list.newestGood).toBe(b.name);
    expect(list.dir).toBe(path.join(core.workspace.status().dataDir, 'backups'));
    // What they take against what retention lets them take; this disk has room for the next one.
    expect(list.totalBytes).toBe(list.backups.reduce((n, x) => n + x.size, 0));
    expect(list.totalBytes).toBeGreaterThanOrEqual(b.size);
    expect(list.budgetBytes).toBe(4 * 1024 ** 3);
    expect(list.paused).toBeNull();
    // A census no disk here could hold a backup of pauses the backups, and says why.
    expect(describeBackups(list.dir, 'census', 1e15).paused).toMatch(/^磁盘剩余空间不足：备份约需 931322\.6 GB，备份文件夹所在的磁盘只剩 [\d.]+ [GM]B（还须为数据库本身留出 1\.0 GB）。$/);
  });

  it('restores a backup and keeps the current file as a backup first', async () => {
    const core = await open(dir());
    await censusWithPeople(core, 1);
    const before = await call(core, 'backups.create', {});
    await call(core, 'persons.create', { data: validPerson({ name: '后来的人', idNumber: null }) });
    expect((await call(core, 'census.summary', {})).persons).toBe(2);

    const r = await call(core, 'backups.restore', { name: before.name });
    expect(r.status.state).toBe('open');
    expect((await call(core, 'census.summary', {})).persons).toBe(1);
    const list = await call(core, 'backups.list', {});
    const kept = list.backups.find((x) => x.name === r.keptAs);
    expect(kept).toMatchObject({ ok: true, persons: 2 });
    // And the restore can itself be undone from that backup.
    await call(core, 'backups.restore', { name: r.keptAs! });
    expect((await call(core, 'census.summary', {})).persons).toBe(2);
  });

  it('refuses a backup name that is not one of the listed backups, and a damaged backup, leaving the data alone', async () => {
    const core = await open(dir());
    await censusWithPeople(core, 1);
    expect((await fail(core, 'backups.restore', { name: '../census.sqlite' })).code).toBe('bad_input');
    expect((await fail(core, 'backups.restore', { name: 'census-20200101-000000.sqlite' })).code).toBe('not_found');
    const b = await call(core, 'backups.create', {});
    damageDatabase(path.join(core.workspace.status().backupsDir, b.name));
    const e = await fail(core, 'backups.restore', { name: b.name });
    expect(e.code).toBe('invalid_file');
    expect(e.message).toContain('已损坏');
    expect((await call(core, 'census.summary', {})).persons).toBe(1);
    expect((await call(core, 'backups.list', {})).backups.find((x) => x.name === b.name)?.ok).toBe(false);
  });
});

describe('a damaged census file', () => {
  it('starts in the damaged state, offers the newest good backup, and restores it keeping the damaged copy', async () => {
    const data = dir();
    const first = await open(data);
    await censusWithPeople(first, 3);
    const good = await call(first, 'backups.create', {});
    first.close();
    damageDatabase(path.join(data, 'census.sqlite'));

    const core = await open(data);
    const e = await fail(core, 'census.get', {});
    expect(e.code).toBe('db_damaged');
    expect(e.message).toContain('已损坏');
    const status = await call(core, 'workspace.status', {});
    expect(status.state).toBe('damaged');
    expect((await call(core, 'backups.list', {})).newestGood).toBe(good.name);

    const r = await call(core, 'backups.restore', { name: good.name });
    expect(r.status.state).toBe('open');
    expect(r.keptAs).toMatch(/^census-damaged-\d{8}-\d{6}\.sqlite$/);
    expect(existsSync(path.join(data, 'backups', r.keptAs!))).toBe(true);
    expect((await call(core, 'census.summary', {})).persons).toBe(3);
    // The damaged copy is not offered as a backup
    expect((await call(core, 'backups.list', {})).backups.map((b) => b.name)).not.toContain(r.keptAs);
  });
});

describe('a census file that breaks while in use', () => {
  it('is closed at the first corrupt read and every call then answers db_damaged, with backups still offered', async () => {
    const data = dir();
    let core = await open(data);
    await call(core, 'census.setup', DONGCHENG);
    await call(core, 'census.demo', { persons: 3000, units: 50, seed: 1 });
    const good = await call(core, 'backups.create', {});
    core.close();
    // Damage data pages only (the second half of the file), so the file still opens.
    damageDataPages(path.join(data, 'census.sqlite'));

    core = await open(data);
    expect(core.workspace.status().state).toBe('open');
    const e = await fail(core, 'census.summary', {});
    expect(e.code).toBe('db_damaged');
    expect(e.message).toContain('请从备份恢复');
    expect(core.workspace.status().state).toBe('damaged');
    expect((await fail(core, 'census.get', {})).code).toBe('db_damaged');
    expect((await call(core, 'backups.list', {})).newestGood).toBe(good.name);
  });
});

describe('another census file', () => {
  it('opens or creates another file, remembers it for the next start, and goes back to the default', async () => {
    const data = dir();
    const other = path.join(dir(), '宣城市.sqlite');
    let core = await open(data);
    await censusWithPeople(core, 1);
    const s = await call(core, 'workspace.open', { path: other, create: true });
    expect(s).toMatchObject({ state: 'open', dbPath: other, backupsDir: path.join(path.dirname(other), 'backups') });
    expect(await call(core, 'census.get', {})).toBeNull();
    expect((await call(core, 'app.info', {})).dbPath).toBe(other);
    core.close();

    core = await open(data);
    expect(core.workspace.status().dbPath).toBe(other);
    expect(core.workspace.status().recent).toContain(path.join(data, 'census.sqlite'));
    await call(core, 'workspace.open', { path: path.join(data, 'census.sqlite') });
    expect((await call(core, 'census.summary', {})).persons).toBe(1);
  });

  it('keeps working on the current file when the other one cannot be opened', async () => {
    const core = await open(dir());
    await censusWithPeople(core, 1);
    const missing = await fail(core, 'workspace.open', { path: path.join(dir(), 'nope.sqlite') });
    expect(missing.code).toBe('not_found');
    const notDb = path.join(dir(), 'notes.sqlite');
    writeFileSync(notDb, '这不是数据库'.repeat(100));
    const bad = await fail(core, 'workspace.open', { path: notDb });
    expect(bad.message).toContain('不是 Headcount 数据库文件');
    expect((await call(core, 'census.summary', {})).persons).toBe(1);
  });

  it('says the remembered file is missing (a stick not plugged in) instead of starting empty', async () => {
    const data = dir();
    const stick = dir();
    const other = path.join(stick, 'census.sqlite');
    let core = await open(data);
    await call(core, 'workspace.open', { path: other, create: true });
    core.close();
    removeDir(stick);
    core = await open(data);
    const e = await fail(core, 'census.get', {});
    expect(e.code).toBe('db_missing');
    expect(e.message).toContain('U盘');
    const back = await call(core, 'workspace.open', { path: core.workspace.status().defaultDbPath, create: true });
    expect(back.state).toBe('open');
  });
});

describe('the lock between computers', () => {
  it('refuses a second computer, naming it and the time, until the first closes', async () => {
    const data = dir();
    const a = await open(data, OFFICE_A);
    await censusWithPeople(a, 1);
    const b = await open(data, OFFICE_B);
    const e = await fail(b, 'census.get', {});
    expect(e.code).toBe('db_locked');
    expect(e.message).toContain('OFFICE-PC1');
    expect(e.message).toContain('zhang');
    expect(e.message).toMatch(/自 \d{4}-\d{2}-\d{2} \d{2}:\d{2} 起打开/);
    const status = await call(b, 'workspace.status', {});
    expect(status.lock).toMatchObject({ host: 'OFFICE-PC1', sameHost: false, probablyStale: false });
    expect((await fail(b, 'backups.restore', { name: 'census-20260101-000000.sqlite' })).code).toBe('db_locked');
    a.close();
    const c = await open(data, OFFICE_B);
    expect((await call(c, 'census.summary', {})).persons).toBe(1);
  });

  it('a forced open on another computer makes the first stop using the file at its next heartbeat', async () => {
    const data = dir();
    const a = await open(data, OFFICE_A, { heartbeatMs: 50 });
    await censusWithPeople(a, 1);
    const b = await open(data, OFFICE_B);
    expect((await call(b, 'workspace.forceOpen', {})).state).toBe('open');
    expect((await call(b, 'census.summary', {})).persons).toBe(1);
    await expect.poll(async () => (await a.dispatch('census.summary', {})).ok, { timeout: 5000 }).toBe(false);
    expect((await fail(a, 'census.summary', {})).code).toBe('db_locked');
  });

  it('takes over a lock left by a process of this computer that no longer runs', async () => {
    const data = dir();
    const dead = { host: OFFICE_A.host, user: 'zhang', pid: 2 ** 22 + 12345 };
    const old = new Date(Date.now() - 3_600_000).toISOString();
    writeFileSync(path.join(data, 'census.sqlite.lock'), JSON.stringify({ ...dead, since: old, heartbeat: old }));
    const core = await open(data, OFFICE_A);
    expect(core.workspace.status().state).toBe('open');
    core.close();
    expect(readdirSync(data)).not.toContain('census.sqlite.lock');
  });
});
