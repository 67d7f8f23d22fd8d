/**
 * Reporting status is part of every number at an upper level: a county that sent nothing is 未报 in
 * the tables, the report export and the export check, never 0; exporting upward lists who is missing
 * and needs a confirmation (CLI --allow-incomplete); the package records the sub-areas it includes, and
 * a version-1 package without that field is still read and merged.
 */
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mergePackages } from '../../electron/core/services/packages';
import { runCli } from '../fixtures/cli';
import { keptBytes, type TestCore } from '../fixtures/core';
import { asLegacyPackage, countyCensus, exportTo, HEFEI, LUYANG, repack, unpack, upperCensus, writeFile, YAOHAI } from '../fixtures/packages';

const opened: TestCore[] = [];
afterAll(() => opened.forEach((t) => t.close()));
const track = (t: TestCore) => (opened.push(t), t);

describe('未报 at a city with 2 of its 12 counties in', () => {
  let city: TestCore;
  let yaohaiPkg: Buffer;
  let luyangPkg: Buffer;

  beforeAll(async () => {
    const yaohai = track(await countyCensus(YAOHAI, 30, 21));
    const luyang = track(await countyCensus(LUYANG, 20, 22));
    yaohaiPkg = (await exportTo(yaohai, 'y.hcpkg')).data;
    // LUYANG's package written as a version-1 package: no coverage, no answers, schemaVersion 1.
    luyangPkg = (await exportTo(luyang, 'l.hcpkg')).data;
    // Written as today's package: a version-1 package's persons lack 人员类别, which is an error that blocks
    // the city's export upward (the version-1 case is the next test).
    const v1 = luyangPkg;
    city = track(await upperCensus(HEFEI, 'city'));
    const r = await mergePackages(city.core.ctx, [{ name: 'y.hcpkg', data: yaohaiPkg }, { name: 'l-v1.hcpkg', data: v1 }], { trustNewKeys: true });
    expect(r.results.map((x) => [x.status, x.message])).toEqual([['merged', expect.any(String)], ['merged', expect.any(String)]]);
  });

  it('counts a version-1 package (no coverage, no answers, old columns) as received, its people flagged for 人员类别', async () => {
    const other = track(await upperCensus(HEFEI, 'city'));
    const v1 = await asLegacyPackage(luyangPkg, 1);
    const r = await mergePackages(other.core.ctx, [{ name: 'l-v1.hcpkg', data: v1 }], { trustNewKeys: true });
    expect(r.results.map((x) => x.status)).toEqual(['merged']);
    const set = await other.call('reports.tables', {});
    expect(set.coverage).toMatchObject({ expected: 12, reported: 1, partial: 0 });
    expect(set.tables[0]!.rows.find((row) => row.areaCode === LUYANG)?.values[0]).toBe(20);
    const flagged = await other.call('persons.list', { filter: [{ field: 'personCategory', op: 'empty' }], limit: 100 });
    expect(flagged.total).toBe(20);
  });

  it('marks a county with no package as 未报 (null cells), never 0, and says 已报 2/12 on every table', async () => {
    const set = await city.call('reports.tables', {});
    expect(set.coverage).toMatchObject({ expected: 12, reported: 2, partial: 0 });
    const t1 = set.tables.find((t) => t.id === 'T1')!;
    const baohe = t1.rows.find((r) => r.areaCode === '340111')!;
    expect(baohe.status).toBe('missing');
    expect(baohe.values.every((v) => v === null)).toBe(true);
    const yaohai = t1.rows.find((r) => r.areaCode === '340102')!;
    expect(yaohai.status).toBe('received');
    expect(yaohai.values[0]).toBe(30);
    for (const t of set.tables) expect(t.notes.join('\n')).toContain('已报 2/12；未报：蜀山区、包河区、长丰县');
  });

  it('writes 未报 into the exported workbook’s cells', async () => {
    const file = await city.call('reports.export', {});
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(Buffer.from(file.dataBase64, 'base64') as unknown as ArrayBuffer);
    const ws = wb.getWorksheet('表1')!;
    let found = 0;
    ws.eachRow((row) => {
      if (row.getCell(1).value === '包河区') {
        found++;
        expect(row.getCell(2).value).toBe('未报');
        expect(row.getCell(3).value).toBe('未报');
      }
      if (row.getCell(1).value === '瑶海区') expect(row.getCell(2).value).toBe(30);
    });
    expect(found).toBe(1);
    const notes: string[] = [];
    ws.eachRow((row) => typeof row.getCell(1).value === 'string' && notes.push(row.getCell(1).value as string));
    expect(notes.some((n) => n.startsWith('已报 2/12'))).toBe(true);
  });

  it('lists the missing counties before an export upward and records the included ones in the package', async () => {
    const check = await city.call('packages.exportCheck', {});
    expect(check.missing.map((m) => m.areaName)).toEqual(expect.arrayContaining(['包河区', '长丰县', '巢湖市']));
    expect(check.missing).toHaveLength(10);
    const refused = await city.fail('packages.export', {});
    expect(refused.message).toContain('还有 10 个下级地区未报送');
    const ok = await city.call('packages.export', { allowIncomplete: true });
    const manifest = JSON.parse((await unpack(await keptBytes(city, ok))).get('datapackage.json')!.toString('utf8'));
    expect(manifest.headcount.schemaVersion).toBe(3);
    expect(manifest.headcount.coverage.expected).toHaveLength(12);
    expect(manifest.headcount.coverage.included).toEqual(['340102', '340103']);
  });

  it('CLI: export refuses with the missing counties and exit 1, then writes with --allow-incomplete', async () => {
    const db = city.core.ctx.store.path;
    city.close();
    opened.splice(opened.indexOf(city), 1);
    const out = writeFile(city.dir, 'placeholder', Buffer.from(''));
    const refused = await runCli('export', '--db', db, '-o', `${out}.hcpkg`);
    expect(refused.code).toBe(1);
    expect(refused.err).toContain('未报送');
    expect(refused.err).toContain('--allow-incomplete');
    const ok = await runCli('export', '--db', db, '-o', `${out}.hcpkg`, '--allow-incomplete');
    expect(ok.code, ok.err).toBe(0);
    expect(ok.out).toContain('已导出上报包');
  });
});

