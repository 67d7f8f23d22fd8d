/**
 * The HTTP bridge over a real socket on 127.0.0.1: token, Host and Origin rules, the Reply shapes,
 * static files without traversal, and Server-Sent Events. The core here is a real dispatch over a
 * few hand-made handlers (the transport is what is under test).
 */
import { mkdtempSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { ApiError, type Reply } from '../../shared/api/errors';
import { CONTENT_SECURITY_POLICY } from '../../electron/bridge/headers';
import { REAUTH_SCRIPT_PATH, startBridge, tokenMatches, type Bridge } from '../../electron/bridge/server';
import { createDispatch } from '../../electron/core/dispatch';
import { createEventBus, type EventBus } from '../../electron/core/events';
import { stubHandlers } from './support/stub-handlers';

const SECRET = 'top-secret-outside-static-dir';

interface Res {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
  bytes: Buffer;
}

function request(port: number, opts: { method?: string; path: string; headers?: Record<string, string>; body?: string | Buffer }): Promise<Res> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: '127.0.0.1',
        port,
        method: opts.method ?? 'GET',
        path: opts.path,
        headers: { host: `127.0.0.1:${port}`, ...opts.headers },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8'), bytes: Buffer.concat(chunks) }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    if (opts.body !== undefined) req.write(opts.body);
    req.end();
  });
}

/** Counts live subscriptions so the test can see the SSE stream unsubscribe. */
let active = 0;
function countingBus(inner: EventBus): EventBus {
  return {
    emit: (name, payload) => inner.emit(name, payload),
    on: (name, cb) => {
      active += 1;
      const off = inner.on(name, cb);
      let done = false;
      return () => {
        if (done) return;
        done = true;
        active -= 1;
        off();
      };
    },
  };
}

/** The one file the stub core keeps for download: every byte value, more than a call's body limit */
const KEPT_ID = '0b6f8a52-4d4e-4f0e-9d55-3c1f0a9e7b21';
const KEPT_BYTES = Buffer.from(Array.from({ length: 5000 }, (_, i) => (i * 13) & 0xff));

let tmp: string;
let staticDir: string;
let events: EventBus;
let bridge: Bridge;
let port: number;

function call(method: unknown, payload: unknown, headers: Record<string, string> = {}): Promise<Res> {
  return request(port, {
    method: 'POST',
    path: '/api/call',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${bridge.token}`, ...headers },
    body: JSON.stringify({ method, payload }),
  });
}

beforeAll(async () => {
  tmp = mkdtempSync(path.join(os.tmpdir(), 'headcount-bridge-'));
  staticDir = path.join(tmp, 'renderer');
  mkdirSync(path.join(staticDir, 'assets'), { recursive: true });
  writeFileSync(path.join(staticDir, 'index.html'), '<!doctype html><div id="root"></div><script type="module" src="./assets/app.js"></script>');
  writeFileSync(path.join(staticDir, 'assets', 'app.js'), 'console.log("app");');
  writeFileSync(path.join(staticDir, 'assets', 'app.css'), 'body{}');
  writeFileSync(path.join(tmp, 'secret.txt'), SECRET);
  symlinkSync(path.join(tmp, 'secret.txt'), path.join(staticDir, 'assets', 'link.txt'));

  events = countingBus(createEventBus());
  const dispatch = createDispatch(
    stubHandlers({
      'app.info': () => ({ version: '9.9.9', dbPath: '/tmp/x.sqlite', hasCensus: false, fingerprint: null }),
      'census.get': () => null,
      // Echoes what arrived, so a test sees the name decoded and every byte as sent
      'files.upload': (q) => ({ uploadId: `${q.name}|${Buffer.from(q.data).toString('latin1')}`, size: q.data.byteLength }),
      'files.download': (q) => {
        if (q.downloadId !== KEPT_ID) throw new ApiError('not_found', '要保存的文件已不在，请重新导出');
        return { name: '社会工作专业人才_河北省_人员.csv', data: new Uint8Array(KEPT_BYTES) };
      },
    }),
  );
  bridge = await startBridge({ dispatch, events, staticDir, maxBodyBytes: 1024, maxUploadBytes: 8192 });
  port = bridge.port;
});

afterAll(async () => {
  await bridge?.close();
  rmSync(tmp, { recursive: true, force: true });
});

describe('bridge address', () => {
  it('listens on 127.0.0.1 only and prints a tokenised URL', () => {
    expect(bridge.origin).toBe(`http://127.0.0.1:${port}`);
    expect(bridge.url).toBe(`http://127.0.0.1:${port}/?token=${bridge.token}`);
    expect(bridge.token).toMatch(/^[0-9a-f]{64}$/);
  });

  it('is not reachable on IPv6 loopback or on any non-loopback interface', async () => {
    const others = Object.values(os.networkInterfaces())
      .flat()
      .filter((a): a is os.NetworkInterfaceInfo => a !== undefined && !a.internal)
      .map((a) => a.address);
    const tryConnect = (host: string) =>
      new Promise<'connected' | 'refused'>((resolve) => {
        const s = net.connect({ host, port });
        s.setTimeout(5000, () => {
          s.destroy();
          resolve('refused');
        });
        s.once('connect', () => {
          s.destroy();
          resolve('connected');
        });
        s.once('error', () => resolve('refused'));
      });
    // Control: the same probe does reach the loopback address we bound.
    expect(await tryConnect('127.0.0.1')).toBe('connected');
    for (const host of ['::1', ...others]) expect(await tryConnect(host), host).toBe('refused');
  });

  it('gives every launch a different token', async () => {
    const other = await startBridge({ dispatch: createDispatch(stubHandlers({})), events: createEventBus(), staticDir });
    try {
      expect(other.token).not.toBe(bridge.token);
      expect(other.port).not.toBe(port);
    } finally {
      await other.close();
    }
  });
});

