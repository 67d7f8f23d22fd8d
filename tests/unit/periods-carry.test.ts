/**
 * 新建下一期 moves last census's records by SQL (the carry) and finds 上期 → 本期 by comparing stored JSON
 * in SQL. Both are held here to what the census means, computed in JavaScript from last census's records
 * as the store reads them: every kind of stored value (lists, yes/no, numbers, the clerk's text where a
 * number belongs, quotes, control characters, blanks), leavers of every reason, a level the code list
 * does not know, a person the counting rule leaves out.
 */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHANGE_PENDING, LEAVE_CODES } from '../../shared/census/change';
import { isValidCode } from '../../shared/census/codes';
import { fieldsOf } from '../../shared/census/dictionary';
import type { FieldValue, RecordData, RecordRow } from '../../shared/census/schema';
import { openExistingStore, snapshotDatabase } from '../../electron/core/db';
import { countyCensus } from '../fixtures/packages';
import { openTestCore, tempDir, type TestCore } from '../fixtures/core';
import { nextCensus } from '../fixtures/periods';

const PER_PERIOD = new Set(['trainingHours', 'change', 'prevQualLevel']);
const encode = (v: FieldValue | undefined) => (v == null || v === '' || (Array.isArray(v) && v.length === 0) ? null : JSON.stringify(v));

/** 上期 → 本期 as the grid means it, from whole records: each carried record's differing fields, last values */
function changesByHand(previous: Map<string, RecordData>, now: RecordRow[]): Record<string, RecordData> {
  const out: Record<string, RecordData> = {};
  for (const r of now) {
    const last = previous.get(r.id);
    if (!last) continue;
    const diff: RecordData = {};
    for (const f of fieldsOf.person) {
      if (PER_PERIOD.has(f.key) || encode(last[f.key]) === encode(r.data[f.key])) continue;
      diff[f.key] = last[f.key] ?? null;
    }
    if (Object.keys(diff).length) out[r.id] = diff;
  }
  return out;
}

const opened: TestCore[] = [];
afterAll(() => {
  for (const t of opened) t.close();
});

