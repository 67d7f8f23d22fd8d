/**
 * Renderer build for both faces: `npm run build` (browser face, served by the bridge) and the
 * `renderer` section of electron.config.ts (Electron loads out/renderer/index.html over file://).
 * No node: imports here: import.meta.dirname is enough and keeps renderer/ free of Node.
 */
import react from '@vitejs/plugin-react';
import { defineConfig, type Plugin, type UserConfig } from 'vite';

const root = import.meta.dirname;
const outDir = `${root}/../out/renderer`;

/**
 * The CSP meta tag in index.html is the production policy. Vite's dev server needs an inline
 * React-refresh preamble and a websocket, so only `vite serve` gets a looser copy.
 */
function devCspPlugin(): Plugin {
  return {
    name: 'headcount:dev-csp',
    apply: 'serve',
    transformIndexHtml(html) {
      return html
        .replace("script-src 'self'", "script-src 'self' 'unsafe-inline'")
        .replace("connect-src 'self'", "connect-src 'self' ws://localhost:* ws://127.0.0.1:*");
    },
  };
}

/** Libraries that change rarely get their own chunks so the app chunk stays small and cacheable. */
const vendorGroups = [
  { name: 'react', test: /node_modules[\\/](react|react-dom|scheduler)[\\/]/, priority: 30 },
  { name: 'ag-grid', test: /node_modules[\\/]ag-grid-[^\\/]+[\\/]/, priority: 20 },
  { name: 'echarts', test: /node_modules[\\/](echarts|zrender)[\\/]/, priority: 20 },
  { name: 'zod', test: /node_modules[\\/]zod[\\/]/, priority: 10 },
];

export const rendererConfig: UserConfig = {
  root,
  base: './',
  plugins: [react(), devCspPlugin()],
  build: {
    outDir,
    emptyOutDir: true,
    // Electron and the bridge are both local: no need for legacy targets or inline source maps.
    target: 'es2022',
    sourcemap: false,
    // Stated here because electron-vite's renderer preset would otherwise turn minification off.
    minify: true,
    chunkSizeWarningLimit: 1500,
    rolldownOptions: {
      output: {
        codeSplitting: { groups: vendorGroups },
      },
    },
  },
  server: { host: '127.0.0.1', strictPort: false },
};

export default defineConfig(rendererConfig);
