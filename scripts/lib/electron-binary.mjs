/**
 * Where the Electron binary is, found the way node_modules/electron/index.js finds it but without its
 * download-on-miss: never `require('electron')` from plain Node, which tries to fetch the binary and throws.
 * Shared by `npm start` (scripts/start.mjs) and `npm run dist` (scripts/dist.mjs).
 */
import { accessSync, constants, existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';

function defaultBinaryName(platform) {
  if (platform === 'darwin') return 'Electron.app/Contents/MacOS/Electron';
  if (platform === 'win32') return 'electron.exe';
  return 'electron';
}

function isExecutable(file) {
  try {
    if (!statSync(file).isFile()) return false;
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * `{ binary, looked, distDir }`: `binary` is null when the executable is missing; `looked` is the path
 * checked (for messages); `distDir` the folder holding it (ELECTRON_OVERRIDE_DIST_PATH or node_modules/electron/dist).
 */
export function findElectronBinary(root, env = process.env, platform = process.platform) {
  const pkgDir = path.join(root, 'node_modules', 'electron');
  const pathTxt = path.join(pkgDir, 'path.txt');
  const name = (existsSync(pathTxt) ? readFileSync(pathTxt, 'utf8').trim() : '') || defaultBinaryName(platform);
  const distDir = env.ELECTRON_OVERRIDE_DIST_PATH ? path.resolve(env.ELECTRON_OVERRIDE_DIST_PATH) : path.join(pkgDir, 'dist');
  const candidate = path.join(distDir, name);
  return { binary: isExecutable(candidate) ? candidate : null, looked: candidate, distDir, overridden: Boolean(env.ELECTRON_OVERRIDE_DIST_PATH) };
}
