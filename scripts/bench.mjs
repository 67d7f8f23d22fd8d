#!/usr/bin/env node
// `npm run bench [-- name...]`: runs bench/<name>.bench.ts (all of them when no name is given), one after
// another, each in its own Node process so peak memory figures do not mix.
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const available = readdirSync(path.join(root, 'bench'))
  .filter((f) => f.endsWith('.bench.ts'))
  .map((f) => f.replace(/\.bench\.ts$/, ''))
  .sort();
const args = process.argv.slice(2);
const names = args.filter((a) => !a.startsWith('-'));
const extra = args.filter((a) => a.startsWith('-'));
const chosen = names.length ? names : available;
const unknown = chosen.filter((n) => !available.includes(n));
if (unknown.length) {
  console.error(`没有这个基准测试：${unknown.join(', ')}。可用：${available.join(', ')}`);
  process.exit(2);
}
let failed = 0;
for (const name of chosen) {
  console.log(`\n=== bench ${name} ===`);
  const r = spawnSync(process.execPath, ['--import', 'tsx', '--expose-gc', path.join(root, 'bench', `${name}.bench.ts`), ...extra], {
    cwd: root,
    stdio: 'inherit',
  });
  if (r.status !== 0) failed++;
}
process.exit(failed ? 1 : 0);
