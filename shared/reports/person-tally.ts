/**
 * Person counts kept as histograms rather than cell by cell. Each person is reduced to its signature
 * (which of the tables' conditions it meets) and its category under each classifier. A million persons
 * fall into a few thousand signatures, so a person costs one increment per classifier instead of one per
 * table cell it lands in; the caller fills the cells once at the end.
 *
 * Per classifier only the conditions its columns use are told apart (`relevant`): 表4's sections count
 * persons, women and holders, so their counts stay in a few hundred bytes that the processor keeps at
 * hand, and only the area classifier, under which every condition is counted, needs a signature each.
 */
import type { Classify } from './classify';
import type { RecordLike } from './filter';

/** Conditions a signature key holds exactly: a JS number counts integers up to 2^53 */
const MAX_CONDITIONS = 52;

export interface Signature {
  /** Whether the persons of this signature meet each condition */
  readonly pass: readonly boolean[];
  count: number;
  /** Per classifier: the row of its counts (conditions it does not tell apart folded together) */
  readonly rows: readonly number[];
}

interface ByClassifier {
  readonly size: number;
  /** Bit mask (as a key over `relevant`) → row */
  readonly rowOf: Map<number, number>;
  /** Per row: the pass bits of the conditions this classifier tells apart (others false) */
  readonly pass: boolean[][];
  /** Row-major: `counts[row * size + category]` */
  counts: Float64Array;
}

const truthy = (v: unknown) => v === true || v === 1;

export class PersonHistogram {
  private readonly bySig = new Map<number, Signature>();
  private readonly classifiers: ByClassifier[];

  /**
   * @param relevant per classifier, the conditions counted under it
   */
  constructor(
    private readonly conditions: number,
    private readonly classes: readonly Classify[],
    sizes: readonly number[],
    private readonly relevant: readonly (readonly number[])[],
  ) {
    if (conditions > MAX_CONDITIONS) throw new Error(`at most ${MAX_CONDITIONS} distinct person conditions, got ${conditions}`);
    this.classifiers = sizes.map((size) => ({ size, rowOf: new Map(), pass: [], counts: new Float64Array(size * 8) }));
  }

  /** One person: `pass[i]` is true or 1 when it meets condition i */
  add(pass: ArrayLike<unknown>, r: Pick<RecordLike, 'data'>): void {
    let key = 0;
    for (let i = this.conditions - 1; i >= 0; i--) key = key * 2 + (truthy(pass[i]) ? 1 : 0);
    const sig = this.bySig.get(key) ?? this.signature(key, pass);
    sig.count++;
    for (let k = 0; k < this.classes.length; k++) {
      const c = this.classes[k]!(r);
      const by = this.classifiers[k]!;
      const base = sig.rows[k]! * by.size;
      if (typeof c === 'number') by.counts[base + c]!++;
      else for (const ci of c) by.counts[base + ci]!++;
    }
  }

  /** Every signature seen, with how many persons have it */
  signatures(): Iterable<Signature> {
    return this.bySig.values();
  }

  /** The counts under classifier `k`: per row, the conditions told apart and the persons per category */
  *classified(k: number): Generator<{ pass: readonly boolean[]; counts: Float64Array }> {
    const by = this.classifiers[k]!;
    for (let row = 0; row < by.pass.length; row++) yield { pass: by.pass[row]!, counts: by.counts.subarray(row * by.size, (row + 1) * by.size) };
  }

  private signature(key: number, pass: ArrayLike<unknown>): Signature {
    const bits: boolean[] = [];
    for (let i = 0; i < this.conditions; i++) bits.push(truthy(pass[i]));
    const rows = this.classifiers.map((by, k) => {
      let folded = 0;
      for (const i of this.relevant[k]!) folded = folded * 2 + (bits[i] ? 1 : 0);
      let row = by.rowOf.get(folded);
      if (row === undefined) {
        row = by.pass.length;
        by.rowOf.set(folded, row);
        by.pass.push(bits.map((b, i) => b && this.relevant[k]!.includes(i)));
        if ((row + 1) * by.size > by.counts.length) {
          const grown = new Float64Array(by.counts.length * 2);
          grown.set(by.counts);
          by.counts = grown;
        }
      }
      return row;
    });
    const sig: Signature = { pass: bits, count: 0, rows };
    this.bySig.set(key, sig);
    return sig;
  }
}
