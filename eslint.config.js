// The architecture of docs/architecture.md, enforced by the linter (run by `npm test` before vitest).
// Each layer has: the folders of ours it may import (import-x/no-restricted-paths), the packages it may
// import (an allowlist, below), and no import cycles anywhere. tests/unit/lint-rules.test.ts plants a
// violation of each rule and proves that ESLint reports it.
import { createTypeScriptImportResolver } from 'eslint-import-resolver-typescript';
import importX from 'eslint-plugin-import-x';
import reactHooks from 'eslint-plugin-react-hooks';
import tseslint from 'typescript-eslint';

const SOURCES = ['**/*.ts', '**/*.tsx', '**/*.mts'];

/** Bare module specifiers each layer may import; everything else (relative paths aside) is refused. */
export const PACKAGES = {
  shared: ['zod'],
  renderer: ['react', 'react-dom', 'ag-grid-community', 'ag-grid-react', 'echarts', 'pinyin-pro', 'zod'],
  core: ['node:*', 'zod', 'exceljs', 'papaparse', 'yauzl', 'iconv-lite', 'hyparquet-writer'],
  db: ['node:*', 'zod', 'better-sqlite3'],
  /** Plain .mjs entry points that start TypeScript (a worker thread): they register tsx, as bin/ does */
  bootstrap: ['node:*', 'tsx'],
  bridge: ['node:*', 'ws'],
  cli: ['node:*'],
  main: ['node:*', 'electron'],
  preload: ['electron'],
};

const escape = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
/** A regex that matches any specifier NOT in `allowed` (relative imports are always allowed here). */
function outside(allowed) {
  const alts = allowed.map((p) => (p.endsWith('*') ? `${escape(p.slice(0, -1))}.*` : `${escape(p)}(?:/.*)?`));
  return `^(?!\\.|(?:${alts.join('|')})$)`;
}
function packageAllowlist(layer) {
  return {
    '@typescript-eslint/no-restricted-imports': [
      'error',
      {
        patterns: [
          {
            regex: outside(PACKAGES[layer]),
            caseSensitive: true,
            message: `layer "${layer}" may import only these packages: ${PACKAGES[layer].join(', ')} (eslint.config.js PACKAGES)`,
          },
        ],
      },
    ],
  };
}

/** Layer table: a zone forbids files under `target` to import anything under `from`. */
const LAYER = 'breaks the layer table in docs/architecture.md';
const OURS = ['./shared', './renderer', './electron', './tests', './bench', './scripts', './bin', './resources'];
const allBut = (...keep) => OURS.filter((d) => !keep.includes(d));
const zones = [
  { target: './shared', from: allBut('./shared'), message: `shared/ imports only shared/: ${LAYER}` },
  { target: './renderer/src', from: [...allBut('./shared', './renderer'), './renderer/vite.config.ts'], message: `renderer/ imports only shared/: ${LAYER}` },
  {
    target: './electron/core',
    from: [...allBut('./shared', './electron'), './electron/bridge', './electron/cli', './electron/main', './electron/preload'],
    message: `electron/core imports only shared/ and Node (never a face: cli, bridge, main, preload): ${LAYER}`,
  },
  {
    target: ['./electron/core/!(db)/**', './electron/core/*.ts'],
    from: './electron/core/db',
    // columns.ts is the stored form of field values, pure (no driver, no SQL): the package reader's worker
    // decodes rows with it without loading the database module. stage-file.ts is the one SQL module a
    // worker loads by itself (the import's stage writer: the driver, no repositories)
    except: ['./index.ts', './columns.ts', './stage-file.ts'],
    message: 'the database is reached through electron/core/db/index.ts only (SQL lives in db/)',
  },
  {
    target: './electron/core/db',
    from: ['./electron/core/services', './electron/core/handlers', './electron/core/app.ts', './electron/core/dispatch.ts'],
    message: `db/ is the lowest layer of the core: ${LAYER}`,
  },
  {
    target: './electron/core/services',
    from: ['./electron/core/handlers', './electron/core/app.ts', './electron/core/dispatch.ts'],
    message: `services never import handlers, dispatch or app (handlers map methods to services): ${LAYER}`,
  },
  {
    target: './electron/core/handlers',
    from: ['./electron/core/app.ts'],
    message: `handlers never import app.ts (app builds the core from handlers): ${LAYER}`,
  },
  {
    target: ['./electron/bridge', './electron/cli', './electron/main', './electron/preload'],
    from: ['./renderer', './tests', './bench', './scripts'],
    message: `a face imports core and shared/ only: ${LAYER}`,
  },
  { target: './electron/bridge', from: ['./electron/cli', './electron/main', './electron/preload'], message: LAYER },
  { target: './electron/cli', from: ['./electron/bridge', './electron/main', './electron/preload'], message: LAYER },
  {
    target: './electron/cli',
    from: ['./electron/core/services', './electron/core/handlers', './electron/core/db'],
    message: 'the CLI is a face of the contract: it calls methods through the dispatch (electron/cli/open.ts `call`), never services',
  },
  { target: './electron/main', from: ['./electron/cli', './electron/preload'], message: LAYER },
  {
    target: './electron/preload',
    from: ['./electron/core', './electron/bridge', './electron/cli'],
    message: `preload imports only shared/ and the channel names: ${LAYER}`,
  },
  {
    target: './electron/preload',
    from: './electron/main',
    except: ['./channels.ts'],
    message: `preload imports only shared/ and the channel names: ${LAYER}`,
  },
];

