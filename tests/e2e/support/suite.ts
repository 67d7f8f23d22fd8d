/**
 * The browser set-up every end-to-end file shares: one Chromium per file (launched after making sure
 * the renderer is built), optionally one app on a temp data folder for the whole file, per-test
 * cleanups run after each test, and everything stopped and removed after the file.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll } from 'vitest';
import { ensureBuilt, launchBrowser, openLoggedPage, removeDir, startApp, tempDataDir, type RunningApp } from './app';

export type Cleanup = () => Promise<unknown> | unknown;

export interface BrowserSuite {
  readonly browser: Browser;
  /** The file's shared app (only with `{ app: true }`) */
  readonly app: RunningApp;
  /** Run after the current test, last first */
  readonly cleanups: Cleanup[];
  /** A temp folder removed after the file */
  dir(): string;
  /** A temp folder removed after the current test */
  testDir(): string;
  /** An app on `dir` (a fresh folder by default), stopped after the current test */
  startApp(dir?: string): Promise<RunningApp>;
  /** A logged page in a fresh context, closed after the current test */
  page(app?: RunningApp): Promise<Page>;
  /** Run after the file, before the browser closes */
  atEnd(fn: Cleanup): void;
}

export function useBrowserSuite(opts: { app?: boolean } = {}): BrowserSuite {
  let browser: Browser | undefined;
  let app: RunningApp | undefined;
  const cleanups: Cleanup[] = [];
  const atEnd: Cleanup[] = [];
  const dir = () => {
    const d = tempDataDir();
    atEnd.push(() => removeDir(d));
    return d;
  };

  beforeAll(async () => {
    ensureBuilt();
    browser = await launchBrowser();
    if (opts.app) {
      const shared = await startApp(dir());
      atEnd.push(() => shared.stop());
      app = shared;
    }
  });
  afterEach(async () => {
    while (cleanups.length > 0) await cleanups.pop()!();
  });
  afterAll(async () => {
    while (cleanups.length > 0) await cleanups.pop()!();
    while (atEnd.length > 0) await atEnd.pop()!();
    await browser?.close();
  });

  const suite: BrowserSuite = {
    get browser() {
      if (!browser) throw new Error('the browser starts in beforeAll: use it inside a hook or a test');
      return browser;
    },
    get app() {
      if (!app) throw new Error(opts.app ? 'the app starts in beforeAll: use it inside a hook or a test' : 'useBrowserSuite({ app: true }) starts a shared app');
      return app;
    },
    cleanups,
    dir,
    testDir() {
      const d = tempDataDir();
      cleanups.push(() => removeDir(d));
      return d;
    },
    async startApp(d?: string) {
      const started = await startApp(d ?? suite.testDir());
      cleanups.push(() => started.stop());
      return started;
    },
    page(forApp?: RunningApp) {
      return openLoggedPage(suite.browser, cleanups, forApp ?? app);
    },
    atEnd(fn) {
      atEnd.push(fn);
    },
  };
  return suite;
}
