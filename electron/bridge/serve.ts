/**
 * Browser face entry point: `node --import tsx electron/bridge/serve.ts`.
 * Prints exactly one machine-readable line `HEADCOUNT_URL=<url>` (scripts and tests parse it),
 * the rest is for people, in Chinese and English.
 *
 * Environment: HEADCOUNT_DATA_DIR (default $XDG_DATA_HOME/headcount or ~/.local/share/headcount),
 * HEADCOUNT_PORT (default 0 = a free port), HEADCOUNT_STATIC_DIR (default out/renderer; tests).
 */
import { existsSync, mkdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createCore } from '../core/app';
import { startBridge } from './server';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

function defaultDataDir(env: NodeJS.ProcessEnv = process.env): string {
  const xdg = env.XDG_DATA_HOME;
  const base = xdg && path.isAbsolute(xdg) ? xdg : path.join(os.homedir(), '.local', 'share');
  return path.join(base, 'headcount');
}

function parsePort(raw: string | undefined): number {
  if (raw === undefined || raw.trim() === '') return 0;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0 || n > 65535) {
    throw new Error(`HEADCOUNT_PORT 无效 / invalid: ${raw}`);
  }
  return n;
}

async function main(): Promise<void> {
  const env = process.env;
  const dataDir = path.resolve(env.HEADCOUNT_DATA_DIR || defaultDataDir(env));
  const staticDir = path.resolve(env.HEADCOUNT_STATIC_DIR || path.join(repoRoot, 'out', 'renderer'));
  const port = parsePort(env.HEADCOUNT_PORT);

  if (!existsSync(path.join(staticDir, 'index.html'))) {
    console.error(`未找到界面文件 ${path.join(staticDir, 'index.html')}，请先运行 npm run build（或直接用 npm start）。`);
    console.error(`The UI is not built (${staticDir}); run "npm run build" or use "npm start".`);
    process.exitCode = 1;
    return;
  }
  mkdirSync(dataDir, { recursive: true });

  const core = await createCore({ dataDir, resourcesDir: path.join(repoRoot, 'resources') });
  const bridge = await startBridge({ dispatch: core.dispatch, events: core.events, staticDir, port }).catch((e: unknown) => {
    core.close();
    throw e;
  });

  const lines = [
    `HEADCOUNT_URL=${bridge.url}`,
    '',
    'Headcount 已在浏览器模式下启动 / Headcount is running in browser mode',
    `  地址 / Address: ${bridge.url}`,
    `  访问令牌 / Token: ${bridge.token}（仅本次启动有效 / valid for this launch only）`,
    `  数据目录 / Data directory: ${dataDir}`,
    `  数据库 / Database: ${core.dbPath}`,
    '  为什么是浏览器模式：本机没有可用的 Electron 窗口，同一界面改由本机浏览器显示；地址只在本机可用，令牌防止其他网页读取数据。',
    '  Why browser mode: no Electron window is available here, so the same UI is served to a browser on this machine;',
    '  the address works only on this computer and the token keeps other web pages from reading your data.',
    '  按 Ctrl+C 退出 / Press Ctrl+C to stop.',
  ];
  process.stdout.write(`${lines.join('\n')}\n`);

  let closing = false;
  const shutdown = (signal: NodeJS.Signals): void => {
    if (closing) return;
    closing = true;
    process.stdout.write(`\n收到 ${signal}，正在关闭 / ${signal} received, shutting down\n`);
    void bridge
      .close()
      .catch(() => {})
      .finally(() => {
        core.close();
        process.exit(0);
      });
  };
  process.on('SIGINT', shutdown);
  process.on('SIGTERM', shutdown);
}

main().catch((e: unknown) => {
  console.error(`启动失败 / Failed to start: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
  process.exit(1);
});
