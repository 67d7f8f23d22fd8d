/**
 * The whole return-package flow on real databases: counties built with the demo generator export
 * signed packages, a city verifies and merges them, a county resubmits, the same package arrives
 * twice, two counties report the same person, and the city rolls up into the province. Every count
 * at every level must equal the sum of its parts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mergePackages, previewPackages, verifyPackages } from '../../electron/core/services/packages';
import { keptBytes, type TestCore } from '../fixtures/core';
import {
  ANHUI, copyPersonInto, countyCensus, exportTo, HEFEI, JINGHU, LUYANG, REF, SHUSHAN, upperCensus, WUHU, YAOHAI,
} from '../fixtures/packages';

const opened: TestCore[] = [];
const track = <T extends TestCore>(t: T) => (opened.push(t), t);
afterAll(() => {
  for (const t of opened) t.close();
});

async function ids(t: TestCore, table: 'persons' | 'units'): Promise<Set<string>> {
  const r = await t.call(`${table}.list`, { offset: 0, limit: 100_000 });
  return new Set(r.rows.map((x) => x.id));
}

const trustAll = { trustNewKeys: true };

describe('county → city → province', () => {
  let yaohai: TestCore, luyang: TestCore, shushan: TestCore, jinghu: TestCore;
  let city: TestCore, wuhu: TestCore, province: TestCore;
  let pkgs: Record<string, Awaited<ReturnType<typeof exportTo>>>;

  beforeAll(async () => {
    yaohai = track(await countyCensus(YAOHAI, 240, 1));
    luyang = track(await countyCensus(LUYANG, 180, 2));
    shushan = track(await countyCensus(SHUSHAN, 0));
    jinghu = track(await countyCensus(JINGHU, 150, 3));
    // A warning explained at the county must arrive explained.
    const p = (await luyang.call('persons.list', { offset: 5, limit: 1 })).rows[0]!;
    await luyang.call('persons.update', { id: p.id, patch: { trainingHours: 450, cumTrainingHours: 500 } });
    const issues = await luyang.call('issues.list', { rule: 'training_hours_high', offset: 0, limit: 10 });
    expect(issues.issues).toHaveLength(1);
    await luyang.call('issues.explain', { table: 'person', recordId: p.id, field: 'trainingHours', rule: 'training_hours_high', text: '参加了全年脱产培训' });
    pkgs = {
      yaohai: await exportTo(yaohai, 'yaohai-1.hcpkg'),
      luyang: await exportTo(luyang, 'luyang-1.hcpkg', { passphrase: '合肥市口令2026' }),
      shushan: await exportTo(shushan, 'shushan-1.hcpkg'),
      jinghu: await exportTo(jinghu, 'jinghu-1.hcpkg'),
    };
    city = track(await upperCensus(HEFEI, 'city'));
    wuhu = track(await upperCensus(WUHU, 'city'));
    province = track(await upperCensus(ANHUI, 'province'));
  });

  it('verifies a package without importing it, and says what it holds', async () => {
    const [v] = await verifyPackages(city.core.ctx, [{ name: 'yaohai-1.hcpkg', data: pkgs.yaohai!.data }]);
    expect(v).toMatchObject({ ok: true, problems: [], encrypted: false, trust: 'new', package: { areaCode: YAOHAI, level: 'county', sequence: 1, persons: 240, refDate: REF } });
    expect(v!.fingerprint).toMatch(/^([0-9A-F]{4} ){7}[0-9A-F]{4}$/);
    expect((await city.call('census.summary', {})).persons).toBe(0);
    const [enc] = await verifyPackages(null, [{ name: 'l.hcpkg', data: pkgs.luyang!.data, passphrase: '合肥市口令2026' }]);
    expect(enc).toMatchObject({ ok: true, encrypted: true, trust: null });
  });

  it('previews, asks to trust a first key, then merges counties into the city', async () => {
    const files = [
      { name: 'yaohai-1.hcpkg', data: pkgs.yaohai!.data },
      { name: 'luyang-1.hcpkg', data: pkgs.luyang!.data, passphrase: '合肥市口令2026' },
      { name: 'shushan-1.hcpkg', data: pkgs.shushan!.data },
    ];
    const seen: string[] = [];
    const off = city.core.events.on('progress', (p) => void seen.push(`${p.taskId}:${p.done}/${p.total}:${p.label}`));
    const { results: preview } = await city.call('packages.preview', { files: files.map(({ data, ...f }) => ({ ...f, dataBase64: data.toString('base64') })), taskId: 'pv1' });
    off();
    // Each package named as it is checked: a province's hundred take seconds
    expect(seen).toEqual([
      'pv1:0/3:正在校验 yaohai-1.hcpkg（第 1 / 3 个）',
      'pv1:1/3:正在校验 luyang-1.hcpkg（第 2 / 3 个）',
      'pv1:2/3:正在校验 shushan-1.hcpkg（第 3 / 3 个）',
      'pv1:3/3:校验完成',
    ]);
    expect(preview.map((r) => [r.status, r.reason, r.added])).toEqual([['ready', 'untrusted_key', 240], ['ready', 'untrusted_key', 180], ['ready', 'untrusted_key', 0]]);
    expect(preview[0]!.message).toContain(preview[0]!.fingerprint!);
    expect((await city.call('census.summary', {})).persons).toBe(0);

    const refused = await mergePackages(city.core.ctx, files.slice(0, 1));
    expect(refused.results[0]).toMatchObject({ status: 'refused', reason: 'untrusted_key' });
    expect((await city.call('census.summary', {})).persons).toBe(0);

    const approvals = preview.map((r) => ({ areaCode: r.area!, fingerprint: r.fingerprintHex! }));
    const merged = await mergePackages(city.core.ctx, files, { trustKeys: approvals });
    expect(merged.results.map((r) => [r.status, r.added, r.replaced, r.removed])).toEqual([['merged', 240, 0, 0], ['merged', 180, 0, 0], ['merged', 0, 0, 0]]);
    const summary = await city.call('census.summary', {});
    expect(summary).toMatchObject({ persons: 240 + 180, countedPersons: 420, pendingDuplicates: 0, issues: { error: 0, warning: 1 }, unexplainedWarnings: 0 });
    const keys = await city.call('packages.keys', { create: false });
    expect(keys.trusted.map((k) => k.areaCode).sort()).toEqual([YAOHAI, LUYANG, SHUSHAN].sort());
  });

  it('shows the completeness board: received, zero return and missing', async () => {
    const board = await city.call('packages.board', {});
    const row = (code: string) => board.rows.find((r) => r.areaCode === code)!;
    expect(row(YAOHAI)).toMatchObject({ status: 'received', persons: 240, errors: 0 });
    expect(row(YAOHAI).packages[0]).toMatchObject({ sequence: 1, persons: 240 });
    expect(row(LUYANG)).toMatchObject({ status: 'received', persons: 180, warnings: 1, unexplainedWarnings: 0 });
    expect(row(SHUSHAN)).toMatchObject({ status: 'zero', persons: 0 });
    expect(row('340111')).toMatchObject({ status: 'missing', packages: [] });
    expect(board.totals).toMatchObject({ received: 2, zero: 1, missing: board.rows.length - 3 });
    expect(board.rows.reduce((s, r) => s + r.persons, 0)).toBe(board.persons);
  });

  it('merging the same package again changes nothing', async () => {
    const before = await ids(city, 'persons');
    const r = await mergePackages(city.core.ctx, [{ name: 'again.hcpkg', data: pkgs.yaohai!.data }]);
    expect(r.results[0]).toMatchObject({ status: 'unchanged', added: 0, replaced: 0, removed: 0 });
    expect(r.results[0]!.message).toContain('已经合并过');
    expect(await ids(city, 'persons')).toEqual(before);
  });

  it('a corrected resubmission (sequence 2) replaces exactly that county’s records', async () => {
    const list = (await yaohai.call('persons.list', { offset: 0, limit: 1000 })).rows;
    const gone = list[0]!;
    const unitOf = (await yaohai.call('units.get', { id: String(gone.data.unitId) })).row;
    await yaohai.call('persons.remove', { ids: [gone.id] });
    await yaohai.call('units.update', { id: unitOf.id, patch: { reportedSwCount: Number(unitOf.data.reportedSwCount) - 1 } });
    await yaohai.call('persons.update', { id: list[1]!.id, patch: { name: '更正后姓名' } });
    const seq2 = await exportTo(yaohai, 'yaohai-2.hcpkg');
    expect(seq2.sequence).toBe(2);
    const luyangBefore = (await city.call('packages.board', {})).rows.find((r) => r.areaCode === LUYANG)!.persons;

    const preview = await previewPackages(city.core.ctx, [{ name: 'yaohai-2.hcpkg', data: seq2.data }]);
    expect(preview[0]).toMatchObject({ status: 'ready', reason: null, trust: 'trusted', added: 0, replaced: 239, removed: 1 });

    const r = await mergePackages(city.core.ctx, [{ name: 'yaohai-2.hcpkg', data: seq2.data }]);
    expect(r.results[0]).toMatchObject({ status: 'merged', added: 0, replaced: 239, removed: 1 });
    const cityIds = await ids(city, 'persons');
    const countyIds = await ids(yaohai, 'persons');
    expect(cityIds.has(gone.id)).toBe(false);
    for (const id of countyIds) expect(cityIds.has(id)).toBe(true);
    expect((await city.call('persons.get', { id: list[1]!.id })).row.data.name).toBe('更正后姓名');
    const board = await city.call('packages.board', {});
    expect(board.rows.find((x) => x.areaCode === YAOHAI)).toMatchObject({ persons: 239, packages: [expect.objectContaining({ sequence: 2 })] });
    expect(board.rows.find((x) => x.areaCode === LUYANG)!.persons).toBe(luyangBefore);
    expect(board.persons).toBe(239 + 180);
  });

  it('refuses the older sequence after a newer one, and a package for another reference date or area', async () => {
    const r = await mergePackages(city.core.ctx, [{ name: 'yaohai-1.hcpkg', data: pkgs.yaohai!.data }]);
    expect(r.results[0]).toMatchObject({ status: 'refused', reason: 'older_sequence' });
    expect(r.results[0]!.message).toContain('取代');

    const other = track(await countyCensus(LUYANG, 20, 9));
    // Another reference date: a separate census of the same county.
    const otherDate = track(await upperCensus(HEFEI, 'city', '2025-12-31'));
    const p = await exportTo(other, 'luyang-x.hcpkg');
    const d = await mergePackages(otherDate.core.ctx, [{ name: 'luyang-x.hcpkg', data: p.data }], trustAll);
    expect(d.results[0]).toMatchObject({ status: 'refused', reason: 'ref_date' });
    expect(d.results[0]!.message).toContain('统计时点');

    const w = await mergePackages(wuhu.core.ctx, [{ name: 'yaohai-2.hcpkg', data: (await exportTo(yaohai, 'y3.hcpkg')).data }], trustAll);
    expect(w.results[0]).toMatchObject({ status: 'refused', reason: 'outside_area' });
    expect(w.results[0]!.message).toContain('不属于本级');
    expect((await wuhu.call('census.summary', {})).persons).toBe(0);
  });

  it('refuses a package from a known area signed with another key until it is trusted again', async () => {
    // Same county, another installation: a new key pair.
    const impostor = track(await countyCensus(SHUSHAN, 10, 5));
    await exportTo(impostor, 'shushan-other.hcpkg');
    const p = await exportTo(impostor, 'shushan-other-2.hcpkg');
    const p3 = await exportTo(impostor, 'shushan-other-3.hcpkg');
    const r = await mergePackages(city.core.ctx, [{ name: 'shushan-other-2.hcpkg', data: p.data }], trustAll);
    expect(r.results[0]).toMatchObject({ status: 'refused', reason: 'key_changed', trust: 'changed' });
    expect(r.results[0]!.message).toContain('密钥与此前登记的不同');
    const ok = await mergePackages(city.core.ctx, [{ name: 'shushan-other-3.hcpkg', data: p3.data }], {
      trustKeys: [{ areaCode: SHUSHAN, fingerprint: r.results[0]!.fingerprintHex! }],
    });
    // Sequence 3 of the new installation replaces the zero return (sequence 1 of the old one).
    expect(ok.results[0]).toMatchObject({ status: 'merged', added: 10 });
    const keys = await city.call('packages.keys', { create: false });
    expect(keys.trusted.filter((k) => k.areaCode === SHUSHAN).map((k) => k.current).sort()).toEqual([false, true]);
  });

  it('holds a person reported by two counties for a decision, never counting them twice', async () => {
    const dup = await copyPersonInto(yaohai, luyang, 3);
    // At the county the copy is an ordinary, valid record.
    expect((await luyang.call('census.summary', {})).issues.error).toBe(0);
    const l2 = await exportTo(luyang, 'luyang-2.hcpkg');
    // The preview says so before anything is written: the ID number is also carried by another county's record.
    const [pv] = await previewPackages(city.core.ctx, [{ name: 'luyang-2.hcpkg', data: l2.data }]);
    expect(pv).toMatchObject({ status: 'ready', duplicatesHeld: 1 });
    const r = await mergePackages(city.core.ctx, [{ name: 'luyang-2.hcpkg', data: l2.data }]);
    expect(r.results[0]).toMatchObject({ status: 'merged', added: 1, duplicatesHeld: 1 });
    expect(r.pendingDuplicates).toBe(1);

    const s = await city.call('census.summary', {});
    expect(s.pendingDuplicates).toBe(1);
    expect(s.countedPersons).toBe(s.persons - 1);
    // The board as a merge goes leaves out only what the duplicate cases decide, and says so by null
    const full = await city.call('packages.board', {});
    expect(full).toMatchObject({ countedPersons: s.persons - 1, pendingDuplicates: 1 });
    const quick = await city.call('packages.board', { quick: true });
    expect(quick).toEqual({ ...full, countedPersons: null, pendingDuplicates: null });
    // Not a duplicate_id error: that rule is for one area.
    expect(s.issues.error).toBe(0);

    const list = await city.call('packages.duplicates', { status: 'pending' });
    expect(list).toMatchObject({ total: 1, pending: 1, decided: 0 });
    const item = list.items[0]!;
    expect(item.idNumber).toBe(dup.idNumber);
    expect(item.records.map((x) => x.areaCode).sort()).toEqual([YAOHAI, LUYANG].sort());
    expect(item.records.map((x) => x.data.name)).toEqual([item.records[0]!.data.name, item.records[0]!.data.name]);

    const bad = await city.fail('packages.decideDuplicate', { idNumber: dup.idNumber, chosenArea: JINGHU, reason: '错选' });
    expect(bad.message).toContain('不是报送该人员的地区');
    await city.call('packages.decideDuplicate', { idNumber: dup.idNumber, chosenArea: LUYANG, reason: '本人已调入庐阳区工作' });
    const after = await city.call('census.summary', {});
    expect(after).toMatchObject({ pendingDuplicates: 0, countedPersons: after.persons - 1 });
    const decided = await city.call('packages.duplicates', {});
    expect(decided.items[0]!.decision).toMatchObject({ chosenArea: LUYANG, reason: '本人已调入庐阳区工作', source: 'own' });
    expect(decided.items[0]!.records.find((x) => x.areaCode === YAOHAI)!.counted).toBe(false);
  });

  it('rolls the city up into the province: same format, sources listed, counts add up, the decision travels', async () => {
    const w = await mergePackages(wuhu.core.ctx, [{ name: 'jinghu-1.hcpkg', data: pkgs.jinghu!.data }], trustAll);
    expect(w.results[0]!.status).toBe('merged');
    // Hefei has merged 3 of its 12 counties: the export says who is missing and needs a confirmation.
    await expect(exportTo(city, 'refused.hcpkg')).rejects.toThrow(/还有 9 个下级地区未报送：包河区、长丰县/);
    const cityPkg = await exportTo(city, 'hefei-1.hcpkg', { allowIncomplete: true });
    const wuhuPkg = await exportTo(wuhu, 'wuhu-1.hcpkg', { allowIncomplete: true });
    const [v] = await verifyPackages(province.core.ctx, [{ name: 'hefei-1.hcpkg', data: cityPkg.data }]);
    expect(v!.package).toMatchObject({ level: 'city', areaCode: HEFEI, sources: 3 });

    // The city's package carries the person in both its counties: one case, seen inside the package itself.
    const preview = await previewPackages(province.core.ctx, [{ name: 'hefei-1.hcpkg', data: cityPkg.data }, { name: 'wuhu-1.hcpkg', data: wuhuPkg.data }], trustAll);
    expect(preview.map((x) => x.duplicatesHeld)).toEqual([1, 0]);
    const r = await mergePackages(province.core.ctx, [
      { name: 'hefei-1.hcpkg', data: cityPkg.data },
      { name: 'wuhu-1.hcpkg', data: wuhuPkg.data },
    ], trustAll);
    expect(r.results.map((x) => x.status)).toEqual(['merged', 'merged']);

    const citySummary = await city.call('census.summary', {});
    const wuhuSummary = await wuhu.call('census.summary', {});
    const prov = await province.call('census.summary', {});
    expect(prov.persons).toBe(citySummary.persons + wuhuSummary.persons);
    expect(prov.units).toBe(citySummary.units + wuhuSummary.units);
    expect(prov.countedPersons).toBe(citySummary.countedPersons! + wuhuSummary.countedPersons!);
    expect(prov).toMatchObject({ pendingDuplicates: 0, issues: { error: 0 }, unexplainedWarnings: 0 });

    // Counties add up to their city, cities to the province.
    const counties = await Promise.all([yaohai, luyang, jinghu].map((t) => t.call('census.summary', {})));
    const impostorCount = 10;
    expect(citySummary.persons).toBe(counties[0]!.persons + counties[1]!.persons + impostorCount);
    expect(wuhuSummary.persons).toBe(counties[2]!.persons);

    const board = await province.call('packages.board', {});
    // The city's package says which counties it includes, so the province shows the return as partial.
    expect(board.rows.find((x) => x.areaCode === HEFEI)).toMatchObject({
      status: 'partial', persons: citySummary.persons, level: 'city', below: { expected: 12, included: 3 },
    });
    expect(board.rows.find((x) => x.areaCode === HEFEI)!.below!.missing).toContain('340111');
    expect(board.rows.find((x) => x.areaCode === WUHU)).toMatchObject({ status: 'partial', persons: wuhuSummary.persons });
    const dups = await province.call('packages.duplicates', {});
    expect(dups.items[0]).toMatchObject({ status: 'decided', decision: { chosenArea: LUYANG, source: 'package', decidedBy: HEFEI } });
    // Records keep their county code at the province.
    const some = (await province.call('persons.list', { offset: 0, limit: 5 })).rows;
    for (const p of some) expect(p.areaCode).toMatch(/^340[12]\d\d$/);
  });

  it('refuses a county package at the province while its city’s package is merged (areas overlap)', async () => {
    const r = await mergePackages(province.core.ctx, [{ name: 'yaohai-2.hcpkg', data: (await exportTo(yaohai, 'y-prov.hcpkg')).data }], trustAll);
    expect(r.results[0]).toMatchObject({ status: 'refused', reason: 'overlap' });
  });

  it('a county census cannot merge', async () => {
    const e = await yaohai.fail('packages.merge', { files: [{ name: 'x.hcpkg', dataBase64: pkgs.luyang!.data.toString('base64') }] });
    expect(e.message).toContain('不能合并上报包');
  });
});

describe('export', () => {
  it('is refused while errors remain, with the count, and asks to confirm unexplained warnings', async () => {
    const t = track(await countyCensus(YAOHAI, 30, 4));
    const [a, b] = (await t.call('persons.list', { offset: 0, limit: 2 })).rows;
    await t.call('persons.update', { id: a!.id, patch: { certNumber: '12' } });
    await t.call('persons.update', { id: b!.id, patch: { trainingHours: 500, cumTrainingHours: 600 } });
    const check = await t.call('packages.exportCheck', {});
    expect(check).toMatchObject({ canExport: false, errors: 1, unexplainedWarnings: 1, nextSequence: 1 });
    const e = await t.fail('packages.export', {});
    expect(e.message).toContain('还有 1 个错误未修正');

    await t.call('persons.update', { id: a!.id, patch: { certNumber: String(a!.data.certNumber) } });
    const w = await t.fail('packages.export', {});
    expect(w.message).toContain('1 个警告还没有填写核实说明');
    const ok = await t.call('packages.export', { confirmUnexplained: true });
    expect(ok).toMatchObject({ sequence: 1, persons: 30, encrypted: false });
    expect(ok.fileName).toContain('瑶海区');
    expect((await keptBytes(t, ok)).subarray(0, 2).toString('latin1')).toBe('PK');
    const again = await t.call('packages.export', { confirmUnexplained: true, passphrase: '12345678' });
    expect(again).toMatchObject({ sequence: 2, encrypted: true });
    expect((await t.call('packages.exportCheck', {})).nextSequence).toBe(3);
    const hist = await t.call('packages.history', {});
    expect(hist.exports.map((x) => x.sequence)).toEqual([2, 1]);
  });

  it('reports progress while exporting', async () => {
    const t = track(await countyCensus(LUYANG, 12_000, 6));
    const seen: string[] = [];
    const off = t.core.events.on('progress', (p) => void seen.push(`${p.taskId}:${p.label}`));
    await t.call('packages.export', { taskId: 'exp1' });
    off();
    expect(seen.some((s) => s === 'exp1:正在写出记录')).toBe(true);
    expect(seen.some((s) => s === 'exp1:正在压缩')).toBe(true);
  });
});
