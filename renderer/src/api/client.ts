/**
 * The renderer's only way to the core. Electron: the preload's `window.headcount`. Browser: the HTTP
 * bridge on 127.0.0.1 with the token from the start-up address. Both speak the same Reply shape.
 */
import { eventSchemas, type EventName, type EventPayload, type FaceMethodName, type MethodInput, type MethodOutput } from '../../../shared/api/contract';
import { replySchema, type Reply } from '../../../shared/api/errors';
import { DOWNLOAD_ROUTE, UPLOAD_NAME_HEADER, type FileRef } from '../../../shared/api/methods/io';
import { REPLY_ROUTE, SOCKET_MAX_CALL_CHARS, SOCKET_PROTOCOL, SOCKET_ROUTE, SOCKET_TOKEN_PREFIX, type SocketReply } from '../../../shared/api/socket';
import type { HeadcountBridge } from '../env';
import { takeToken } from '../lib/token';

export class ClientError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'ClientError';
  }
}

export type Transport = HeadcountBridge;

export const FORBIDDEN_MESSAGE = '访问令牌缺失或已失效。请打开程序启动时显示的完整地址（包含 ?token= 部分）。';

export interface HttpTransportOptions {
  /** '' for the page's own origin */
  baseUrl: string;
  token: string;
  fetchImpl?: typeof fetch;
  openEventSource?: (url: string) => EventSource;
  /**
   * The call socket's address (ws://…/api/socket), or null for HTTP only. Calls go over the socket
   * while it is open and over HTTP otherwise (before it opens, after it drops, when too large).
   */
  socketUrl?: string | null;
  openSocket?: (url: string, protocols: string[]) => WebSocket;
  /** After the socket drops, calls use HTTP and the socket is tried again no sooner than this (ms) */
  socketRetryMs?: number;
}

const NETWORK_ERROR: Reply = { ok: false, error: { code: 'network', message: '无法连接到本机服务，请确认程序仍在运行后刷新页面' } };
const SOCKET_RETRY_MS = 2_000;

/**
 * One socket, its calls in flight by id. A reply is matched to its call by id; a large one is fetched over
 * HTTP by the key its message names. When the socket closes every call still waiting gets the network
 * error, as a failed fetch would (it may or may not have run).
 */
class CallSocket {
  private ws: WebSocket | null = null;
  private open = false;
  private retryAt = 0;
  private nextId = 1;
  private readonly waiting = new Map<number, (r: Reply) => void>();

  constructor(
    private readonly url: string,
    private readonly protocols: string[],
    private readonly openSocket: (url: string, protocols: string[]) => WebSocket,
    private readonly retryMs: number,
    private readonly fetchHeld: (key: string) => Promise<Reply>,
  ) {
    this.connect();
  }

  /** The reply, or null when the socket is not open (the caller uses HTTP) */
  call(json: string): Promise<Reply> | null {
    if (!this.open || !this.ws) {
      this.connect();
      return null;
    }
    const id = this.nextId++;
    const ws = this.ws;
    return new Promise<Reply>((resolve) => {
      this.waiting.set(id, resolve);
      ws.send(`{"id":${id},${json.slice(1)}`);
    });
  }

  private connect(): void {
    if (this.ws || Date.now() < this.retryAt) return;
    let ws: WebSocket;
    try {
      ws = this.openSocket(this.url, this.protocols);
    } catch {
      this.retryAt = Date.now() + this.retryMs;
      return;
    }
    this.ws = ws;
    ws.addEventListener('open', () => {
      this.open = true;
    });
    ws.addEventListener('message', (e: MessageEvent) => {
      if (typeof e.data !== 'string') return;
      // Checked field by field below: the shape is what the bridge promises, not what arrived.
      let msg: { [K in keyof SocketReply]?: unknown };
      try {
        msg = JSON.parse(e.data) as typeof msg;
      } catch {
        return;
      }
      const done = typeof msg.id === 'number' ? this.waiting.get(msg.id) : undefined;
      if (!done) return;
      this.waiting.delete(msg.id as number);
      if (typeof msg.fetch === 'string') {
        void this.fetchHeld(msg.fetch).then(done);
        return;
      }
      const parsed = replySchema.safeParse(msg.reply);
      done(parsed.success ? parsed.data : { ok: false, error: { code: 'bad_reply', message: '本机服务返回了无法识别的应答' } });
    });
    ws.addEventListener('close', () => {
      if (this.ws !== ws) return;
      this.ws = null;
      this.open = false;
      this.retryAt = Date.now() + this.retryMs;
      for (const done of this.waiting.values()) done(NETWORK_ERROR);
      this.waiting.clear();
    });
  }
}

