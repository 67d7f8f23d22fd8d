/**
 * The bridge's call socket over a real WebSocket on 127.0.0.1: the same replies as POST /api/call, matched
 * by id; the token offered as a subprotocol and never echoed; Host and Origin as for HTTP (Origin required);
 * oversized and malformed messages closing the socket without reaching the core.
 */
import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { REPLY_ROUTE, SOCKET_PROTOCOL, SOCKET_ROUTE, SOCKET_TOKEN_PREFIX } from '../../shared/api/socket';
import { startBridge, type Bridge } from '../../electron/bridge/server';
import { createDispatch, type Handlers } from '../../electron/core/dispatch';
import { createEventBus } from '../../electron/core/events';
import { stubHandlers } from './support/stub-handlers';

let bridge: Bridge;
/** Every call that reached the core, by method */
const reached: string[] = [];
/** census.get waits for this, so a test can hold one call while another is answered */
let release: (() => void) | null = null;

beforeAll(async () => {
  const handlers = stubHandlers({
    'app.info': () => {
      reached.push('app.info');
      return { version: '9.9.9', dbPath: '/tmp/x.sqlite', hasCensus: false, fingerprint: null };
    },
    'census.get': async () => {
      reached.push('census.get');
      await new Promise<void>((resolve) => (release = resolve));
      return null;
    },
    'files.download': () => {
      reached.push('files.download');
      return { name: 'x.csv', data: new Uint8Array([1, 2, 3]) };
    },
  });
  bridge = await startBridge({ dispatch: createDispatch(handlers), events: createEventBus(), staticDir: '/nonexistent', maxBodyBytes: 1024 });
});

afterAll(async () => {
  await bridge?.close();
});

interface Opts {
  token?: string | null;
  origin?: string | null;
  host?: string;
  path?: string;
}

function open(o: Opts = {}): WebSocket {
  const token = o.token === undefined ? bridge.token : o.token;
  const protocols = token === null ? [SOCKET_PROTOCOL] : [SOCKET_PROTOCOL, `${SOCKET_TOKEN_PREFIX}${token}`];
  const headers: Record<string, string> = { host: o.host ?? `127.0.0.1:${bridge.port}` };
  const origin = o.origin === undefined ? bridge.origin : o.origin;
  return new WebSocket(`ws://127.0.0.1:${bridge.port}${o.path ?? SOCKET_ROUTE}`, protocols, { headers, ...(origin === null ? {} : { origin }) });
}

