/**
 * The HTTP host for the browser face: the same dispatch as Electron IPC, reachable only from this
 * machine (bound to 127.0.0.1) and only with the per-launch token. Node `http` only, no framework,
 * so every rule below is visible in one place (see docs/security.md).
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { realpath, stat } from 'node:fs/promises';
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import path from 'node:path';
import type { Duplex } from 'node:stream';
import { eventNames } from '../../shared/api/contract';
import { DOWNLOAD_ROUTE, MAX_UPLOAD_BYTES, UPLOAD_NAME_HEADER } from '../../shared/api/methods/io';
import { REPLY_ROUTE } from '../../shared/api/socket';
import type { Reply } from '../../shared/api/errors';
import type { Dispatch } from '../core/dispatch';
import type { EventBus } from '../core/events';
import { BASE_SECURITY_HEADERS } from './headers';
import { errorReply } from './replies';
import { createCallSocket, offeredToken, type CallSocket } from './socket';

export const BRIDGE_HOST = '127.0.0.1';
/** A JSON call; files travel on /api/upload instead (raw bytes, MAX_UPLOAD_BYTES). */
export const MAX_BODY_BYTES = 50 * 1024 * 1024;
const SSE_HEARTBEAT_MS = 15_000;

export interface BridgeOptions {
  dispatch: Dispatch;
  events: EventBus;
  /** The built renderer (out/renderer): index.html plus assets/. */
  staticDir: string;
  /** 0 (the default) picks a free port. */
  port?: number;
  /** Request body limit; MAX_BODY_BYTES unless a test wants a small one. */
  maxBodyBytes?: number;
  /** Upload body limit; MAX_UPLOAD_BYTES unless a test wants a small one. */
  maxUploadBytes?: number;
  /** Socket replies larger than this are fetched over HTTP; SOCKET_MAX_REPLY_CHARS unless a test wants a small one. */
  maxSocketReplyChars?: number;
}

export interface Bridge {
  /** Full address including the token, e.g. http://127.0.0.1:5123/?token=… */
  url: string;
  origin: string;
  token: string;
  port: number;
  close(): Promise<void>;
}

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.wasm': 'application/wasm',
  '.txt': 'text/plain; charset=utf-8',
  '.xlsx': 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
};

/**
 * The renderer moves the token from the address bar into sessionStorage (key below, owned by
 * renderer/src/lib/token.ts), so a plain reload asks for `/` without it. This script, same-origin and
 * CSP-clean, puts the stored token back into the address once; it holds no data itself.
 */
export const REAUTH_SCRIPT_PATH = '/__headcount/reauth.js';
const REAUTH_SCRIPT = `(function () {
  try {
    var key = 'headcount.token';
    var params = new URLSearchParams(location.search);
    var stored = sessionStorage.getItem(key);
    if (params.get('token')) {
      // This very token was refused: forget it so we never loop.
      if (stored === params.get('token')) sessionStorage.removeItem(key);
      return;
    }
    if (stored) { params.set('token', stored); location.replace(location.pathname + '?' + params.toString() + location.hash); }
  } catch (e) {}
})();
`;

const FORBIDDEN_PAGE = `<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>无法访问</title><script src="${REAUTH_SCRIPT_PATH}"></script></head>
<body><h1>无法访问</h1><p>缺少或错误的访问令牌，请使用启动时显示的完整地址打开。</p></body></html>
`;
const NOT_FOUND_PAGE = `<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>未找到</title></head>
<body><h1>未找到</h1><p>请求的文件不存在。</p></body></html>
`;

function digest(s: string): Buffer {
  return createHash('sha256').update(s, 'utf8').digest();
}

/** How long an idle connection from the page stays open */
const KEEP_ALIVE_MS = 10 * 60_000;

/** Constant-time: hashing first makes both sides the same length whatever the caller sent. */
export function tokenMatches(expected: string, given: string | null | undefined): boolean {
  if (typeof given !== 'string' || given.length === 0) return false;
  return timingSafeEqual(digest(expected), digest(given));
}

