/**
 * The one-pass reader of persons.csv / units.csv (read-fast.ts) takes only what our writer makes and
 * steps aside for anything else: every package must read to exactly the same records either way, and
 * a package written another valid way (LF line ends, a quoted header, no final line end) must still be
 * read — by the general reader — as before.
 */
import Papa from 'papaparse';
import { fieldsOf } from '../../shared/census/dictionary';
import { beforeAll, describe, expect, it } from 'vitest';
import { readPackage, type ParsedPackage } from '../../electron/core/services/packages';
import { Interned } from '../../electron/core/services/packages/read-fast';
import { readPackageIsolated } from '../../electron/core/worker/package';
import { asLegacyPackage, countyCensus, exportTo, repack, unpack, YAOHAI } from '../fixtures/packages';

let valid: Buffer;
let tricky: Buffer;

/** persons.csv with text cells that need quoting, escaping, line breaks and 4-byte characters */
function withTrickyCells(csv: Buffer): Buffer {
  const rows = Papa.parse<string[]>(csv.toString('utf8'), { skipEmptyLines: true }).data;
  const header = rows[0]!;
  const name = header.indexOf('name');
  const major = header.indexOf('major_name');
  const cert = header.indexOf('cert_number');
  rows[1]![name] = '王"小"明, 二世';
  rows[2]![name] = '李\r\n四';
  rows[3]![major] = '社会\n工作 \\ 反斜杠 𠮷 😀';
  rows[4]![cert] = '"';
  rows[5]![major] = ' 前后空格 ';
  // Integers as the general reader takes them (BigInt of the digits), and control characters JSON must escape
  const hours = header.indexOf('training_hours');
  rows[6]![hours] = '007';
  rows[7]![hours] = '-0';
  rows[8]![hours] = '-123456789012345';
  rows[9]![major] = '制表\t符\u0001 \\"';
  return Buffer.from(`${Papa.unparse(rows, { newline: '\r\n' })}\r\n`, 'utf8');
}

/** provenance.csv with source cells that need quoting, and a source row with leading zeros */
function withTrickyOrigins(csv: Buffer): Buffer {
  const rows = Papa.parse<string[]>(csv.toString('utf8'), { skipEmptyLines: true }).data;
  const [table, file, sheet, row, by] = ['table', 'source_file', 'source_sheet', 'source_row', 'created_by'].map((c) => rows[0]!.indexOf(c));
  const persons = rows.filter((r) => r[table!] === 'person');
  Object.assign(persons[0]!, { [file!]: '乡镇,表"1"\r\n.xlsx', [sheet!]: '人员 "甲"', [row!]: '0012', [by!]: '录入员\\乙' });
  Object.assign(persons[1]!, { [file!]: '', [row!]: '7' });
  return Buffer.from(`${Papa.unparse(rows, { newline: '\r\n' })}\r\n`, 'utf8');
}

/** persons.csv with every cell of every record quoted (valid CSV; the header stays as our writer spells it) */
function allQuoted(csv: Buffer): Buffer {
  const [header, ...rows] = Papa.parse<string[]>(csv.toString('utf8'), { skipEmptyLines: true }).data;
  return Buffer.from(`${header!.join(',')}\r\n${Papa.unparse(rows, { newline: '\r\n', quotes: true })}\r\n`, 'utf8');
}

function content(p: ParsedPackage) {
  return {
    persons: [...p.persons.rows], units: [...p.units.rows], personIds: p.persons.ids, unitIds: p.units.ids,
    idNumbers: p.persons.idNumbers, areas: [...p.persons.areaCodes].sort(), first: [...p.persons.firstPackages],
    explanations: p.explanations, audit: p.audit, decisions: p.decisions,
  };
}

beforeAll(async () => {
  const county = await countyCensus(YAOHAI, 80, 11);
  valid = (await exportTo(county, 'valid.hcpkg')).data;
  county.close();
  tricky = await repack(valid, (e) => {
    e.set('persons.csv', withTrickyCells(e.get('persons.csv')!));
    e.set('provenance.csv', withTrickyOrigins(e.get('provenance.csv')!));
  });
});

const read = (data: Buffer) => readPackage(data, { fileName: 'x.hcpkg' });

/** The same package with persons.csv's header quoted: valid CSV our writer never makes, so the general reader reads it */
const generalOnly = (data: Buffer) => repack(data, (e) => {
  const csv = e.get('persons.csv')!.toString('utf8');
  const end = csv.indexOf('\r\n');
  e.set('persons.csv', Buffer.from(csv.slice(0, end).split(',').map((c) => `"${c}"`).join(',') + csv.slice(end), 'utf8'));
});