describe('POST /api/call', () => {
  it('answers a good call with the Reply and no-store', async () => {
    const res = await call('app.info', {});
    expect(res.status).toBe(200);
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    // The core's time and CPU, which the grid benchmark reads to split an edit's latency
    expect(res.headers['server-timing']).toMatch(/^core;dur=\d+\.\d\d, cpu;dur=\d+\.\d\d$/);
    expect(JSON.parse(res.body)).toEqual({ ok: true, result: { version: '9.9.9', dbPath: '/tmp/x.sqlite', hasCensus: false, fingerprint: null } });
  });

  it('refuses a call without a token with 403', async () => {
    const res = await request(port, { method: 'POST', path: '/api/call', body: JSON.stringify({ method: 'app.info', payload: {} }) });
    expect(res.status).toBe(403);
    const reply = JSON.parse(res.body) as Reply;
    expect(reply.ok).toBe(false);
    if (!reply.ok) expect(reply.error.code).toBe('forbidden');
  });

  it('refuses a wrong token, a token of the wrong length and a token in the query string', async () => {
    const wrong = bridge.token.replace(/^./, (c) => (c === 'a' ? 'b' : 'a'));
    expect((await call('app.info', {}, { authorization: `Bearer ${wrong}` })).status).toBe(403);
    expect((await call('app.info', {}, { authorization: 'Bearer abc' })).status).toBe(403);
    expect((await call('app.info', {}, { authorization: bridge.token })).status).toBe(403);
    const viaQuery = await request(port, {
      method: 'POST',
      path: `/api/call?token=${bridge.token}`,
      body: JSON.stringify({ method: 'app.info', payload: {} }),
    });
    expect(viaQuery.status).toBe(403);
  });

  it('refuses a foreign Host header (DNS rebinding) even with the right token', async () => {
    for (const host of ['evil.example', `evil.example:${port}`, `127.0.0.1:${port + 1}`, `0.0.0.0:${port}`]) {
      const res = await call('app.info', {}, { host });
      expect(res.status, host).toBe(403);
    }
    expect((await call('app.info', {}, { host: `localhost:${port}` })).status).toBe(200);
  });

  it('refuses a foreign Origin even with the right token, and accepts our own', async () => {
    for (const origin of ['http://evil.example', 'null', `http://127.0.0.1:${port + 1}`, `https://127.0.0.1:${port}`]) {
      const res = await call('app.info', {}, { origin });
      expect(res.status, origin).toBe(403);
    }
    expect((await call('app.info', {}, { origin: `http://127.0.0.1:${port}` })).status).toBe(200);
    expect((await call('app.info', {}, { origin: `http://localhost:${port}`, host: `localhost:${port}` })).status).toBe(200);
  });

  it('returns unknown_method with HTTP 200 for a method outside the contract', async () => {
    for (const method of ['nope.nothing', '__proto__', 'constructor', 'toString']) {
      const res = await call(method, {});
      expect(res.status).toBe(200);
      const reply = JSON.parse(res.body) as Reply;
      expect(reply.ok ? 'ok' : reply.error.code, method).toBe('unknown_method');
    }
  });

  it('returns bad_input with the Chinese message for a payload the contract refuses', async () => {
    const res = await call('persons.get', { id: 5 });
    expect(res.status).toBe(200);
    const reply = JSON.parse(res.body) as Reply;
    expect(reply.ok).toBe(false);
    if (!reply.ok) {
      expect(reply.error.code).toBe('bad_input');
      expect(reply.error.message).toMatch(/^输入有误/);
    }
  });

  it('passes service errors through as Reply errors', async () => {
    const reply = JSON.parse((await call('persons.get', { id: 'x' })).body) as Reply;
    expect(reply).toEqual({ ok: false, error: { code: 'not_found', message: '测试中未实现' } });
  });

  it('answers malformed JSON with 400 and a Reply error', async () => {
    const res = await request(port, {
      method: 'POST',
      path: '/api/call',
      headers: { authorization: `Bearer ${bridge.token}` },
      body: '{"method": "app.info", ',
    });
    expect(res.status).toBe(400);
    const reply = JSON.parse(res.body) as Reply;
    expect(reply.ok ? 'ok' : reply.error.code).toBe('bad_input');
    const noMethod = await request(port, { method: 'POST', path: '/api/call', headers: { authorization: `Bearer ${bridge.token}` }, body: '[1,2]' });
    expect(noMethod.status).toBe(400);
  });

  it('answers a body over the limit with 413', async () => {
    const res = await call('app.info', { pad: 'x'.repeat(4096) });
    expect(res.status).toBe(413);
    const reply = JSON.parse(res.body) as Reply;
    expect(reply.ok ? 'ok' : reply.error.message).toMatch(/请求内容过大/);
  });

  it('takes a picked file as raw bytes on /api/upload, larger than a call may be, with its Chinese name', async () => {
    const bytes = Buffer.alloc(5000);
    for (let i = 0; i < bytes.length; i++) bytes[i] = (i * 7) & 0xff;
    const upload = (headers: Record<string, string>, body: Buffer = bytes) =>
      request(port, { method: 'POST', path: '/api/upload', headers: { 'content-type': 'application/octet-stream', ...headers }, body });
    const name = { 'x-headcount-file-name': encodeURIComponent('东城区 2026年 上报.hcpkg') };
    const ok = await upload({ authorization: `Bearer ${bridge.token}`, ...name });
    expect(ok.status).toBe(200);
    const reply = JSON.parse(ok.body) as Reply<{ uploadId: string; size: number }>;
    expect(reply.ok && reply.result).toEqual({ uploadId: `东城区 2026年 上报.hcpkg|${bytes.toString('latin1')}`, size: 5000 });
    // The same bytes as a JSON call are over that route's limit
    expect((await call('files.upload', { name: 'x', data: bytes.toString('base64') })).status).toBe(413);

    expect((await upload(name)).status).toBe(403);
    expect((await upload({ authorization: `Bearer ${'0'.repeat(64)}`, ...name })).status).toBe(403);
    expect((await upload({ authorization: `Bearer ${bridge.token}`, origin: 'http://evil.example', ...name })).status).toBe(403);
    const nameless = await upload({ authorization: `Bearer ${bridge.token}` });
    expect(nameless.status).toBe(400);
    expect(nameless.body).toContain('缺少文件名');
    const big = await upload({ authorization: `Bearer ${bridge.token}`, ...name }, Buffer.alloc(9000));
    expect(big.status).toBe(413);
    expect(JSON.parse(big.body)).toMatchObject({ ok: false, error: { code: 'bad_input', message: expect.stringContaining('文件过大') } });
    expect((await request(port, { path: '/api/upload', headers: { authorization: `Bearer ${bridge.token}` } })).status).toBe(405);
  });

  it('hands a kept file over as raw bytes on /api/download/<id>, with its Chinese name, to the token holder only', async () => {
    const auth = { authorization: `Bearer ${bridge.token}` };
    const ok = await request(port, { path: `/api/download/${KEPT_ID}`, headers: auth });
    expect(ok.status).toBe(200);
    expect(ok.bytes.equals(KEPT_BYTES)).toBe(true);
    expect(ok.headers['content-type']).toBe('application/octet-stream');
    expect(ok.headers['content-length']).toBe('5000');
    expect(ok.headers['cache-control']).toBe('no-store');
    expect(ok.headers['x-content-type-options']).toBe('nosniff');
    expect(ok.headers['content-disposition']).toBe(`attachment; filename="download.csv"; filename*=UTF-8''${encodeURIComponent('社会工作专业人才_河北省_人员.csv')}`);

    expect((await request(port, { path: `/api/download/${KEPT_ID}` })).status).toBe(403);
    expect((await request(port, { path: `/api/download/${KEPT_ID}?token=${bridge.token}` })).status).toBe(403);
    expect((await request(port, { path: `/api/download/${KEPT_ID}`, headers: { ...auth, origin: 'http://evil.example' } })).status).toBe(403);
    const gone = await request(port, { path: '/api/download/8d1c0000-0000-4000-8000-000000000000', headers: auth });
    expect(gone.status).toBe(404);
    expect(JSON.parse(gone.body)).toMatchObject({ ok: false, error: { code: 'not_found', message: expect.stringContaining('请重新导出') } });
    expect((await request(port, { path: '/api/download/%E0%A4%A', headers: auth })).status).toBe(404);
    expect((await request(port, { method: 'POST', path: `/api/download/${KEPT_ID}`, headers: auth })).status).toBe(405);
    // Not as a JSON call: the bytes would come back as an object of numbered keys
    const asCall = await call('files.download', { downloadId: KEPT_ID });
    expect(asCall.status).toBe(400);
    expect(JSON.parse(asCall.body)).toMatchObject({ ok: false, error: { code: 'bad_input', message: expect.stringContaining('/api/download/') } });
  });

  it('refuses other verbs on the API', async () => {
    expect((await request(port, { path: '/api/call', headers: { authorization: `Bearer ${bridge.token}` } })).status).toBe(405);
    expect((await request(port, { method: 'OPTIONS', path: '/api/call', headers: { origin: 'http://evil.example' } })).status).toBe(403);
  });
});

