/**
 * Setting up a census at each level in the wizard, with the short names people use (楚雄州, 云南,
 * 内蒙古, 恩施州, 湘西州): the 6-digit area code is what is stored and shown, and the first screens of
 * an upper level (home, 报送情况) list its sub-areas by name.
 */
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { HomePage } from './pages/home';
import { PackagesPage } from './pages/packages';
import { SetupPage } from './pages/setup';
import { openLoggedPage, removeDir, startApp, tempDataDir, type RunningApp } from './support/app';
import { useBrowserSuite } from './support/suite';

const suite = useBrowserSuite();
const cleanups = suite.cleanups;

async function open(): Promise<{ app: RunningApp; page: Page }> {
  const dir = tempDataDir();
  cleanups.push(() => removeDir(dir));
  const app = await startApp(dir);
  cleanups.push(() => app.stop());
  const page = await openLoggedPage(suite.browser, cleanups, app);
  await page.goto(app.url);
  return { app, page };
}

describe('setup at every level', () => {
  it('finds areas by their short names and shows 6-digit codes in the suggestions', async () => {
    const { page } = await open();
    const setup = new SetupPage(page);
    await setup.waitForVisible();
    await setup.selectLevel('city');
    for (const [text, code, name] of [['楚雄州', '532300', '楚雄彝族自治州'], ['恩施州', '422800', '恩施土家族苗族自治州'], ['湘西州', '433100', '湘西土家族苗族自治州']] as const) {
      await page.getByTestId('setup-area-input').fill(text);
      await page.locator(`[data-testid="setup-area-option"][data-code="${code}"]`).waitFor();
      const first = (await setup.optionTexts())[0]!;
      expect(first).toContain(name);
      expect(first).toContain(code);
    }
    await setup.selectLevel('province');
    for (const [text, code] of [['云南', '530000'], ['内蒙古', '150000']] as const) {
      await page.getByTestId('setup-area-input').fill(text);
      await page.locator(`[data-testid="setup-area-option"][data-code="${code}"]`).waitFor();
      expect((await setup.optionTexts())[0]).toContain(code);
    }
  });

  it('sets up a city (自治州) census in the wizard and opens its board with every county', async () => {
    const { page } = await open();
    const setup = new SetupPage(page);
    await setup.waitForVisible();
    await setup.selectLevel('city');
    await setup.chooseAreaByKeyboard('楚雄州', '532300');
    expect(await setup.selectedText()).toContain('（532300）');
    await setup.fill({ office: '楚雄州民政局', operator: '杨丽' });
    await setup.submit();
    const home = new HomePage(page);
    await home.root.waitFor();
    expect(await home.value('area-code').innerText()).toBe('532300');
    expect(await home.value('area').innerText()).toContain('楚雄彝族自治州');
    expect(await home.value('level').innerText()).toBe('市州');

    const pkgs = new PackagesPage(page);
    await pkgs.open();
    await pkgs.boardRow('532322').waitFor();
    expect(await pkgs.boardRow('532322').innerText()).toContain('双柏县');
    expect(await pkgs.root.locator('[data-testid="board-row"]').count()).toBe(10);
    expect(await pkgs.boardRow('532301').getAttribute('data-status')).toBe('missing');
  });

  it('sets up a province (自治区) census in the wizard and lists its 盟 and cities', async () => {
    const { page } = await open();
    await new SetupPage(page).setUp({ level: 'province', text: '内蒙古', code: '150000', office: '内蒙古自治区民政厅', operator: '王强' });
    const home = new HomePage(page);
    await home.root.waitFor();
    expect(await home.value('area-code').innerText()).toBe('150000');
    expect(await home.value('level').innerText()).toBe('省');
    const pkgs = new PackagesPage(page);
    await pkgs.open();
    await pkgs.boardRow('152900').waitFor();
    expect(await pkgs.boardRow('152900').innerText()).toContain('阿拉善盟');
    expect(await pkgs.root.locator('[data-testid="board-row"]').count()).toBe(12);
  });

  it('sets up a county of an autonomous prefecture found through the prefecture’s short name', async () => {
    const { page } = await open();
    await new SetupPage(page).setUp({ level: 'county', text: '楚雄州 双柏', code: '532322', office: '双柏县民政局', operator: '李华' });
    const home = new HomePage(page);
    await home.root.waitFor();
    expect(await home.value('area-code').innerText()).toBe('532322');
    expect(await home.value('level').innerText()).toBe('区县');
  });
});
