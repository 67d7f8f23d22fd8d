/**
 * The Electron face's policy without Electron: main's IPC registration with a fake ipcMain, the
 * preload's allowlist with a fake ipcRenderer, wired to each other and to a real dispatch.
 */
import { EventEmitter } from 'node:events';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { beforeEach, describe, expect, it } from 'vitest';
import type { Reply } from '../../shared/api/errors';
import { createDispatch, type Dispatch } from '../../electron/core/dispatch';
import { createEventBus, type EventBus } from '../../electron/core/events';
import { EVENT_CHANNEL, INVOKE_CHANNEL } from '../../electron/main/channels';
import {
  FORBIDDEN_SENDER_MESSAGE,
  createSenderCheck,
  forwardEvents,
  registerIpc,
  type IpcInvokeEventLike,
  type IpcMainLike,
} from '../../electron/main/ipc';
import { appPaths } from '../../electron/main/paths';
import { createRequestFilter } from '../../electron/main/security';
import { createPreloadApi, type IpcRendererLike } from '../../electron/preload/api';
import { stubHandlers } from './support/stub-handlers';

const repo = path.resolve(import.meta.dirname, '..', '..');
const paths = appPaths(path.join(repo, 'out', 'main'));
const ownFrame: IpcInvokeEventLike = { senderFrame: { url: paths.rendererIndexUrl, parent: null } };

type Listener = (event: IpcInvokeEventLike, ...args: unknown[]) => unknown;

class FakeIpcMain implements IpcMainLike {
  readonly handlers = new Map<string, Listener>();
  handle(channel: string, listener: Listener): void {
    if (this.handlers.has(channel)) throw new Error(`second handler for ${channel}`);
    this.handlers.set(channel, listener);
  }
  removeHandler(channel: string): void {
    this.handlers.delete(channel);
  }
  async invoke(event: IpcInvokeEventLike, ...args: unknown[]): Promise<Reply> {
    const h = this.handlers.get(INVOKE_CHANNEL);
    if (!h) throw new Error('no handler');
    return (await h(event, ...args)) as Reply;
  }
}

let ipcMain: FakeIpcMain;
let events: EventBus;
let dispatched: string[];
let unregister: () => void;

beforeEach(() => {
  ipcMain = new FakeIpcMain();
  events = createEventBus();
  dispatched = [];
  const real = createDispatch(
    stubHandlers({ 'app.info': () => ({ version: '1.2.3', dbPath: '/d/census.sqlite', hasCensus: true, fingerprint: null }) }),
  );
  const dispatch: Dispatch = (method, payload) => {
    dispatched.push(method);
    return real(method, payload);
  };
  unregister = registerIpc(ipcMain, { dispatch, events }, createSenderCheck({ rendererIndexUrl: paths.rendererIndexUrl }));
});

describe('registerIpc (main)', () => {
  it('registers exactly the invoke channel and removes it again', () => {
    expect([...ipcMain.handlers.keys()]).toEqual([INVOKE_CHANNEL]);
    expect(INVOKE_CHANNEL).toBe('headcount:invoke');
    unregister();
    expect(ipcMain.handlers.size).toBe(0);
  });

  it('dispatches an allowlisted method from our own renderer', async () => {
    const reply = await ipcMain.invoke(ownFrame, 'app.info', {});
    expect(reply).toEqual({ ok: true, result: { version: '1.2.3', dbPath: '/d/census.sqlite', hasCensus: true, fingerprint: null } });
    expect(dispatched).toEqual(['app.info']);
  });

  it('passes contract errors back as Replies', async () => {
    const reply = await ipcMain.invoke(ownFrame, 'persons.get', { id: 7 });
    expect(reply.ok ? 'ok' : reply.error.code).toBe('bad_input');
  });

  it('refuses a method outside the contract without dispatching it', async () => {
    // The path-taking methods of the CLI (shared/api/methods/local.ts) are not the window's to call.
    for (const method of ['shell.openExternal', '__proto__', 'constructor', 42, undefined, 'io.import.files', 'packages.export.toFile']) {
      const reply = await ipcMain.invoke(ownFrame, method, {});
      expect(reply.ok ? 'ok' : reply.error.code, String(method)).toBe('unknown_method');
    }
    expect(dispatched).toEqual([]);
  });

  it('refuses untrusted senders without dispatching', async () => {
    const untrusted: IpcInvokeEventLike[] = [
      { senderFrame: null },
      { senderFrame: { url: 'https://evil.example/', parent: null } },
      { senderFrame: { url: 'file:///etc/passwd', parent: null } },
      { senderFrame: { url: pathToFileURL(path.join(repo, 'out', 'renderer', 'other.html')).href, parent: null } },
      { senderFrame: { url: 'http://localhost:5173/', parent: null } },
      // An iframe inside our own page is still not our page.
      { senderFrame: { url: paths.rendererIndexUrl, parent: {} } },
      { senderFrame: { url: 'not a url', parent: null } },
    ];
    for (const event of untrusted) {
      const reply = await ipcMain.invoke(event, 'app.info', {});
      expect(reply, JSON.stringify(event.senderFrame?.url)).toEqual({ ok: false, error: { code: 'forbidden', message: FORBIDDEN_SENDER_MESSAGE } });
    }
    expect(dispatched).toEqual([]);
  });

  it('accepts our index.html with a hash or query (in-page routes)', async () => {
    const reply = await ipcMain.invoke({ senderFrame: { url: `${paths.rendererIndexUrl}#/persons?x=1`, parent: null } }, 'app.info', {});
    expect(reply.ok).toBe(true);
  });
});

