/**
 * Electron main: app lifecycle only. The core runs in this process (plain Node, no 'electron'
 * inside it); the window talks to it through the preload's allowlisted IPC.
 */
import path from 'node:path';
import { app, BrowserWindow, dialog, ipcMain, session } from 'electron';
import { createCore } from '../core/app';
import { programDirOf, resolveDataLocation } from '../core/workspace/portable';
import { createSenderCheck, forwardEvents, registerIpc } from './ipc';
import { appPaths } from './paths';
import { pickCensusFile } from './dialogs';
import { hardenSession, hardenWebContents } from './security';
import { createMainWindow } from './window';

// Before 'ready': every renderer, including ones we do not create ourselves, is sandboxed.
app.enableSandbox();

// HEADCOUNT_DATA_DIR (tests) or portable mode (portable.txt beside the program) move the whole
// profile — database, backups and Chromium's data — out of the user's profile folder.
const location = resolveDataLocation({
  programDir: programDirOf({ isPackaged: app.isPackaged, execPath: process.execPath, appPath: app.getAppPath(), env: process.env }),
  defaultDir: app.getPath('userData'),
  env: process.env,
});
if (location.reason !== 'default') app.setPath('userData', location.dataDir);

const devServerUrl = !app.isPackaged ? process.env.ELECTRON_RENDERER_URL : undefined;
const paths = appPaths(import.meta.dirname);

type Core = Awaited<ReturnType<typeof createCore>>;

/** Division tables and icons: beside the asar when packaged (electron-builder.yml extraResources). */
const resourcesDir = (): string =>
  app.isPackaged ? path.join(process.resourcesPath, 'resources') : path.join(app.getAppPath(), 'resources');

let core: Core | null = null;
let mainWindow: BrowserWindow | null = null;
const cleanups: Array<() => void> = [];

function openWindow(): void {
  const win = createMainWindow({ preload: paths.preload, icon: path.join(resourcesDir(), 'icons', 'icon.png') });
  mainWindow = win;
  if (core) {
    const off = forwardEvents(core.events, (channel, name, payload) => {
      if (!win.isDestroyed()) win.webContents.send(channel, name, payload);
    });
    win.on('closed', off);
  }
  win.on('closed', () => {
    if (mainWindow === win) mainWindow = null;
  });
  void (devServerUrl ? win.loadURL(devServerUrl) : win.loadFile(paths.rendererIndex));
}

async function start(): Promise<void> {
  app.on('web-contents-created', (_e, contents) => hardenWebContents(contents));
  hardenSession(session.defaultSession, { devServerUrl });

  core = await createCore({
    dataDir: app.getPath('userData'),
    portable: location.portable,
    resourcesDir: resourcesDir(),
    host: { pickFile: (mode) => pickCensusFile(mainWindow, mode) },
  });
  cleanups.push(
    registerIpc(ipcMain, core, createSenderCheck({ rendererIndexUrl: paths.rendererIndexUrl, devServerUrl })),
  );
  openWindow();
}

if (!app.requestSingleInstanceLock()) {
  // A second copy on the same database would fight over it; the first one gets focus instead.
  app.quit();
} else {
  app.on('second-instance', () => {
    if (!mainWindow) return;
    if (mainWindow.isMinimized()) mainWindow.restore();
    mainWindow.focus();
  });
  app.on('window-all-closed', () => app.quit());
  app.on('activate', () => {
    if (core && BrowserWindow.getAllWindows().length === 0) openWindow();
  });
  app.on('will-quit', () => {
    for (const c of cleanups.splice(0)) c();
    core?.close();
    core = null;
  });
  app
    .whenReady()
    .then(start)
    .catch((e: unknown) => {
      dialog.showErrorBox('无法启动', `程序启动失败：${e instanceof Error ? e.message : String(e)}`);
      app.exit(1);
    });
}
