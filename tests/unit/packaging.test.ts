/**
 * The installer configuration and `npm run dist` as far as they run without the Electron binary:
 * electron-builder.yml passes electron-builder's own schema validation (app-builder-lib's
 * validateConfiguration, the function `electron-builder` itself calls), says what the installers
 * must be, and the packaging script refuses plainly, before building anything, when Electron is missing.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const ROOT = path.resolve(import.meta.dirname, '../..');
const require = createRequire(import.meta.url);

interface Target {
  target: string;
  arch: string[];
}
type Config = Record<string, unknown> & {
  productName: string;
  files: unknown[];
  extraResources: { from: string; to: string }[];
  win: { target: Target[]; icon: string };
  nsis: Record<string, unknown>;
  linux: { target: Target[]; icon: string; executableName: string; maintainer: string };
};

const { getConfig, validateConfiguration } = require('app-builder-lib/out/util/config/config.js') as {
  getConfig(projectDir: string, configPath: string | null, fromOptions: unknown): Promise<Config>;
  validateConfiguration(config: unknown, logger: unknown): Promise<void>;
};
const { DebugLogger } = require('builder-util') as { DebugLogger: new (enabled: boolean) => unknown };

const validate = (config: unknown) => validateConfiguration(config, new DebugLogger(false));
const loadConfig = () => getConfig(ROOT, 'electron-builder.yml', null);

const temps: string[] = [];
afterAll(() => {
  for (const t of temps) rmSync(t, { recursive: true, force: true });
});
function tempDir(): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'headcount-dist-'));
  temps.push(dir);
  return dir;
}

describe('electron-builder.yml', () => {
  it('passes electron-builder’s own schema validation', async () => {
    const config = await loadConfig();
    await expect(validate(config)).resolves.toBeUndefined();
  });

  it('the validator is the real one: a misspelt option or a wrong type is refused', async () => {
    const config = await loadConfig();
    await expect(validate({ ...config, nsis: { ...config.nsis, perMachien: false } })).rejects.toThrow(/configuration\.nsis/);
    await expect(validate({ ...config, asar: 'yes please' })).rejects.toThrow(/configuration\.asar/);
  });

  it('builds a per-user NSIS installer for Windows x64 with a Chinese UI and never deletes the census on uninstall', async () => {
    const { win, nsis } = await loadConfig();
    expect(win.target).toEqual([{ target: 'nsis', arch: ['x64'] }]);
    expect(nsis).toMatchObject({
      oneClick: false,
      perMachine: false,
      allowElevation: false,
      language: '2052',
      installerLanguages: ['zh_CN'],
      multiLanguageInstaller: false,
      deleteAppDataOnUninstall: false,
    });
  });

  it('builds .deb for amd64 and arm64 and an AppImage, with an ASCII executable name', async () => {
    const { linux } = await loadConfig();
    const byTarget = Object.fromEntries(linux.target.map((t) => [t.target, t.arch]));
    expect(byTarget.deb).toEqual(['x64', 'arm64']);
    expect(byTarget.AppImage).toContain('x64');
    expect(linux.executableName).toMatch(/^[a-z][a-z0-9-]*$/);
    // dpkg refuses a maintainer without an address
    expect(linux.maintainer).toMatch(/^\S.* <[^>]+@[^>]+>$/);
  });

  it('npm run dist names the same targets as the config when it builds one architecture', async () => {
    const { PLATFORM_TARGETS } = (await import('../../scripts/dist.mjs')) as { PLATFORM_TARGETS: Record<string, string[]> };
    const { win, linux } = await loadConfig();
    expect(PLATFORM_TARGETS.win32).toEqual(win.target.map((t) => t.target));
    expect(PLATFORM_TARGETS.linux).toEqual(linux.target.map((t) => t.target));
  });

  it('ships resources/ outside the asar, the app inside it, and rebuilds native modules for Electron', async () => {
    const config = await loadConfig();
    expect(config.asar).toBe(true);
    expect(config.extraResources).toContainEqual(expect.objectContaining({ from: 'resources', to: 'resources' }));
    // getConfig normalises `files` to [{ filter: [...] }]
    const patterns = config.files.flatMap((f) => (typeof f === 'string' ? [f] : ((f as { filter?: string[] }).filter ?? [])));
    expect(patterns).toContain('out/**/*');
    expect(patterns.some((f) => f.startsWith('resources'))).toBe(false);
    expect(config.npmRebuild).toBe(true);
    // electron/main reads the division table from process.resourcesPath/resources when packaged
    expect(readFileSync(path.join(ROOT, 'electron/main/index.ts'), 'utf8')).toContain("path.join(process.resourcesPath, 'resources')");
  });

  it('names the program and its publisher in Chinese, with real icon files and the package version', async () => {
    const config = await loadConfig();
    expect(config.productName).toMatch(/^[\u4e00-\u9fff]+$/);
    const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { version: string; author: { name: string } };
    expect(pkg.author.name).toMatch(/[\u4e00-\u9fff]/);
    expect(pkg.version).toMatch(/^\d+\.\d+\.\d+/);
    const png = readFileSync(path.join(ROOT, config.linux.icon));
    expect(png.subarray(1, 4).toString('latin1')).toBe('PNG');
    expect(png.readUInt32BE(16)).toBeGreaterThanOrEqual(256); // width from the IHDR chunk
    const ico = readFileSync(path.join(ROOT, config.win.icon));
    expect(ico.readUInt16LE(2)).toBe(1); // type 1 = icon
    expect(ico.readUInt16LE(4)).toBeGreaterThanOrEqual(1);
  });

  it('adds no install step that downloads: the only install scripts are the reviewed ones', () => {
    const lock = JSON.parse(readFileSync(path.join(ROOT, 'package-lock.json'), 'utf8')) as { packages: Record<string, { hasInstallScript?: boolean }> };
    const withScripts = Object.entries(lock.packages)
      .filter(([, p]) => p.hasInstallScript)
      .map(([k]) => k.replace(/^.*node_modules\//, ''))
      .sort();
    // better-sqlite3 compiles (or fetches a prebuilt binary, falling back to compiling); esbuild checks its
    // platform package; electron-winstaller (pulled in by electron-builder) copies a bundled 7-Zip.
    expect(withScripts).toEqual(['better-sqlite3', 'electron-winstaller', 'esbuild']);
    const winstaller = JSON.parse(readFileSync(path.join(ROOT, 'node_modules/electron-winstaller/package.json'), 'utf8')) as { scripts: Record<string, string> };
    expect(winstaller.scripts.install).toBe('node ./script/select-7z-arch.js');
    expect(readFileSync(path.join(ROOT, 'node_modules/electron-winstaller/script/select-7z-arch.js'), 'utf8')).not.toMatch(/https?:|require\(['"](https?|net)['"]\)/);
  });
});

describe('npm run dist without the Electron binary', () => {
  const runDist = (env: NodeJS.ProcessEnv) =>
    spawnSync(process.execPath, [path.join(ROOT, 'scripts/dist.mjs')], { cwd: ROOT, env: { ...process.env, ...env }, encoding: 'utf8', timeout: 60_000 });

  it('says in Chinese and English that Electron is missing, names the path it looked at, and exits non-zero before building', () => {
    const empty = tempDir();
    const r = runDist({ ELECTRON_OVERRIDE_DIST_PATH: empty });
    expect(r.status).toBe(3);
    expect(r.stderr).toContain('无法打包：未找到 Electron 程序文件');
    expect(r.stderr).toContain('Cannot package: the Electron binary was not found');
    expect(r.stderr).toContain(path.join(empty, 'electron'));
    expect(r.stderr).toContain('npm install');
    expect(r.stdout).not.toContain('开始打包');
  });

  it('does not take a non-executable file for the binary', () => {
    const dir = tempDir();
    writeFileSync(path.join(dir, process.platform === 'win32' ? 'electron.exe' : 'electron'), 'not a program');
    chmodSync(path.join(dir, process.platform === 'win32' ? 'electron.exe' : 'electron'), 0o644);
    const r = runDist({ ELECTRON_OVERRIDE_DIST_PATH: dir });
    expect(r.status).toBe(3);
    expect(r.stderr).toContain('未找到 Electron 程序文件');
  });

  it('looks in node_modules/electron/dist by default, like the electron package, without loading it', async () => {
    const { findElectronBinary } = await import('../../scripts/lib/electron-binary.mjs');
    const root = tempDir();
    const dist = path.join(root, 'node_modules', 'electron', 'dist');
    mkdirSync(dist, { recursive: true });
    expect(findElectronBinary(root, {}, 'linux')).toEqual(expect.objectContaining({ binary: null, looked: path.join(dist, 'electron') }));
    writeFileSync(path.join(dist, 'electron'), '#!/bin/sh\n');
    chmodSync(path.join(dist, 'electron'), 0o755);
    expect(findElectronBinary(root, {}, 'linux').binary).toBe(path.join(dist, 'electron'));
    expect(existsSync(path.join(root, 'node_modules', 'electron', 'index.js'))).toBe(false);
  });
});

describe('the installers workflow (.github/workflows/installers.yml)', () => {
  type Step = { name?: string; run?: string; uses?: string; env?: Record<string, string>; with?: Record<string, unknown> };
  type Job = { 'runs-on': string; steps: Step[]; strategy?: { matrix: { include: Record<string, string>[] } } };
  const load = () =>
    (require('js-yaml') as { load(s: string): unknown }).load(readFileSync(path.join(ROOT, '.github/workflows/installers.yml'), 'utf8')) as { jobs: Record<string, Job> };

  it('builds on hosted Windows and Ubuntu (x64 and arm64) runners', () => {
    const { jobs } = load();
    expect(jobs.windows!['runs-on']).toMatch(/^windows-/);
    expect(jobs.linux!.strategy!.matrix.include.map((m) => m.runner)).toEqual(['ubuntu-22.04', 'ubuntu-22.04-arm']);
  });

  it.each(['windows', 'linux'])('%s: downloads Electron, runs npm run dist, installs, runs the smoke test on the installed app, uploads the installers', (name) => {
    const steps = load().jobs[name]!.steps;
    const runs = steps.map((s) => s.run ?? '').join('\n');
    const order = ['npx install-electron', 'npm run dist', name === 'windows' ? "'/S'" : 'apt-get install', 'tests/electron/smoke.test.ts'].map((s) => runs.indexOf(s));
    expect(order.every((i) => i >= 0)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
    expect(JSON.stringify(steps)).toContain('HEADCOUNT_PACKAGED_APP');
    if (name === 'linux') expect(runs).toContain('xvfb-run');
    expect(steps.some((s) => s.uses?.startsWith('actions/upload-artifact') && s.with?.['if-no-files-found'] === 'error')).toBe(true);
  });
});
