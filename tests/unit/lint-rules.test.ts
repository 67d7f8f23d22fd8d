/**
 * The architecture is enforced by ESLint (eslint.config.js, run by `npm test`). This test proves each rule
 * bites: it plants one violation in the text of a real source file (linted under that file's own path, so
 * the file's layer, the project's types and the import graph on disk all apply) and asserts that ESLint
 * reports exactly that line under the expected rule. The same files without the plant lint clean.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { ESLint } from 'eslint';
import { beforeAll, describe, expect, it } from 'vitest';

const ROOT = path.resolve(import.meta.dirname, '../..');
let eslint: ESLint;

beforeAll(() => {
  eslint = new ESLint({ cwd: ROOT });
}, 300_000);

/** Lint `file` (repo-relative) with `line` appended; return the rule ids reported on that line. */
async function plant(file: string, line: string): Promise<string[]> {
  const original = readFileSync(path.join(ROOT, file), 'utf8');
  const text = `${original.replace(/\n*$/, '\n')}${line}\n`;
  const planted = text.split('\n').length - 1;
  const [result] = await eslint.lintText(text, { filePath: path.join(ROOT, file) });
  const fatal = result!.messages.filter((m) => m.fatal);
  expect(fatal, JSON.stringify(fatal)).toEqual([]);
  return result!.messages.filter((m) => m.line === planted).map((m) => m.ruleId ?? '');
}

async function clean(file: string): Promise<string[]> {
  const [result] = await eslint.lintText(readFileSync(path.join(ROOT, file), 'utf8'), { filePath: path.join(ROOT, file) });
  return result!.messages.map((m) => `${m.line}: ${m.ruleId}: ${m.message}`);
}

const LAYER = 'import-x/no-restricted-paths';
const PACKAGES = '@typescript-eslint/no-restricted-imports';

