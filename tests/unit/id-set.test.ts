import { describe, expect, it } from 'vitest';
import { IdSet } from '../../electron/core/services/packages/id-set';

const ids = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => `${prefix}-${i.toString(36)}-${(i * 7919).toString(16)}`);
const none = new Set<string>();

describe('the ids a bulk merge keeps in memory', () => {
  it('finds every stored id under another area, none under a replaced one, and no id never stored', () => {
    const set = new IdSet(100); // far too small: grows while adding
    const a = ids('a', 3000);
    const b = ids('b', 2000);
    set.add(IdSet.hashes(a), () => '110101');
    set.add(IdSet.hashes(b), (i) => (i % 2 ? '110102' : '110105'));
    expect(set.size).toBe(5000);
    expect(set.suspects(IdSet.hashes(a), none)).toHaveLength(3000);
    expect(set.suspects(IdSet.hashes(a), new Set(['110101']))).toEqual([]);
    // Only the ids stored under an area not replaced are suspects
    const odd = set.suspects(IdSet.hashes(b), new Set(['110105']));
    expect(odd).toEqual(b.map((_, i) => i).filter((i) => i % 2));
    expect(set.suspects(IdSet.hashes(ids('c', 10_000)), none)).toEqual([]);
  });

  it('forgets the ids of a replaced area only, and keeps the rest through growing again', () => {
    const set = new IdSet(1000);
    const a = ids('a', 1500);
    const b = ids('b', 1500);
    set.add(IdSet.hashes(a), () => '110101');
    set.add(IdSet.hashes(b), () => '110102');
    set.remove(IdSet.hashes(a.slice(0, 1000)), new Set(['110102'])); // wrong area: nothing goes
    expect(set.size).toBe(3000);
    set.remove(IdSet.hashes(a.slice(0, 1000)), new Set(['110101']));
    expect(set.size).toBe(2000);
    expect(set.suspects(IdSet.hashes(a), none)).toEqual(a.map((_, i) => i).filter((i) => i >= 1000));
    // Adding past the load limit rebuilds the table without the removed slots
    const c = ids('c', 20_000);
    set.add(IdSet.hashes(c), () => '110105');
    expect(set.size).toBe(22_000);
    const all = [...a, ...b, ...c];
    expect(set.suspects(IdSet.hashes(all), none)).toEqual(all.map((_, i) => i).filter((i) => i >= 1000));
    expect(set.suspects(IdSet.hashes(a.slice(0, 1000)), none)).toEqual([]);
  });

  it('takes 12 bytes a slot for at most 1 / 0.6 slots an id: a national merge’s 3.1M ids in 62 MB', () => {
    expect(new IdSet(3_100_000).slots * 12).toBeLessThan(63e6);
    expect(new IdSet(1_000_000).slots).toBe(Math.ceil(1_000_000 / 0.6));
    // Filled to the load limit in its smallest size: every id found, also past the table's last slot
    const set = new IdSet(10);
    expect(set.slots).toBe(1024);
    const a = ids('w', 716);
    set.add(IdSet.hashes(a), () => '110101');
    expect(set.slots).toBe(1024);
    expect(set.suspects(IdSet.hashes(a), none)).toHaveLength(716);
    expect(set.suspects(IdSet.hashes(ids('v', 5000)), none)).toEqual([]);
  });
});
