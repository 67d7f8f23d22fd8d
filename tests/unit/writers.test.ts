/**
 * One writer at a time on a census file, across processes: two CLI imports of the same workbook at
 * once store everyone once (the second re-plans inside its write when the first committed), and an
 * app edit during a CLI import waits or gets the plain "另一程序正在写入…" — never "database is locked".
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openExistingStore } from '../../electron/core/db';
import { runCli } from '../fixtures/cli';
import { DONGCHENG, openTestCore, removeDir, tempDir } from '../fixtures/core';
import { writeCjkWorkbook } from '../fixtures/hostile-files';
import { validPerson } from '../fixtures/records';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

function cliProcess(...argv: string[]): { done: Promise<{ code: number; out: string; err: string }> } {
  const child = spawn(process.execPath, [path.join(repoRoot, 'bin', 'headcount.mjs'), ...argv], { cwd: repoRoot });
  let out = '';
  let err = '';
  child.stdout.on('data', (b: Buffer) => (out += b.toString()));
  child.stderr.on('data', (b: Buffer) => (err += b.toString()));
  return { done: new Promise((resolve) => child.on('exit', (code) => resolve({ code: code ?? -1, out, err }))) };
}

function personCount(db: string): number {
  const store = openExistingStore(db);
  try {
    return store.persons.count();
  } finally {
    store.close();
  }
}

let dir: string;
beforeAll(() => {
  dir = tempDir('headcount-writers-');
});
afterAll(() => removeDir(dir));

describe('two writers', () => {
  it('two CLI imports of the same workbook at once store everyone once', async () => {
    const file = path.join(dir, 'same.xlsx');
    await writeCjkWorkbook(file, 3000, { sharedStrings: true, seed: 3 });
    for (const round of [1]) {
      const db = path.join(dir, `same-${round}.sqlite`);
      expect((await runCli('init', '--db', db, '--area', '110101', '--level', 'county', '--ref-date', '2026-12-31')).code).toBe(0);
      const [a, b] = await Promise.all([cliProcess('import', '--db', db, file, '--json').done, cliProcess('import', '--db', db, file, '--json').done]);
      expect([a.code, b.code, a.err, b.err]).toEqual([0, 0, '', '']);
      const added = (JSON.parse(a.out) as { added: number }).added + (JSON.parse(b.out) as { added: number }).added;
      expect(added).toBe(3000);
      expect(personCount(db)).toBe(3000);
    }
  }, 120_000);

  it('an app edit during a CLI import waits or gets the plain message, never an internal error', async () => {
    const t = await openTestCore(tempDir('headcount-writers-app-'));
    try {
      await t.call('census.setup', DONGCHENG);
      const file = path.join(dir, 'big.xlsx');
      await writeCjkWorkbook(file, 20_000, { sharedStrings: true, seed: 5 });
      const cli = cliProcess('import', '--db', path.join(t.dir, 'census.sqlite'), file, '--json');
      let running = true;
      void cli.done.then(() => (running = false));
      const replies: { ok: boolean; code?: string; message?: string }[] = [];
      let n = 0;
      while (running && n < 2000) {
        const r = await t.core.dispatch('persons.create', { data: validPerson({ name: `编辑${n}`, idNumber: null }) });
        replies.push(r.ok ? { ok: true } : { ok: false, code: r.error.code, message: r.error.message });
        n++;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      const done = await cli.done;
      expect(done.err).toBe('');
      expect(JSON.parse(done.out).added).toBe(20_000);
      const failures = replies.filter((r) => !r.ok);
      for (const f of failures) {
        expect(f.code).toBe('busy');
        expect(f.message).toContain('另一程序正在写入');
      }
      expect(replies.length).toBeGreaterThan(0);
      const edits = replies.filter((r) => r.ok).length;
      expect((await t.call('persons.list', { limit: 1 })).total).toBe(20_000 + edits);
    } finally {
      t.close();
      removeDir(t.dir);
    }
  }, 120_000);
});
