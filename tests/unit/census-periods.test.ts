/**
 * A headcount that lives on: three census periods (2026 → 2027 → 2028) of two 合肥 counties and one
 * 芜湖 county, each next census started from the last file, with joiners, leavers by every reason,
 * one person moving from 瑶海区 (调出本地区) to 庐阳区 (调入), certificates gained and lost, packages
 * merged by the cities and the province. 表6 is checked cell by cell at county, city and province.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mergePackages } from '../../electron/core/services/packages';
import { LEAVE_CODES } from '../../shared/census/change';
import type { ReportTable } from '../../shared/reports/schema';
import { keptBytes, type TestCore } from '../fixtures/core';
import { ANHUI, countyCensus, exportTo, HEFEI, JINGHU, LUYANG, upperCensus, WUHU, YAOHAI } from '../fixtures/packages';
import { addJoiner, allPersons, dbOf, nextCensus } from '../fixtures/periods';

const opened: TestCore[] = [];
const track = <T extends TestCore>(t: T) => (opened.push(t), t);
afterAll(() => {
  for (const t of opened) t.close();
});

async function t6(t: TestCore): Promise<ReportTable> {
  const set = await t.call('reports.tables', {});
  const table = set.tables.find((x) => x.id === 'T6');
  if (!table) throw new Error('no T6');
  return table;
}

/** A row of T6 as { column key: value } */
function row(table: ReportTable, key: string): Record<string, number | null> {
  const r = table.rows.find((x) => x.key === key || x.areaCode === key);
  if (!r) throw new Error(`no row ${key} in ${table.rows.map((x) => x.key).join(',')}`);
  return Object.fromEntries(table.columns.map((c, i) => [c.key, r.values[i] ?? null]));
}

function expectBalanced(table: ReportTable): void {
  for (const r of table.rows) {
    if (r.values.every((v) => v === null)) continue;
    const v = row(table, r.key);
    expect(v.current, `${r.label} 本期 = 上期 + 新增 − 减少`).toBe(v.prev! + v.joined! - v.left!);
    expect(v.holders, `${r.label} 持证`).toBe(v.holdersPrev! + v.holdersNew! - v.holdersLost!);
    const joins = Object.entries(v).filter(([k]) => k.startsWith('join') && k !== 'joined').reduce((n, [, x]) => n + x!, 0);
    const leaves = Object.entries(v).filter(([k]) => k.startsWith('leave')).reduce((n, [, x]) => n + x!, 0);
    expect(joins).toBe(v.joined);
    expect(leaves).toBe(v.left);
  }
  // Sub-area rows add up to the total row, column by column.
  const items = table.rows.filter((r) => r.kind !== 'total');
  table.columns.forEach((c, i) => {
    expect(items.reduce((n, r) => n + (r.values[i] ?? 0), 0), c.label).toBe(table.rows[0]!.values[i]);
  });
}

const totalOf = (table: ReportTable) => row(table, 'total');

