/**
 * SQL lives in electron/core/db only. Everything else reaches the database through `db/index.ts`
 * (repositories and the `Store`), whose `Db` handle has no SQL surface; these checks make a bypass
 * (importing better-sqlite3, reaching into db internals, or writing SQL elsewhere) fail the build.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
const SCANNED = ['electron', 'shared', 'renderer', 'bin', 'scripts', 'bench'];
const DB_DIR = ['electron', 'core', 'db'].join(sep) + sep;

function sources(dir: string): string[] {
  let entries: string[];
  try {
    entries = readdirSync(dir);
  } catch {
    return [];
  }
  return entries.flatMap((name) => {
    const path = join(dir, name);
    if (name === 'node_modules' || name.startsWith('.')) return [];
    if (statSync(path).isDirectory()) return sources(path);
    return /\.(ts|tsx|mts|mjs|js)$/.test(name) ? [path] : [];
  });
}

const outsideDb = SCANNED.flatMap((d) => sources(join(repoRoot, d)))
  .map((path) => ({ file: relative(repoRoot, path), text: readFileSync(path, 'utf8') }))
  .filter(({ file }) => !file.startsWith(DB_DIR));

const importSpecifiers = (text: string) =>
  [...text.matchAll(/(?:\bfrom\s*|\bimport\s*\(?\s*|\brequire\s*\(\s*)['"]([^'"]+)['"]/g)].map((m) => m[1]!);

const SQL = /\b(SELECT\s+[\w*]|INSERT\s+(?:OR\s+\w+\s+)?INTO|DELETE\s+FROM|CREATE\s+(?:TABLE|INDEX|VIEW|TRIGGER)|DROP\s+TABLE|ALTER\s+TABLE|UPDATE\s+\w+\s+SET|PRAGMA\s+\w)/;

describe('the database boundary', () => {
  it('scans the app\'s source folders', () => {
    expect(outsideDb.some((f) => f.file.startsWith(['electron', 'core'].join(sep)))).toBe(true);
  });

  it('only electron/core/db imports better-sqlite3', () => {
    const offenders = outsideDb.filter(({ text }) => importSpecifiers(text).some((s) => s === 'better-sqlite3')).map((f) => f.file);
    expect(offenders).toEqual([]);
  });

  it('everything else imports the db folder through its index only', () => {
    const offenders = outsideDb.flatMap(({ file, text }) =>
      importSpecifiers(text)
        .filter((s) => /(^|\/)db\/(?!index$)./.test(s))
        .map((s) => `${file}: ${s}`),
    );
    expect(offenders).toEqual([]);
  });

  it('no SQL outside electron/core/db', () => {
    const offenders = outsideDb.flatMap(({ file, text }) =>
      text
        .split('\n')
        .map((line, i) => ({ line, i }))
        .filter(({ line }) => SQL.test(line))
        .map(({ line, i }) => `${file}:${i + 1}: ${line.trim()}`),
    );
    expect(offenders).toEqual([]);
  });
});
