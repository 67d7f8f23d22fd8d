/**
 * Every gate that reports or signs reads the file as it is now, whoever wrote it: the app's core keeps
 * whole-census results cached, and another process (the CLI, run as a real child process) writes the
 * same file while the app is open. The app's summary, its export check and `packages.export` must see
 * that process's errors (SQLite's data_version moves), never a stale "0 errors".
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { MethodOutput } from '../../shared/api/contract';
import { openCoreForFile } from '../../electron/core/app';
import { mutator } from '../../electron/core/handlers/mutator';
import { DONGCHENG, openTestCore, removeDir, tempDir, type TestCore } from '../fixtures/core';
import { validPerson, validUnit } from '../fixtures/records';
import { makeIdNumber, writeCsv } from '../fixtures/township-returns';

const ROOT = path.resolve(import.meta.dirname, '../..');
let t: TestCore | null = null;
const dirs: string[] = [];
afterEach(() => {
  t?.close();
  t = null;
  for (const d of dirs.splice(0)) removeDir(d);
});

/** A well-formed ID number whose check character is wrong */
function badId(n: number): string {
  const id = makeIdNumber('19900101', n);
  return id.slice(0, 17) + (id[17] === '1' ? '2' : '1');
}

/** `headcount import` in its own process, as a clerk would run it beside the open app */
function cliImport(db: string, file: string): { code: number | null; out: string; err: string } {
  const r = spawnSync(process.execPath, [path.join(ROOT, 'bin/headcount.mjs'), 'import', '--db', db, file], { cwd: ROOT, encoding: 'utf8', timeout: 120_000 });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

describe('caches follow writes by another process', () => {
  it("the open app's summary, export check and packages.export see errors a CLI import added", async () => {
    t = await openTestCore();
    const db = t.core.dbPath;
    await t.call('census.setup', DONGCHENG);
    const { row: unit } = await t.call('units.create', { data: validUnit() });
    await t.call('persons.create', { data: validPerson({ unitId: unit.id }) });
    // The app has looked: its cache says the census is clean and exportable.
    expect((await t.call('census.summary', {})).issues.error).toBe(0);
    expect((await t.call('packages.exportCheck', {})).errors).toBe(0);

    // Another process imports three people whose ID numbers fail their checksum (and lack other fields).
    const csv = writeCsv(path.join(t.dir, '景山街道.csv'), [['姓名', '性别', '证件号码'], ['赵一', '男', badId(1)], ['钱二', '女', badId(2)], ['孙三', '男', badId(3)]], 'utf-8');
    const r = cliImport(db, csv);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toContain('新增 3');

    // What a fresh look at the file says
    const fresh = openCoreForFile(db);
    const reply = await fresh.dispatch('census.summary', {});
    fresh.close();
    if (!reply.ok) throw new Error(reply.error.message);
    const truth = { result: reply.result as MethodOutput<'census.summary'> };
    expect(truth.result.persons).toBe(4);
    expect(truth.result.issues.error).toBeGreaterThan(0);

    const summary = await t.call('census.summary', {});
    expect(summary.persons).toBe(4);
    expect(summary.issues.error).toBe(truth.result.issues.error);
    const check = await t.call('packages.exportCheck', {});
    expect(check).toMatchObject({ canExport: false, errors: truth.result.issues.error });
    const refused = await t.fail('packages.export', {});
    expect(refused.code).toBe('conflict');
    expect(refused.message).toContain(`还有 ${truth.result.issues.error} 个错误未修正，不能导出上报包`);
    const listed = await t.call('issues.list', { severity: 'error', offset: 0, limit: 100 });
    expect(listed.issues.some((i) => i.rule === 'id_checksum')).toBe(true);
  }, 180_000);

  it('keeps the cache across its own writes and across reads (no full pass per request)', async () => {
    t = await openTestCore();
    await t.call('census.setup', DONGCHENG);
    const { row: unit } = await t.call('units.create', { data: validUnit() });
    await t.call('census.summary', {});
    const before = t.core.ctx.store.version();
    await t.call('census.summary', {});
    await t.call('issues.list', { offset: 0, limit: 10 });
    expect(t.core.ctx.store.version()).toBe(before);
    // An own write moves the version, and the writer brings the cache forward itself.
    const { row: p } = await t.call('persons.create', { data: validPerson({ unitId: unit.id, idNumber: badId(7) }) });
    expect(t.core.ctx.store.version()).not.toBe(before);
    const summary = await t.call('census.summary', {});
    expect(summary.issues.error).toBeGreaterThan(0);
    expect((await t.call('persons.get', { id: p.id })).issues.map((i) => i.rule)).toContain('id_checksum');
  });

  it('an export leaves the caches current: it writes only the exports register and the office key', async () => {
    t = await openTestCore();
    await t.call('census.setup', DONGCHENG);
    await t.call('census.demo', { persons: 300, units: 12, seed: 3 });
    await t.call('packages.exportCheck', {});
    const before = t.core.ctx.store.version();
    // The first export also makes the office key
    const first = await t.call('packages.export', { confirmUnexplained: true });
    const second = await t.call('packages.export', { confirmUnexplained: true });
    expect([first.sequence, second.sequence]).toEqual([1, 2]);
    expect(t.core.ctx.store.version()).toBe(before);
    expect((await t.call('packages.exportCheck', {})).nextSequence).toBe(3);
    // A record written after it still moves the version, and the export check sees the new error
    const { row: unit } = await t.call('units.create', { data: validUnit() });
    await t.call('persons.create', { data: validPerson({ unitId: unit.id, idNumber: badId(9) }) });
    expect(t.core.ctx.store.version()).not.toBe(before);
    expect((await t.call('packages.exportCheck', {})).errors).toBeGreaterThan(0);
  });

  it('a write registered as a mutator marks the caches stale even when it wrote outside a transaction', async () => {
    const dir = tempDir();
    dirs.push(dir);
    t = await openTestCore(dir);
    await t.call('census.setup', DONGCHENG);
    const ctx = t.core.ctx;
    const before = ctx.store.version();
    const write = mutator(ctx, () => ctx.store.meta.set('test.note', { n: 1 }));
    write();
    expect(ctx.store.version()).not.toBe(before);
    const quiet = mutator(ctx, () => ctx.store.meta.set('test.note', { n: 2 }), { keepsCaches: true });
    const mid = ctx.store.version();
    quiet();
    expect(ctx.store.version()).toBe(mid);
    const read = mutator(ctx, () => ctx.store.meta.read('test.note', z.unknown()));
    read();
    expect(ctx.store.version()).toBe(mid);
  });
});
