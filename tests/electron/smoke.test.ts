/**
 * Thin Electron suite: launches the app with Playwright's `_electron` and checks the window talks to
 * the core through the preload and nothing else, that the native database module and the division
 * table load, and that portable mode keeps the data beside the program.
 *
 * Two targets:
 * - the source build (electron-vite, node_modules/electron/dist) — by default;
 * - an installed/packaged app: HEADCOUNT_PACKAGED_APP=<its executable or .AppImage> (the CI workflow
 *   .github/workflows/installers.yml sets it after installing the installer it built).
 * Runs only where that binary exists; elsewhere the suite is reported as skipped with the path it looked at.
 */
import { execFileSync } from 'node:child_process';
import { accessSync, constants, existsSync, mkdtempSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { _electron, type ElectronApplication, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findElectronBinary } from '../../scripts/lib/electron-binary.mjs';

const repo = path.resolve(import.meta.dirname, '..', '..');
const packaged = process.env.HEADCOUNT_PACKAGED_APP ? path.resolve(process.env.HEADCOUNT_PACKAGED_APP) : null;

function executable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

const target = packaged ? { binary: executable(packaged) ? packaged : null, looked: packaged } : findElectronBinary(repo, process.env);
const noDisplay = process.platform === 'linux' && !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY;
const skipReason = !target.binary
  ? `Electron binary not found at ${path.relative(repo, target.looked)}`
  : noDisplay
    ? 'no display (DISPLAY/WAYLAND_DISPLAY unset)'
    : null;

if (skipReason) {
  // The default reporter shows only "skipped": say why where people look.
  console.warn(`[electron smoke] skipped: ${skipReason}`);
}

/** The folder portable mode looks in: beside the .AppImage file, else beside the executable. */
const programDir = packaged ? path.dirname(packaged) : repo;

async function launch(env: Record<string, string | undefined>): Promise<{ app: ElectronApplication; page: Page }> {
  const args = packaged ? [] : ['.'];
  // Chromium's sandbox refuses root; CI containers often run as root.
  if (process.platform === 'linux' && process.getuid?.() === 0) args.push('--no-sandbox');
  const app = await _electron.launch({
    executablePath: target.binary ?? undefined,
    args,
    cwd: packaged ? programDir : repo,
    env: { ...process.env, ELECTRON_ENABLE_LOGGING: '1', APPIMAGE_EXTRACT_AND_RUN: '1', ...env } as Record<string, string>,
  });
  const page = await app.firstWindow();
  await page.waitForLoadState('domcontentloaded');
  return { app, page };
}

type Invoke = (method: string, payload: unknown) => Promise<{ ok: boolean; result?: unknown; error?: { code: string; message: string } }>;
const invoke = (page: Page, method: string, payload: unknown = {}) =>
  page.evaluate(([m, p]) => (window as unknown as { headcount: { invoke: Invoke } }).headcount.invoke(m as string, p), [method, payload] as const);

describe.skipIf(skipReason !== null)(`Electron smoke${packaged ? ' (packaged app)' : ''}${skipReason ? ` (skipped: ${skipReason})` : ''}`, () => {
  let app: ElectronApplication;
  let page: Page;
  let dataDir: string;

  beforeAll(async () => {
    if (!packaged) {
      execFileSync(process.execPath, [path.join(repo, 'node_modules/electron-vite/bin/electron-vite.js'), 'build', '--config', 'electron.config.ts'], {
        cwd: repo,
        stdio: 'inherit',
      });
    }
    dataDir = mkdtempSync(path.join(os.tmpdir(), 'headcount-electron-'));
    ({ app, page } = await launch({ HEADCOUNT_DATA_DIR: dataDir }));
  });

  afterAll(async () => {
    await app?.close();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it('loads our own renderer over file://', () => {
    const url = new URL(page.url());
    expect(url.protocol).toBe('file:');
    if (packaged) expect(decodeURIComponent(url.pathname)).toMatch(/app\.asar\/out\/renderer\/index\.html$/);
    else expect(page.url()).toBe(`file://${path.join(repo, 'out', 'renderer', 'index.html')}`);
  });

  it('answers app.info through the preload, with the database in the chosen data directory', async () => {
    const reply = await invoke(page, 'app.info');
    expect(reply.ok).toBe(true);
    expect((reply.result as { dbPath: string }).dbPath.startsWith(dataDir)).toBe(true);
  });

  it('writes and reads the census with better-sqlite3 built for this Electron, and finds the divisions shipped beside the asar', async () => {
    const found = await invoke(page, 'divisions.search', { query: '东城', limit: 5 });
    expect(found.ok).toBe(true);
    expect((found.result as { code: string }[]).some((d) => d.code === '110101')).toBe(true);
    const setup = await invoke(page, 'census.setup', { areaCode: '110101', level: 'county', refDate: '2026-12-31', officeName: '东城区民政局', operator: '测试' });
    expect(setup.ok).toBe(true);
    const backup = await invoke(page, 'backups.create');
    expect(backup).toMatchObject({ ok: true, result: { ok: true, areaName: expect.stringContaining('东城区') } });
  });

  it('refuses a method outside the contract', async () => {
    const reply = await invoke(page, 'fs.readFile');
    expect(reply.ok === false ? reply.error?.code : 'ok').toBe('unknown_method');
  });

  it('gives the page no Node: no require, no process, only invoke and on', async () => {
    const seen = await page.evaluate(() => ({
      require: typeof (globalThis as { require?: unknown }).require,
      process: typeof (globalThis as { process?: unknown }).process,
      api: Object.keys((window as unknown as { headcount?: object }).headcount ?? {}).sort(),
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

  const writable = (() => {
    try {
      accessSync(programDir, constants.W_OK);
      return true;
    } catch {
      return false;
    }
  })();
  // An installed .deb lives under /opt, which the user cannot write: portable mode is for copies on a stick.
  it.skipIf(!writable)(`in portable mode keeps the database beside the program${writable ? '' : ` (skipped: ${programDir} is read-only)`}`, async () => {
    const flag = path.join(programDir, 'portable.txt');
    const created = !existsSync(flag);
    writeFileSync(flag, '');
    const second = await launch({ HEADCOUNT_DATA_DIR: undefined, HEADCOUNT_PORTABLE: undefined });
    try {
      const info = await invoke(second.page, 'workspace.status');
      expect(info.result).toMatchObject({ portable: true, dbPath: path.join(programDir, 'HeadcountData', 'census.sqlite') });
    } finally {
      await second.app.close();
      if (created) unlinkSync(flag);
      rmSync(path.join(programDir, 'HeadcountData'), { recursive: true, force: true });
    }
  });
});
