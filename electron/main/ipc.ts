/**
 * The Electron face's transport: one invoke channel into `core.dispatch`, one event channel out.
 * No import of 'electron' here, only the few members we use as structural interfaces, so the
 * whole policy is unit-tested with a fake ipcMain.
 */
import { eventNames, isFaceMethodName } from '../../shared/api/contract';
import type { Reply } from '../../shared/api/errors';
import type { Dispatch } from '../core/dispatch';
import type { EventBus } from '../core/events';
import { EVENT_CHANNEL, INVOKE_CHANNEL } from './channels';

/** The part of Electron's IpcMainInvokeEvent we rely on. */
export interface IpcInvokeEventLike {
  senderFrame: { url: string; parent: unknown } | null;
}

/** The part of Electron's ipcMain we use. */
export interface IpcMainLike {
  handle(channel: string, listener: (event: IpcInvokeEventLike, ...args: unknown[]) => Promise<unknown> | unknown): void;
  removeHandler(channel: string): void;
}

export interface CoreLike {
  dispatch: Dispatch;
  events: EventBus;
}

export type SenderCheck = (event: IpcInvokeEventLike) => boolean;

export const FORBIDDEN_SENDER_MESSAGE = '拒绝访问：请求不是来自本程序的界面';

/** Registers the invoke handler; returns a function that removes it. */
export function registerIpc(ipcMain: IpcMainLike, core: CoreLike, isTrustedSender: SenderCheck): () => void {
  ipcMain.handle(INVOKE_CHANNEL, async (event, method: unknown, payload: unknown): Promise<Reply> => {
    if (!isTrustedSender(event)) {
      return { ok: false, error: { code: 'forbidden', message: FORBIDDEN_SENDER_MESSAGE } };
    }
    if (!isFaceMethodName(method)) {
      return { ok: false, error: { code: 'unknown_method', message: `未知的操作：${String(method)}` } };
    }
    return core.dispatch(method, payload);
  });
  return () => ipcMain.removeHandler(INVOKE_CHANNEL);
}

/**
 * Trusted = the top frame showing our own renderer: the built index.html over file://, or the
 * electron-vite dev server's origin in development. Anything else (a navigated-away page, an
 * iframe, a devtools-opened URL) is refused.
 */
export function createSenderCheck(opts: { rendererIndexUrl: string; devServerUrl?: string | undefined }): SenderCheck {
  const index = new URL(opts.rendererIndexUrl);
  const devOrigin = opts.devServerUrl ? new URL(opts.devServerUrl).origin : null;
  return (event) => {
    const frame = event.senderFrame;
    if (!frame || frame.parent !== null) return false;
    let url: URL;
    try {
      url = new URL(frame.url);
    } catch {
      return false;
    }
    if (url.protocol === 'file:') return index.protocol === 'file:' && url.pathname === index.pathname;
    return devOrigin !== null && (url.protocol === 'http:' || url.protocol === 'https:') && url.origin === devOrigin;
  };
}

/** Forwards every core event to `send` (a webContents.send); returns the unsubscribe. */
export function forwardEvents(events: EventBus, send: (channel: string, name: string, payload: unknown) => void): () => void {
  const offs = eventNames.map((name) => events.on(name, (payload) => send(EVENT_CHANNEL, name, payload)));
  return () => {
    for (const off of offs) off();
  };
}