describe('createSenderCheck with a dev server', () => {
  const check = createSenderCheck({ rendererIndexUrl: paths.rendererIndexUrl, devServerUrl: 'http://localhost:5173/' });
  const at = (url: string) => check({ senderFrame: { url, parent: null } });

  it('trusts the dev server origin and nothing near it', () => {
    expect(at('http://localhost:5173/')).toBe(true);
    expect(at('http://localhost:5173/#/persons')).toBe(true);
    expect(at('http://localhost:5174/')).toBe(false);
    expect(at('https://localhost:5173/')).toBe(false);
    expect(at('http://localhost.evil.example:5173/')).toBe(false);
    expect(at(paths.rendererIndexUrl)).toBe(true);
  });
});

describe('forwardEvents (main)', () => {
  it('sends each core event on the event channel until unsubscribed', () => {
    const sent: unknown[][] = [];
    const off = forwardEvents(events, (...args) => sent.push(args));
    const p = { taskId: 'a', label: '校验', done: 1, total: 2 };
    events.emit('progress', p);
    off();
    events.emit('progress', p);
    expect(sent).toEqual([[EVENT_CHANNEL, 'progress', p]]);
  });
});

/** A fake ipcRenderer: invoke goes to the fake ipcMain as our own frame; events come from `emitter`. */
function fakeRenderer(emitter: EventEmitter, log: unknown[][]): IpcRendererLike {
  return {
    invoke: (channel, ...args) => {
      log.push([channel, ...args]);
      return ipcMain.invoke(ownFrame, ...args);
    },
    on: (channel, listener) => emitter.on(channel, listener),
    removeListener: (channel, listener) => emitter.removeListener(channel, listener),
  };
}

describe('createPreloadApi (preload)', () => {
  it('forwards allowlisted methods on the invoke channel and returns the Reply', async () => {
    const log: unknown[][] = [];
    const api = createPreloadApi(fakeRenderer(new EventEmitter(), log));
    const reply = await api.invoke('app.info', {});
    expect(reply.ok).toBe(true);
    expect(log).toEqual([[INVOKE_CHANNEL, 'app.info', {}]]);
  });

  it('refuses methods outside the contract before they reach IPC', async () => {
    const log: unknown[][] = [];
    const api = createPreloadApi(fakeRenderer(new EventEmitter(), log));
    for (const method of ['fs.readFile', 'hasOwnProperty', '__proto__', '', 'io.export.toFile']) {
      const reply = await api.invoke(method, {});
      expect(reply.ok ? 'ok' : reply.error.code, method).toBe('unknown_method');
    }
    expect(log).toEqual([]);
    expect(dispatched).toEqual([]);
  });

  it('hands the callback the payload only, never the IPC event', () => {
    const emitter = new EventEmitter();
    const api = createPreloadApi(fakeRenderer(emitter, []));
    const calls: unknown[][] = [];
    const off = api.on('progress', (...args: unknown[]) => calls.push(args));
    const ipcEvent = { sender: { send: () => {} }, ports: [] };
    const p = { taskId: 't', label: '导入', done: 5, total: 9 };
    emitter.emit(EVENT_CHANNEL, ipcEvent, 'progress', p);
    emitter.emit(EVENT_CHANNEL, ipcEvent, 'somethingElse', { x: 1 });
    off();
    emitter.emit(EVENT_CHANNEL, ipcEvent, 'progress', p);
    expect(calls).toEqual([[p]]);
    expect(emitter.listenerCount(EVENT_CHANNEL)).toBe(0);
  });

  it('refuses to subscribe to events outside the contract', () => {
    const emitter = new EventEmitter();
    const api = createPreloadApi(fakeRenderer(emitter, []));
    expect(() => api.on('headcount:invoke', () => {})).toThrow(/未知的事件/);
    expect(() => api.on('__proto__', () => {})).toThrow(/未知的事件/);
    expect(emitter.listenerCount(EVENT_CHANNEL)).toBe(0);
  });

  it('end to end: a core event reaches a preload subscriber through main', () => {
    const emitter = new EventEmitter();
    const api = createPreloadApi(fakeRenderer(emitter, []));
    const got: unknown[] = [];
    api.on('progress', (p) => got.push(p));
    // main's webContents.send → the renderer's ipcRenderer listeners (with an event object first)
    const off = forwardEvents(events, (channel, name, payload) => emitter.emit(channel, {}, name, payload));
    events.emit('progress', { taskId: 'x', label: '合并', done: 2, total: 4 });
    off();
    expect(got).toEqual([{ taskId: 'x', label: '合并', done: 2, total: 4 }]);
  });
});

describe('main-process request filter (no remote content)', () => {
  it('lets local files through and cancels anything remote', () => {
    const allow = createRequestFilter(undefined);
    expect(allow(paths.rendererIndexUrl)).toBe(true);
    expect(allow('data:image/png;base64,AAAA')).toBe(true);
    expect(allow('https://cdn.example.com/x.js')).toBe(false);
    expect(allow('http://127.0.0.1:8080/')).toBe(false);
    expect(allow('ws://localhost:5173/')).toBe(false);
    const dev = createRequestFilter('http://localhost:5173');
    expect(dev('http://localhost:5173/src/main.tsx')).toBe(true);
    expect(dev('ws://localhost:5173/')).toBe(true);
    expect(dev('http://localhost:5174/')).toBe(false);
  });
});
