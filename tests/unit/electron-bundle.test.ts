/**
 * What `npm run build:electron` produces, checked without the Electron binary: electron.config.ts is
 * built through electron-vite's own config factories into a temp dir, then
 * - the preload runs in a bare VM context whose `require` knows only 'electron', as in a sandboxed
 *   renderer, and exposes exactly { invoke, on } with the allowlist in force;
 * - the main bundle is an ES module importing only electron, node: built-ins and real dependencies,
 *   with better-sqlite3 left external.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import vm from 'node:vm';
import { MainConfigFactory, PreloadConfigFactory, type UserConfig } from 'electron-vite';
import { build, type InlineConfig } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import electronConfig from '../../electron.config';
import { workerEntry } from '../../electron/core/worker/host';
import type { Reply } from '../../shared/api/errors';

const repo = path.resolve(import.meta.dirname, '..', '..');
const pkg = JSON.parse(readFileSync(path.join(repo, 'package.json'), 'utf8')) as { dependencies: Record<string, string> };
let out: string;

async function buildWith(factory: { build(): Promise<object> }): Promise<void> {
  const config = (await factory.build()) as InlineConfig;
  await build({ ...config, configFile: false, logLevel: 'silent' });
}

beforeAll(async () => {
  out = mkdtempSync(path.join(os.tmpdir(), 'headcount-bundle-'));
  const config = electronConfig as UserConfig;
  const inline = { configFile: false as const, mode: 'production' };
  // Same settings as the real build, written to a temp dir so out/ is left alone.
  const preload = config.preload ?? {};
  const main = config.main ?? {};
  await buildWith(new PreloadConfigFactory({ ...preload, build: { ...preload.build, outDir: path.join(out, 'preload') } }, inline, { root: repo }));
  await buildWith(new MainConfigFactory({ ...main, build: { ...main.build, outDir: path.join(out, 'main') } }, inline, { root: repo }));
});

afterAll(() => {
  rmSync(out, { recursive: true, force: true });
});

interface Exposed {
  invoke(method: string, payload?: unknown): Promise<Reply>;
  on(event: string, cb: (payload: unknown) => void): () => void;
}

function loadSandboxedPreload() {
  const code = readFileSync(path.join(out, 'preload', 'index.cjs'), 'utf8');
  const exposed = new Map<string, Exposed>();
  const invoked: unknown[][] = [];
  const listeners: Array<(event: unknown, ...args: unknown[]) => void> = [];
  const electron = {
    contextBridge: { exposeInMainWorld: (key: string, api: Exposed) => exposed.set(key, api) },
    ipcRenderer: {
      invoke: async (...args: unknown[]) => {
        invoked.push(args);
        return { ok: true, result: 'from-main' };
      },
      on: (_channel: string, l: (event: unknown, ...args: unknown[]) => void) => listeners.push(l),
      removeListener: () => {},
    },
  };
  const required: string[] = [];
  const sandboxRequire = (id: string) => {
    required.push(id);
    if (id === 'electron') return electron;
    throw new Error(`module not found: ${id}`);
  };
  const module = { exports: {} };
  // No Node globals beyond what a sandboxed preload has: no process.binding, no Buffer-backed fs.
  vm.runInNewContext(code, { require: sandboxRequire, module, exports: module.exports, console, URL, TextEncoder, TextDecoder }, { filename: 'index.cjs' });
  return { exposed, invoked, listeners, required };
}

describe('preload bundle (out/preload/index.cjs)', () => {
  it('is CommonJS that requires nothing but electron', () => {
    const { required } = loadSandboxedPreload();
    expect([...new Set(required)]).toEqual(['electron']);
  });

  it('exposes only headcount.invoke and headcount.on', () => {
    const { exposed } = loadSandboxedPreload();
    expect([...exposed.keys()]).toEqual(['headcount']);
    expect(Object.keys(exposed.get('headcount') ?? {}).sort()).toEqual(['invoke', 'on']);
  });

  it('forwards contract methods on headcount:invoke and refuses others', async () => {
    const { exposed, invoked } = loadSandboxedPreload();
    const api = exposed.get('headcount');
    expect(await api?.invoke('app.info', {})).toEqual({ ok: true, result: 'from-main' });
    const refused = await api?.invoke('shell.openExternal', { url: 'https://evil.example' });
    expect(refused?.ok === false ? refused.error.code : 'ok').toBe('unknown_method');
    expect(invoked).toEqual([['headcount:invoke', 'app.info', {}]]);
  });

  it('hands event callbacks the payload only', () => {
    const { exposed, listeners } = loadSandboxedPreload();
    const got: unknown[][] = [];
    exposed.get('headcount')?.on('progress', (...args: unknown[]) => got.push(args));
    for (const l of listeners) l({ sender: {} }, 'progress', { done: 1 });
    expect(got).toEqual([[{ done: 1 }]]);
  });
});

describe('main bundle (out/main/index.js)', () => {
  /** Every module of the main build and the specifiers it imports statically. */
  function mainModules(): Map<string, string[]> {
    const dir = path.join(out, 'main');
    const files = readdirSync(dir).filter((f) => f.endsWith('.js'));
    return new Map(files.map((f) => [f, [...readFileSync(path.join(dir, f), 'utf8').matchAll(/^import\s[^'"]*['"]([^'"]+)['"]/gm)].map((m) => m[1] ?? '')]));
  }

  it('is an ES module importing only electron, node: built-ins, declared dependencies and its own chunks', () => {
    const modules = mainModules();
    const all = [...modules.values()].flat();
    expect(all).toContain('electron');
    expect(all).toContain('better-sqlite3');
    for (const s of all) {
      const ok = s === 'electron' || s.startsWith('node:') || Object.hasOwn(pkg.dependencies, s.split('/')[0] ?? '') || (s.startsWith('./') && modules.has(s.slice(2)));
      expect(ok, s).toBe(true);
    }
    expect(readFileSync(path.join(out, 'main', 'index.js'), 'utf8')).not.toMatch(/require\(["']electron["']\)/);
  });

  it('builds each parsing worker beside the main entry, without electron or tsx in its module graph', () => {
    const modules = mainModules();
    for (const task of ['sheets', 'package'] as const) {
      const entry = `${task}-task.js`;
      expect(modules.has(entry), entry).toBe(true);
      const seen = new Set<string>();
      const walk = (f: string) => {
        if (seen.has(f)) return;
        seen.add(f);
        for (const s of modules.get(f) ?? []) {
          expect(s, `${f} imports ${s}`).not.toBe('electron');
          expect(s.startsWith('tsx'), `${f} imports ${s}`).toBe(false);
          if (s.startsWith('./')) walk(s.slice(2));
        }
      };
      walk(entry);
      // The host finds the bundled task from any module of the build (they all sit in one folder).
      expect(fileURLToPath(workerEntry(task, pathToFileURL(path.join(out, 'main', 'index.js'))))).toBe(path.join(out, 'main', entry));
    }
  });

  it('runs from source through entry.mjs where no bundled task exists', () => {
    expect(path.basename(fileURLToPath(workerEntry('sheets')))).toBe('entry.mjs');
  });
});
