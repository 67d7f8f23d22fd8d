/**
 * The bridge's page rules in a real Chromium, beside the Electron smoke suite because both are
 * about what the shell lets the UI do: the built UI runs under the bridge's CSP with no violation,
 * the token leaves the address bar, a reload still works (the token comes back from this tab's
 * sessionStorage), and a fresh tab without the token gets the Chinese refusal.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt, launchBrowser, removeDir, startApp, tempDataDir, type RunningApp } from '../e2e/support/app';

let browser: Browser;
let app: RunningApp;
let dataDir: string;

async function openWithCspProbe(page: Page, url: string): Promise<void> {
  await page.addInitScript(() => {
    const w = window as unknown as { __csp: string[] };
    w.__csp = [];
    document.addEventListener('securitypolicyviolation', (e) => w.__csp.push(`${e.violatedDirective} ${e.blockedURI}`));
  });
  await page.goto(url);
}

const uiMounted = (page: Page) => page.waitForFunction(() => (document.querySelector('#root')?.childElementCount ?? 0) > 0);
/** Every CSP violation the page reported (zod runs jitless in the renderer, so even its eval probe is gone). */
const violations = async (page: Page) => page.evaluate(() => (window as unknown as { __csp: string[] }).__csp);

beforeAll(async () => {
  ensureBuilt();
  dataDir = tempDataDir();
  app = await startApp(dataDir);
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await app?.stop();
  if (dataDir) removeDir(dataDir);
});

describe('browser face under the bridge', () => {
  it('runs the built UI with no CSP violation and takes the token out of the address bar', async () => {
    const page = await browser.newPage();
    await openWithCspProbe(page, app.url);
    await uiMounted(page);
    expect(new URL(page.url()).searchParams.has('token')).toBe(false);
    expect(await violations(page)).toEqual([]);
    await page.close();
  });

  it('keeps working after a reload', async () => {
    const page = await browser.newPage();
    await openWithCspProbe(page, app.url);
    await uiMounted(page);
    await page.reload();
    await uiMounted(page);
    expect(await page.locator('body').innerText()).not.toContain('无法访问');
    expect(await violations(page)).toEqual([]);
    await page.close();
  });

  it('refuses a fresh tab that has no token, in Chinese, and does not loop on a wrong one', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    const res = await page.goto(`${app.origin}/`);
    expect(res?.status()).toBe(403);
    expect(await page.locator('body').innerText()).toContain('缺少或错误的访问令牌，请使用启动时显示的完整地址打开');
    const wrong = await page.goto(`${app.origin}/?token=${'0'.repeat(64)}`);
    expect(wrong?.status()).toBe(403);
    expect(new URL(page.url()).searchParams.get('token')).toBe('0'.repeat(64));
    await context.close();
  });
});
