/**
 * Person counts kept as histograms rather than cell by cell. Each person is reduced to its signature
 * (which of the tables' conditions it meets) and its category under each classifier; the histogram
 * counts persons per signature and category. A million persons fall into a few hundred signatures, so
 * a person costs one increment per classifier instead of one per table cell it lands in, and the
 * cells are filled once at the end from the signatures (tally.ts's caller decides which cells).
 */
import type { Classify } from './classify';
import type { RecordLike } from './filter';

export interface Signature {
  /** Whether the persons of this signature meet each condition */
  readonly pass: readonly boolean[];
  /** How many persons have it */
  count: number;
  /** Per classifier: persons of this signature per category (a multi-code field counts a person in each of its categories) */
  readonly byClass: readonly Float64Array[];
}

/** Conditions a signature key holds exactly: a JS number counts integers up to 2^53 */
const MAX_CONDITIONS = 52;

export class PersonHistogram {
  private readonly bySig = new Map<number, Signature>();

  constructor(
    private readonly conditions: number,
    private readonly classes: readonly Classify[],
    private readonly sizes: readonly number[],
  ) {
    if (conditions > MAX_CONDITIONS) throw new Error(`at most ${MAX_CONDITIONS} distinct person conditions, got ${conditions}`);
  }

  /** One person: `pass[i]` truthy (true or 1) when it meets condition i */
  add(pass: ArrayLike<unknown>, r: Pick<RecordLike, 'data'>): void {
    let key = 0;
    for (let i = this.conditions - 1; i >= 0; i--) key = key * 2 + (pass[i] === true || pass[i] === 1 ? 1 : 0);
    let sig = this.bySig.get(key);
    if (!sig) {
      const bits: boolean[] = [];
      for (let i = 0; i < this.conditions; i++) bits.push(pass[i] === true || pass[i] === 1);
      sig = { pass: bits, count: 0, byClass: this.sizes.map((n) => new Float64Array(n)) };
      this.bySig.set(key, sig);
    }
    sig.count++;
    for (let k = 0; k < this.classes.length; k++) {
      const c = this.classes[k]!(r);
      const h = sig.byClass[k]!;
      if (typeof c === 'number') h[c]!++;
      else for (const ci of c) h[ci]!++;
    }
  }

  signatures(): Iterable<Signature> {
    return this.bySig.values();
  }
}