// Type-aware linting builds the whole TypeScript program first: slow on a busy 2-core machine, not a speed check.
describe('ESLint enforces the architecture', { timeout: 300_000 }, () => {
  it('runs in npm test before the tests', () => {
    const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
    expect(pkg.scripts.lint).toMatch(/^eslint /);
    expect(pkg.scripts.test!.indexOf('npm run lint')).toBeGreaterThanOrEqual(0);
    expect(pkg.scripts.test!.indexOf('npm run lint')).toBeLessThan(pkg.scripts.test!.indexOf('vitest'));
  });

  const hosts = ['shared/census/codes.ts', 'renderer/src/lib/format.ts', 'electron/core/services/records.ts', 'electron/core/handlers/grid.ts',
    'electron/bridge/headers.ts', 'electron/cli/args.ts', 'electron/preload/api.ts', 'electron/core/services/packages/export.ts'];
  it('the files the violations are planted in lint clean as they are', async () => {
    for (const f of hosts) expect(await clean(f), f).toEqual([]);
  });

  describe('layer table (who may import which folder of ours)', () => {
    it.each([
      ['shared/census/codes.ts', "import { api } from '../../renderer/src/api/client';", 'shared importing the renderer'],
      ['shared/census/codes.ts', "import { createCore } from '../../electron/core/app';", 'shared importing the core'],
      ['renderer/src/lib/format.ts', "import { createCore } from '../../../electron/core/app';", 'the renderer importing the core'],
      ['electron/core/services/records.ts', "import { main } from '../../cli/main';", 'the core importing the CLI'],
      ['electron/core/services/records.ts', "import { serve } from '../../bridge/serve';", 'the core importing the bridge'],
      ['electron/core/services/records.ts', "import { createHandlers } from '../handlers/index';", 'a service importing handlers/index'],
      ['electron/core/services/records.ts', "import { createDispatch } from '../dispatch';", 'a service importing dispatch'],
      ['electron/core/handlers/grid.ts', "import { createCore } from '../app';", 'a handler importing app.ts'],
      ['electron/core/services/records.ts', "import { personRepo } from '../db/repos/records';", 'reaching past db/index.ts'],
      ['electron/bridge/headers.ts', "import { main } from '../cli/main';", 'the bridge importing the CLI'],
      ['electron/cli/args.ts', "import { serve } from '../bridge/serve';", 'the CLI importing the bridge'],
      ['electron/cli/args.ts', "import { importFiles } from '../core/services/io/import';", 'the CLI calling a service instead of the contract'],
      ['electron/preload/api.ts', "import { createCore } from '../core/app';", 'preload importing the core'],
      ['electron/preload/api.ts', "import { registerIpc } from '../main/ipc';", 'preload importing main beyond channels'],
    ])('%s: %s (%s)', async (file, line) => {
      expect(await plant(file, line)).toContain(LAYER);
    });
  });

  describe('packages each layer may import (an allowlist)', () => {
    it.each([
      ['shared/census/codes.ts', "import { readFileSync } from 'node:fs';"],
      ['shared/census/codes.ts', "import React from 'react';"],
      ['renderer/src/lib/format.ts', "import os from 'os';"],
      ['renderer/src/lib/format.ts', "import ExcelJS from 'exceljs';"],
      ['renderer/src/lib/format.ts', "import { ipcRenderer } from 'electron';"],
      ['electron/core/services/records.ts', "import Database from 'better-sqlite3';"],
      ['electron/core/services/records.ts', "import { app } from 'electron';"],
      ['electron/core/services/records.ts', "import React from 'react';"],
      ['electron/bridge/headers.ts', "import ExcelJS from 'exceljs';"],
      ['electron/cli/args.ts', "import { BrowserWindow } from 'electron';"],
      ['electron/preload/api.ts', "import { readFileSync } from 'node:fs';"],
    ])('%s: %s', async (file, line) => {
      expect(await plant(file, line)).toContain(PACKAGES);
    });

    it("keeps a runtime import of 'electron' out of tests, and lets a type-only one through", async () => {
      expect(await plant('tests/fixtures/core.ts', "import { app } from 'electron';")).toContain(PACKAGES);
      expect(await plant('tests/fixtures/core.ts', "import type { App } from 'electron';")).toEqual([]);
    });

    it('lets each layer import what it is allowed', async () => {
      expect(await plant('electron/core/services/records.ts', "import ExcelJS from 'exceljs';")).not.toContain(PACKAGES);
      expect(await plant('renderer/src/lib/format.ts', "import { useState } from 'react';")).not.toContain(PACKAGES);
    });
  });

  it('refuses SQL outside electron/core/db', async () => {
    expect(await plant('electron/core/services/records.ts', "export const q = 'SELECT id FROM person';")).toContain('no-restricted-syntax');
    expect(await plant('electron/cli/args.ts', 'export const q = `DELETE FROM person WHERE id = ${1}`;')).toContain('no-restricted-syntax');
    expect(await plant('electron/core/db/repos/meta.ts', "export const q = 'SELECT id FROM person';")).toEqual([]);
  });

  it('refuses an import cycle (the appVersion cycle between app.ts and packages/export.ts)', async () => {
    const rules = await plant('electron/core/services/packages/export.ts', "import { appVersion } from '../../app';");
    expect(rules).toContain('import-x/no-cycle');
  });

  it('runs type-aware rules: a promise nobody awaits', async () => {
    const rules = await plant('electron/core/services/records.ts', 'export function f(): void { Promise.resolve(1); }');
    expect(rules).toContain('@typescript-eslint/no-floating-promises');
  });

  it('refuses throwing what is not an Error, and a disable directive that suppresses nothing', async () => {
    expect(await plant('electron/core/services/records.ts', "export function g(): never { throw 'failed'; }")).toContain('@typescript-eslint/only-throw-error');
    // A directive with no finding to hide is reported with no rule id, on its own line.
    expect(await plant('electron/core/services/records.ts', 'export const h = 1; // eslint-disable-line @typescript-eslint/no-floating-promises')).toEqual(['']);
  });
});
