/**
 * 审核退回 round trip: 楚雄州 merges 双柏县, cannot edit its records (read-only, says why), marks a
 * person and the whole return with 核实意见, writes a signed feedback file (CLI `feedback`), the county
 * takes it in (CLI `import-feedback`), answers, and its next package carries the answers back to the
 * city's board. A tampered or misdirected file is refused with the database unchanged.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mergePackages } from '../../electron/core/services/packages';
import { runCli } from '../fixtures/cli';
import { openTestCore, type TestCore } from '../fixtures/core';
import { countyCensus, exportTo } from '../fixtures/packages';

const CHUXIONG = '532300';
const SHUANGBAI = '532322';
const MOUDING = '532323';

const opened: TestCore[] = [];
afterAll(() => opened.forEach((t) => t.close()));
const track = (t: TestCore) => (opened.push(t), t);
const reopen = async (t: TestCore) => track(await openTestCore(t.dir));
const close = (t: TestCore) => {
  t.close();
  opened.splice(opened.indexOf(t), 1);
};

describe('审核退回 between 楚雄州 and 双柏县', () => {
  let county: TestCore, other: TestCore, city: TestCore;
  let personId: string;
  let file: string;

  beforeAll(async () => {
    county = track(await countyCensus(SHUANGBAI, 20, 31));
    other = track(await countyCensus(MOUDING, 0));
    city = track(await openTestCore());
    await city.call('census.setup', { areaCode: CHUXIONG, level: 'city', refDate: '2026-12-31', officeName: '楚雄州民政局', operator: '杨丽' });
    const pkg = await exportTo(county, 'sb-1.hcpkg');
    const r = await mergePackages(city.core.ctx, [{ name: 'sb-1.hcpkg', data: pkg.data }], { trustNewKeys: true });
    expect(r.results[0]!.status).toBe('merged');
    personId = (await city.call('persons.list', { offset: 0, limit: 1 })).rows[0]!.id;
  });

  it('keeps received records read-only at the city and says to send them back instead', async () => {
    const before = await city.call('persons.get', { id: personId });
    const e = await city.fail('persons.update', { id: personId, patch: { trainingHours: 5 } });
    expect(e.message).toContain('由双柏县报送，在本级只读');
    expect(e.message).toContain('审核退回');
    expect((await city.fail('persons.remove', { ids: [personId] })).message).toContain('只读');
    expect((await city.call('persons.get', { id: personId })).row.data).toEqual(before.row.data);
  });

  it('marks a person and the whole return, and writes the signed file with the CLI', async () => {
    const a = await city.call('feedback.add', { table: 'person', recordId: personId, question: '出生日期与身份证号不符，请核实' });
    expect(a).toMatchObject({ status: 'draft', subAreaCode: SHUANGBAI, areaName: '双柏县' });
    await city.call('feedback.add', { areaCode: SHUANGBAI, question: '社工站数量比上年少 3 个，请说明' });
    expect((await city.fail('feedback.add', { areaCode: '532301', question: '?' })).message).toContain('还没有上报');
    const db = city.core.ctx.store.path;
    close(city);
    file = path.join(county.dir, '双柏县-核实意见.hcfb');
    const r = await runCli('feedback', '--db', db, '--area', SHUANGBAI, '-o', file);
    expect(r.code, r.err).toBe(0);
    expect(r.out).toContain('2 条');
    city = await reopen(city);
    const items = (await city.call('feedback.list', {})).items;
    expect(items.map((i) => i.status)).toEqual(['sent', 'sent']);
    const board = await city.call('packages.board', {});
    expect(board.rows.find((x) => x.areaCode === SHUANGBAI)!.feedback).toEqual({ sent: 2, answered: 0 });
  });

  it('refuses a tampered file and one meant for another county, changing nothing', async () => {
    const json = JSON.parse(readFileSync(file, 'utf8')) as { payload: string };
    const tampered = path.join(county.dir, 'tampered.hcfb');
    writeFileSync(tampered, JSON.stringify({ ...json, payload: json.payload.replace('请核实', '不用核实') }));
    const dbc = county.core.ctx.store.path;
    const dbo = other.core.ctx.store.path;
    close(county);
    close(other);
    const bad = await runCli('import-feedback', '--db', dbc, tampered);
    expect(bad.code).toBe(2);
    expect(bad.err).toContain('签名验证失败');
    const wrong = await runCli('import-feedback', '--db', dbo, file);
    expect(wrong.err).toContain('不是本地区');
    other = await reopen(other);
    expect((await other.call('feedback.list', {})).items).toHaveLength(0);
    const ok = await runCli('import-feedback', '--db', dbc, file);
    expect(ok.code, ok.err).toBe(0);
    expect(ok.out).toContain('新增 2 条');
    const again = await runCli('import-feedback', '--db', dbc, file);
    expect(again.out).toContain('2 条此前已导入');
    county = await reopen(county);
  });

  it('lets the county answer, and its next package carries the answers to the city board', async () => {
    const items = (await county.call('feedback.list', {})).items;
    expect(items.map((i) => [i.status, i.recordLabel, i.fromAreaName])).toEqual([
      ['open', expect.stringContaining(''), '楚雄彝族自治州'],
      ['open', '整份上报', '楚雄彝族自治州'],
    ]);
    expect(items[0]!.recordId).toBe(personId);
    await county.call('feedback.answer', { id: items[0]!.id, answer: '已核对户籍，出生日期无误' });
    await county.call('feedback.answer', { id: items[1]!.id, answer: '3 个社工站合并为 1 个' });
    const pkg = await exportTo(county, 'sb-2.hcpkg');
    expect(pkg.sequence).toBe(2);
    const r = await mergePackages(city.core.ctx, [{ name: 'sb-2.hcpkg', data: pkg.data }], { trustNewKeys: true });
    expect(r.results[0]!.status).toBe('merged');
    const sent = (await city.call('feedback.list', {})).items;
    expect(sent.map((i) => [i.status, i.answer])).toEqual([['answered', '已核对户籍，出生日期无误'], ['answered', '3 个社工站合并为 1 个']]);
    const board = await city.call('packages.board', {});
    expect(board.rows.find((x) => x.areaCode === SHUANGBAI)!.feedback).toEqual({ sent: 2, answered: 2 });
  });
});
