/** The browser transport against a real HTTP server: token header, reply shapes, refusals, a dead server. */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { callWith, ClientError, createHttpTransport, downloadWith, uploadWith, type Transport } from '../../renderer/src/api/client';

let server: http.Server;
let base = '';
const seen: { auth: string | undefined; body: string; url?: string; name?: string; type?: string }[] = [];

beforeAll(async () => {
  server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks);
      const body = raw.toString('utf8');
      seen.push({ auth: req.headers.authorization, body, url: req.url, name: req.headers['x-headcount-file-name'] as string | undefined, type: req.headers['content-type'] });
      const json = (status: number, v: unknown) => {
        res.writeHead(status, { 'Content-Type': 'application/json' });
        res.end(JSON.stringify(v));
      };
      if (req.headers.authorization !== 'Bearer good') return json(403, { ok: false, error: { code: 'forbidden', message: '拒绝访问' } });
      if (req.url === '/api/upload') return json(200, { ok: true, result: { uploadId: `up-${raw.length}`, size: raw.length } });
      if (req.url === '/api/download/kept-1') {
        res.writeHead(200, { 'Content-Type': 'application/octet-stream' });
        return res.end(Buffer.from(Array.from({ length: 4000 }, (_, i) => (i * 7) & 0xff)));
      }
      if (req.url?.startsWith('/api/download/')) return json(404, { ok: false, error: { code: 'not_found', message: '要保存的文件已不在，请重新导出' } });
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

describe('uploads', () => {
  const file = (bytes: Uint8Array<ArrayBuffer>, name: string) => Object.assign(new Blob([bytes]), { name });

  it('the browser sends a picked file raw to /api/upload, its name percent-encoded, and names it by the id', async () => {
    const t = createHttpTransport({ baseUrl: base, token: 'good' });
    const bytes = new Uint8Array(3000).map((_, i) => i & 0xff);
    await expect(uploadWith(t, file(bytes, '东城区 上报.hcpkg'))).resolves.toEqual({ name: '东城区 上报.hcpkg', uploadId: 'up-3000' });
    const last = seen.at(-1)!;
    expect(last).toMatchObject({ url: '/api/upload', auth: 'Bearer good', type: 'application/octet-stream' });
    expect(decodeURIComponent(last.name!)).toBe('东城区 上报.hcpkg');
    await expect(uploadWith(createHttpTransport({ baseUrl: base, token: 'bad' }), file(bytes, 'a.csv'))).rejects.toMatchObject({ code: 'forbidden' });
  });

  it('Electron, which has no upload route, hands the bytes to files.upload as a Uint8Array', async () => {
    const calls: { method: string; payload: unknown }[] = [];
    const electron: Transport = {
      invoke: (method, payload) => {
        calls.push({ method, payload });
        return Promise.resolve({ ok: true, result: { uploadId: 'ipc-1', size: 3 } });
      },
      on: () => () => {},
    };
    await expect(uploadWith(electron, file(new Uint8Array([1, 2, 3]), '景山街道.xlsx'))).resolves.toEqual({ name: '景山街道.xlsx', uploadId: 'ipc-1' });
    expect(calls).toHaveLength(1);
    expect(calls[0]!.method).toBe('files.upload');
    const payload = calls[0]!.payload as { name: string; data: Uint8Array };
    expect(payload.name).toBe('景山街道.xlsx');
    expect(payload.data).toBeInstanceOf(Uint8Array);
    expect([...payload.data]).toEqual([1, 2, 3]);
  });
});

describe('downloads of kept files', () => {
  const ref = (downloadId: string) => ({ fileName: '人员.csv', downloadId, size: 4000 });

  it('the browser fetches the bytes from /api/download/<id> with the bearer token, as a Blob; a gone file is a ClientError', async () => {
    const t = createHttpTransport({ baseUrl: base, token: 'good' });
    const blob = await downloadWith(t, ref('kept-1'));
    const bytes = new Uint8Array(await blob.arrayBuffer());
    expect(bytes.length).toBe(4000);
    expect(bytes[1]).toBe(7);
    expect(bytes[3999]).toBe((3999 * 7) & 0xff);
    expect(seen.at(-1)).toMatchObject({ url: '/api/download/kept-1', auth: 'Bearer good' });
    await expect(downloadWith(t, ref('gone'))).rejects.toMatchObject({ code: 'not_found', message: expect.stringContaining('请重新导出') });
    await expect(downloadWith(createHttpTransport({ baseUrl: base, token: 'bad' }), ref('kept-1'))).rejects.toMatchObject({ code: 'forbidden' });
  });

  it('Electron, which has no download route, asks files.download and gets a Uint8Array', async () => {
    const calls: { method: string; payload: unknown }[] = [];
    const electron: Transport = {
      invoke: (method, payload) => {
        calls.push({ method, payload });
        return Promise.resolve({ ok: true, result: { name: '人员.csv', data: new Uint8Array([9, 8, 7]) } });
      },
      on: () => () => {},
    };
    const blob = await downloadWith(electron, ref('ipc-9'));
    expect([...new Uint8Array(await blob.arrayBuffer())]).toEqual([9, 8, 7]);
    expect(calls).toEqual([{ method: 'files.download', payload: { downloadId: 'ipc-9' } }]);
  });
});