describe('carrying last census into the next one', () => {
  let last: TestCore;
  let next: TestCore;
  let lastPersons: RecordRow[];
  const odd = new Map<string, RecordData>();

  beforeAll(async () => {
    last = await countyCensus('110101', 600, 7);
    opened.push(last);
    const store = last.core.ctx.store;
    const ids = [...store.persons.iterate()].map((r) => r.id);
    const at = '2026-12-30T08:00:00.000Z';
    // Every leaving reason, and values of every kind as the store keeps them (an import keeps the clerk's text).
    LEAVE_CODES.forEach((code, i) => odd.set(ids[i]!, { change: code }));
    odd.set(ids[10]!, { name: '王"小\\明\n\u2028😀', qualLevel: '9', trainingHours: 40 });
    odd.set(ids[11]!, { qualLevel: null, trainingHours: '十二' as unknown as number, cumTrainingHours: 'about 3' as unknown as number });
    odd.set(ids[12]!, { majorName: '', phone: null, change: '10', domains: [], swPost: false, startYear: '九十年代' as unknown as number });
    odd.set(ids[13]!, { qualLevel: '2', change: '21' });
    for (const [id, data] of odd) store.persons.update(id, data, at);
    lastPersons = [...store.persons.iterate()];
    next = await nextCensus(last.core.dbPath, '2027-12-31');
    opened.push(next);
  }, 60_000);

  it('carries every unit and every person but the leavers, each as the rule says, in last census order', async () => {
    const carried = [...next.core.ctx.store.persons.iterate()];
    const expected = lastPersons.filter((r) => !LEAVE_CODES.includes(r.data.change as string));
    expect(carried.map((r) => r.id)).toEqual(expected.map((r) => r.id));
    expect(carried.length).toBe(600 - LEAVE_CODES.length);
    const byId = new Map(carried.map((r) => [r.id, r]));
    for (const r of expected) {
      const q = r.data.qualLevel;
      const c = byId.get(r.id)!;
      expect(c.data).toStrictEqual({
        ...r.data,
        change: CHANGE_PENDING,
        trainingHours: null,
        prevQualLevel: typeof q === 'string' && isValidCode('qualLevel', q) ? q : '0',
      });
      expect(c).toMatchObject({ areaCode: r.areaCode, source: null, createdBy: '县级操作员' });
      expect(c.createdAt).toBe(c.updatedAt);
    }
    // The odd ones, spelled out: text kept as it was, an unknown level carried as 0.
    expect(byId.get(lastPersons[10]!.id)!.data).toMatchObject({ name: '王"小\\明\n\u2028😀', qualLevel: '9', prevQualLevel: '0', trainingHours: null });
    expect(byId.get(lastPersons[11]!.id)!.data).toMatchObject({ cumTrainingHours: 'about 3', qualLevel: null, prevQualLevel: '0' });
    expect(byId.get(lastPersons[13]!.id)!.data).toMatchObject({ qualLevel: '2', prevQualLevel: '2', change: CHANGE_PENDING });
    const units = [...next.core.ctx.store.units.iterate()];
    const lastUnits = [...last.core.ctx.store.units.iterate()];
    expect(units.map((u) => [u.id, u.data])).toStrictEqual(lastUnits.map((u) => [u.id, u.data]));
  });

  it('keeps every carried record\'s last values exactly as last census read them', async () => {
    const expected = lastPersons.filter((r) => !LEAVE_CODES.includes(r.data.change as string));
    const prev = await next.call('periods.previous', { table: 'person', ids: expected.map((r) => r.id).slice(0, 10_000) });
    expect(Object.keys(prev).length).toBe(expected.length);
    for (const r of expected) expect(prev[r.id]).toStrictEqual(r.data);
    const leaver = lastPersons[0]!.id;
    expect((await next.call('periods.previous', { table: 'person', ids: [leaver] }))[leaver]).toBeUndefined();
    const lastUnits = [...last.core.ctx.store.units.iterate()];
    const prevUnits = await next.call('periods.previous', { table: 'unit', ids: lastUnits.map((u) => u.id) });
    for (const u of lastUnits) expect(prevUnits[u.id]).toStrictEqual(u.data);
  });

  it('finds 上期 → 本期 as a field-by-field comparison of whole records would', async () => {
    const previous = new Map(lastPersons.map((r) => [r.id, r.data]));
    expect(await next.call('periods.changes', { table: 'person' })).toEqual({});
    const store = next.core.ctx.store;
    const ids = [...store.persons.iterate()].map((r) => r.id);
    const at = '2027-06-01T08:00:00.000Z';
    const edits: [string, RecordData][] = [
      [ids[0]!, { name: '改名' }],
      [ids[1]!, { phone: '13900000000', trainingHours: 12 }],
      // A period's own fields only: nothing to point out.
      [ids[2]!, { trainingHours: 30, change: '10' }],
      // Changed, then changed back: nothing either.
      [ids[3]!, { education: '10' }],
      [ids[3]!, { education: previous.get(ids[3]!)!.education ?? null }],
      // Blank kept as '' now where it was null then: the same to a clerk.
      [ids[4]!, { majorName: previous.get(ids[4]!)!.majorName == null ? '' : null }],
      [ids[5]!, { cumTrainingHours: 'about 3' as unknown as number }],
      [ids[6]!, { name: '王"小\\明\n\u2028😀' }],
    ];
    for (const [id, data] of edits) store.persons.update(id, data, at);
    const got = await next.call('periods.changes', { table: 'person' });
    expect(got).toEqual(changesByHand(previous, [...store.persons.iterate()]));
    expect(Object.keys(got).sort()).toEqual([ids[0]!, ids[1]!, ids[5]!, ids[6]!].sort());
    expect(got[ids[0]!]).toEqual({ name: previous.get(ids[0]!)!.name });
    // Units too, through an edit as the grid sends it: its reply names what now differs.
    const unit = [...store.units.iterate()][0]!;
    expect(await next.call('periods.changes', { table: 'unit' })).toEqual({});
    const edit = await next.call('grid.apply', { table: 'unit', create: [], changes: [{ id: unit.id, field: 'name', text: '改名后的单位' }], remove: [] });
    expect(edit.previous).toEqual({ [unit.id]: { name: unit.data.name } });
    expect(await next.call('periods.changes', { table: 'unit' })).toEqual({ [unit.id]: { name: unit.data.name } });
    // And back: it differs in nothing, and the reply says so.
    const back = await next.call('grid.apply', { table: 'unit', create: [], changes: [{ id: unit.id, field: 'name', text: String(unit.data.name) }], remove: [] });
    expect(back.previous).toEqual({ [unit.id]: {} });
  });

  it('leaves out the persons named, and carries a field by a rule, when attached by hand', async () => {
    const t = await openTestCore();
    opened.push(t);
    await t.call('census.setup', { areaCode: '110101', level: 'county', refDate: '2027-12-31', officeName: '东城区民政局', operator: '李四' });
    const copy = path.join(tempDir(), 'copy.sqlite');
    snapshotDatabase(last.core.dbPath, copy);
    openExistingStore(copy).close();
    const skip = lastPersons.slice(20, 25).map((r) => r.id);
    const store = t.core.ctx.store;
    const attached = store.periods.attachPrevious(copy);
    let n = 0;
    try {
      expect(() => attached.carry('person', { skipIds: [] }, 'x', 'y')).toThrow(/transaction/);
      n = store.tx(() => attached.carry('person', { skipIds: skip, skipWhen: { key: 'change', codes: ['10'] } }, '李四', '2027-01-01T00:00:00.000Z'));
    } finally {
      attached.detach();
    }
    const expected = lastPersons.filter((r) => !skip.includes(r.id) && r.data.change !== '10');
    expect(n).toBe(expected.length);
    // Blank 变动情况 (NULL) is carried: NOT IN alone would have dropped it.
    expect(expected.some((r) => r.data.change == null)).toBe(true);
    expect([...store.persons.iterate()].map((r) => [r.id, r.data])).toStrictEqual(expected.map((r) => [r.id, r.data]));
    // Detached: the copy is no longer reachable from the census's connection.
    expect(() => store.periods.attachPrevious(copy).detach()).not.toThrow();
  });
});
