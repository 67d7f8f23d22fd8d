/**
 * Loads resources/divisions.tsv once per resources directory. The packaged Electron app passes its
 * own resources path; everything run from the checkout (tsx, vitest, the bundled main in out/main/)
 * sits two levels below the repo root, so the default resolves relative to this module.
 */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createDivisions, type Divisions } from '../../shared/divisions';

export const DIVISIONS_FILE = 'divisions.tsv';

export function defaultResourcesDir(): string {
  return fileURLToPath(new URL('../../resources/', import.meta.url));
}

export function divisionsPath(resourcesDir: string = defaultResourcesDir()): string {
  return join(resourcesDir, DIVISIONS_FILE);
}

const loaded = new Map<string, Divisions>();

export function loadDivisions(resourcesDir: string = defaultResourcesDir()): Divisions {
  const key = resolve(resourcesDir);
  let index = loaded.get(key);
  if (!index) {
    const file = divisionsPath(key);
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (e) {
      throw new Error(`无法读取行政区划文件 ${file}：${e instanceof Error ? e.message : String(e)}`);
    }
    index = createDivisions(text);
    loaded.set(key, index);
  }
  return index;
}