describe('counties reporting straight to the province', () => {
  // 铜陵市 (3407) has four counties, all of which send their returns to 安徽省 directly; 合肥市 two of its twelve.
  const TONGLING = ['340705', '340706', '340711', '340722'];
  let province: TestCore;

  beforeAll(async () => {
    const files: { name: string; data: Buffer }[] = [];
    for (const [i, code] of [...TONGLING, YAOHAI, LUYANG].entries()) {
      const county = track(await countyCensus(code, 4 + i, 60 + i));
      files.push({ name: `${code}.hcpkg`, data: (await exportTo(county, `${code}.hcpkg`)).data });
    }
    province = track(await upperCensus('340000', 'province'));
    const r = await mergePackages(province.core.ctx, files, { trustNewKeys: true });
    expect(r.results.map((x) => x.status)).toEqual(files.map(() => 'merged'));
  });

  it('counts a city complete when every county below it sent its package, and partial with the missing ones named otherwise', async () => {
    const board = await province.call('packages.board', {});
    const tongling = board.rows.find((r) => r.areaCode === '340700')!;
    expect(tongling).toMatchObject({ status: 'received', below: { expected: 4, included: 4, missing: [], missingNames: [] } });
    expect(tongling.packages.map((p) => p.areaCode).sort()).toEqual(TONGLING);
    const hefei = board.rows.find((r) => r.areaCode === HEFEI)!;
    expect(hefei).toMatchObject({ status: 'partial', below: { expected: 12, included: 2 } });
    expect(hefei.below!.missing).toHaveLength(10);
    expect(hefei.below!.missing).toContain('340104');
    // Names in the same order as the codes: 蜀山区 is 340104.
    expect(hefei.below!.missingNames[hefei.below!.missing.indexOf('340104')]).toBe('蜀山区');
    expect(board.totals).toMatchObject({ received: 1, partial: 1 });
    // The tables say the same: 铜陵市 is not marked partial, 合肥市 is.
    const set = await province.call('reports.tables', {});
    expect(set.coverage).toMatchObject({ reported: 2, partial: 1 });
    const t1 = set.tables.find((t) => t.id === 'T1')!;
    // Table rows carry division codes (3407 for a city)
    expect(t1.rows.find((r) => r.areaCode === '3407')?.status).toBe('received');
    expect(t1.rows.find((r) => r.areaCode === '3401')?.status).toBe('partial');
  });
});
