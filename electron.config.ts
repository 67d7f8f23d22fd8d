/**
 * electron-vite build of the Electron face: `npm run build:electron` → out/main (ESM), out/preload
 * (CommonJS: sandboxed preloads cannot be ES modules) and out/renderer (same config as `npm run build`).
 * Needs only the 'electron' npm package (for its version), not the Electron binary.
 */
import { resolve } from 'node:path';
import { defineConfig } from 'electron-vite';
import { rendererConfig } from './renderer/vite.config';

const root = import.meta.dirname;

export default defineConfig({
  main: {
    build: {
      outDir: resolve(root, 'out/main'),
      // Dependencies stay in node_modules; better-sqlite3 is native and could never be bundled.
      externalizeDeps: { include: ['better-sqlite3'] },
      rolldownOptions: {
        // The parsing workers are entries of their own (see electron/core/worker/host.ts), and every
        // chunk sits beside them so a task's URL is the same from whichever chunk asks for it.
        input: {
          index: resolve(root, 'electron/main/index.ts'),
          'sheets-task': resolve(root, 'electron/core/worker/sheets-task.ts'),
          'package-task': resolve(root, 'electron/core/worker/package-task.ts'),
        },
        output: { entryFileNames: '[name].js', chunkFileNames: '[name]-[hash].js' },
        external: ['better-sqlite3'],
      },
    },
  },
  preload: {
    build: {
      outDir: resolve(root, 'out/preload'),
      // A sandboxed preload can require nothing but 'electron': bundle zod and the contract into it.
      externalizeDeps: false,
      rolldownOptions: {
        input: { index: resolve(root, 'electron/preload/index.ts') },
        output: { format: 'cjs', entryFileNames: '[name].cjs' },
      },
    },
  },
  renderer: {
    ...rendererConfig,
    root: resolve(root, 'renderer'),
    build: {
      ...rendererConfig.build,
      outDir: resolve(root, 'out/renderer'),
      rolldownOptions: {
        ...rendererConfig.build?.rolldownOptions,
        input: resolve(root, 'renderer/index.html'),
      },
    },
  },
});
