/**
 * `npm start` where Electron is missing: scripts/start.mjs says why in one sentence, starts the
 * bridge over the real core, prints one HEADCOUNT_URL line, answers calls, and shuts down cleanly.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Reply } from '../../shared/api/errors';

const repo = path.resolve(import.meta.dirname, '..', '..');

let tmp: string;
let child: ChildProcess;
let output = '';
let url: URL;

function waitForUrl(proc: ChildProcess): Promise<string> {
  return new Promise((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString('utf8');
      const m = /^HEADCOUNT_URL=(\S+)$/m.exec(output);
      if (m?.[1]) resolve(m[1]);
    };
    proc.stdout?.on('data', onData);
    proc.stderr?.on('data', (c: Buffer) => (output += c.toString('utf8')));
    proc.once('exit', (code) => reject(new Error(`start.mjs exited (${code}) before printing the address:\n${output}`)));
  });
}

beforeAll(async () => {
  tmp = mkdtempSync(path.join(os.tmpdir(), 'headcount-start-'));
  const ui = path.join(tmp, 'ui');
  mkdirSync(ui);
  writeFileSync(path.join(ui, 'index.html'), '<!doctype html><div id="root"></div>');
  const { HEADCOUNT_BROWSER: _drop, ...env } = process.env;
  child = spawn(process.execPath, ['scripts/start.mjs'], {
    cwd: repo,
    env: {
      ...env,
      // An empty directory: the lookup must not find a binary there, whatever this machine has.
      ELECTRON_OVERRIDE_DIST_PATH: path.join(tmp, 'no-electron'),
      HEADCOUNT_DATA_DIR: path.join(tmp, 'data'),
      HEADCOUNT_STATIC_DIR: ui,
      HEADCOUNT_PORT: '0',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  url = new URL(await waitForUrl(child));
});

afterAll(() => {
  if (child.exitCode === null) child.kill('SIGKILL');
  rmSync(tmp, { recursive: true, force: true });
});

describe('npm start without the Electron binary', () => {
  it('says in one plain sentence why it uses browser mode', () => {
    expect(output).toContain('未找到 Electron 程序文件（');
    expect(output).toContain('），以浏览器模式启动：请在浏览器中打开下面的地址。');
    expect(output).toContain('no-electron');
  });

  it('prints exactly one HEADCOUNT_URL line, on 127.0.0.1 with a 64-hex token', () => {
    expect(output.match(/^HEADCOUNT_URL=/gm)).toHaveLength(1);
    expect(url.hostname).toBe('127.0.0.1');
    expect(url.searchParams.get('token')).toMatch(/^[0-9a-f]{64}$/);
    expect(output).toContain(`访问令牌 / Token: ${url.searchParams.get('token')}`);
  });

  it('serves the real core: app.info reports the database in the chosen data directory', async () => {
    const res = await fetch(new URL('/api/call', url), {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${url.searchParams.get('token')}` },
      body: JSON.stringify({ method: 'app.info', payload: {} }),
    });
    expect(res.status).toBe(200);
    const reply = (await res.json()) as Reply<{ dbPath: string; hasCensus: boolean }>;
    expect(reply.ok).toBe(true);
    if (reply.ok) {
      expect(reply.result.dbPath.startsWith(path.join(tmp, 'data'))).toBe(true);
      expect(reply.result.hasCensus).toBe(false);
    }
    expect(existsSync(path.join(tmp, 'data'))).toBe(true);
  });

  it('serves the page only with the token', async () => {
    expect((await fetch(new URL('/', url))).status).toBe(403);
    expect((await fetch(url)).status).toBe(200);
  });

  it('shuts down cleanly on SIGTERM', async () => {
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    await expect(fetch(new URL('/', url))).rejects.toThrow();
  });
});
