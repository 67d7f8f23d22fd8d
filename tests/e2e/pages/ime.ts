import type { CDPSession, Page } from 'playwright-core';

/**
 * A Chinese input method driven through Chromium's DevTools protocol, the way an IME talks to the browser:
 * every key it swallows arrives as a keydown with key "Process" / keyCode 229, the preedit text through
 * `Input.imeSetComposition`, and the chosen characters through `Input.insertText` (which ends the composition).
 */
export class Ime {
  private constructor(private readonly cdp: CDPSession) {}

  static async attach(page: Page): Promise<Ime> {
    return new Ime(await page.context().newCDPSession(page));
  }

  private async processKey(letter: string): Promise<void> {
    const code = /^[a-z]$/i.test(letter) ? `Key${letter.toUpperCase()}` : letter === ' ' ? 'Space' : '';
    await this.cdp.send('Input.dispatchKeyEvent', { type: 'rawKeyDown', key: 'Process', code, windowsVirtualKeyCode: 229, nativeVirtualKeyCode: 229 });
  }

  private async keyUp(letter: string): Promise<void> {
    const code = /^[a-z]$/i.test(letter) ? `Key${letter.toUpperCase()}` : letter === ' ' ? 'Space' : '';
    const vk = /^[a-z]$/i.test(letter) ? letter.toUpperCase().charCodeAt(0) : 32;
    await this.cdp.send('Input.dispatchKeyEvent', { type: 'keyUp', key: letter, code, windowsVirtualKeyCode: vk, nativeVirtualKeyCode: vk });
  }

  /** A plain Latin key that reaches the page before the IME takes over (what some IMEs leak) */
  async latinKey(letter: string): Promise<void> {
    const vk = letter.toUpperCase().charCodeAt(0);
    const code = `Key${letter.toUpperCase()}`;
    await this.cdp.send('Input.dispatchKeyEvent', { type: 'keyDown', key: letter, code, text: letter, unmodifiedText: letter, windowsVirtualKeyCode: vk, nativeVirtualKeyCode: vk });
    await this.cdp.send('Input.dispatchKeyEvent', { type: 'keyUp', key: letter, code, windowsVirtualKeyCode: vk, nativeVirtualKeyCode: vk });
  }

  /**
   * Types `spelling` into the IME key by key (each a Process keydown and a growing preedit) and commits `text`
   * with the space bar, as a pinyin IME does. `delayMs` between keys models the typist.
   */
  async type(spelling: string, text: string, opts: { delayMs?: number; skipFirstKeydown?: boolean } = {}): Promise<void> {
    const delay = opts.delayMs ?? 0;
    for (let i = 0; i < spelling.length; i++) {
      const ch = spelling[i]!;
      if (!(i === 0 && opts.skipFirstKeydown)) await this.processKey(ch);
      const pre = spelling.slice(0, i + 1);
      await this.cdp.send('Input.imeSetComposition', { text: pre, selectionStart: pre.length, selectionEnd: pre.length });
      await this.keyUp(ch);
      if (delay) await new Promise((r) => setTimeout(r, delay));
    }
    await this.processKey(' ');
    await this.cdp.send('Input.insertText', { text });
    await this.keyUp(' ');
    if (delay) await new Promise((r) => setTimeout(r, delay));
  }

  /** A composition the clerk abandons with Esc: the IME clears its preedit and nothing is inserted */
  async cancel(spelling: string): Promise<void> {
    for (let i = 0; i < spelling.length; i++) {
      await this.processKey(spelling[i]!);
      const pre = spelling.slice(0, i + 1);
      await this.cdp.send('Input.imeSetComposition', { text: pre, selectionStart: pre.length, selectionEnd: pre.length });
    }
    await this.cdp.send('Input.dispatchKeyEvent', { type: 'rawKeyDown', key: 'Process', code: 'Escape', windowsVirtualKeyCode: 229, nativeVirtualKeyCode: 229 });
    await this.cdp.send('Input.imeSetComposition', { text: '', selectionStart: 0, selectionEnd: 0 });
  }

  async detach(): Promise<void> {
    await this.cdp.detach();
  }
}
