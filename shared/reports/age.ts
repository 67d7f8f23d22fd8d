/**
 * Ages for the summary tables: completed years at the census reference date (统计时点). A person
 * born on 1990-07-01 is 35 on 2026-06-30 and 36 on 2026-07-01; someone born on 29 February
 * has their birthday on 1 March in other years (the month-day comparison below). Exactly the
 * same rule is evaluated in SQL by the records filter, so a click on "36–45岁" lists those people.
 */
import type { FieldValue } from '../census/schema';

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Completed years at `refDate`, or null when the birth date is missing or not YYYY-MM-DD. */
export function ageAt(birthDate: FieldValue | undefined, refDate: string): number | null {
  if (typeof birthDate !== 'string') return null;
  const b = DATE.exec(birthDate);
  const r = DATE.exec(refDate);
  if (!b || !r) return null;
  const years = Number(r[1]) - Number(b[1]);
  return refDate.slice(5) < birthDate.slice(5) ? years - 1 : years;
}

export interface AgeBand {
  readonly key: string;
  readonly label: string;
  readonly min: number | null;
  readonly max: number | null;
}

/** The census's age bands (≤35, 36–45, 46–55, 56+), in table order. */
export const AGE_BANDS: readonly AgeBand[] = [
  { key: 'to35', label: '35岁及以下', min: null, max: 35 },
  { key: '36to45', label: '36—45岁', min: 36, max: 45 },
  { key: '46to55', label: '46—55岁', min: 46, max: 55 },
  { key: 'from56', label: '56岁及以上', min: 56, max: null },
];

export function ageBandOf(age: number | null): AgeBand | null {
  if (age === null) return null;
  for (const b of AGE_BANDS) if ((b.min === null || age >= b.min) && (b.max === null || age <= b.max)) return b;
  return null;
}
