/**
 * Starts the app the way a user does in browser mode (`node --import tsx electron/bridge/serve.ts`)
 * on a given data directory, and launches the system Chromium to drive it.
 */
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { onTestFailed } from 'vitest';
import type { MethodInput, MethodName, MethodOutput } from '../../../shared/api/contract';
import type { Reply } from '../../../shared/api/errors';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

/** Builds the renderer once when no build exists (npm test builds before running vitest). */
export function ensureBuilt(): void {
  if (existsSync(path.join(repoRoot, 'out', 'renderer', 'index.html'))) return;
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  execFileSync(npm, ['run', 'build'], { cwd: repoRoot, stdio: 'pipe' });
}

export function tempDataDir(): string {
  return mkdtempSync(path.join(os.tmpdir(), 'headcount-e2e-'));
}

export function removeDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

export interface RunningApp {
  /** The full start-up address including `?token=` */
  url: string;
  origin: string;
  token: string;
  dataDir: string;
  /** Everything the server printed so far, for failure messages */
  output(): string;
  stop(): Promise<void>;
}

/** A guard against a hung start, not a speed requirement. */
const START_LIMIT_MS = 60_000;

export function startApp(dataDir: string): Promise<RunningApp> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'electron/bridge/serve.ts'], {
    cwd: repoRoot,
    env: { ...process.env, HEADCOUNT_DATA_DIR: dataDir, HEADCOUNT_PORT: '0' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let exited = false;
  const exit = new Promise<void>((resolve) =>
    child.once('exit', () => {
      exited = true;
      resolve();
    }),
  );
  child.stdout.setEncoding('utf8');
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (s: string) => (out += s));

  const stop = async () => {
    if (exited) return;
    child.kill('SIGTERM');
    const killer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    await exit;
    clearTimeout(killer);
  };

  return new Promise<RunningApp>((resolve, reject) => {
    const timer = setTimeout(() => {
      void stop();
      reject(new Error(`server did not print HEADCOUNT_URL within ${START_LIMIT_MS} ms:\n${out}`));
    }, START_LIMIT_MS);
    let buffered = '';
    child.stdout.on('data', (s: string) => {
      out += s;
      buffered += s;
      const m = /^HEADCOUNT_URL=(\S+)$/m.exec(buffered);
      if (!m) return;
      buffered = '';
      clearTimeout(timer);
      const url = new URL(m[1]!);
      resolve({
        url: url.toString(),
        origin: url.origin,
        token: url.searchParams.get('token') ?? '',
        dataDir,
        output: () => out,
        stop,
      });
    });
    void exit.then(() => {
      clearTimeout(timer);
      reject(new Error(`server exited before printing HEADCOUNT_URL:\n${out}`));
    });
  });
}

const CANDIDATES = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome', '/usr/bin/google-chrome-stable'];

/** The browser to drive: CHROMIUM_PATH, else a system Chromium/Chrome; a clear message when there is none. */
export function findChromium(): string {
  const configured = process.env.CHROMIUM_PATH;
  if (configured) {
    if (existsSync(configured)) return configured;
    throw new Error(`CHROMIUM_PATH points to ${configured}, which does not exist. Set it to a Chromium or Chrome executable.`);
  }
  const found = CANDIDATES.find((p) => existsSync(p));
  if (found) return found;
  throw new Error(
    `No Chromium found (looked at ${CANDIDATES.join(', ')}). Install one (Debian/Ubuntu: sudo apt-get install chromium) ` +
      'or set CHROMIUM_PATH to a Chromium/Chrome executable, then run the end-to-end tests again.',
  );
}

export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: findChromium(),
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update'],
  });
}

/**
 * A page in a fresh context (closed by `cleanups`) whose navigation, HTTP errors, page errors and console
 * errors — and the server's output, when given — are printed if the current test fails.
 */
export async function openLoggedPage(browser: Browser, cleanups: (() => unknown)[], app?: RunningApp): Promise<Page> {
  const context = await browser.newContext({ locale: 'zh-CN', viewport: { width: 1440, height: 1000 }, acceptDownloads: true });
  cleanups.push(() => context.close());
  const page = await context.newPage();
  const log: string[] = [];
  page.on('framenavigated', (f) => f === page.mainFrame() && log.push(`navigated: ${f.url()}`));
  page.on('response', (r) => r.status() >= 400 && log.push(`HTTP ${r.status()}: ${r.url()}`));
  page.on('pageerror', (e) => log.push(`page error: ${e.message}`));
  page.on('console', (m) => m.type() === 'error' && log.push(`console: ${m.text()}`));
  onTestFailed(() => console.error(`browser log:\n${log.join('\n')}${app ? `\nserver output:\n${app.output()}` : ''}`));
  return page;
}

/** Arranges data through the real bridge (as the UI would), for tests whose subject is another screen. */
export async function apiCall<M extends MethodName>(app: RunningApp, method: M, payload: MethodInput<M>): Promise<MethodOutput<M>> {
  const res = await fetch(`${app.origin}/api/call`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${app.token}` },
    body: JSON.stringify({ method, payload }),
  });
  const reply = (await res.json()) as Reply<MethodOutput<M>>;
  if (!reply.ok) throw new Error(`${method} failed: ${reply.error.code} ${reply.error.message}`);
  return reply.result;
}