describe('three census periods with change tables at every level', () => {
  const Y26 = { yaohai: 0, luyang: 0, jinghu: 0 };
  let yaohai26: TestCore, luyang26: TestCore, jinghu26: TestCore;
  let yaohai27: TestCore, luyang27: TestCore, jinghu27: TestCore;
  let movedId = '';
  let gainedId = '';
  let lostId = '';

  beforeAll(async () => {
    yaohai26 = track(await countyCensus(YAOHAI, 40, 11));
    luyang26 = track(await countyCensus(LUYANG, 30, 12));
    jinghu26 = track(await countyCensus(JINGHU, 20, 13));
    Y26.yaohai = 40;
    Y26.luyang = 30;
    Y26.jinghu = 20;
  }, 60_000);

  it('starts the 2027 census from the 2026 file, which is only read', async () => {
    const before = readFileSync(dbOf(yaohai26));
    yaohai27 = track(await nextCensus(dbOf(yaohai26), '2027-12-31'));
    expect(readFileSync(dbOf(yaohai26)).equals(before)).toBe(true);
    const s = await yaohai27.call('census.get', {});
    expect(s).toMatchObject({ areaCode: YAOHAI, level: 'county', refDate: '2027-12-31' });
    const persons = await allPersons(yaohai27);
    expect(persons).toHaveLength(40);
    expect(new Set(persons.map((p) => p.data.change))).toEqual(new Set(['00']));
    expect((await yaohai27.call('units.list', { offset: 0, limit: 1000 })).total).toBe((await yaohai26.call('units.list', { offset: 0, limit: 1000 })).total);
    // The same office key: the city keeps trusting it.
    expect((await yaohai27.call('app.info', {})).fingerprint).toBe((await yaohai26.call('app.info', {})).fingerprint);
    luyang27 = track(await nextCensus(dbOf(luyang26), '2027-12-31'));
    jinghu27 = track(await nextCensus(dbOf(jinghu26), '2027-12-31'));
  });

  it('blocks export while anyone is 待确认, with its own rule', async () => {
    const issues = await yaohai27.call('issues.list', { rule: 'change_pending', offset: 0, limit: 1 });
    expect(issues.total).toBe(40);
    expect(issues.issues[0]!.message).toContain('待确认');
    const check = await yaohai27.call('packages.exportCheck', {});
    expect(check.errors).toBeGreaterThan(0);
  });

  it('marks leavers by every reason, confirms the rest, adds joiners and a person moving between counties', async () => {
    const ys = await allPersons(yaohai27);
    const moved = ys[0]!;
    movedId = moved.data.idNumber as string;
    // 调出本地区, 离职, 退休, 死亡, 其他 — one each.
    for (const [i, code] of LEAVE_CODES.entries()) await yaohai27.call('persons.update', { id: ys[i]!.id, patch: { change: code } });
    const rest = ys.slice(LEAVE_CODES.length);
    for (const p of rest) await yaohai27.call('persons.update', { id: p.id, patch: { change: '10' } });
    // A certificate gained and one lost among those who stayed.
    const noCert = rest.find((p) => p.data.qualLevel === '0')!;
    const withCert = rest.find((p) => p.data.qualLevel !== '0')!;
    gainedId = noCert.id;
    lostId = withCert.id;
    await yaohai27.call('persons.update', { id: noCert.id, patch: { qualLevel: '1', certNumber: '202700000000000001', certYear: 2027 } });
    await yaohai27.call('persons.update', { id: withCert.id, patch: { qualLevel: '0', certNumber: null, certYear: null, regStatus: null, regValidUntil: null } });
    await addJoiner(yaohai27, rest[0]!.data, '21', { qualLevel: '0', certNumber: null, certYear: null, regStatus: null, regValidUntil: null });
    await addJoiner(yaohai27, rest[1]!.data, '29', { qualLevel: '0', certNumber: null, certYear: null, regStatus: null, regValidUntil: null });

    const ls = await allPersons(luyang27);
    for (const p of ls) await luyang27.call('persons.update', { id: p.id, patch: { change: '10' } });
    const like = ls[0]!.data;
    // The person who left 瑶海区 joins 庐阳区: same ID number, a 庐阳 unit and township.
    await addJoiner(luyang27, { ...moved.data, unitId: like.unitId!, township: like.township!, urbanRural: like.urbanRural! }, '22', {
      idNumber: movedId, name: moved.data.name!,
    });
    await addJoiner(luyang27, like, '21', { qualLevel: '2', certNumber: '202700000000000002', certYear: 2027 });

    const js = await allPersons(jinghu27);
    await jinghu27.call('persons.update', { id: js[0]!.id, patch: { change: '33' } });
    for (const p of js.slice(1)) await jinghu27.call('persons.update', { id: p.id, patch: { change: '10' } });
    await addJoiner(jinghu27, js[1]!.data, '22', { qualLevel: '0', certNumber: null, certYear: null, regStatus: null, regValidUntil: null });

    for (const t of [yaohai27, luyang27, jinghu27]) {
      const s = await t.call('census.summary', {});
      expect(s.issues.error, (await t.call('issues.list', { severity: 'error', offset: 0, limit: 3 })).issues.map((i) => i.message).join('；')).toBe(0);
    }
  });

  it('shows 表6 for a county, cell by cell', async () => {
    const y = await t6(yaohai27);
    expect(y.columns.filter((c) => c.group === null).map((c) => c.label)).toEqual(
      expect.arrayContaining(['上期人数', '新增', '减少', '本期人数']),
    );
    expectBalanced(y);
    const yHolders26 = (await allPersons(yaohai26)).filter((p) => p.data.qualLevel !== '0').length;
    const leaverHolders = (await allPersons(yaohai27)).filter((p) => LEAVE_CODES.includes(p.data.change as string) && p.data.prevQualLevel !== '0').length;
    expect(totalOf(y)).toEqual({
      prev: 40, joined: 2, join21: 1, join22: 0, join29: 1, joinUnstated: 0,
      left: 5, leave31: 1, leave32: 1, leave33: 1, leave34: 1, leave39: 1,
      current: 37, pending: 0,
      holdersPrev: yHolders26, holdersNew: 1, holdersLost: 1 + leaverHolders, holders: yHolders26 + 1 - 1 - leaverHolders,
    });
    // Leavers stay in the file but in no other table.
    expect((await yaohai27.call('persons.list', { offset: 0, limit: 1 })).total).toBe(42);
    const t1 = (await yaohai27.call('reports.tables', {})).tables.find((t) => t.id === 'T1')!;
    expect(t1.rows[0]!.values[0]).toBe(37);
    expect((await yaohai27.call('census.summary', {})).countedPersons).toBe(37);
  });

  let hefei: TestCore, wuhu: TestCore, anhui: TestCore;
  it('builds the same table at city and province level from packages, the moved person counted once', async () => {
    hefei = track(await upperCensus(HEFEI, 'city', '2027-12-31'));
    wuhu = track(await upperCensus(WUHU, 'city', '2027-12-31'));
    anhui = track(await upperCensus(ANHUI, 'province', '2027-12-31'));
    const py = await exportTo(yaohai27, 'y27.hcpkg', { confirmUnexplained: true });
    const pl = await exportTo(luyang27, 'l27.hcpkg', { confirmUnexplained: true });
    const pj = await exportTo(jinghu27, 'j27.hcpkg', { confirmUnexplained: true });
    const file = (p: { file: string; data: Buffer }) => ({ name: p.file, data: p.data });
    expect((await mergePackages(hefei.core.ctx, [file(py), file(pl)], { trustNewKeys: true })).results.map((r) => r.status)).toEqual(['merged', 'merged']);
    await mergePackages(wuhu.core.ctx, [file(pj)], { trustNewKeys: true });
    // One person, not a duplicate: the 瑶海 record is a leaver.
    expect((await hefei.call('packages.duplicates', {})).total).toBe(0);
    const city = await t6(hefei);
    expectBalanced(city);
    const countyY = totalOf(await t6(yaohai27));
    const countyL = totalOf(await t6(luyang27));
    expect(row(city, YAOHAI)).toEqual(countyY);
    expect(row(city, LUYANG)).toEqual(countyL);
    const cityTotal = totalOf(city);
    expect(cityTotal.current).toBe(countyY.current! + countyL.current!);
    expect(cityTotal.leave31).toBe(1);
    expect(cityTotal.join22).toBe(1);
    const t1 = (await hefei.call('reports.tables', {})).tables.find((t) => t.id === 'T1')!;
    expect(t1.rows[0]!.values[0]).toBe(cityTotal.current);
    const hits = (await hefei.call('persons.list', { offset: 0, limit: 10, search: movedId })).rows;
    expect(hits).toHaveLength(2);
    expect((await hefei.call('census.summary', {})).countedPersons).toBe(cityTotal.current);

    const ph = await exportTo(hefei, 'hefei27.hcpkg', { allowIncomplete: true, confirmUnexplained: true });
    const pw = await exportTo(wuhu, 'wuhu27.hcpkg', { allowIncomplete: true, confirmUnexplained: true });
    expect((await mergePackages(anhui.core.ctx, [file(ph), file(pw)], { trustNewKeys: true })).results.map((r) => r.status)).toEqual(['merged', 'merged']);
    const prov = await t6(anhui);
    expectBalanced(prov);
    expect(row(prov, HEFEI.slice(0, 4))).toEqual(cityTotal);
    expect(row(prov, WUHU.slice(0, 4))).toEqual(totalOf(await t6(wuhu)));
    expect(totalOf(prov).current).toBe(cityTotal.current! + totalOf(await t6(wuhu)).current!);
  }, 60_000);

  it('carries 2027 into 2028: leavers are not carried, 上期 is last 本期, the trend has three periods', async () => {
    const before = readFileSync(dbOf(yaohai27));
    const y28 = track(await nextCensus(dbOf(yaohai27), '2028-12-31'));
    expect(readFileSync(dbOf(yaohai27)).equals(before)).toBe(true);
    const persons = await allPersons(y28);
    expect(persons).toHaveLength(37);
    // 上期 → 本期: last period's values are kept beside the carried records.
    const gained = persons.find((p) => p.id === gainedId)!;
    expect(gained.data.prevQualLevel).toBe('1');
    const prev = await y28.call('periods.previous', { table: 'person', ids: [gainedId, lostId] });
    expect(prev[gainedId]!.qualLevel).toBe('1');
    expect(prev[lostId]!.qualLevel).toBe('0');
    // A grid edit's reply carries the edited record's last values of what differs now (the grid shows 上期 → 本期 from it).
    const edit = await y28.call('grid.apply', { table: 'person', create: [], changes: [{ id: gainedId, field: 'phone', text: '13900000001' }], remove: [] });
    expect(edit.previous).toEqual({ [gainedId]: { phone: prev[gainedId]!.phone ?? null } });
    // Confirmed 留任 (a period's own field): its 上期 → 本期 cannot have moved, nothing is sent.
    const stay = await y28.call('grid.apply', { table: 'person', create: [], changes: [{ id: lostId, field: 'change', value: '10' }], remove: [] });
    expect(stay.rows.map((r) => r.id)).toEqual([lostId]);
    expect(stay.previous).toEqual({});
    for (const p of persons.slice(1)) await y28.call('persons.update', { id: p.id, patch: { change: '10' } });
    await y28.call('persons.update', { id: persons[0]!.id, patch: { change: '32' } });
    const y = totalOf(await t6(y28));
    expect(y).toMatchObject({ prev: 37, joined: 0, left: 1, leave32: 1, current: 36 });
    const tr = await y28.call('periods.trend', {});
    expect(tr.periods.map((p) => [p.refDate, p.persons, p.current])).toEqual([
      ['2026-12-31', 40, false], ['2027-12-31', 37, false], ['2028-12-31', 36, true],
    ]);
  });
});

