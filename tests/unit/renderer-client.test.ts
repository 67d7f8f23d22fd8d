/** The browser transport against a real HTTP server: token header, reply shapes, refusals, a dead server. */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { callWith, ClientError, createHttpTransport } from '../../renderer/src/api/client';

let server: http.Server;
let base = '';
const seen: { auth: string | undefined; body: string }[] = [];

beforeAll(async () => {
  server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString('utf8')));
    req.on('end', () => {
      seen.push({ auth: req.headers.authorization, body });
      const json = (status: number, v: unknown) => {
        res.writeHead(status, { 'Content-Type': 'application/json' });
        res.end(JSON.stringify(v));
      };
      if (req.headers.authorization !== 'Bearer good') return json(403, { ok: false, error: { code: 'forbidden', message: '拒绝访问' } });
      const { method } = JSON.parse(body) as { method: string };
      if (method === 'census.get') return json(200, { ok: true, result: null });
      if (method === 'census.summary') return json(200, { ok: false, error: { code: 'not_setup', message: '尚未设置统计调查' } });
      res.writeHead(500, { 'Content-Type': 'text/plain' });
      res.end('boom');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

describe('HTTP transport', () => {
  it('posts { method, payload } with the bearer token and returns the result', async () => {
    const t = createHttpTransport({ baseUrl: base, token: 'good' });
    await expect(callWith(t, 'census.get', {})).resolves.toBeNull();
    const last = seen.at(-1)!;
    expect(last.auth).toBe('Bearer good');
    expect(JSON.parse(last.body)).toEqual({ method: 'census.get', payload: {} });
  });

  it('turns an error reply into a ClientError carrying the Chinese message', async () => {
    const t = createHttpTransport({ baseUrl: base, token: 'good' });
    const e = await callWith(t, 'census.summary', {}).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(ClientError);
    expect(e).toMatchObject({ code: 'not_setup', message: '尚未设置统计调查' });
  });

  it('reports a refused token as forbidden', async () => {
    const t = createHttpTransport({ baseUrl: base, token: 'bad' });
    await expect(callWith(t, 'census.get', {})).rejects.toMatchObject({ code: 'forbidden' });
  });

  it('explains an unreadable reply and a server that is gone, in Chinese', async () => {
    const t = createHttpTransport({ baseUrl: base, token: 'good' });
    await expect(callWith(t, 'app.info', {})).rejects.toMatchObject({ code: 'bad_reply', message: expect.stringContaining('HTTP 500') });
    const gone = createHttpTransport({ baseUrl: 'http://127.0.0.1:1', token: 'good' });
    await expect(callWith(gone, 'census.get', {})).rejects.toMatchObject({ code: 'network', message: expect.stringContaining('无法连接') });
  });
});
