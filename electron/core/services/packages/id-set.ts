/**
 * The record ids of a table as 64-bit hashes, each with the area code of its record: what the unique
 * id index answers during a merge ("is this id already stored, under an area the package does not
 * replace?"), kept in memory while a bulk merge has that index dropped. Open addressing over typed
 * arrays: 12 bytes a slot, 60–70 % full — ~20 MB for a million ids, no JS object per id.
 *
 * A hit is only a suspicion (two ids can share a hash); the caller confirms it exactly. A miss is
 * certain: every stored id is in the set.
 */

const EMPTY = 0;
const DELETED = 0xffffffff;
const MAX_LOAD = 0.7;
/** How full a table starts (or is rebuilt to): room to add before the next rebuild */
const START_LOAD = 0.6;

/** Two independent 32-bit hashes of a string's UTF-16 units (FNV-1a and a murmur-style mix) */
function hash(s: string, out: Uint32Array, at: number): void {
  let a = 0x811c9dc5;
  let b = 0x9747b28c ^ s.length;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193);
    b = Math.imul(b ^ c, 0x5bd1e995);
    b ^= b >>> 15;
  }
  b = Math.imul(b ^ (b >>> 13), 0xc2b2ae35);
  out[at] = a >>> 0;
  out[at + 1] = (b ^ (b >>> 16)) >>> 0;
}

export class IdSet {
  private hi: Uint32Array;
  private lo: Uint32Array;
  /** 0 empty, DELETED, else 1 + index into `areas` */
  private tag: Uint32Array;
  private cap: number;
  private used = 0;
  private live = 0;
  private readonly areas: string[] = [];
  private readonly areaIndex = new Map<string, number>();

  constructor(expected: number) {
    const cap = capacityFor(expected);
    this.hi = new Uint32Array(cap);
    this.lo = new Uint32Array(cap);
    this.tag = new Uint32Array(cap);
    this.cap = cap;
  }

  get size(): number {
    return this.live;
  }

  /** Slots in the table (12 bytes each) */
  get slots(): number {
    return this.cap;
  }

  /** Hashes of `ids`, two 32-bit words each (computed once per package, used to look up and to add) */
  static hashes(ids: readonly string[]): Uint32Array {
    const out = new Uint32Array(ids.length * 2);
    for (let i = 0; i < ids.length; i++) hash(ids[i]!, out, i * 2);
    return out;
  }

  /**
   * Indexes (into the hashed ids) of the ids that may already be stored under an area code not in
   * `replaced` — the records a package would clash with. Nothing is changed.
   */
  suspects(h: Uint32Array, replaced: ReadonlySet<string>): number[] {
    const out: number[] = [];
    for (let i = 0; i < h.length / 2; i++) if (this.slotOf(h[i * 2]!, h[i * 2 + 1]!, replaced, false) >= 0) out.push(i);
    return out;
  }

  /** Adds ids (by their hashes) with each one's area code */
  add(h: Uint32Array, areaOf: (i: number) => string): void {
    const n = h.length / 2;
    this.reserve(n);
    for (let i = 0; i < n; i++) this.put(h[i * 2]!, h[i * 2 + 1]!, this.areaTag(areaOf(i)));
  }

  /** Removes ids (stored under one of `areas`) — a package's records being replaced */
  remove(h: Uint32Array, areas: ReadonlySet<string>): void {
    for (let i = 0; i < h.length / 2; i++) {
      const s = this.slotOf(h[i * 2]!, h[i * 2 + 1]!, areas, true);
      if (s < 0) continue;
      this.tag[s] = DELETED;
      this.live--;
    }
  }

  /** Where hash (x, y) is looked for first */
  private home(x: number, y: number): number {
    return ((x ^ Math.imul(y, 0x9e3779b1)) >>> 0) % this.cap;
  }

  /** The slot holding hash (x, y) under an area that is (`inAreas`) or is not in `areas`; -1 if none */
  private slotOf(x: number, y: number, areas: ReadonlySet<string>, inAreas: boolean): number {
    for (let s = this.home(x, y); ; s = s + 1 === this.cap ? 0 : s + 1) {
      const t = this.tag[s]!;
      if (t === EMPTY) return -1;
      if (t !== DELETED && this.hi[s] === x && this.lo[s] === y && areas.has(this.areas[t - 1]!) === inAreas) return s;
    }
  }

  private areaTag(area: string): number {
    let k = this.areaIndex.get(area);
    if (k === undefined) {
      k = this.areas.length;
      this.areas.push(area);
      this.areaIndex.set(area, k);
    }
    return k + 1;
  }

  private put(x: number, y: number, tag: number): void {
    // A deleted slot is reused: lookups walk past deleted slots, and ids are only added once checked absent
    for (let s = this.home(x, y); ; s = s + 1 === this.cap ? 0 : s + 1) {
      const t = this.tag[s]!;
      if (t === EMPTY || t === DELETED) {
        if (t === EMPTY) this.used++;
        this.hi[s] = x;
        this.lo[s] = y;
        this.tag[s] = tag;
        this.live++;
        return;
      }
    }
  }

  /** Room for `more` ids: the table is rebuilt (dropping deleted slots) when it would pass MAX_LOAD */
  private reserve(more: number): void {
    if (this.used + more <= this.tag.length * MAX_LOAD) return;
    const { hi, lo, tag } = this;
    const cap = capacityFor(this.live + more);
    this.hi = new Uint32Array(cap);
    this.lo = new Uint32Array(cap);
    this.tag = new Uint32Array(cap);
    this.cap = cap;
    this.used = 0;
    this.live = 0;
    for (let s = 0; s < tag.length; s++) if (tag[s] !== EMPTY && tag[s] !== DELETED) this.put(hi[s]!, lo[s]!, tag[s]!);
  }
}

/**
 * Slots for n ids, START_LOAD full: any size, not a power of two (rounding up to one doubled the national
 * merge's 3.1M ids to 8.4M slots, 100 MB instead of 62 MB)
 */
function capacityFor(n: number): number {
  return Math.max(1024, Math.ceil(n / START_LOAD));
}
