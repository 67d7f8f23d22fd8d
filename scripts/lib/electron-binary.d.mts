/** Types for electron-binary.mjs (plain JS so `npm start` and `npm run dist` run without a build step). */
export interface ElectronBinary {
  /** The executable, or null when it is missing */
  binary: string | null;
  /** The path that was checked, for messages */
  looked: string;
  /** ELECTRON_OVERRIDE_DIST_PATH or node_modules/electron/dist */
  distDir: string;
  overridden: boolean;
}
export function findElectronBinary(root: string, env?: NodeJS.ProcessEnv, platform?: NodeJS.Platform): ElectronBinary;
