/**
 * What the preload exposes as `window.headcount`, kept free of 'electron' so it is tested with a
 * fake ipcRenderer. Only contract methods and declared events pass; the renderer never sees the
 * IpcRendererEvent (it carries `sender`, a way back into Electron internals).
 */
import { eventNames, isFaceMethodName, type EventName } from '../../shared/api/contract';
import type { Reply } from '../../shared/api/errors';
import { EVENT_CHANNEL, INVOKE_CHANNEL } from '../main/channels';

type IpcListener = (event: unknown, ...args: unknown[]) => void;

export interface IpcRendererLike {
  invoke(channel: string, ...args: unknown[]): Promise<unknown>;
  on(channel: string, listener: IpcListener): unknown;
  removeListener(channel: string, listener: IpcListener): unknown;
}

export interface PreloadApi {
  invoke(method: string, payload?: unknown): Promise<Reply>;
  on(event: string, cb: (payload: unknown) => void): () => void;
}

function isEventName(name: unknown): name is EventName {
  return typeof name === 'string' && (eventNames as readonly string[]).includes(name);
}

export function createPreloadApi(ipc: IpcRendererLike): PreloadApi {
  return {
    async invoke(method, payload) {
      if (!isFaceMethodName(method)) {
        return { ok: false, error: { code: 'unknown_method', message: `未知的操作：${String(method)}` } };
      }
      return (await ipc.invoke(INVOKE_CHANNEL, method, payload)) as Reply;
    },
    on(event, cb) {
      if (!isEventName(event)) throw new Error(`未知的事件：${String(event)}`);
      if (typeof cb !== 'function') throw new Error('事件回调必须是函数');
      const listener: IpcListener = (_event, name, payload) => {
        if (name === event) cb(payload);
      };
      ipc.on(EVENT_CHANNEL, listener);
      return () => {
        ipc.removeListener(EVENT_CHANNEL, listener);
      };
    },
  };
}
