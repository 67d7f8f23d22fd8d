/**
 * Globals the renderer relies on. In Electron the preload script exposes `window.headcount`
 * (method allowlist enforced there); in the browser face it is absent and the HTTP bridge is used.
 */
import type { Reply } from '../../shared/api/errors';

export interface HeadcountBridge {
  invoke(method: string, payload: unknown): Promise<Reply>;
  on(event: string, cb: (payload: unknown) => void): () => void;
  /**
   * Sends a picked file's bytes as they are (the browser face's /api/upload). Absent in Electron,
   * where `files.upload` goes through invoke with a Uint8Array.
   */
  upload?(name: string, body: Blob): Promise<Reply>;
  /**
   * Fetches a file the core kept (the browser face's download route) as a Blob, or the error reply.
   * Absent in Electron, where `files.download` goes through invoke and answers a Uint8Array.
   */
  download?(downloadId: string): Promise<Blob | Reply>;
}

declare global {
  interface Window {
    headcount?: HeadcountBridge;
  }
}
