/** The demo's qualifications: the social-work certificate (level, number, year) and the professional title. */
import { Rng, draw } from './rng';
import { QUAL_LEVEL, TITLE_NO_CERT } from './tables';
import { recent } from './helpers';
import type { RefDate } from './persons';

export interface Certificate {
  qualLevel: string;
  certNumber: string | null;
  certYear: number | null;
}

/**
 * A certificate level the exam could have granted by the reference date (助理/中级 from 2008, 高级
 * from 2019), with a number unique in the census when one is held.
 */
export function drawCertificate(rng: Rng, ref: RefDate, birthYear: number, county: string, countyIndex: number, taken: Set<number>): Certificate {
  let qualLevel = draw(rng, QUAL_LEVEL);
  if (ref.y < 2008) qualLevel = '0';
  else if (qualLevel === '3' && ref.y < 2019) qualLevel = '2';
  if (qualLevel === '0') return { qualLevel, certNumber: null, certYear: null };
  const lo = Math.max(qualLevel === '3' ? 2019 : 2008, birthYear + 18);
  // Results come out late in the year, so the reference year itself is rare.
  const hi = lo < ref.y && rng.chance(0.95) ? ref.y - 1 : ref.y;
  const certYear = hi - Math.floor((hi - lo + 1) * recent(rng));
  // year + county + level + 7 digits = 18 digits
  const level = Number(qualLevel);
  let serial: number;
  do serial = level * 10_000_000 + rng.int(10_000_000);
  while (taken.has((countyIndex * 300 + certYear - 1900) * 100_000_000 + serial));
  taken.add((countyIndex * 300 + certYear - 1900) * 100_000_000 + serial);
  return { qualLevel, certNumber: String(certYear) + county + String(serial), certYear };
}

/** The social-work certificate is itself the professional title of the matching grade. */
export function drawTitle(rng: Rng, qualLevel: string): string {
  return qualLevel === '0' ? draw(rng, TITLE_NO_CERT) : String(Math.min(4, Number(qualLevel) + (rng.chance(0.12) ? 1 : 0)));
}