export async function startBridge(opts: BridgeOptions): Promise<Bridge> {
  const { dispatch, events } = opts;
  const maxBody = opts.maxBodyBytes ?? MAX_BODY_BYTES;
  const maxUpload = opts.maxUploadBytes ?? MAX_UPLOAD_BYTES;
  const token = randomBytes(32).toString('hex');
  const staticRoot = await realpath(path.resolve(opts.staticDir)).catch(() => path.resolve(opts.staticDir));
  const indexFile = path.join(staticRoot, 'index.html');
  const streams = new Set<ServerResponse>();
  // Filled in once listen() has picked the port; requests cannot arrive before that.
  let port = 0;
  let allowedHosts = new Set<string>();
  let allowedOrigins = new Set<string>();

  function send(res: ServerResponse, status: number, type: string, body: string | Buffer, extra: Record<string, string> = {}): void {
    res.writeHead(status, { ...BASE_SECURITY_HEADERS, 'Content-Type': type, 'Cache-Control': 'no-store', ...extra });
    res.end(body);
  }
  function sendReply(res: ServerResponse, status: number, reply: Reply, extra: Record<string, string> = {}): void {
    send(res, status, 'application/json; charset=utf-8', JSON.stringify(reply), extra);
  }
  function forbidden(res: ServerResponse, api: boolean, message = '拒绝访问：缺少或错误的访问令牌'): void {
    if (api) sendReply(res, 403, errorReply('forbidden', message));
    else send(res, 403, 'text/html; charset=utf-8', FORBIDDEN_PAGE);
  }
  function notFound(res: ServerResponse): void {
    send(res, 404, 'text/html; charset=utf-8', NOT_FOUND_PAGE);
  }

  function bearer(req: IncomingMessage): string | null {
    const h = req.headers.authorization;
    if (typeof h !== 'string') return null;
    const m = /^Bearer\s+(\S+)$/i.exec(h.trim());
    return m?.[1] ?? null;
  }

  /** DNS-rebinding and cross-site defence: only our own loopback names, only our own origin. */
  function trustedPeer(req: IncomingMessage): boolean {
    const host = req.headers.host?.toLowerCase();
    if (host === undefined || !allowedHosts.has(host)) return false;
    const origin = req.headers.origin;
    if (origin !== undefined && !allowedOrigins.has(origin.toLowerCase())) return false;
    return true;
  }

  /** Stops keeping bytes past the limit but keeps draining, so the 413 still reaches the client. */
  function readBody(req: IncomingMessage, limit = maxBody): Promise<Buffer | 'too_large'> {
    return new Promise((resolve, reject) => {
      const declared = Number(req.headers['content-length'] ?? '0');
      if (Number.isFinite(declared) && declared > limit) {
        req.resume();
        resolve('too_large');
        return;
      }
      const chunks: Buffer[] = [];
      let size = 0;
      let over = false;
      req.on('data', (chunk: Buffer) => {
        if (over) return;
        size += chunk.length;
        if (size > limit) {
          over = true;
          chunks.length = 0;
          resolve('too_large');
          return;
        }
        chunks.push(chunk);
      });
      req.on('end', () => {
        if (!over) resolve(Buffer.concat(chunks));
      });
      req.on('error', reject);
    });
  }

  function tooLarge(res: ServerResponse, limit: number, what: string): void {
    // Closing afterwards: the rest of an oversized upload is not worth reading.
    res.setHeader('Connection', 'close');
    sendReply(res, 413, errorReply('bad_input', `${what}过大（上限 ${Math.round((limit / 1024 / 1024) * 10) / 10} MB）`));
  }

  async function handleCall(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (!tokenMatches(token, bearer(req))) return forbidden(res, true);
    const body = await readBody(req);
    if (body === 'too_large') return tooLarge(res, maxBody, '请求内容');
    let parsed: unknown;
    try {
      parsed = JSON.parse(body.toString('utf8'));
    } catch {
      return sendReply(res, 400, errorReply('bad_input', '请求格式有误：不是有效的 JSON'));
    }
    if (typeof parsed !== 'object' || parsed === null || typeof (parsed as { method?: unknown }).method !== 'string') {
      return sendReply(res, 400, errorReply('bad_input', '请求格式有误：缺少 method'));
    }
    const { method, payload } = parsed as { method: string; payload?: unknown };
    // Bytes do not survive JSON (a Uint8Array becomes an object of numbered keys, 406 MB of them for a province):
    // the page fetches a kept file from the download route instead.
    if (method === 'files.download') return sendReply(res, 400, errorReply('bad_input', `文件请从 ${DOWNLOAD_ROUTE}/<downloadId> 获取`));
    const started = performance.now();
    const cpu = process.cpuUsage();
    const reply = await dispatch(method, payload);
    // Time spent in the core, so the page (and the grid benchmark) can tell it from the transport's share;
    // and its CPU, which, unlike the time, does not grow when the machine is busy with other work.
    const used = process.cpuUsage(cpu);
    const timing = `core;dur=${(performance.now() - started).toFixed(2)}, cpu;dur=${((used.user + used.system) / 1000).toFixed(2)}`;
    sendReply(res, 200, reply, { 'Server-Timing': timing });
  }

  /** A picked file's raw bytes (no base64, no JSON), handed to `files.upload` as they are */
  async function handleUpload(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (!tokenMatches(token, bearer(req))) return forbidden(res, true);
    let name: string;
    try {
      name = decodeURIComponent(String(req.headers[UPLOAD_NAME_HEADER] ?? ''));
    } catch {
      name = '';
    }
    if (!name) {
      req.resume();
      return sendReply(res, 400, errorReply('bad_input', '上传的文件缺少文件名'));
    }
    const body = await readBody(req, maxUpload);
    if (body === 'too_large') return tooLarge(res, maxUpload, '文件');
    sendReply(res, 200, await dispatch('files.upload', { name, data: body }));
  }

  /** A file the core kept for the page (`files.download`), as bytes with its name: no base64, no JSON */
  async function handleDownload(downloadId: string, req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (!tokenMatches(token, bearer(req))) return forbidden(res, true);
    const reply = await dispatch('files.download', { downloadId });
    if (!reply.ok) return sendReply(res, reply.error.code === 'not_found' ? 404 : 400, reply);
    const { name, data } = reply.result as { name: string; data: Uint8Array };
    res.writeHead(200, {
      ...BASE_SECURITY_HEADERS,
      'Content-Type': 'application/octet-stream',
      'Content-Length': String(data.byteLength),
      // RFC 6266: the UTF-8 name for browsers, an ASCII stand-in for anything older
      'Content-Disposition': `attachment; filename="download${path.extname(name).replace(/[^.\w]/g, '')}"; filename*=UTF-8''${encodeURIComponent(name)}`,
      'Cache-Control': 'no-store',
    });
    res.end(data);
  }

  /** A socket reply too large for the socket, fetched once by the key its message named */
  function handleHeldReply(key: string, req: IncomingMessage, res: ServerResponse): void {
    if (!tokenMatches(token, bearer(req))) return forbidden(res, true);
    const json = callSocket.take(key);
    if (json === null) return sendReply(res, 404, errorReply('not_found', '应答已失效（已取过或连接已断开），请重试'));
    send(res, 200, 'application/json; charset=utf-8', json);
  }

  function handleEvents(url: URL, req: IncomingMessage, res: ServerResponse): void {
    if (!tokenMatches(token, url.searchParams.get('token'))) return forbidden(res, true);
    res.writeHead(200, {
      ...BASE_SECURITY_HEADERS,
      'Content-Type': 'text/event-stream; charset=utf-8',
      'Cache-Control': 'no-store',
      Connection: 'keep-alive',
    });
    res.write('retry: 2000\n\n');
    const unsubscribe = eventNames.map((name) =>
      events.on(name, (payload) => {
        res.write(`event: ${name}\ndata: ${JSON.stringify(payload)}\n\n`);
      }),
    );
    // Comments keep idle connections from being dropped by the browser or a proxy.
    const heartbeat = setInterval(() => res.write(': ping\n\n'), SSE_HEARTBEAT_MS);
    streams.add(res);
    const done = (): void => {
      clearInterval(heartbeat);
      for (const u of unsubscribe) u();
      streams.delete(res);
    };
    req.on('close', done);
    res.on('close', done);
  }

  /** Maps a URL path to a file inside staticRoot, or null; never follows `..` or symlinks out. */
  async function resolveStatic(rawPath: string): Promise<string | null> {
    let decoded: string;
    try {
      decoded = decodeURIComponent(rawPath);
    } catch {
      return null;
    }
    if (decoded.includes('\0')) return null;
    if (decoded.split(/[\\/]+/).some((seg) => seg === '..')) return null;
    const rel = decoded === '/' || decoded === '' ? 'index.html' : decoded.replace(/^[\\/]+/, '');
    const candidate = path.resolve(staticRoot, rel);
    if (candidate !== staticRoot && !candidate.startsWith(staticRoot + path.sep)) return null;
    try {
      const real = await realpath(candidate);
      if (!real.startsWith(staticRoot + path.sep)) return null;
      const st = await stat(real);
      return st.isFile() ? real : null;
    } catch {
      return null;
    }
  }

  async function handleStatic(url: URL, rawPath: string, req: IncomingMessage, res: ServerResponse): Promise<void> {
    const file = await resolveStatic(rawPath);
    // Decide on the resolved file, not the spelling of the URL: //index.html must need the token too.
    const isIndex = file === indexFile || rawPath === '/' || rawPath === '/index.html';
    if (isIndex && !tokenMatches(token, url.searchParams.get('token'))) return forbidden(res, false);
    if (file === null) return notFound(res);
    const type = CONTENT_TYPES[path.extname(file).toLowerCase()] ?? 'application/octet-stream';
    res.writeHead(200, {
      ...BASE_SECURITY_HEADERS,
      'Content-Type': type,
      'Cache-Control': isIndex ? 'no-store' : 'no-cache',
    });
    if (req.method === 'HEAD') {
      res.end();
      return;
    }
    createReadStream(file)
      .on('error', () => res.destroy())
      .pipe(res);
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const rawUrl = req.url ?? '/';
    const isApi = rawUrl.startsWith('/api/');
    if (!trustedPeer(req)) return forbidden(res, isApi, '拒绝访问：请求来源不是本机的 Headcount 页面');
    if (!rawUrl.startsWith('/')) return notFound(res);
    // Split by hand: WHATWG URL would collapse /../ before we get to see it.
    const q = rawUrl.indexOf('?');
    const rawPath = q === -1 ? rawUrl : rawUrl.slice(0, q);
    const url = new URL(rawUrl, `http://${BRIDGE_HOST}:${port}`);
    const method = req.method ?? 'GET';

    if (rawPath === '/api/call') {
      if (method !== 'POST') return send(res, 405, 'text/plain; charset=utf-8', '只接受 POST', { Allow: 'POST' });
      return handleCall(req, res);
    }
    if (rawPath === '/api/upload') {
      if (method !== 'POST') return send(res, 405, 'text/plain; charset=utf-8', '只接受 POST', { Allow: 'POST' });
      return handleUpload(req, res);
    }
    if (rawPath.startsWith(`${DOWNLOAD_ROUTE}/`)) {
      if (method !== 'GET') return send(res, 405, 'text/plain; charset=utf-8', '只接受 GET', { Allow: 'GET' });
      // Ids are UUIDs: taken as written (a malformed escape is then simply an unknown id)
      return handleDownload(rawPath.slice(DOWNLOAD_ROUTE.length + 1), req, res);
    }
    if (rawPath.startsWith(`${REPLY_ROUTE}/`)) {
      if (method !== 'GET') return send(res, 405, 'text/plain; charset=utf-8', '只接受 GET', { Allow: 'GET' });
      return handleHeldReply(rawPath.slice(REPLY_ROUTE.length + 1), req, res);
    }
    if (rawPath === '/api/events') {
      if (method !== 'GET') return send(res, 405, 'text/plain; charset=utf-8', '只接受 GET', { Allow: 'GET' });
      return handleEvents(url, req, res);
    }
    if (isApi) return sendReply(res, 404, errorReply('unknown_method', '未知的接口'));
    if (rawPath === REAUTH_SCRIPT_PATH && method === 'GET') return send(res, 200, 'text/javascript; charset=utf-8', REAUTH_SCRIPT);
    if (method !== 'GET' && method !== 'HEAD') return send(res, 405, 'text/plain; charset=utf-8', '只接受 GET', { Allow: 'GET, HEAD' });
    return handleStatic(url, rawPath, req, res);
  }

  const callSocket: CallSocket = createCallSocket({
    dispatch,
    maxMessageBytes: maxBody,
    ...(opts.maxSocketReplyChars !== undefined ? { maxReplyChars: opts.maxSocketReplyChars } : {}),
    // Browsers always send Origin on a WebSocket: one missing is not our page.
    admit: (req) => req.headers.origin !== undefined && trustedPeer(req) && tokenMatches(token, offeredToken(req)),
  });

  const server = http.createServer((req, res) => {
    handle(req, res).catch((e: unknown) => {
      if (res.headersSent) {
        res.destroy();
        return;
      }
      sendReply(res, 500, errorReply('internal', `程序内部错误：${e instanceof Error ? e.message : String(e)}`));
    });
  });

  // Node closes an idle kept-alive connection after 5 s. A long synchronous job (undoing a census-size
  // import holds the thread ~14 s) lets that timer fire only after the job, just as the page sends its
  // next request on the connection, which is then reset (ECONNRESET). One page on this machine is the
  // only client, so connections may stay open as long as any job the page waits on.
  server.keepAliveTimeout = KEEP_ALIVE_MS;
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    if (!callSocket.upgrade(req, socket, head)) socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen({ host: BRIDGE_HOST, port: opts.port ?? 0 }, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('bridge: unexpected server address');
  port = address.port;
  allowedHosts = new Set([`${BRIDGE_HOST}:${port}`, `localhost:${port}`]);
  allowedOrigins = new Set([`http://${BRIDGE_HOST}:${port}`, `http://localhost:${port}`]);
  const origin = `http://${BRIDGE_HOST}:${port}`;

  return {
    url: `${origin}/?token=${token}`,
    origin,
    token,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of streams) s.end();
        callSocket.close();
        server.close(() => resolve());
        // SSE and keep-alive sockets would otherwise hold close() open forever.
        server.closeAllConnections();
      }),
  };
}