describe('the one-pass record reader', () => {
  it('reads an exported package in one pass (rows come packed)', async () => {
    const p = await read(valid);
    expect(p.persons.rows.packed).toBeDefined();
    expect(p.units.rows.packed).toBeDefined();
    expect(p.persons.rows.length).toBe(80);
  });

  it('gives the general reader’s records, cell for cell, for quotes, commas, line breaks and 4-byte characters', async () => {
    const fast = await read(tricky);
    expect(fast.persons.rows.packed).toBeDefined();
    const general = await read(await generalOnly(tricky));
    expect(general.persons.rows.packed).toBeUndefined();
    expect(content(fast)).toEqual(content(general));
    const names = [...fast.persons.rows].map((r) => r[2]);
    expect(names).toContain('王"小"明, 二世');
    expect(names).toContain('李\r\n四');
    const hours = 2 + fieldsOf.person.findIndex((f) => f.key === 'trainingHours');
    expect([...fast.persons.rows].slice(5, 8).map((r) => r[hours])).toEqual([7n, 0n, -123456789012345n]);
  });

  it('reads every cell quoted (integers, booleans and code lists too) to the same records', async () => {
    const keep = ['township', 'swPost', 'trainingHours', 'domains'];
    const quoted = await repack(tricky, (e) => e.set('persons.csv', allQuoted(e.get('persons.csv')!)));
    const fast = await readPackage(quoted, { fileName: 'x.hcpkg', keepPersonFields: keep });
    expect(fast.persons.rows.packed).toBeDefined();
    const base = await readPackage(await generalOnly(tricky), { fileName: 'x.hcpkg', keepPersonFields: keep });
    expect(base.persons.rows.packed).toBeUndefined();
    expect(content(fast)).toEqual(content(base));
    expect(fast.persons.kept).toEqual(base.persons.kept);
  });

  it('leaves packages written with LF line ends, without a final line end or with provenance in another order to the general reader, which reads them as before', async () => {
    const lf = await repack(valid, (e) => {
      for (const n of ['persons.csv', 'units.csv']) e.set(n, Buffer.from(e.get(n)!.toString('utf8').replace(/\r\n/g, '\n'), 'utf8'));
    });
    const unterminated = await repack(valid, (e) => e.set('persons.csv', e.get('persons.csv')!.subarray(0, -2)));
    // Provenance rows in another order than the records (the one-pass reader reads them in step): two persons' swapped
    const reordered = await repack(valid, (e) => {
      const lines = e.get('provenance.csv')!.toString('utf8').split('\r\n');
      const a = lines.findIndex((l) => l.startsWith('person,'));
      [lines[a], lines[a + 1]] = [lines[a + 1]!, lines[a]!];
      e.set('provenance.csv', Buffer.from(lines.join('\r\n'), 'utf8'));
    });
    const base = content(await read(valid));
    for (const data of [lf, unterminated, reordered]) {
      const p = await read(data);
      expect(p.persons.rows.packed).toBeUndefined();
      expect(content(p)).toEqual(base);
    }
  });

  it('keeps the person fields asked for column by column, the same from either reader and equal to the rows', async () => {
    const keep = ['township', 'birthDate', 'swPost', 'trainingHours', 'domains', 'unitId', 'change'];
    expect(keep.every((k) => fieldsOf.person.some((f) => f.key === k))).toBe(true);
    const lf = await repack(tricky, (e) => e.set('persons.csv', Buffer.from(e.get('persons.csv')!.toString('utf8').replace(/\r\n(?=[^\r\n]*$)/, '\n'), 'utf8')));
    const fast = await readPackage(tricky, { fileName: 'x.hcpkg', keepPersonFields: keep });
    const general = await readPackage(lf, { fileName: 'x.hcpkg', keepPersonFields: keep });
    expect(fast.persons.rows.packed).toBeDefined();
    expect(general.persons.rows.packed).toBeUndefined();
    expect(general.persons.kept).toEqual(fast.persons.kept);
    const at = (key: string) => 2 + fieldsOf.person.findIndex((f) => f.key === key);
    for (const key of keep) {
      const fromRows = [...fast.persons.rows].map((r) => (typeof r[at(key)] === 'bigint' ? Number(r[at(key)]) : r[at(key)]));
      expect(fast.persons.kept!.get(key)).toEqual(fromRows);
    }
    // Something to compare: the fields hold values of each kind
    expect(fast.persons.kept!.get('swPost')).toContain(1);
    expect(fast.persons.kept!.get('township')!.every((t) => typeof t === 'string')).toBe(true);
    expect((await read(tricky)).persons.kept).toEqual(new Map());
  });

  it('refuses a bad cell with the general reader’s message (line and column named)', async () => {
    const entries = await unpack(valid);
    const csv = entries.get('persons.csv')!.toString('utf8');
    const header = csv.slice(0, csv.indexOf('\r\n')).split(',');
    const withCell = (column: string, value: string) => repack(valid, (e) => {
      const lines = e.get('persons.csv')!.toString('utf8').split('\r\n');
      const cells = Papa.parse<string[]>(lines[3]!).data[0]!;
      cells[header.indexOf(column)] = value;
      lines[3] = Papa.unparse([cells]);
      e.set('persons.csv', Buffer.from(lines.join('\r\n'), 'utf8'));
    });
    await expect(read(await withCell('training_hours', '十二'))).rejects.toThrow(/「persons\.csv」第 4 行「training_hours（.+）」不是整数：「十二」/);
    // What the one-pass reader checks on bytes, each refused as the general reader refuses it
    await expect(read(await withCell('training_hours', '1234567890123456'))).rejects.toThrow(/第 4 行「training_hours（.+）」不是整数/);
    await expect(read(await withCell('training_hours', '-'))).rejects.toThrow(/第 4 行「training_hours（.+）」不是整数/);
    await expect(read(await withCell('sw_post', 'TRUE'))).rejects.toThrow(/第 4 行「sw_post（.+）」应为 true 或 false/);
    await expect(read(await withCell('domains', 'a,,b'))).rejects.toThrow(/第 4 行「domains（.+）」代码列表格式不正确/);
    await expect(read(await withCell('domains', ',a'))).rejects.toThrow(/第 4 行「domains（.+）」代码列表格式不正确/);
  });

  it('decodes repeated short cells once, and never gives one cell another cell’s string', () => {
    // Far more distinct values than the table has slots, of the same lengths: slots are shared
    const values = Array.from({ length: 20_000 }, (_, i) => (i % 3 === 0 ? `代码${i}` : i % 3 === 1 ? `c${String(i).padStart(6, '0')}` : `2026-01-${i}`));
    values.push('', 'x'.repeat(16), 'x'.repeat(17), '𠮷😀');
    const src = Buffer.from(values.join(''), 'utf8');
    const at: [number, number][] = [];
    let pos = 0;
    for (const v of values) {
      const n = Buffer.byteLength(v);
      at.push([pos, pos + n]);
      pos += n;
    }
    const interned = new Interned();
    for (let round = 0; round < 3; round++) {
      values.forEach((v, i) => expect(interned.decode(src, at[i]![0], at[i]![1])).toBe(v));
    }
  });
});

