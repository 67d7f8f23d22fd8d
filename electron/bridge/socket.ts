/**
 * The page's calls over one WebSocket (`/api/socket`): the same dispatch and replies as `POST /api/call`,
 * one message each way. A fetch costs the page a few tasks and cross-process hops per reply (response,
 * data, finish, body), each of which waits for a core on a busy machine; a socket message is one task.
 * The grid's edits go this way. Uploads, downloads and oversized calls stay on HTTP, and a large reply is
 * held here for the page to fetch (REPLY_ROUTE): HTTP streams it while the page is busy, a socket does not.
 */
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { randomUUID } from 'node:crypto';
import { WebSocketServer, type WebSocket } from 'ws';
import { DOWNLOAD_ROUTE } from '../../shared/api/methods/io';
import { SOCKET_MAX_REPLY_CHARS, SOCKET_PROTOCOL, SOCKET_ROUTE, SOCKET_TOKEN_PREFIX, type SocketRequest } from '../../shared/api/socket';
import type { Reply } from '../../shared/api/errors';
import type { Dispatch } from '../core/dispatch';
import { errorReply } from './replies';

export interface CallSocketOptions {
  dispatch: Dispatch;
  /** The bridge's own checks: loopback host, our origin (required here: browsers always send it), the offered token */
  admit(req: IncomingMessage): boolean;
  /** Largest message accepted, as for a call's body over HTTP */
  maxMessageBytes: number;
  /** Replies larger than this are held for REPLY_ROUTE (SOCKET_MAX_REPLY_CHARS unless a test wants a small one) */
  maxReplyChars?: number;
}

export interface CallSocket {
  /** Takes an HTTP upgrade for SOCKET_ROUTE; false when the request is not for it */
  upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): boolean;
  /** A held reply's JSON, once: null when unknown, already taken, expired or its socket gone */
  take(key: string): string | null;
  close(): void;
}

/** A held reply nobody fetched is dropped after this */
const HELD_REPLY_MS = 60_000;

/** The token the page offered as a subprotocol (`token.<hex>`), or null */
export function offeredToken(req: IncomingMessage): string | null {
  const offered = String(req.headers['sec-websocket-protocol'] ?? '').split(',');
  for (const p of offered) {
    const t = p.trim();
    if (t.startsWith(SOCKET_TOKEN_PREFIX)) return t.slice(SOCKET_TOKEN_PREFIX.length);
  }
  return null;
}

function parseRequest(data: string): SocketRequest | null {
  let parsed: unknown;
  try {
    parsed = JSON.parse(data);
  } catch {
    return null;
  }
  if (typeof parsed !== 'object' || parsed === null) return null;
  const { id, method, payload } = parsed as Record<string, unknown>;
  if (typeof id !== 'number' || !Number.isSafeInteger(id) || typeof method !== 'string') return null;
  return { id, method, payload };
}

export function createCallSocket(opts: CallSocketOptions): CallSocket {
  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: opts.maxMessageBytes,
    perMessageDeflate: false,
    // Only our protocol is ever echoed back: never the token.
    handleProtocols: (offered) => (offered.has(SOCKET_PROTOCOL) ? SOCKET_PROTOCOL : false),
  });

  const maxReply = opts.maxReplyChars ?? SOCKET_MAX_REPLY_CHARS;
  const held = new Map<string, { json: string; timer: NodeJS.Timeout; owner: WebSocket }>();

  function drop(key: string): void {
    const h = held.get(key);
    if (!h) return;
    clearTimeout(h.timer);
    held.delete(key);
  }

  /** id, core and cpu first: a reader can take them from the start of the text without parsing the reply */
  function send(ws: WebSocket, id: number, core: number, cpu: number, reply: Reply): void {
    if (ws.readyState !== ws.OPEN) return;
    const head = `{"id":${id},"core":${core.toFixed(3)},"cpu":${cpu.toFixed(3)}`;
    const json = JSON.stringify(reply);
    if (json.length <= maxReply) {
      ws.send(`${head},"reply":${json}}`);
      return;
    }
    const key = randomUUID();
    const timer = setTimeout(() => held.delete(key), HELD_REPLY_MS);
    timer.unref();
    held.set(key, { json, timer, owner: ws });
    ws.send(`${head},"fetch":"${key}"}`);
  }

  async function answer(ws: WebSocket, req: SocketRequest): Promise<void> {
    let reply: Reply;
    const started = performance.now();
    const cpu = process.cpuUsage();
    if (req.method === 'files.download') reply = errorReply('bad_input', `文件请从 ${DOWNLOAD_ROUTE}/<downloadId> 获取`);
    else reply = await opts.dispatch(req.method, req.payload);
    const used = process.cpuUsage(cpu);
    send(ws, req.id, performance.now() - started, (used.user + used.system) / 1000, reply);
  }

  wss.on('connection', (ws: WebSocket) => {
    // A frame over the limit or broken framing is an 'error' (ws then closes with 1009 / 1002): without a
    // listener it would be thrown and take the core down with it.
    ws.on('error', () => {});
    ws.on('message', (data, isBinary) => {
      const req = isBinary ? null : parseRequest(data.toString());
      if (!req) {
        // Without a readable id nothing can be answered: the page's call would wait forever, so close instead.
        ws.close(1003, 'bad request');
        return;
      }
      answer(ws, req).catch((e: unknown) => send(ws, req.id, 0, 0, errorReply('internal', `程序内部错误：${e instanceof Error ? e.message : String(e)}`)));
    });
    // Its page is gone: nobody will fetch what was held for it.
    ws.on('close', () => {
      for (const [key, h] of held) if (h.owner === ws) drop(key);
    });
  });

  return {
    upgrade(req, socket, head) {
      const q = (req.url ?? '').indexOf('?');
      const rawPath = q === -1 ? req.url : req.url!.slice(0, q);
      if (rawPath !== SOCKET_ROUTE) return false;
      if (!opts.admit(req)) {
        socket.end('HTTP/1.1 403 Forbidden\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
        return true;
      }
      wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req));
      return true;
    },
    take(key) {
      const h = held.get(key);
      if (!h) return null;
      drop(key);
      return h.json;
    },
    close() {
      for (const key of [...held.keys()]) drop(key);
      for (const ws of wss.clients) ws.terminate();
      wss.close();
    },
  };
}