describe('static files', () => {
  it('refuses the page without the token, in Chinese, and with a wrong token', async () => {
    for (const p of ['/', '/index.html', '//index.html', '/%69ndex.html', '/?token=', `/?token=${'0'.repeat(64)}`]) {
      const res = await request(port, { path: p });
      expect(res.status, p).toBe(403);
      expect(res.body).toContain('缺少或错误的访问令牌，请使用启动时显示的完整地址打开');
    }
  });

  it('serves the page with the token, with CSP, nosniff, no-referrer and no-store', async () => {
    for (const p of [`/?token=${bridge.token}`, `/index.html?token=${bridge.token}`]) {
      const res = await request(port, { path: p });
      expect(res.status, p).toBe(200);
      expect(res.body).toContain('<div id="root">');
      expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
      expect(res.headers['content-security-policy']).toBe(CONTENT_SECURITY_POLICY);
      expect(res.headers['x-content-type-options']).toBe('nosniff');
      expect(res.headers['referrer-policy']).toBe('no-referrer');
      expect(res.headers['cache-control']).toBe('no-store');
    }
    const csp = CONTENT_SECURITY_POLICY;
    for (const directive of ["default-src 'self'", "script-src 'self'", "object-src 'none'", "base-uri 'none'", "frame-ancestors 'none'", "connect-src 'self'"]) {
      expect(csp).toContain(directive);
    }
  });

  it('serves built assets without the token and with the right content types', async () => {
    const js = await request(port, { path: '/assets/app.js' });
    expect(js.status).toBe(200);
    expect(js.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(js.body).toBe('console.log("app");');
    const css = await request(port, { path: '/assets/app.css' });
    expect(css.headers['content-type']).toBe('text/css; charset=utf-8');
    expect((await request(port, { path: '/assets/missing.js' })).status).toBe(404);
    expect((await request(port, { path: '/assets' })).status).toBe(404);
  });

  it('never serves a file outside the static directory', async () => {
    const attempts = [
      '/../secret.txt',
      '/assets/../../secret.txt',
      '/%2e%2e/secret.txt',
      '/%2E%2E%2Fsecret.txt',
      '/assets/%2e%2e%2f%2e%2e%2fsecret.txt',
      '/..%5csecret.txt',
      '/assets/..%252f..%252fsecret.txt',
      '/%00/../secret.txt',
      '/assets/link.txt',
      `/${path.join(tmp, 'secret.txt')}`,
    ];
    for (const p of attempts) {
      const res = await request(port, { path: p });
      expect([403, 404], p).toContain(res.status);
      expect(res.body, p).not.toContain(SECRET);
    }
    // The secret really is there, one level up: the checks above are not vacuous.
    expect(readFileSync(path.join(staticDir, '..', 'secret.txt'), 'utf8')).toBe(SECRET);
  });

  it('refuses static files to a foreign Host', async () => {
    const res = await request(port, { path: '/assets/app.js', headers: { host: 'attacker.example' } });
    expect(res.status).toBe(403);
  });

  it('serves the reload helper that restores the token from this origin only', async () => {
    const res = await request(port, { path: REAUTH_SCRIPT_PATH });
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(res.body).toContain("sessionStorage.getItem(key)");
    const page = await request(port, { path: '/' });
    expect(page.body).toContain(`<script src="${REAUTH_SCRIPT_PATH}">`);
  });
});

describe('GET /api/events', () => {
  it('refuses the stream without the token', async () => {
    expect((await request(port, { path: '/api/events' })).status).toBe(403);
    expect((await request(port, { path: '/api/events?token=nope' })).status).toBe(403);
  });

  it('delivers an emitted progress event as Server-Sent Events and unsubscribes on close', async () => {
    const payload = { taskId: 't1', label: '导入人员', done: 3, total: 10 };
    const { text, contentType } = await new Promise<{ text: string; contentType: string }>((resolve, reject) => {
      const req = http.get(
        { host: '127.0.0.1', port, path: `/api/events?token=${bridge.token}`, headers: { host: `127.0.0.1:${port}` } },
        (res) => {
          let buf = '';
          let emitted = false;
          res.setEncoding('utf8');
          res.on('data', (chunk: string) => {
            buf += chunk;
            // The first bytes arrive after the server has subscribed: now the event can go out.
            if (!emitted) {
              emitted = true;
              events.emit('progress', payload);
            }
            const at = buf.indexOf('event: progress');
            if (at !== -1 && buf.indexOf('\n\n', at) !== -1) {
              expect(active).toBe(1);
              req.destroy();
              resolve({ text: buf, contentType: String(res.headers['content-type']) });
            }
          });
          res.on('error', () => {});
        },
      );
      req.on('error', (e) => {
        if (!req.destroyed) reject(e);
      });
    });
    expect(contentType).toMatch(/^text\/event-stream/);
    const block = text.slice(text.indexOf('event: progress')).split('\n\n')[0];
    expect(block).toBe(`event: progress\ndata: ${JSON.stringify(payload)}`);

    // The server notices the closed socket and drops its subscription.
    await vi.waitFor(() => expect(active).toBe(0));
  });
});

describe('tokenMatches', () => {
  it('matches only the exact token', () => {
    expect(tokenMatches('abc', 'abc')).toBe(true);
    expect(tokenMatches('abc', 'abd')).toBe(false);
    expect(tokenMatches('abc', 'abcd')).toBe(false);
    expect(tokenMatches('abc', '')).toBe(false);
    expect(tokenMatches('abc', null)).toBe(false);
  });
});

describe('renderer/index.html', () => {
  it('carries the same CSP as the bridge (minus header-only frame-ancestors) and the root mount', () => {
    const html = readFileSync(path.join(import.meta.dirname, '..', '..', 'renderer', 'index.html'), 'utf8');
    const meta = /http-equiv="Content-Security-Policy"\s+content="([^"]+)"/.exec(html)?.[1];
    expect(meta).toBe(CONTENT_SECURITY_POLICY.replace("; frame-ancestors 'none'", ''));
    expect(html).toContain('<div id="root"></div>');
    expect(html).toContain('<script type="module" src="/src/main.tsx"></script>');
  });
});