const csvUpload = (name: string, rows: string[][]) => ({
  name, dataBase64: Buffer.from('\uFEFF' + rows.map((r) => r.join(',')).join('\r\n') + '\r\n', 'utf8').toString('base64'),
});

describe('returns in a census started from the last one', () => {
  let last: TestCore, t: TestCore;
  beforeAll(async () => {
    last = track(await countyCensus(YAOHAI, 12, 31));
    t = track(await nextCensus(dbOf(last), '2027-12-31'));
  }, 60_000);

  it('a return with only 证件号码, 姓名 and 变动情况 marks those people and changes nothing else', async () => {
    const ps = await allPersons(t);
    const [a, b] = ps;
    const stranger = '11010519491231002X';
    const upload = csvUpload('离开名单.csv', [
      ['证件号码', '姓名', '变动情况'],
      [a!.data.idNumber as string, a!.data.name as string, '退休'],
      [b!.data.idNumber as string, b!.data.name as string, '调出本地区'],
      [stranger, '外人', '离职'],
    ]);
    const preview = await t.call('io.import.preview', { files: [upload] });
    expect(preview.files[0]).toMatchObject({ toUpdate: 2, toAdd: 0, held: 1 });
    await t.call('io.import.commit', { importId: preview.importId });
    const after = new Map((await allPersons(t)).map((p) => [p.id, p]));
    expect(after.size).toBe(12);
    expect(after.get(a!.id)!.data).toEqual({ ...a!.data, change: '33' });
    expect(after.get(b!.id)!.data).toEqual({ ...b!.data, change: '31' });
  });

  it('a full return matches people by ID number: those in it stay (留任), newcomers need a reason', async () => {
    const ps = (await allPersons(t)).filter((p) => p.data.change === '00');
    const c = ps[0]!;
    const tpl = await t.call('io.export', { format: 'csv', codes: false, table: 'person' });
    const text = (await keptBytes(t, tpl)).toString('utf8').replace(/^\uFEFF/, '');
    const lines = text.split(/\r\n/).filter(Boolean);
    const header = lines[0]!.split(',');
    const line = lines.find((l) => l.includes(c.data.idNumber as string))!;
    // The same row with the 变动情况 column emptied and a phone number changed.
    const cells = line.split(',');
    cells[header.indexOf('变动情况')] = '';
    cells[header.indexOf('手机')] = '13900000000';
    const preview = await t.call('io.import.preview', { files: [{ name: '东华门.csv', dataBase64: Buffer.from([header.join(','), cells.join(',')].join('\r\n'), 'utf8').toString('base64') }] });
    expect(preview.files[0]).toMatchObject({ toUpdate: 1, toAdd: 0 });
    await t.call('io.import.commit', { importId: preview.importId });
    const got = (await allPersons(t)).find((p) => p.id === c.id)!;
    expect(got.data).toMatchObject({ change: '10', phone: '13900000000' });
    // Last period's value is kept beside the new one.
    const prev = await t.call('periods.previous', { table: 'person', ids: [c.id] });
    expect(prev[c.id]!.phone).toBe(c.data.phone);
    // A newcomer entered without 变动情况 is flagged until a reason is given.
    const joiner = await addJoiner(t, c.data, '', { change: null });
    // Not carried: an edit's reply has no last values for it.
    const edit = await t.call('grid.apply', { table: 'person', create: [], changes: [{ id: joiner.id, field: 'phone', text: '13900000002' }], remove: [] });
    expect(edit.rows.map((r) => r.id)).toEqual([joiner.id]);
    expect(edit.previous).toEqual({});
    const issues = await t.call('issues.list', { recordId: joiner.id, offset: 0, limit: 10 });
    expect(issues.issues.map((i) => i.rule)).toContain('change_required');
  });

  it('refuses a previous file that is not a census, and a reference date not after the last', async () => {
    const fresh = track(await (await import('../fixtures/core')).openTestCore());
    const early = await fresh.fail('census.setupFrom', { previousPath: dbOf(last), refDate: '2026-06-30' });
    expect(early.message).toContain('应晚于上期');
    const missing = await fresh.fail('census.setupFrom', { previousPath: dbOf(last) + '.nope', refDate: '2027-12-31' });
    expect(missing.message).toBe(`找不到上期数据库文件：${dbOf(last)}.nope。请检查路径，或 U 盘是否已插好。`);
    // A copy cut short on its way (a USB stick pulled out): said of last census's file, nothing set up.
    const { readFileSync, writeFileSync } = await import('node:fs');
    const cut = `${fresh.dir}/上期-半截.sqlite`;
    writeFileSync(cut, readFileSync(dbOf(last)).subarray(0, 8192));
    const broken = await fresh.fail('census.setupFrom', { previousPath: cut, refDate: '2027-12-31' });
    expect(broken.message).toBe(`上期数据库文件已损坏，无法读取：${cut}。请换用它的备份，或请保存它的人重新拷贝一份完好的。`);
    expect(await fresh.call('census.get', {})).toBeNull();
  });
});

