/**
 * How many cells the clerk is left to fix by hand after importing the same generated township
 * returns (tests/fixtures/real-returns.ts): with the preview's defaults, and after the answers the
 * preview asks for once (two near unit names confirmed, one value mapped, 乡镇 set for the file that
 * has no such column). Prints the figures; asserts that nothing a derivation, a unit or a mapping
 * could remove is left, and that clean rows carry no false flags.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DONGCHENG, openTestCore, removeDir, tempDir, type TestCore } from '../fixtures/core';
import { validUnit } from '../fixtures/records';
import { REAL_FILES, REGISTERED_UNITS, writeRealReturns } from '../fixtures/real-returns';

let t: TestCore | null = null;
let dir = '';
afterEach(() => {
  t?.close();
  t = null;
  if (dir) removeDir(dir);
});

/** Fields no township return carries and nothing can derive: a person must give them */
const NOT_COLLECTED = new Set(['postCategory', 'swPost', 'staffing', 'personCategory']);

async function run(withAnswers: boolean) {
  dir = tempDir();
  const returns = await writeRealReturns(dir);
  t = await openTestCore(path.join(dir, 'db'));
  await t.call('census.setup', DONGCHENG);
  const reg = async (name: string, unitType: string, township: string) =>
    (await t!.call('units.create', { data: validUnit({ name, creditCode: null, noCreditReason: '未赋码', unitType, township, reportedSwCount: null }) })).row.id;
  const js = await reg(REGISTERED_UNITS.jingshanCentre, '2', '110101002');
  const jdk = await reg(REGISTERED_UNITS.jiaodaokouOffice, '1', '110101003');
  const files = Object.values(returns.files).map((f) => ({ name: path.basename(f), dataBase64: readFileSync(f).toString('base64') }));
  let p = await t.call('io.import.preview', { files });
  if (withAnswers) {
    p = await t.call('io.import.preview', {
      importId: p.importId,
      decisions: {
        units: [{ name: '景山街道社区服务中心', action: 'link', unitId: js }, { name: '交道口街道办事处', action: 'link', unitId: jdk }],
        values: [{ table: 'person', field: 'education', value: '高级中学毕业', code: '60' }],
        fills: [{ file: REAL_FILES.tidy, sheet: '花名册', field: 'township', value: '东华门街道' }],
      },
    });
  }
  await t.call('io.import.commit', { importId: p.importId });
  const issues = (await t.call('issues.list', { severity: 'error', limit: 100_000 })).issues;
  const persons = (await t.call('persons.list', { limit: 1000 })).rows;
  const clean = new Set(returns.persons.filter((x) => x.faults.length === 0).map((x) => x.id));
  const cleanIds = new Set(persons.filter((x) => clean.has(String(x.data.idNumber))).map((x) => x.id));
  const notCollected = issues.filter((i) => i.table === 'person' && NOT_COLLECTED.has(i.field)).length;
  // A flag on a clean row about a value its return gave (an empty required field is no false flag: the value is missing)
  const falseFlags = issues.filter((i) => cleanIds.has(i.recordId) && i.rule !== 'required');
  const byRule = new Map<string, number>();
  for (const i of issues) byRule.set(`${i.rule}·${i.field}`, (byRule.get(`${i.rule}·${i.field}`) ?? 0) + 1);
  return { errors: issues.length, notCollected, falseFlags, cleanRows: cleanIds.size, byRule };
}

describe('cells left for the clerk by hand', () => {
  it('leaves only what a person must give, with no false flags on clean rows', async () => {
    const defaults = await run(false);
    t?.close();
    t = null;
    removeDir(dir);
    const answered = await run(true);
    const show = (label: string, r: Awaited<ReturnType<typeof run>>) =>
      `${label}: ${r.errors} error cells (${(r.errors / 425).toFixed(2)} per person); not collected by any township (岗位类别, 是否社会工作专业岗位, 用工形式): ${r.notCollected}; `
      + `left otherwise: ${r.errors - r.notCollected}; false flags on ${r.cleanRows} clean rows: ${r.falseFlags.length}\n  ${[...r.byRule].sort((a, b) => b[1] - a[1]).map(([k, n]) => `${k} ${n}`).join(', ')}`;
    console.log(`425 persons in 3 generated returns\n${show('preview defaults', defaults)}\n${show('after the preview\'s answers', answered)}`);
    expect(answered.errors - answered.notCollected).toBeLessThan(defaults.errors - defaults.notCollected);
    expect(answered.falseFlags.length / answered.cleanRows).toBeLessThanOrEqual(0.01);
    expect([...answered.byRule.keys()].filter((k) => k.startsWith('unit_missing') || k.startsWith('required·primaryDomain') || k.startsWith('required·domains'))).toEqual([]);
  });
});
