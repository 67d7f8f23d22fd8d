/**
 * Electron hardening that needs live session/webContents objects. Only `import type` from
 * 'electron', so importing this file never loads Electron.
 */
import type { Session, WebContents } from 'electron';
import { CONTENT_SECURITY_POLICY } from '../bridge/headers';

/** Dev-server only: Vite's React refresh needs an inline preamble and a websocket. */
export const DEV_CONTENT_SECURITY_POLICY = CONTENT_SECURITY_POLICY.replace(
  "script-src 'self'",
  "script-src 'self' 'unsafe-inline'",
).replace("connect-src 'self'", "connect-src 'self' ws://localhost:* ws://127.0.0.1:*");

/**
 * Which URLs the renderer may load at all: its own files, the dev server in development, and
 * Chromium-internal schemes. Everything remote is cancelled before it leaves the machine.
 */
export function createRequestFilter(devServerUrl: string | undefined): (url: string) => boolean {
  const devOrigin = devServerUrl ? new URL(devServerUrl).origin : null;
  const devWs = devOrigin ? devOrigin.replace(/^http/, 'ws') : null;
  return (raw) => {
    let url: URL;
    try {
      url = new URL(raw);
    } catch {
      return false;
    }
    switch (url.protocol) {
      case 'file:':
      case 'data:':
      case 'blob:':
      case 'devtools:':
        return true;
      case 'http:':
      case 'https:':
        return devOrigin !== null && url.origin === devOrigin;
      case 'ws:':
        return devWs !== null && `ws://${url.host}` === devWs;
      default:
        return false;
    }
  };
}

export function hardenSession(session: Session, opts: { devServerUrl: string | undefined }): void {
  const csp = opts.devServerUrl ? DEV_CONTENT_SECURITY_POLICY : CONTENT_SECURITY_POLICY;
  session.setPermissionRequestHandler((_wc, _permission, callback) => callback(false));
  session.setPermissionCheckHandler(() => false);
  const allowed = createRequestFilter(opts.devServerUrl);
  session.webRequest.onBeforeRequest((details, callback) => callback({ cancel: !allowed(details.url) }));
  // file:// responses carry no headers, so index.html's meta tag covers them; this covers the dev server.
  session.webRequest.onHeadersReceived((details, callback) => {
    const headers: Record<string, string[]> = {};
    for (const [k, v] of Object.entries(details.responseHeaders ?? {})) {
      if (k.toLowerCase() !== 'content-security-policy') headers[k] = v;
    }
    headers['Content-Security-Policy'] = [csp];
    headers['X-Content-Type-Options'] = ['nosniff'];
    callback({ responseHeaders: headers });
  });
}

/** Applied to every webContents the app creates: no navigation, no popups, no webviews. */
export function hardenWebContents(contents: WebContents): void {
  contents.on('will-navigate', (event) => event.preventDefault());
  contents.on('will-redirect', (event) => event.preventDefault());
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.setWindowOpenHandler(() => ({ action: 'deny' }));
}
