/** Classifiers: record → category index within a section (the last index is "unknown"). */
import { codesOf } from '../census/codes';
import type { FieldValue, RecordData } from '../census/schema';
import { AGE_BANDS, ageAt, ageBandOf } from './age';
import type { RecordLike } from './filter';
import type { ReportEnv } from './env';
import { codeListOfField, isMultiCode } from './rows';


export type Classify = (r: RecordLike) => number | number[];

export interface Ctx {
  env: ReportEnv;
  unitData: Map<string, RecordData>;
  townshipIndex: Map<string, number>;
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
    return (r) => {
      const b = ageBandOf(ageAt(r.data.birthDate, ctx.env.refDate));
      return b ? index.get(b.key)! : unknown;
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
