/**
 * The page's calls to the core, seen and held whichever way they travel: over the bridge's call socket
 * (once it is open) or `POST /api/call` (before that). Install before the page opens, so its socket is
 * routed too. Tests hold a call to see what the page shows meanwhile, or read what was sent and answered.
 */
import type { Page } from 'playwright-core';

export interface SeenCall {
  method: string;
  payload: unknown;
  /** The request's JSON as the page sent it */
  body: string;
  via: 'socket' | 'http';
}

export interface Calls {
  /** Every call the page sent, in order */
  readonly sent: SeenCall[];
  /** Awaited before a call goes on to the core (null: none) */
  before: ((call: SeenCall) => Promise<void> | void) | null;
  /** Awaited with the core's reply before the page gets it (null: none) */
  after: ((call: SeenCall, reply: unknown) => Promise<void> | void) | null;
}

export async function routeCalls(page: Page): Promise<Calls> {
  const calls: Calls = { sent: [], before: null, after: null };
  const seen = (body: string, via: SeenCall['via']): SeenCall => {
    const { method, payload } = JSON.parse(body) as { method: string; payload: unknown };
    const call = { method, payload, body, via };
    calls.sent.push(call);
    return call;
  };
  await page.route('**/api/call', async (route) => {
    const call = seen(route.request().postData() ?? '{}', 'http');
    await calls.before?.(call);
    if (!calls.after) return route.continue();
    const response = await route.fetch();
    await calls.after(call, await response.json());
    await route.fulfill({ response });
  });
  await page.routeWebSocket(/\/api\/socket$/, (ws) => {
    const server = ws.connectToServer();
    const byId = new Map<number, SeenCall>();
    ws.onMessage(async (m) => {
      const text = String(m);
      const call = seen(text, 'socket');
      byId.set((JSON.parse(text) as { id: number }).id, call);
      await calls.before?.(call);
      server.send(m);
    });
    server.onMessage(async (m) => {
      const { id, reply } = JSON.parse(String(m)) as { id: number; reply: unknown };
      const call = byId.get(id);
      byId.delete(id);
      if (call && calls.after) await calls.after(call, reply);
      ws.send(m);
    });
  });
  return calls;
}