function opened(ws: WebSocket): Promise<void> {
  return new Promise((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
}

/** The HTTP status the upgrade was refused with */
function refused(ws: WebSocket): Promise<number> {
  return new Promise((resolve, reject) => {
    ws.once('open', () => reject(new Error('the socket opened')));
    ws.once('unexpected-response', (_req, res: http.IncomingMessage) => resolve(res.statusCode ?? 0));
    ws.once('error', () => {});
  });
}

function closed(ws: WebSocket): Promise<number> {
  return new Promise((resolve) => ws.once('close', (code) => resolve(code)));
}

/** The raw text of the next message */
function next(ws: WebSocket): Promise<string> {
  return new Promise((resolve) => ws.once('message', (d) => resolve(String(d))));
}

describe('the call socket', () => {
  it('answers a call with the same reply as POST /api/call, the core time and CPU at the head, and accepts only our protocol', async () => {
    const ws = open();
    await opened(ws);
    expect(ws.protocol).toBe(SOCKET_PROTOCOL);
    const got = next(ws);
    ws.send(JSON.stringify({ id: 7, method: 'app.info', payload: {} }));
    const text = await got;
    expect(text).toMatch(/^\{"id":7,"core":[\d.e-]+,"cpu":[\d.e-]+,"reply":/);
    const viaHttp = await fetch(`${bridge.origin}/api/call`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${bridge.token}` },
      body: JSON.stringify({ method: 'app.info', payload: {} }),
    }).then((r) => r.json());
    expect(JSON.parse(text).reply).toEqual(viaHttp);
    expect(viaHttp).toMatchObject({ ok: true, result: { version: '9.9.9' } });
    ws.close();
  });

  it('matches replies to calls by id: a quick call is answered while a slow one is still in the core', async () => {
    const ws = open();
    await opened(ws);
    const replies: { id: number; reply: unknown }[] = [];
    ws.on('message', (d) => replies.push(JSON.parse(String(d)) as { id: number; reply: unknown }));
    ws.send(JSON.stringify({ id: 1, method: 'census.get', payload: {} }));
    ws.send(JSON.stringify({ id: 2, method: 'app.info', payload: {} }));
    await expect.poll(() => replies.length).toBe(1);
    expect(replies[0]!.id).toBe(2);
    expect(release).not.toBeNull();
    release!();
    await expect.poll(() => replies.length).toBe(2);
    expect(replies[1]).toEqual(expect.objectContaining({ id: 1, reply: { ok: true, result: null } }));
    ws.close();
  });

  it('refuses files.download as HTTP does: bytes do not travel as JSON', async () => {
    const ws = open();
    await opened(ws);
    const before = reached.length;
    const got = next(ws);
    ws.send(JSON.stringify({ id: 3, method: 'files.download', payload: { downloadId: 'x' } }));
    expect(JSON.parse(await got).reply).toMatchObject({ ok: false, error: { code: 'bad_input' } });
    expect(reached.length).toBe(before);
    ws.close();
  });

  it('an unknown method is the contract error, not a closed socket', async () => {
    const ws = open();
    await opened(ws);
    const got = next(ws);
    ws.send(JSON.stringify({ id: 4, method: 'no.such', payload: {} }));
    expect(JSON.parse(await got)).toMatchObject({ id: 4, reply: { ok: false, error: { code: 'unknown_method' } } });
    ws.close();
  });
});

describe('who may open it', () => {
  it.each<[string, Opts, number]>([
    ['no token', { token: null }, 403],
    ['a wrong token', { token: 'f'.repeat(64) }, 403],
    ['no Origin (not a browser page)', { origin: null }, 403],
    ['another site as Origin', { origin: 'http://evil.example' }, 403],
    ['the null Origin', { origin: 'null' }, 403],
    ['a rebinding Host', { host: `evil.example:0` }, 403],
    ['another path', { path: '/api/sockets' }, 404],
  ])('refuses %s before any call reaches the core', async (_name, o, status) => {
    const before = reached.length;
    await expect(refused(open(o))).resolves.toBe(status);
    expect(reached.length).toBe(before);
  });

  it('takes localhost as Host and Origin as HTTP does', async () => {
    const ws = open({ host: `localhost:${bridge.port}`, origin: `http://localhost:${bridge.port}` });
    await opened(ws);
    ws.close();
  });
});

describe('bad messages', () => {
  it('a message over the call limit closes the socket (1009) and never reaches the core', async () => {
    const ws = open();
    await opened(ws);
    const before = reached.length;
    const code = closed(ws);
    ws.send(JSON.stringify({ id: 5, method: 'app.info', payload: { pad: 'x'.repeat(2000) } }));
    expect(await code).toBe(1009);
    expect(reached.length).toBe(before);
  });

  it.each([
    ['not JSON', 'hello'],
    ['no id', JSON.stringify({ method: 'app.info', payload: {} })],
    ['a text id', JSON.stringify({ id: '1', method: 'app.info' })],
    ['no method', JSON.stringify({ id: 1 })],
    ['an array', '[1,"app.info"]'],
  ])('%s closes the socket (1003): nothing could be answered', async (_name, text) => {
    const ws = open();
    await opened(ws);
    const before = reached.length;
    const code = closed(ws);
    ws.send(text);
    expect(await code).toBe(1003);
    expect(reached.length).toBe(before);
  });

  it('a binary message closes it too', async () => {
    const ws = open();
    await opened(ws);
    const code = closed(ws);
    ws.send(Buffer.from(JSON.stringify({ id: 1, method: 'app.info' })));
    expect(await code).toBe(1003);
  });
});

describe('a reply too large for the socket', () => {
  const LONG_PATH = `/tmp/${'长'.repeat(400)}.sqlite`;
  let big: Bridge;
  beforeAll(async () => {
    const handlers = {
      'app.info': () => ({ version: '9.9.9', dbPath: LONG_PATH, hasCensus: false, fingerprint: null }),
      'census.get': () => null,
    } as unknown as Handlers;
    big = await startBridge({ dispatch: createDispatch(handlers), events: createEventBus(), staticDir: '/nonexistent', maxSocketReplyChars: 200 });
  });
  afterAll(async () => {
    await big?.close();
  });
  const openBig = () => new WebSocket(`ws://127.0.0.1:${big.port}${SOCKET_ROUTE}`, [SOCKET_PROTOCOL, `${SOCKET_TOKEN_PREFIX}${big.token}`], { origin: big.origin });
  const held = (key: string, token = big.token) => fetch(`${big.origin}${REPLY_ROUTE}/${key}`, { headers: { authorization: `Bearer ${token}` } });

  it('is named in the message and fetched once over HTTP with the token; a small one still comes on the socket', async () => {
    const ws = openBig();
    await opened(ws);
    let got = next(ws);
    ws.send(JSON.stringify({ id: 1, method: 'app.info', payload: {} }));
    const head = JSON.parse(await got) as { id: number; core: number; cpu: number; fetch?: string; reply?: unknown };
    expect(head).toEqual({ id: 1, core: expect.any(Number), cpu: expect.any(Number), fetch: expect.stringMatching(/^[0-9a-f-]{36}$/) });
    expect((await held(head.fetch!, 'f'.repeat(64))).status).toBe(403);
    const res = await held(head.fetch!);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ ok: true, result: { version: '9.9.9', dbPath: LONG_PATH, hasCensus: false, fingerprint: null } });
    const again = await held(head.fetch!);
    expect(again.status).toBe(404);
    expect(await again.json()).toMatchObject({ ok: false, error: { code: 'not_found', message: expect.stringContaining('应答已失效') } });
    got = next(ws);
    ws.send(JSON.stringify({ id: 2, method: 'census.get', payload: {} }));
    expect(JSON.parse(await got)).toEqual({ id: 2, core: expect.any(Number), cpu: expect.any(Number), reply: { ok: true, result: null } });
    ws.close();
  });

  it('is dropped when its socket closes: nobody is left to fetch it', async () => {
    const ws = openBig();
    await opened(ws);
    const got = next(ws);
    ws.send(JSON.stringify({ id: 3, method: 'app.info', payload: {} }));
    const { fetch: key } = JSON.parse(await got) as { fetch: string };
    const gone = closed(ws);
    ws.close();
    await gone;
    // One look only (a fetch that found it would take it): after the close has reached the bridge.
    await new Promise((r) => setTimeout(r, 200));
    expect((await held(key)).status).toBe(404);
  });
});

describe('closing the bridge', () => {
  it('ends open sockets', async () => {
    const other = await startBridge({ dispatch: createDispatch({} as Handlers), events: createEventBus(), staticDir: '/nonexistent' });
    const ws = new WebSocket(`ws://127.0.0.1:${other.port}${SOCKET_ROUTE}`, [SOCKET_PROTOCOL, `${SOCKET_TOKEN_PREFIX}${other.token}`], { origin: other.origin });
    await opened(ws);
    const code = closed(ws);
    await other.close();
    expect(await code).toBeGreaterThan(0);
  });
});