async function readReply(res: Response): Promise<Reply> {
  const text = await res.text();
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    body = undefined;
  }
  const parsed = replySchema.safeParse(body);
  if (parsed.success) return parsed.data;
  if (res.status === 401 || res.status === 403) return { ok: false, error: { code: 'forbidden', message: FORBIDDEN_MESSAGE } };
  return { ok: false, error: { code: 'bad_reply', message: `本机服务返回了无法识别的应答（HTTP ${res.status}）` } };
}

export function createHttpTransport(opts: HttpTransportOptions): Transport {
  const fetchImpl = opts.fetchImpl ?? ((input, init) => fetch(input, init));
  /** A request to the bridge with the bearer token; null when the bridge could not be reached */
  const request = async (path: string, init: RequestInit & { headers?: Record<string, string> } = {}): Promise<Response | null> => {
    try {
      return await fetchImpl(`${opts.baseUrl}${path}`, { ...init, headers: { ...init.headers, Authorization: `Bearer ${opts.token}` } });
    } catch {
      return null;
    }
  };
  let source: EventSource | null = null;
  const socket = opts.socketUrl
    ? new CallSocket(
        opts.socketUrl,
        [SOCKET_PROTOCOL, `${SOCKET_TOKEN_PREFIX}${opts.token}`],
        opts.openSocket ?? ((url, protocols) => new WebSocket(url, protocols)),
        opts.socketRetryMs ?? SOCKET_RETRY_MS,
        async (key) => {
          const res = await request(`${REPLY_ROUTE}/${encodeURIComponent(key)}`);
          return res ? readReply(res) : NETWORK_ERROR;
        },
      )
    : null;
  return {
    async invoke(method, payload) {
      const body = JSON.stringify({ method, payload });
      const viaSocket = socket && body.length <= SOCKET_MAX_CALL_CHARS ? socket.call(body) : null;
      if (viaSocket) return viaSocket;
      const res = await request('/api/call', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body });
      if (!res) return NETWORK_ERROR;
      const reply = await readReply(res);
      // A bridge that answers 403 with a well-formed reply still means "no access" to the UI.
      if (res.status === 403 && reply.ok) return { ok: false, error: { code: 'forbidden', message: FORBIDDEN_MESSAGE } };
      return reply;
    },
    async upload(name, body) {
      const res = await request('/api/upload', { method: 'POST', headers: { 'Content-Type': 'application/octet-stream', [UPLOAD_NAME_HEADER]: encodeURIComponent(name) }, body });
      return res ? readReply(res) : NETWORK_ERROR;
    },
    async download(downloadId) {
      const res = await request(`${DOWNLOAD_ROUTE}/${encodeURIComponent(downloadId)}`);
      if (!res) return NETWORK_ERROR;
      return res.ok ? res.blob() : readReply(res);
    },
    on(event, cb) {
      if (!source) {
        const url = `${opts.baseUrl}/api/events?token=${encodeURIComponent(opts.token)}`;
        source = opts.openEventSource ? opts.openEventSource(url) : new EventSource(url);
      }
      const listener = (e: Event) => {
        if (!(e instanceof MessageEvent) || typeof e.data !== 'string') return;
        try {
          cb(JSON.parse(e.data));
        } catch {
          // A malformed event is dropped: progress display is best-effort.
        }
      };
      const es = source;
      es.addEventListener(event, listener);
      return () => es.removeEventListener(event, listener);
    },
  };
}

let transport: Transport | null = null;

export type TransportState = { kind: 'electron' } | { kind: 'browser' } | { kind: 'no_token' };

