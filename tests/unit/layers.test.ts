/**
 * The architecture's import rules, checked by reading every source file's imports:
 * shared/ imports nothing of ours outside shared/ and no runtime-specific module; renderer/ imports
 * shared/ only; electron/core, bridge and cli never import 'electron'; only electron/main and
 * electron/preload do.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(import.meta.dirname, '../..');

function files(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(path.join(ROOT, dir))) {
    const rel = path.join(dir, name);
    if (statSync(path.join(ROOT, rel)).isDirectory()) out.push(...files(rel));
    else if (/\.(ts|tsx|mts)$/.test(name) && !name.endsWith('.d.ts')) out.push(rel);
  }
  return out;
}

function imports(file: string): string[] {
  const src = readFileSync(path.join(ROOT, file), 'utf8');
  const specs: string[] = [];
  for (const m of src.matchAll(/(?:^|\n)\s*(?:import|export)\s[^'"]*?from\s*['"]([^'"]+)['"]/g)) specs.push(m[1]!);
  for (const m of src.matchAll(/(?:import|require)\(\s*['"]([^'"]+)['"]\s*\)/g)) specs.push(m[1]!);
  for (const m of src.matchAll(/(?:^|\n)\s*import\s+['"]([^'"]+)['"]/g)) specs.push(m[1]!);
  return specs;
}

/** Where a relative import lands, as a repo-relative path */
function target(file: string, spec: string): string | null {
  if (!spec.startsWith('.')) return null;
  return path.relative(ROOT, path.resolve(ROOT, path.dirname(file), spec));
}

const NODE_OR_RUNTIME = /^(node:|fs$|path$|os$|crypto$|child_process$|better-sqlite3|electron$|react|exceljs|papaparse|iconv-lite)/;

describe('layer rules', () => {
  it('keeps shared/ pure: no Node, Electron, database, React or other layers', () => {
    const bad: string[] = [];
    for (const f of files('shared')) {
      for (const s of imports(f)) {
        const t = target(f, s);
        if (t ? !t.startsWith('shared') && !t.startsWith('resources') : NODE_OR_RUNTIME.test(s)) bad.push(`${f} → ${s}`);
      }
    }
    expect(bad).toEqual([]);
  });

  it('lets renderer/ import only shared/ and browser libraries', () => {
    const bad: string[] = [];
    for (const f of files('renderer')) {
      if (f === path.join('renderer', 'vite.config.ts')) continue;
      for (const s of imports(f)) {
        const t = target(f, s);
        if (t ? !t.startsWith('renderer') && !t.startsWith('shared') : /^(node:|fs$|path$|better-sqlite3|electron$)/.test(s)) bad.push(`${f} → ${s}`);
      }
    }
    expect(bad).toEqual([]);
  });

  it("keeps 'electron' out of everything but electron/main and electron/preload", () => {
    const bad: string[] = [];
    for (const dir of ['shared', 'renderer', 'electron/core', 'electron/bridge', 'electron/cli', 'tests', 'bench', 'scripts']) {
      for (const f of files(dir)) {
        const src = readFileSync(path.join(ROOT, f), 'utf8');
        // `import type` is erased at compile time and never loads the module
        if (/(?:^|\n)\s*import\s+(?!type\s)[^'"]*from\s*['"]electron['"]|require\(\s*['"]electron['"]\s*\)/.test(src)) bad.push(f);
      }
    }
    expect(bad).toEqual([]);
  });

  it('keeps SQL inside electron/core/db', () => {
    const bad: string[] = [];
    for (const dir of ['shared', 'renderer', 'electron/core', 'electron/bridge', 'electron/cli', 'electron/main']) {
      for (const f of files(dir)) {
        if (f.startsWith(path.join('electron', 'core', 'db'))) continue;
        const src = readFileSync(path.join(ROOT, f), 'utf8');
        if (/\b(SELECT\s+[\w*]|INSERT\s+INTO|UPDATE\s+\w+\s+SET|DELETE\s+FROM|CREATE\s+TABLE)\b/.test(src)) bad.push(f);
      }
    }
    expect(bad).toEqual([]);
  });
});
