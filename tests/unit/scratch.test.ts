/**
 * Scratch folders hold personal data (a package's records while it is written, a copy of last period's census,
 * files waiting to be saved); a run that ends mid-way leaves them behind, and the next start must sweep them.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createCore } from '../../electron/core/app';
import { removeStaleScratch, scratchDir } from '../../electron/core/fs/scratch';
import { runCli } from '../fixtures/cli';
import { DONGCHENG, removeDir, tempDir } from '../fixtures/core';

const ROOT = path.resolve(import.meta.dirname, '../..');
const root = tempDir('headcount-scratch-test-');
afterAll(() => removeDir(root));
let n = 0;
const fresh = () => {
  const d = path.join(root, String(n++));
  mkdirSync(d);
  return d;
};

describe('scratch folders', () => {
  it('are private to this user and named after this process', () => {
    const tmp = fresh();
    const d = scratchDir('pkg', tmp);
    expect(path.basename(d)).toMatch(new RegExp(`^headcount-pkg-${process.pid}-\\w{6}$`));
    if (process.platform !== 'win32') expect(statSync(d).mode & 0o777).toBe(0o700);
  });

  it('left by ended processes are swept, of every kind and of earlier versions; a live process’s and other folders stay', () => {
    const tmp = fresh();
    // 4194399 is above Linux's pid_max: no such process can be running
    const stale = ['headcount-downloads-4194399-abc', 'headcount-pkg-4194399-abcdef', 'headcount-previous-4194399-x', 'headcount-cli-4194399-y', 'hc-previous-Qx3a9B'];
    const kept = [`headcount-pkg-${process.pid}-def`, `headcount-downloads-${process.pid}-g`, 'other-folder', 'headcount-bench-import-abc'];
    for (const name of [...stale, ...kept]) {
      mkdirSync(path.join(tmp, name, 'persons'), { recursive: true });
      writeFileSync(path.join(tmp, name, 'persons', '人员.csv'), '证件号码\n110101199001011234\n');
    }
    expect(removeStaleScratch(tmp).sort()).toEqual([...stale].sort());
    expect(readdirSync(tmp).sort()).toEqual([...kept].sort());
  });

  it('a package export cut off by its process ending leaves its records in the temp folder until the next start sweeps them', async () => {
    const tmp = fresh();
    const db = path.join(root, 'county.sqlite');
    expect((await runCli('init', '--db', db, '--area', DONGCHENG.areaCode, '--level', 'county', '--ref-date', '2026-12-31', '--name', '东城区民政局')).code).toBe(0);
    expect((await runCli('demo', '--db', db, '--persons', '30000', '--units', '300')).code).toBe(0);
    // The real CLI in its own process, its temp folder ours to watch; killed as soon as its package's folder has a file.
    const child = spawn(process.execPath, [path.join(ROOT, 'bin/headcount.mjs'), 'export', '--db', db, '-o', path.join(root, 'out.hcpkg')], {
      env: { ...process.env, TMPDIR: tmp, TMP: tmp, TEMP: tmp },
      stdio: 'ignore',
    });
    const prefix = `headcount-pkg-${child.pid}-`;
    const written = () => readdirSync(tmp).filter((f) => f.startsWith(prefix)).flatMap((f) => readdirSync(path.join(tmp, f)));
    const deadline = Date.now() + 60_000;
    while (written().length === 0 && Date.now() < deadline && child.exitCode === null) await new Promise((r) => setTimeout(r, 20));
    child.kill('SIGKILL');
    await new Promise((r) => child.once('exit', r));
    expect(written().length).toBeGreaterThan(0);
    const left = readdirSync(tmp).filter((f) => f.startsWith(prefix));
    expect(left).toHaveLength(1);

    // The next start of the app sweeps it before anything else.
    const before = process.env.TMPDIR;
    process.env.TMPDIR = tmp;
    const data = fresh();
    try {
      const core = await createCore({ dataDir: data });
      core.close();
    } finally {
      if (before === undefined) delete process.env.TMPDIR;
      else process.env.TMPDIR = before;
    }
    expect(readdirSync(tmp).filter((f) => f.startsWith('headcount-'))).toEqual([]);
    expect(os.tmpdir()).not.toBe(tmp);
    rmSync(path.join(root, 'out.hcpkg'), { force: true });
  }, 120_000);
});
