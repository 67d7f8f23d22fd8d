/**
 * The browser transport's call socket against the real bridge: calls go over it once it is open, over
 * HTTP before that, when too large, and after it drops; a call in flight when it drops gets the network
 * error; it opens again after the retry delay. HTTP requests are counted through `fetchImpl`.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WS from 'ws';
import { ApiError } from '../../shared/api/errors';
import { REPLY_ROUTE, SOCKET_MAX_CALL_CHARS, SOCKET_ROUTE } from '../../shared/api/socket';
import { startBridge, type Bridge } from '../../electron/bridge/server';
import { createDispatch, type Handlers } from '../../electron/core/dispatch';
import { createEventBus } from '../../electron/core/events';
import { stubHandlers } from './support/stub-handlers';
import { callWith, createHttpTransport, type Transport } from '../../renderer/src/api/client';

let bridge: Bridge;
let release: (() => void) | null = null;

beforeAll(async () => {
  const handlers = stubHandlers({
    'app.info': () => ({ version: '9.9.9', dbPath: '/tmp/x.sqlite', hasCensus: false, fingerprint: null }),
    // Held until the test lets it go
    'census.get': async () => {
      await new Promise<void>((resolve) => (release = resolve));
      return null;
    },
    'census.summary': () => {
      throw new ApiError('not_setup', '尚未设置统计调查');
    },
  });
  bridge = await startBridge({ dispatch: createDispatch(handlers), events: createEventBus(), staticDir: '/nonexistent' });
});

afterAll(async () => {
  await bridge?.close();
});

interface Harness {
  t: Transport;
  /** HTTP calls made so far */
  http(): number;
  /** Their paths */
  paths: string[];
  /** Every socket the transport opened, newest last */
  sockets: WS[];
}

function harness(opts: { token?: string; retryMs?: number; to?: Bridge } = {}): Harness {
  const to = opts.to ?? bridge;
  const paths: string[] = [];
  const sockets: WS[] = [];
  const t = createHttpTransport({
    baseUrl: to.origin,
    token: opts.token ?? to.token,
    fetchImpl: (input, init) => {
      paths.push(new URL(String(input)).pathname);
      return fetch(input, init);
    },
    socketUrl: `ws://127.0.0.1:${to.port}${SOCKET_ROUTE}`,
    // A browser sends its page's Origin by itself; Node's client is told to.
    openSocket: (url, protocols) => {
      const ws = new WS(url, protocols, { origin: to.origin });
      ws.on('error', () => {});
      sockets.push(ws);
      return ws as unknown as WebSocket;
    },
    socketRetryMs: opts.retryMs ?? 60_000,
  });
  return { t, http: () => paths.length, paths, sockets };
}

const isOpen = (ws: WS | undefined) => ws?.readyState === WS.OPEN;

describe('calls over the socket', () => {
  it('go over HTTP until the socket is open, then over the socket with the same results and errors', async () => {
    const h = harness();
    await expect(callWith(h.t, 'app.info', {})).resolves.toMatchObject({ version: '9.9.9' });
    expect(h.http()).toBe(1);
    await expect.poll(() => isOpen(h.sockets[0])).toBe(true);
    await expect(callWith(h.t, 'app.info', {})).resolves.toMatchObject({ version: '9.9.9' });
    await expect(callWith(h.t, 'census.summary', {})).rejects.toMatchObject({ code: 'not_setup', message: '尚未设置统计调查' });
    expect(h.http()).toBe(1);
    h.sockets[0]!.close();
  });

  it('a call larger than the socket takes goes over HTTP', async () => {
    const h = harness();
    await expect.poll(() => isOpen(h.sockets[0])).toBe(true);
    // app.info takes an empty object; the extra key is stripped by the schema but travels all the same.
    await expect(callWith(h.t, 'app.info', { pad: 'x'.repeat(SOCKET_MAX_CALL_CHARS) } as unknown as Record<string, never>)).resolves.toMatchObject({ version: '9.9.9' });
    expect(h.http()).toBe(1);
    h.sockets[0]!.close();
  });

  it('a call waiting when the socket drops gets the network error; later calls go over HTTP, then over a new socket', async () => {
    const h = harness({ retryMs: 300 });
    await expect.poll(() => isOpen(h.sockets[0])).toBe(true);
    release = null;
    const waiting = callWith(h.t, 'census.get', {});
    await expect.poll(() => release !== null).toBe(true);
    h.sockets[0]!.terminate();
    await expect(waiting).rejects.toMatchObject({ code: 'network', message: expect.stringContaining('无法连接到本机服务') });
    release!();
    await expect(callWith(h.t, 'app.info', {})).resolves.toMatchObject({ version: '9.9.9' });
    expect(h.http()).toBe(1);
    expect(h.sockets).toHaveLength(1);
    await new Promise((r) => setTimeout(r, 350));
    // Past the delay a call opens the socket again (itself still over HTTP); the next one takes the socket.
    await callWith(h.t, 'app.info', {});
    expect(h.sockets).toHaveLength(2);
    await expect.poll(() => isOpen(h.sockets[1])).toBe(true);
    await expect(callWith(h.t, 'app.info', {})).resolves.toMatchObject({ version: '9.9.9' });
    expect(h.http()).toBe(2);
    h.sockets[1]!.close();
  });

  it('a reply too large for the socket is fetched over HTTP by the key its message names', async () => {
    const LONG_PATH = `/tmp/${'长'.repeat(400)}.sqlite`;
    const handlers = { 'app.info': () => ({ version: '9.9.9', dbPath: LONG_PATH, hasCensus: false, fingerprint: null }) } as unknown as Handlers;
    const big = await startBridge({ dispatch: createDispatch(handlers), events: createEventBus(), staticDir: '/nonexistent', maxSocketReplyChars: 200 });
    try {
      const h = harness({ to: big });
      await expect.poll(() => isOpen(h.sockets[0])).toBe(true);
      await expect(callWith(h.t, 'app.info', {})).resolves.toEqual({ version: '9.9.9', dbPath: LONG_PATH, hasCensus: false, fingerprint: null });
      expect(h.paths).toEqual([expect.stringMatching(new RegExp(`^${REPLY_ROUTE}/[0-9a-f-]{36}$`))]);
      h.sockets[0]!.close();
    } finally {
      await big.close();
    }
  });

  it('a refused token never opens the socket: calls stay on HTTP and say forbidden', async () => {
    const h = harness({ token: 'bad' });
    await expect.poll(() => h.sockets[0]?.readyState).toBe(WS.CLOSED);
    await expect(callWith(h.t, 'app.info', {})).rejects.toMatchObject({ code: 'forbidden' });
    expect(h.http()).toBe(1);
  });
});
