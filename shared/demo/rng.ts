/** Randomness for the demo generator: a seeded sfc32 stream and weighted draws, exactly reproducible. */

// ---------------------------------------------------------------------------------------------
// Randomness

/** cyrb128: spreads a short seed string over 128 bits of sfc32 state. */
export function hash128(s: string): [number, number, number, number] {
  let h1 = 1779033703, h2 = 3144134277, h3 = 1013904242, h4 = 2773480762;
  for (let i = 0; i < s.length; i++) {
    const k = s.charCodeAt(i);
    h1 = h2 ^ Math.imul(h1 ^ k, 597399067);
    h2 = h3 ^ Math.imul(h2 ^ k, 2869860233);
    h3 = h4 ^ Math.imul(h3 ^ k, 951274213);
    h4 = h1 ^ Math.imul(h4 ^ k, 2716044179);
  }
  h1 = Math.imul(h3 ^ (h1 >>> 18), 597399067);
  h2 = Math.imul(h4 ^ (h2 >>> 22), 2869860233);
  h3 = Math.imul(h1 ^ (h3 >>> 17), 951274213);
  h4 = Math.imul(h2 ^ (h4 >>> 19), 2716044179);
  h1 ^= h2 ^ h3 ^ h4;
  h2 ^= h1;
  h3 ^= h1;
  h4 ^= h1;
  return [h1 >>> 0, h2 >>> 0, h3 >>> 0, h4 >>> 0];
}

export class Rng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  constructor(seed: string) {
    [this.a, this.b, this.c, this.d] = hash128(seed);
    for (let i = 0; i < 16; i++) this.u32();
  }

  /** sfc32 */
  u32(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return t >>> 0;
  }

  /** [0, 1) */
  next(): number {
    return this.u32() / 4294967296;
  }

  /** 0 … n-1 */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  /** lo … hi inclusive */
  range(lo: number, hi: number): number {
    return lo + this.int(hi - lo + 1);
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)]!;
  }

  /**
   * Version-4-shaped UUID from 122 random bits: a collision among a few million ids is less likely
   * than a hardware fault, so there is no uniqueness set (it would cost a quarter of the run).
   */
  uuid(): string {
    const a = this.u32();
    const b = this.u32();
    const c = this.u32();
    const d = this.u32();
    return (
      hex4(a >>> 16) + hex4(a & 0xffff) + '-' + hex4(b >>> 16) + '-4' + HEX1[(b >>> 8) & 15]! + HEX2[b & 255]! + '-' +
      '89ab'[c >>> 30]! + HEX1[(c >>> 24) & 15]! + HEX2[(c >>> 16) & 255]! + '-' + hex4(c & 0xffff) + hex4(d >>> 16) +
      hex4(d & 0xffff)
    );
  }
}

// Lookup tables: String(n).padStart() and toString(16) dominate the run time otherwise.
export const HEX1 = '0123456789abcdef';
export const HEX2 = Array.from({ length: 256 }, (_, i) => HEX1[i >>> 4]! + HEX1[i & 15]!);
export const DIGITS2 = Array.from({ length: 100 }, (_, i) => String(i).padStart(2, '0'));
export const DIGITS3 = Array.from({ length: 1000 }, (_, i) => String(i).padStart(3, '0'));
export const DIGITS4 = Array.from({ length: 10_000 }, (_, i) => String(i).padStart(4, '0'));

export function hex4(x: number): string {
  return HEX2[x >>> 8]! + HEX2[x & 255]!;
}

export interface Weighted<T> {
  values: readonly T[];
  cum: Float64Array;
  total: number;
}

export function weighted<T>(entries: ReadonlyArray<readonly [T, number]>): Weighted<T> {
  const cum = new Float64Array(entries.length);
  let total = 0;
  entries.forEach(([, w], i) => {
    total += w;
    cum[i] = total;
  });
  return { values: entries.map(([v]) => v), cum, total };
}

export function draw<T>(rng: Rng, w: Weighted<T>): T {
  const x = rng.next() * w.total;
  let lo = 0;
  let hi = w.cum.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (w.cum[mid]! > x) hi = mid;
    else lo = mid + 1;
  }
  return w.values[lo]!;
}
