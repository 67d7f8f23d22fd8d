/**
 * Thin Electron suite: launches the built app with Playwright's `_electron` and checks the window
 * talks to the core through the preload and nothing else. Runs only where the Electron binary
 * exists; elsewhere the suite is reported as skipped with the path it looked at.
 */
import { execFileSync } from 'node:child_process';
import { accessSync, constants, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { _electron, type ElectronApplication, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const repo = path.resolve(import.meta.dirname, '..', '..');

/** Same lookup as scripts/start.mjs (and node_modules/electron/index.js, without its download). */
function electronBinary(): { binary: string | null; looked: string } {
  const pkgDir = path.join(repo, 'node_modules', 'electron');
  const pathTxt = path.join(pkgDir, 'path.txt');
  const fallback = process.platform === 'darwin' ? 'Electron.app/Contents/MacOS/Electron' : process.platform === 'win32' ? 'electron.exe' : 'electron';
  const name = (existsSync(pathTxt) ? readFileSync(pathTxt, 'utf8').trim() : '') || fallback;
  const override = process.env.ELECTRON_OVERRIDE_DIST_PATH;
  const looked = override ? path.join(override, name) : path.join(pkgDir, 'dist', name);
  try {
    accessSync(looked, constants.X_OK);
    return { binary: looked, looked };
  } catch {
    return { binary: null, looked };
  }
}

const { binary, looked } = electronBinary();
const noDisplay = process.platform === 'linux' && !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY;
const skipReason = !binary
  ? `Electron binary not found at ${path.relative(repo, looked)}`
  : noDisplay
    ? 'no display (DISPLAY/WAYLAND_DISPLAY unset)'
    : null;

if (skipReason) {
  // The default reporter shows only "skipped": say why where people look.
  console.warn(`[electron smoke] skipped: ${skipReason}`);
}

describe.skipIf(skipReason !== null)(`Electron smoke${skipReason ? ` (skipped: ${skipReason})` : ''}`, () => {
  let app: ElectronApplication;
  let page: Page;
  let dataDir: string;

  beforeAll(async () => {
    execFileSync(process.execPath, [path.join(repo, 'node_modules/electron-vite/bin/electron-vite.js'), 'build', '--config', 'electron.config.ts'], {
      cwd: repo,
      stdio: 'inherit',
    });
    dataDir = mkdtempSync(path.join(os.tmpdir(), 'headcount-electron-'));
    const args = ['.'];
    // Chromium's sandbox refuses root; CI containers often run as root.
    if (process.platform === 'linux' && process.getuid?.() === 0) args.push('--no-sandbox');
    app = await _electron.launch({
      executablePath: binary ?? undefined,
      args,
      cwd: repo,
      env: { ...process.env, HEADCOUNT_DATA_DIR: dataDir, ELECTRON_ENABLE_LOGGING: '1' },
    });
    page = await app.firstWindow();
    await page.waitForLoadState('domcontentloaded');
  });

  afterAll(async () => {
    await app?.close();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it('loads our own renderer over file://', () => {
    expect(page.url()).toBe(`file://${path.join(repo, 'out', 'renderer', 'index.html')}`);
  });

  it('answers app.info through the preload, with the database in the chosen data directory', async () => {
    const reply = await page.evaluate(() => window.headcount?.invoke('app.info', {}));
    expect(reply?.ok).toBe(true);
    if (reply?.ok) expect((reply.result as { dbPath: string }).dbPath.startsWith(dataDir)).toBe(true);
  });

  it('refuses a method outside the contract', async () => {
    const reply = await page.evaluate(() => window.headcount?.invoke('fs.readFile', {}));
    expect(reply?.ok === false ? reply.error.code : 'ok').toBe('unknown_method');
  });

  it('gives the page no Node: no require, no process, only invoke and on', async () => {
    const seen = await page.evaluate(() => ({
      require: typeof (globalThis as { require?: unknown }).require,
      process: typeof (globalThis as { process?: unknown }).process,
      api: Object.keys(window.headcount ?? {}).sort(),
    }));
    expect(seen).toEqual({ require: 'undefined', process: 'undefined', api: ['invoke', 'on'] });
  });

  it('blocks navigation away and window.open', async () => {
    const before = page.url();
    await page.evaluate(() => {
      window.open('https://example.com/');
      window.location.href = 'https://example.com/';
    });
    await page.waitForTimeout(500);
    expect(page.url()).toBe(before);
    expect(app.windows()).toHaveLength(1);
  });
});
