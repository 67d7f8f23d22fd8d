/**
 * The grid's unit list (grid.refs) through the writes that really change units — an import adding them,
 * its undo, a county's package merged and then replaced by its next one — and through writes that do not:
 * there the core answers from its key without reading the units again. A write path to the units table
 * that forgot to count itself (Db.unitWrites) would leave a clerk picking from a stale list; this fails then.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { mergePackages, previewPackages } from '../../electron/core/services/packages';
import { DONGCHENG, openTestCore, removeDir, type TestCore } from '../fixtures/core';
import { countyCensus, exportTo, HEFEI, upperCensus, YAOHAI } from '../fixtures/packages';
import { makeCreditCode, makeIdNumber, writeCsv, writeXlsx } from '../fixtures/township-returns';

const opened: TestCore[] = [];
afterAll(() => {
  for (const t of opened) {
    t.close();
    removeDir(t.dir);
  }
});

type Refs = Awaited<ReturnType<TestCore['call']>>;

/** The lists the core sends for a key the client holds: null when it answers `unchanged` */
async function sent(t: TestCore, known: string): Promise<{ key: string; names: string[] } | null> {
  const r = (await t.call('grid.refs', { known })) as Refs & { key: string; unchanged: boolean; units?: { name: string }[] };
  return r.unchanged ? null : { key: r.key, names: r.units!.map((u) => u.name).sort() };
}

describe('grid.refs after the writes that change units, and after those that do not', () => {
  it('an import adding units, a persons-only import and the undo of each', async () => {
    const t = await openTestCore();
    opened.push(t);
    await t.call('census.setup', DONGCHENG);
    const upload = (file: string) => ({ name: path.basename(file), dataBase64: readFileSync(file).toString('base64') });
    const importFiles = async (file: string) => {
      const p = await t.call('io.import.preview', { files: [upload(file)] });
      return t.call('io.import.commit', { importId: p.importId });
    };
    let key = (await t.call('grid.refs', {})).key;

    const workbook = await importFiles(await writeXlsx(path.join(t.dir, '景山街道.xlsx'), [
      { name: '单位', rows: [['单位名称', '统一社会信用代码'], ['景山社工站', makeCreditCode('52110101MJ000002')]] },
      { name: '人员', rows: [['姓名', '证件号码', '所在单位'], ['乙一', makeIdNumber('19910101', 31), '景山社工站']] },
    ]));
    const afterWorkbook = await sent(t, key);
    expect(afterWorkbook?.names).toEqual(['景山社工站']);
    key = afterWorkbook!.key;

    // Persons only, naming the unit already there: the key holds and grid.refs does not read the units.
    const reads = vi.spyOn(t.core.ctx.store.units, 'options');
    const heldWithoutReading = async () => {
      reads.mockClear();
      expect(await sent(t, key)).toBeNull();
      expect(reads).not.toHaveBeenCalled();
    };
    const persons = await importFiles(writeCsv(path.join(t.dir, '东华门.csv'), [
      ['姓名', '证件号码', '所在单位'],
      ['甲一', makeIdNumber('19900101', 21), '景山社工站'],
    ], 'utf-8'));
    expect(persons).toMatchObject({ added: 1 });
    await heldWithoutReading();
    await t.call('io.imports.undo', { importId: persons.importId! });
    await heldWithoutReading();

    // The workbook's undo takes its unit away.
    await t.call('io.imports.undo', { importId: workbook.importId! });
    expect((await sent(t, key))?.names).toEqual([]);
  });

  it("a county's package merged at the city, then replaced by its next one with a unit renamed", async () => {
    const county = await countyCensus(YAOHAI, 30, 1);
    const city = await upperCensus(HEFEI, 'city');
    opened.push(county, city);
    const merge = async (name: string) => {
      const pkg = await exportTo(county, name);
      const files = [{ name, data: pkg.data }];
      const [p] = await previewPackages(city.core.ctx, files);
      const r = await mergePackages(city.core.ctx, files, { trustKeys: [{ areaCode: p!.area!, fingerprint: p!.fingerprintHex! }] });
      expect(r.results[0]?.status).toBe('merged');
    };
    const empty = (await city.call('grid.refs', {})).key;
    await merge('yaohai-1.hcpkg');
    const first = await sent(city, empty);
    const countyUnits = (await county.call('units.list', { limit: 1000 })).rows;
    expect(first?.names).toEqual(countyUnits.map((u) => u.data.name).sort());
    expect(await sent(city, first!.key)).toBeNull();

    const unit = countyUnits[0]!;
    await county.call('units.update', { id: unit.id, patch: { name: '更名后的社工站' } });
    await merge('yaohai-2.hcpkg');
    const replaced = await sent(city, first!.key);
    expect(replaced?.names).toContain('更名后的社工站');
    expect(replaced?.names).not.toContain(unit.data.name);
  });
});
