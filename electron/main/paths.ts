/** Where the built pieces sit relative to the bundled main script (out/main/index.js). */
import path from 'node:path';
import { pathToFileURL } from 'node:url';

export interface AppPaths {
  preload: string;
  rendererIndex: string;
  rendererIndexUrl: string;
}

export function appPaths(mainDir: string): AppPaths {
  const rendererIndex = path.resolve(mainDir, '..', 'renderer', 'index.html');
  return {
    preload: path.resolve(mainDir, '..', 'preload', 'index.cjs'),
    rendererIndex,
    rendererIndexUrl: pathToFileURL(rendererIndex).href,
  };
}
