#!/usr/bin/env node
/**
 * `npm run dist`: installers for the current platform with electron-builder (electron-builder.yml):
 * Windows → NSIS per-user installer (x64); Linux → .deb and AppImage (x64 and arm64).
 * HEADCOUNT_DIST_ARCH=x64|arm64 builds one architecture only (the CI builds each on a runner of that
 * architecture, so better-sqlite3 is rebuilt natively). Extra arguments go to electron-builder.
 *
 * Packaging needs the Electron binary (electron-builder packs it, and @electron/rebuild builds
 * better-sqlite3 for its ABI). Where it is missing — it could not be downloaded at `npm install` —
 * this says so and exits 3 before building anything. The lookup never loads the electron package.
 *
 * Afterwards better-sqlite3 in node_modules is built for Electron; it is rebuilt for Node so that
 * `npm test` and the CLI keep working (HEADCOUNT_DIST_KEEP_ABI=1 skips that, e.g. on CI).
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { findElectronBinary } from './lib/electron-binary.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const PLATFORM_FLAG = { win32: '--win', linux: '--linux' };
/** The targets of electron-builder.yml per platform (tests/unit/packaging.test.ts keeps them in step). */
export const PLATFORM_TARGETS = { win32: ['nsis'], linux: ['deb', 'AppImage'] };
const ARCHES = new Set(['x64', 'arm64']);

function run(cmd, args, what) {
  const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit', shell: process.platform === 'win32' && cmd.endsWith('.cmd') });
  if (r.status !== 0) {
    console.error(`${what}失败（退出码 ${r.status ?? r.signal}）。/ ${what} failed.`);
    process.exit(r.status || 1);
  }
}

function refuse(lines, code) {
  console.error(lines.join('\n'));
  process.exit(code);
}

function main() {
  const env = process.env;
  const flag = PLATFORM_FLAG[process.platform];
  if (!flag) {
    refuse([
      `无法打包：本程序只为 Windows 和 Linux（含麒麟、统信 UOS）制作安装包，当前系统是 ${process.platform}。`,
      `Cannot package: installers are configured for Windows and Linux only, not ${process.platform}.`,
    ], 2);
  }
  const { binary, looked, distDir, overridden } = findElectronBinary(root, env);
  if (!binary) {
    refuse([
      `无法打包：未找到 Electron 程序文件（${looked}）。`,
      '制作安装包需要 Electron 程序本身，本机安装依赖时未能下载它（没有外网）。',
      '请在能访问外网的电脑上运行 npm install 和 npx install-electron（下载 Electron）后再运行 npm run dist；',
      '或把对应版本的 Electron 解压到某个目录，并设置 ELECTRON_OVERRIDE_DIST_PATH 指向该目录。',
      '',
      `Cannot package: the Electron binary was not found (${looked}).`,
      'Installers need the Electron binary, which could not be downloaded when dependencies were installed here',
      '(no internet access). On a machine with network access run `npm install` and `npx install-electron` (which',
      'downloads Electron), then `npm run dist`; or unpack the matching Electron release somewhere and point ELECTRON_OVERRIDE_DIST_PATH at it.',
    ], 3);
  }

  console.log(`找到 Electron：${binary}，开始打包。/ Electron found; packaging.`);
  run(process.execPath, [path.join(root, 'node_modules', 'electron-vite', 'bin', 'electron-vite.js'), 'build', '--config', 'electron.config.ts'], '构建程序');
  // A local Electron (no download possible) is for this machine's architecture only.
  const arch = env.HEADCOUNT_DIST_ARCH || (overridden ? process.arch : '');
  if (arch && !ARCHES.has(arch)) refuse([`HEADCOUNT_DIST_ARCH 无效 / invalid: ${arch}（x64 或 arm64）`], 2);
  const args = [path.join(root, 'node_modules', 'electron-builder', 'cli.js')];
  // Targets named on the command line replace the configured ones, arch lists included.
  args.push(...(arch ? [flag, ...PLATFORM_TARGETS[process.platform], `--${arch}`] : [flag]));
  args.push('--config', 'electron-builder.yml', '--publish', 'never');
  if (overridden) args.push(`--config.electronDist=${distDir}`);
  args.push(...process.argv.slice(2));
  run(process.execPath, args, '制作安装包');

  if (env.HEADCOUNT_DIST_KEEP_ABI !== '1') {
    console.log('正在为 Node 重新编译 better-sqlite3（打包时它被编译成了 Electron 版本）… / Rebuilding better-sqlite3 for Node…');
    run(process.platform === 'win32' ? 'npm.cmd' : 'npm', ['rebuild', 'better-sqlite3'], '重新编译 better-sqlite3');
  }
  console.log(`安装包已生成在 ${path.join(root, 'dist')} / Installers written to ${path.join(root, 'dist')}`);
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) main();
