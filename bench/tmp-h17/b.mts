import { sharedStringsBomb } from '../../tests/fixtures/hostile-files';
import { writeXlsx } from '../../tests/fixtures/township-returns';
import { readFileSync } from 'node:fs';
const base = readFileSync(await writeXlsx('/tmp/h17/base.xlsx', [{ name: '人员信息', rows: [['姓名', '证件号码'], ['张三', '1']] }]));
for (const n of [16_000_000, 56_000_000]) {
  const t0 = Date.now();
  const b = await sharedStringsBomb(base, { strings: n });
  console.log(n, 'file', b.data.length, 'inflated', b.inflated, Date.now() - t0, 'ms');
}