/**
 * Everything of a read but the rows themselves (and the kept columns, which the worker turns into counts):
 * what a preview, a verification or a key's trust judge by
 */
function keys(p: ParsedPackage) {
  const { rows: personRows, kept: _kept, ...persons } = p.persons;
  const { rows: unitRows, ...units } = p.units;
  return {
    head: p.head, manifestSha256: p.manifestSha256, signer: p.signer, encrypted: p.encrypted,
    persons: { ...persons, count: personRows.length }, units: { ...units, count: unitRows.length },
    explanations: p.explanations, audit: p.audit, decisions: p.decisions,
  };
}

describe('a read that counts the rows without keeping them (a preview’s)', () => {
  const counted = (data: Buffer) => readPackage(data, { fileName: 'x.hcpkg', countRowsOnly: true });

  it('gives every id, area, ID number, count and side table a full read gives, from either reader, and no rows', async () => {
    const legacy = await asLegacyPackage(valid, 2);
    for (const data of [tricky, await generalOnly(tricky), legacy]) {
      const full = await read(data);
      const c = await counted(data);
      expect(keys(c)).toEqual(keys(full));
      expect(c.persons.rows.length).toBe(full.persons.rows.length);
      expect(c.persons.rows.length).toBeGreaterThan(0);
      expect(c.persons.rows.packed?.countedOnly).toBe(true);
      // Rows that were not kept are never an empty table to whoever reads them
      expect(() => [...c.persons.rows]).toThrow(/counted only/);
      expect(() => [...c.units.rows]).toThrow(/counted only/);
      expect(full.persons.rows.packed?.countedOnly).toBeUndefined();
    }
  });

  it('checks every cell as a full read does: a bad one is refused with the same message', async () => {
    const withHours = (value: string) => repack(valid, (e) => {
      const lines = e.get('persons.csv')!.toString('utf8').split('\r\n');
      const header = lines[0]!.split(',');
      const cells = Papa.parse<string[]>(lines[3]!).data[0]!;
      cells[header.indexOf('training_hours')] = value;
      lines[3] = Papa.unparse([cells]);
      e.set('persons.csv', Buffer.from(lines.join('\r\n'), 'utf8'));
    });
    for (const value of ['十二', '1234567890123456']) {
      const bad = await withHours(value);
      const message = await read(bad).then(() => 'read', (e: Error) => e.message);
      expect(message).toMatch(/第 4 行「training_hours（.+）」不是整数/);
      await expect(counted(bad)).rejects.toThrow(message);
    }
  });

  it('comes back from the reading worker counted, with the same keys', async () => {
    const full = await read(tricky);
    const c = await readPackageIsolated(tricky, { fileName: 'x.hcpkg', countRowsOnly: true });
    expect(keys(c)).toEqual(keys(full));
    expect(() => [...c.persons.rows]).toThrow(/counted only/);
    // Without the option the worker's rows are all there
    const rows = await readPackageIsolated(tricky, { fileName: 'x.hcpkg' });
    expect([...rows.persons.rows]).toEqual([...full.persons.rows]);
  });
});
