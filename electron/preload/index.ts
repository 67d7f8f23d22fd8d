/**
 * Sandboxed preload (bundled to CommonJS: sandboxed preloads cannot be ES modules). It exposes only
 * `window.headcount = { invoke, on }`; the allowlist lives in ./api so it can be tested without Electron.
 */
import { contextBridge, ipcRenderer } from 'electron';
import { createPreloadApi } from './api';

const api = createPreloadApi(ipcRenderer);
// Wrapping in plain functions keeps contextBridge from exposing anything but these two members.
contextBridge.exposeInMainWorld('headcount', {
  invoke: (method: string, payload?: unknown) => api.invoke(method, payload),
  on: (event: string, cb: (payload: unknown) => void) => api.on(event, cb),
});
