import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { removeDir, tempDir } from '../fixtures/core';
import { runCli, sha256File } from '../fixtures/cli';

const ROOT = path.resolve(import.meta.dirname, '../..');

const run = runCli;

const sha = sha256File;

let dir: string;
beforeAll(() => { dir = tempDir('headcount-cli-'); });
afterAll(() => removeDir(dir));

describe('headcount init / info', () => {
  it('creates a census and reports it', async () => {
    const db = path.join(dir, 'init.sqlite');
    const r = await run('init', '--db', db, '--area', '110101', '--level', 'county', '--ref-date', '2026-12-31', '--name', '东城区民政局');
    expect(r).toMatchObject({ code: 0, err: '' });
    expect(r.out).toContain('东城区');
    const info = await run('info', '--db', db, '--json');
    expect(info.code).toBe(0);
    expect(JSON.parse(info.out)).toMatchObject({ settings: { areaCode: '110101', level: 'county', refDate: '2026-12-31', officeName: '东城区民政局' }, summary: { persons: 0, units: 0 } });
  });

  it('never overwrites an existing database', async () => {
    const db = path.join(dir, 'twice.sqlite');
    await run('init', '--db', db, '--area', '110101', '--level', 'county', '--ref-date', '2026-12-31');
    const before = sha(db);
    const r = await run('init', '--db', db, '--area', '110102', '--level', 'county', '--ref-date', '2026-12-31');
    expect(r.code).toBe(2);
    expect(r.err).toContain('已存在');
    expect(sha(db)).toBe(before);
  });

  it('leaves no file behind when the area is refused', async () => {
    const db = path.join(dir, 'bad-area.sqlite');
    const r = await run('init', '--db', db, '--area', '999999', '--level', 'county', '--ref-date', '2026-12-31');
    expect(r.code).toBe(2);
    expect(r.err).toContain('999999');
    expect(existsSync(db)).toBe(false);
  });

  it.each([
    [['init', '--db', 'x.sqlite'], '缺少参数 --area'],
    [['init', '--db', 'x.sqlite', '--area', '110101', '--level', 'town', '--ref-date', '2026-12-31'], '--level'],
    [['init', '--db', 'x.sqlite', '--area', '110101', '--level', 'county', '--ref-date', '31/12/2026'], '--ref-date'],
    [['check', '--db', 'x.sqlite', '--verbose'], '不认识的参数'],
    [['frobnicate'], '不认识的命令'],
    [['demo', '--db', 'x.sqlite', '--persons', 'many'], '--persons'],
  ])('explains bad arguments %j without writing anything', async (argv, text) => {
    const r = await run(...argv);
    expect(r.code).toBe(2);
    expect(r.err).toContain(text);
    expect(r.err).not.toMatch(/\n\s+at /);
    expect(existsSync('x.sqlite')).toBe(false);
  });
});

describe('headcount check', () => {
  it('says a missing file is missing and does not create it', async () => {
    const db = path.join(dir, 'nope.sqlite');
    const r = await run('check', '--db', db);
    expect(r.code).toBe(2);
    expect(r.err).toContain('找不到数据库文件');
    expect(existsSync(db)).toBe(false);
  });

  it('refuses a file that is not a Headcount database and leaves it byte-for-byte unchanged', async () => {
    const text = path.join(dir, 'notes.txt');
    writeFileSync(text, '这不是数据库\n'.repeat(100));
    const foreign = path.join(dir, 'foreign.sqlite');
    const f = new Database(foreign);
    f.exec('CREATE TABLE t(x); INSERT INTO t VALUES (1);');
    f.close();
    for (const file of [text, foreign]) {
      const before = sha(file);
      const r = await run('check', '--db', file, '--json');
      expect(r.code).toBe(2);
      expect(r.err).toContain('不是 Headcount 数据库');
      expect(sha(file)).toBe(before);
      expect(existsSync(file + '-wal')).toBe(false);
    }
  });

  it('finds zero errors in a 10,000-person demo census and exits 0', async () => {
    const db = path.join(dir, 'demo.sqlite');
    await run('init', '--db', db, '--area', '110101', '--level', 'county', '--ref-date', '2026-12-31');
    const d = await run('demo', '--db', db, '--persons', '10000', '--units', '300', '--seed', '7');
    expect(d.code).toBe(0);
    const r = await run('check', '--db', db, '--json');
    const json = JSON.parse(r.out) as { issues: unknown[]; counts: { error: number; warning: number } };
    expect(json.counts.error).toBe(0);
    expect(r.code).toBe(0);
    const info = JSON.parse((await run('info', '--db', db, '--json')).out);
    expect(info.summary).toMatchObject({ persons: 10000, units: 300 });
  });

  it('lists every issue as JSON with rule codes and exits 1 while errors remain', async () => {
    const db = path.join(dir, 'errors.sqlite');
    await run('init', '--db', db, '--area', '110101', '--level', 'county', '--ref-date', '2026-12-31');
    const { openCoreForFile } = await import('../../electron/core/app');
    const core = openCoreForFile(db);
    await core.dispatch('persons.create', { data: { name: '测试', idNumber: '11010519491231002A' } });
    core.close();
    const r = await run('check', '--db', db, '--json');
    expect(r.code).toBe(1);
    const json = JSON.parse(r.out) as { issues: { table: string; recordId: string; field: string; rule: string; severity: string; message: string }[]; counts: { error: number } };
    expect(json.counts.error).toBe(json.issues.filter((i) => i.severity === 'error').length);
    expect(json.issues).toContainEqual(expect.objectContaining({ table: 'person', field: 'idNumber', rule: 'id_format', severity: 'error' }));
    expect(Object.keys(json.issues[0]!).sort()).toEqual(['field', 'message', 'recordId', 'rule', 'severity', 'table']);
    const human = await run('check', '--db', db);
    expect(human.out).toContain('错误');
  });
});

describe('the headcount binary', () => {
  it('runs from a checkout through npm run cli and prints no stack trace on failure', () => {
    const ok = spawnSync(process.execPath, [path.join(ROOT, 'bin/headcount.mjs'), '--help'], { encoding: 'utf8' });
    expect(ok.status).toBe(0);
    expect(ok.stdout).toContain('headcount init');
    const bad = spawnSync(process.execPath, [path.join(ROOT, 'bin/headcount.mjs'), 'info', '--db', path.join(dir, 'missing.sqlite')], { encoding: 'utf8' });
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain('找不到数据库文件');
    expect(bad.stderr).not.toMatch(/\n\s+at /);
    const viaNpm = execFileSync('npm', ['run', '--silent', 'cli', '--', '--help'], { cwd: ROOT, encoding: 'utf8' });
    expect(viaNpm).toContain('headcount check');
  });
});
