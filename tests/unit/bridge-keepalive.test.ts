/**
 * A long synchronous job (undoing a census-size import holds the core ~14 s) must not cost the page its
 * next request: Node closes an idle kept-alive connection after 5 s by default, and when that timer
 * fires only once the job ends, the request the page already sent on the connection is reset
 * (ECONNRESET). The bridge keeps connections open long enough for any job the page waits on.
 */
import http from 'node:http';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startBridge, type Bridge } from '../../electron/bridge/server';
import { createDispatch } from '../../electron/core/dispatch';
import { createEventBus } from '../../electron/core/events';
import { stubHandlers } from './support/stub-handlers';

let bridge: Bridge;
const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });

beforeAll(async () => {
  const handlers = stubHandlers({ 'census.get': () => null });
  bridge = await startBridge({ dispatch: createDispatch(handlers), events: createEventBus(), staticDir: '/nonexistent', maxBodyBytes: 1024 });
});
afterAll(async () => {
  agent.destroy();
  await bridge?.close();
});

function call(): Promise<{ status: number; body: string; socket: unknown }> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        agent, host: '127.0.0.1', port: bridge.port, method: 'POST', path: '/api/call',
        headers: { host: `127.0.0.1:${bridge.port}`, 'content-type': 'application/json', authorization: `Bearer ${bridge.token}` },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8'), socket: req.socket }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(JSON.stringify({ method: 'census.get', payload: {} }));
  });
}

it('answers a request sent on a kept-alive connection right after the core was busy for 8 s', async () => {
  const first = await call();
  expect(first.status).toBe(200);
  // The whole process blocked, as a long synchronous transaction blocks the bridge's thread.
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 8000);
  const second = await call();
  expect(second.status).toBe(200);
  expect(JSON.parse(second.body)).toEqual({ ok: true, result: null });
  expect(second.socket).toBe(first.socket);
}, 30_000);
