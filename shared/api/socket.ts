/** The browser face's call socket (electron/bridge/socket.ts, renderer/src/api/client.ts): one message each way per call. */
import type { Reply } from './errors';

export const SOCKET_ROUTE = '/api/socket';

/**
 * A page cannot set headers on a WebSocket, so it offers two subprotocols: this one, which the bridge
 * accepts, and the token as `token.<hex>`, which it checks. The token stays out of the address.
 */
export const SOCKET_PROTOCOL = 'headcount';
export const SOCKET_TOKEN_PREFIX = 'token.';

/** Calls whose JSON is larger than this go over HTTP, whose limit has its own clear message (413). */
export const SOCKET_MAX_CALL_CHARS = 1024 * 1024;

/**
 * A reply larger than this is not sent on the socket: its message names it and the page fetches it from
 * REPLY_ROUTE/<key>. Chromium hands a socket's data to the page in small slices, only while the page's
 * thread is free, so a 25,000-row page of the grid arrived no sooner than the page had parsed the last
 * one (100k rows: 4.8 s against 3.9 s over HTTP, which streams a body while the page works).
 */
export const SOCKET_MAX_REPLY_CHARS = 256 * 1024;
export const REPLY_ROUTE = '/api/reply';

export interface SocketRequest {
  id: number;
  method: string;
  payload?: unknown;
}

export interface SocketReply {
  id: number;
  /** The core's time and CPU for this call, ms (as HTTP's Server-Timing) */
  core: number;
  cpu: number;
  /** The reply itself, or… */
  reply?: Reply;
  /** …the key to fetch it by (REPLY_ROUTE/<key>), when it is larger than SOCKET_MAX_REPLY_CHARS */
  fetch?: string;
}