describe('the command line', () => {
  it('init --from starts the next census from the last file (left unchanged), report --json includes T6', async () => {
    const { runCli, sha256File } = await import('../fixtures/cli');
    const last = await countyCensus(YAOHAI, 8, 41);
    const lastPath = dbOf(last);
    last.close();
    const before = sha256File(lastPath);
    const next = lastPath.replace(/\.sqlite$/, '-2027.sqlite');
    const r = await runCli('init', '--db', next, '--from', lastPath, '--ref-date', '2027-06-30');
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toContain('人员 8 人');
    expect(sha256File(lastPath)).toBe(before);
    const again = await runCli('init', '--db', next + '.x', '--from', lastPath, '--ref-date', '2026-01-01');
    expect(again.code).not.toBe(0);
    expect(again.err).toContain('应晚于上期');
    const rep = await runCli('report', '--db', next, '--json');
    expect(rep.code).toBe(0);
    const set = JSON.parse(rep.out) as { tables: ReportTable[] };
    const t6 = set.tables.find((t) => t.id === 'T6')!;
    expect(t6.title).toBe('表6 人员变动情况');
    expect(t6.columns.map((c) => c.label)).toEqual(expect.arrayContaining(['上期人数', '新增', '减少', '本期人数']));
    expect(row(t6, 'total')).toMatchObject({ prev: 8, joined: 0, left: 0, current: 8, pending: 8 });
  });
});
