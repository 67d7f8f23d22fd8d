import { describe, expect, it } from 'vitest';
import { newRecordId } from '../../electron/core/services/io/ids';

const UUID_V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('record ids for imported records (UUIDv7)', () => {
  it('are version 7 with the RFC 9562 variant, carry the current time, and never repeat', () => {
    const before = Date.now();
    const ids = Array.from({ length: 20_000 }, () => newRecordId());
    const after = Date.now();
    for (const id of ids) expect(id).toMatch(UUID_V7);
    expect(new Set(ids).size).toBe(ids.length);
    const msOf = (id: string) => parseInt(id.slice(0, 8) + id.slice(9, 13), 16);
    // More than 4,096 ids in a millisecond borrow the next one, so the last may run a little ahead.
    expect(msOf(ids[0]!)).toBeGreaterThanOrEqual(before);
    expect(msOf(ids.at(-1)!)).toBeLessThanOrEqual(after + Math.ceil(ids.length / 4096));
  });

  it('sort in the order they were made, across the pool refill and past 4,096 in one millisecond', () => {
    // 70,000 ids: more than the 4,096-id random pool, and far more than 4,096 per millisecond here
    const ids = Array.from({ length: 70_000 }, () => newRecordId());
    for (let i = 1; i < ids.length; i++) if (!(ids[i - 1]! < ids[i]!)) expect.fail(`${ids[i - 1]} then ${ids[i]}`);
  });

  it('hand out a new string each time (the text buffer is reused, the ids are not)', () => {
    const a = newRecordId();
    const b = newRecordId();
    expect(a).not.toBe(b);
    expect(a).toMatch(UUID_V7);
  });
});
