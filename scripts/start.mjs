#!/usr/bin/env node
/**
 * `npm start`: the Electron window where its binary exists and a display is available; otherwise
 * the same UI served on 127.0.0.1 by the HTTP bridge, with the address (and token) printed.
 *
 * Never `require('electron')` here: without its binary that package tries to download it and throws.
 *
 * Environment:
 *   HEADCOUNT_BROWSER=1           always use browser mode
 *   HEADCOUNT_ELECTRON_ARGS=...   extra Electron switches (e.g. --no-sandbox when running as root)
 *   ELECTRON_OVERRIDE_DIST_PATH   directory holding the Electron binary (as the electron package reads it)
 *   HEADCOUNT_DATA_DIR, HEADCOUNT_PORT, HEADCOUNT_STATIC_DIR   passed on (see electron/bridge/serve.ts)
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { findElectronBinary } from './lib/electron-binary.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const rel = (p) => path.relative(root, p) || '.';

function newestMtime(p) {
  let newest = 0;
  let st;
  try {
    st = statSync(p);
  } catch {
    return 0;
  }
  if (!st.isDirectory()) return st.mtimeMs;
  for (const entry of readdirSync(p, { withFileTypes: true })) {
    if (entry.name === 'node_modules' || entry.name.startsWith('.')) continue;
    newest = Math.max(newest, newestMtime(path.join(p, entry.name)));
  }
  return newest;
}

function rendererIsStale() {
  const index = path.join(root, 'out', 'renderer', 'index.html');
  if (!existsSync(index)) return true;
  const built = statSync(index).mtimeMs;
  const sources = ['renderer', 'shared', 'package.json'].map((p) => newestMtime(path.join(root, p)));
  return Math.max(...sources) > built;
}

function runNode(args, what) {
  const r = spawnSync(process.execPath, args, { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) {
    console.error(`${what}失败（退出码 ${r.status ?? r.signal}）。/ ${what} failed.`);
    process.exit(r.status || 1);
  }
}

/** Runs a long-lived child, passes our signals on, and leaves with its exit code. */
function supervise(child) {
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
    process.on(sig, () => {
      if (child.exitCode === null && child.signalCode === null) child.kill(sig);
    });
  }
  child.on('error', (e) => {
    console.error(`无法启动子进程 / could not start: ${e.message}`);
    process.exit(1);
  });
  child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
}

function startElectron(binary) {
  console.log(`找到 Electron：${rel(binary)}，正在构建并启动窗口。/ Electron found; building and opening the window.`);
  runNode([path.join(root, 'node_modules', 'electron-vite', 'bin', 'electron-vite.js'), 'build', '--config', 'electron.config.ts'], '构建 Electron 程序');
  const extra = (process.env.HEADCOUNT_ELECTRON_ARGS ?? '').split(/\s+/).filter(Boolean);
  if (process.platform === 'linux' && process.getuid?.() === 0 && !extra.includes('--no-sandbox')) {
    console.warn('提示：以 root 身份运行时 Electron 会拒绝启动，除非设置 HEADCOUNT_ELECTRON_ARGS=--no-sandbox（会关闭 Chromium 沙箱）。');
    console.warn('Note: Electron refuses to run as root unless HEADCOUNT_ELECTRON_ARGS=--no-sandbox (which disables the Chromium sandbox).');
  }
  supervise(spawn(binary, ['.', ...extra], { cwd: root, stdio: 'inherit' }));
}

function startBrowser(reasonZh, reasonEn) {
  console.log(`${reasonZh}，以浏览器模式启动：请在浏览器中打开下面的地址。`);
  console.log(`${reasonEn}; starting in browser mode: open the address below in your browser.`);
  if (!process.env.HEADCOUNT_STATIC_DIR && rendererIsStale()) {
    console.log('界面文件缺失或已过期，正在构建（npm run build）… / Building the UI…');
    runNode([path.join(root, 'node_modules', 'vite', 'bin', 'vite.js'), 'build', '--config', 'renderer/vite.config.ts', '--logLevel', 'warn'], '构建界面');
  }
  supervise(spawn(process.execPath, ['--import', 'tsx', 'electron/bridge/serve.ts'], { cwd: root, stdio: 'inherit' }));
}

function main() {
  const env = process.env;
  if (env.HEADCOUNT_BROWSER === '1') {
    return startBrowser('已设置 HEADCOUNT_BROWSER=1', 'HEADCOUNT_BROWSER=1 is set');
  }
  const { binary, looked } = findElectronBinary(root, env);
  if (!binary) {
    return startBrowser(`未找到 Electron 程序文件（${rel(looked)}）`, `Electron binary not found (${rel(looked)})`);
  }
  if (process.platform === 'linux' && !env.DISPLAY && !env.WAYLAND_DISPLAY) {
    return startBrowser('未检测到图形界面（DISPLAY 和 WAYLAND_DISPLAY 均未设置），无法打开 Electron 窗口', 'No display (DISPLAY and WAYLAND_DISPLAY are unset), so no Electron window can open');
  }
  return startElectron(binary);
}

main();
