/** Classifiers: record → category index within a section (the last index is "unknown"). */
import { codesOf } from '../census/codes';
import type { FieldValue, RecordData } from '../census/schema';
import { AGE_BANDS, ageAt, ageBandOf } from './age';
import type { RecordLike } from './filter';
import type { ReportEnv } from './env';
import { codeListOfField, isMultiCode } from './rows';


/** Classifiers read a record's data only */
export type Classify = (r: Pick<RecordLike, 'data'>) => number | number[];

export interface Ctx {
  env: ReportEnv;
  unitData: ReadonlyMap<string, RecordData>;
  townshipIndex: Map<string, number>;
}

/** How many categories a classifier returns indices for (its last index, "unknown", included) */
export function classifierSize(fieldName: string, ctx: Ctx): number {
  if (fieldName === 'area') return ctx.env.subAreas.length + 1;
  if (fieldName === 'age') return AGE_BANDS.length + 1;
  return codesOf(codeListOfField(fieldName)).length + 1;
}

export function classifier(subject: 'person' | 'unit', fieldName: string, ctx: Ctx): Classify {
  if (fieldName === 'area') {
    const unknown = ctx.env.subAreas.length;
    return (r) => {
      const t = r.data.township;
      return (typeof t === 'string' ? ctx.townshipIndex.get(t) : undefined) ?? unknown;
    };
  }
  if (fieldName === 'age') {
    const unknown = AGE_BANDS.length;
    const index = new Map(AGE_BANDS.map((b, i) => [b.key, i]));
    // A million persons share a few thousand birth dates: each date is banded once.
    const byDate = new Map<FieldValue | undefined, number>();
    return (r) => {
      const d = r.data.birthDate;
      let i = byDate.get(d);
      if (i === undefined) {
        const b = ageBandOf(ageAt(d, ctx.env.refDate));
        i = b ? index.get(b.key)! : unknown;
        byDate.set(d, i);
      }
      return i;
    };
  }
  const codes = codesOf(codeListOfField(fieldName));
  const index = new Map(codes.map((c, i) => [c, i]));
  const unknown = codes.length;
  const one = (v: FieldValue | undefined): number => (typeof v === 'string' ? index.get(v) : undefined) ?? unknown;
  if (fieldName.startsWith('unit.')) {
    const key = fieldName.slice(5);
    if (subject === 'unit') return (r) => one(r.data[key]);
    return (r) => {
      const id = r.data.unitId;
      return one(typeof id === 'string' ? ctx.unitData.get(id)?.[key] : undefined);
    };
  }
  if (subject === 'unit') return () => unknown;
  if (isMultiCode(fieldName)) {
    return (r) => {
      const v = r.data[fieldName];
      if (!Array.isArray(v)) return unknown;
      const hits: number[] = [];
      for (const x of v) {
        const i = index.get(x);
        if (i !== undefined && !hits.includes(i)) hits.push(i);
      }
      return hits.length ? hits : unknown;
    };
  }
  return (r) => one(r.data[fieldName]);
}