/** Picks the transport once at start. */
export function initTransport(): TransportState {
  if (window.headcount) {
    transport = window.headcount;
    return { kind: 'electron' };
  }
  const token = takeToken({ location: window.location, history: window.history, storage: window.sessionStorage });
  if (!token) return { kind: 'no_token' };
  const scheme = window.location.protocol === 'https:' ? 'wss' : 'ws';
  transport = createHttpTransport({ baseUrl: '', token, socketUrl: `${scheme}://${window.location.host}${SOCKET_ROUTE}` });
  return { kind: 'browser' };
}

/** For tests and for embedding: use a given transport. */
export function setTransport(t: Transport): void {
  transport = t;
}

/** Errors meaning "no census file is open" (damaged, locked by another computer, missing): the app shows the file screen. */
export const FILE_PROBLEM_CODES: ReadonlySet<string> = new Set(['db_damaged', 'db_locked', 'db_missing']);
let fileProblemListener: ((code: string) => void) | null = null;

/** One listener (the App) hears when any call finds the census file gone from under it. */
export function onFileProblem(cb: (code: string) => void): () => void {
  fileProblemListener = cb;
  return () => {
    if (fileProblemListener === cb) fileProblemListener = null;
  };
}

export async function callWith<M extends FaceMethodName>(t: Transport, method: M, input: MethodInput<M>): Promise<MethodOutput<M>> {
  const reply = await t.invoke(method, input);
  if (!reply.ok && FILE_PROBLEM_CODES.has(reply.error.code)) fileProblemListener?.(reply.error.code);
  if (!reply.ok) throw new ClientError(reply.error.code, reply.error.message, reply.error.details);
  // dispatch has already parsed the result against the method's output schema
  return reply.result as MethodOutput<M>;
}

export function call<M extends FaceMethodName>(method: M, input: MethodInput<M>): Promise<MethodOutput<M>> {
  if (!transport) return Promise.reject(new ClientError('forbidden', FORBIDDEN_MESSAGE));
  return callWith(transport, method, input);
}

/**
 * Sends a picked file to the core once and returns how later calls name it. The browser streams the
 * file from disk to the bridge; Electron hands the bytes over IPC.
 */
export async function uploadWith(t: Transport, file: Blob & { name: string }): Promise<{ name: string; uploadId: string }> {
  const reply = t.upload ? await t.upload(file.name, file) : await t.invoke('files.upload', { name: file.name, data: new Uint8Array(await file.arrayBuffer()) });
  if (!reply.ok) throw new ClientError(reply.error.code, reply.error.message, reply.error.details);
  return { name: file.name, uploadId: (reply.result as MethodOutput<'files.upload'>).uploadId };
}

export function upload(file: Blob & { name: string }): Promise<{ name: string; uploadId: string }> {
  if (!transport) return Promise.reject(new ClientError('forbidden', FORBIDDEN_MESSAGE));
  return uploadWith(transport, file);
}

/** The bytes of a file the core kept for us (`fileRefSchema`): the browser fetches them, Electron asks over IPC. */
export async function downloadWith(t: Transport, ref: FileRef): Promise<Blob> {
  const got = t.download ? await t.download(ref.downloadId) : await t.invoke('files.download', { downloadId: ref.downloadId });
  if (got instanceof Blob) return got;
  if (!got.ok) throw new ClientError(got.error.code, got.error.message, got.error.details);
  return new Blob([(got.result as MethodOutput<'files.download'>).data as Uint8Array<ArrayBuffer>]);
}

export function download(ref: FileRef): Promise<Blob> {
  if (!transport) return Promise.reject(new ClientError('forbidden', FORBIDDEN_MESSAGE));
  return downloadWith(transport, ref);
}

export function onEvent<E extends EventName>(name: E, cb: (payload: EventPayload<E>) => void): () => void {
  if (!transport) return () => {};
  const schema = eventSchemas[name];
  return transport.on(name, (p) => {
    const parsed = schema.safeParse(p);
    if (parsed.success) cb(parsed.data as EventPayload<E>);
  });
}

export function errorMessage(e: unknown): string {
  if (e instanceof ClientError) return e.message;
  if (e instanceof Error) return `程序错误：${e.message}`;
  return '程序错误';
}