// SQL keywords in string literals outside electron/core/db: the repositories are the only place with SQL.
const SQL = String.raw`/\b(SELECT\s+[\w*]|INSERT\s+(OR\s+\w+\s+)?INTO|DELETE\s+FROM|CREATE\s+(TABLE|INDEX|VIEW|TRIGGER)|DROP\s+TABLE|ALTER\s+TABLE|UPDATE\s+\w+\s+SET|PRAGMA\s+\w)/`;
const SQL_MESSAGE = 'SQL lives in electron/core/db/repos only';
const noSql = {
  'no-restricted-syntax': [
    'error',
    { selector: `Literal[value=${SQL}]`, message: SQL_MESSAGE },
    { selector: `TemplateElement[value.raw=${SQL}]`, message: SQL_MESSAGE },
  ],
};

const electronOnlyInMain = {
  '@typescript-eslint/no-restricted-imports': [
    'error',
    { paths: [{ name: 'electron', message: "only electron/main and electron/preload import 'electron'", allowTypeImports: true }] },
  ],
};

export default tseslint.config(
  { ignores: ['out/**', 'dist/**', 'release/**', 'node_modules/**', 'resources/**', '**/*.d.ts'] },
  // Plugins for every file (plain .mjs scripts get the layer and package rules too, without types)
  {
    plugins: { '@typescript-eslint': tseslint.plugin, 'import-x': importX },
    // A disable directive that suppresses nothing is an error: it would silently hide the next real finding
    linterOptions: { reportUnusedDisableDirectives: 'error' },
  },
  {
    files: SOURCES,
    languageOptions: {
      parser: tseslint.parser,
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    settings: {
      'import-x/resolver-next': [createTypeScriptImportResolver({ project: './tsconfig.json' })],
      'import-x/extensions': ['.ts', '.tsx', '.mts', '.js', '.mjs'],
    },
    rules: {
      'import-x/no-restricted-paths': ['error', { basePath: import.meta.dirname, zones }],
      'import-x/no-cycle': ['error', { ignoreExternal: true }],
      'import-x/no-self-import': 'error',
      // Type-aware checks: a promise that nobody awaits loses its error and its ordering.
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/await-thenable': 'error',
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: false }],
      '@typescript-eslint/no-for-in-array': 'error',
      '@typescript-eslint/no-implied-eval': 'error',
      '@typescript-eslint/only-throw-error': 'error',
      '@typescript-eslint/switch-exhaustiveness-check': ['error', { considerDefaultExhaustiveForUnions: true }],
    },
  },
  // Packages per layer (the most specific block wins for the same rule, so db comes after core).
  { files: ['shared/**'], rules: { ...packageAllowlist('shared'), ...noSql } },
  {
    files: ['renderer/src/**'],
    plugins: { 'react-hooks': reactHooks },
    rules: {
      ...packageAllowlist('renderer'),
      ...noSql,
      'react-hooks/rules-of-hooks': 'error',
      'react-hooks/exhaustive-deps': 'error',
    },
  },
  { files: ['electron/core/**'], rules: { ...packageAllowlist('core'), ...noSql } },
  { files: ['electron/core/**/*.mjs'], rules: packageAllowlist('bootstrap') },
  { files: ['electron/core/db/**'], rules: { ...packageAllowlist('db'), 'no-restricted-syntax': 'off' } },
  { files: ['electron/bridge/**'], rules: { ...packageAllowlist('bridge'), ...noSql } },
  { files: ['electron/cli/**'], rules: { ...packageAllowlist('cli'), ...noSql } },
  { files: ['electron/main/**'], rules: { ...packageAllowlist('main'), ...noSql } },
  { files: ['electron/preload/**'], rules: { ...packageAllowlist('preload'), ...noSql } },
  { files: ['tests/**', 'bench/**', 'scripts/**', '*.ts'], rules: electronOnlyInMain },
  { files: ['bench/**', 'scripts/**'], rules: noSql },
);
