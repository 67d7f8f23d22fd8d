/** The demo's persons: identity (age, birth, ID number, name, phone) and background, one draw per step. */
import { idCheckChar } from '../census/checks';
import { Rng, DIGITS2, DIGITS3, DIGITS4, draw } from './rng';
import { SURNAMES, GIVEN, MINORITIES, POLITICAL_OTHER, EDUCATION, MAJOR_NAMES, MAJOR_CATEGORY, PHONE_PREFIXES, LEAP_CALENDAR } from './tables';
import { isLeap, fail } from './helpers';

export interface RefDate {
  y: number;
  m: number;
  d: number;
}

export interface Birth {
  y: number;
  m: number;
  d: number;
}

/** Age at the reference date: mostly 22–58 with a peak in the mid-thirties; a few 18–21 and 59–64. */
export function drawAge(rng: Rng): number {
  if (rng.chance(0.92)) {
    const x = (rng.next() + rng.next() + rng.next()) / 3;
    return 22 + Math.floor(37 * (0.6 * x * x + 0.4 * x));
  }
  const j = rng.int(10);
  return j < 4 ? 18 + j : 55 + j;
}

/** A birthday after the reference date's month-day means one more year back for the same age. */
export function drawBirth(rng: Rng, ref: RefDate, age: number): Birth {
  const refMD = ref.m * 100 + ref.d;
  for (;;) {
    const [m, d] = LEAP_CALENDAR[rng.int(366)]!;
    const y = m * 100 + d > refMD ? ref.y - age - 1 : ref.y - age;
    if (m !== 2 || d !== 29 || isLeap(y)) return { y, m, d };
  }
}

export function isoDate(b: Birth): string {
  return String(b.y) + '-' + DIGITS2[b.m]! + '-' + DIGITS2[b.d]!;
}

/**
 * An ID number unique in the census. Uniqueness is tracked on numeric keys (county index, birth day,
 * sequence): hashing a hundred thousand fresh strings is slow.
 */
export function drawIdNumber(rng: Rng, county: string, countyIndex: number, b: Birth, female: boolean, taken: Set<number>): string {
  const dayKey = (countyIndex * 100_000 + (b.y - 1880) * 372 + b.m * 31 + b.d) * 1000;
  let seq: number;
  let tries = 0;
  do {
    // Sequence 001–999; odd for men, even for women.
    seq = female ? 2 * rng.range(1, 499) : 2 * rng.range(0, 499) + 1;
    if (++tries > 10_000) fail('演示数据人数过多：同一区县同一天出生的人员已超过身份证顺序码的容量');
  } while (taken.has(dayKey + seq));
  taken.add(dayKey + seq);
  const first17 = county + String(b.y) + DIGITS2[b.m]! + DIGITS2[b.d]! + DIGITS3[seq]!;
  return first17 + idCheckChar(first17);
}

export function drawName(rng: Rng, female: boolean): string {
  const surname = draw(rng, SURNAMES);
  return rng.chance(0.2)
    ? surname + rng.pick(female ? GIVEN.female : GIVEN.male)
    : surname + rng.pick(female ? GIVEN.femaleFirst : GIVEN.maleFirst) + rng.pick(female ? GIVEN.female : GIVEN.male);
}

export function drawEthnicity(rng: Rng): string {
  return rng.chance(0.93) ? '01' : draw(rng, MINORITIES);
}

/** About 30% party members, more 团员 among the young, a few of the other parties. */
export function drawPolitical(rng: Rng, age: number): string {
  const pr = rng.next();
  return pr < 0.27 ? '01'
    : pr < 0.3 ? '02'
    : (age <= 28 && pr < 0.6) || pr < 0.33 ? '03'
    : pr < 0.345 ? rng.pick(POLITICAL_OTHER)
    : '13';
}

export function drawEducation(rng: Rng): { education: string; majorCategory: string; majorName: string | null } {
  const education = draw(rng, EDUCATION);
  // 高中 and below have no major.
  const none = education === '60' || education === '70';
  const majorCategory = none ? '90' : draw(rng, MAJOR_CATEGORY);
  const majorName = none ? null : rng.pick(MAJOR_NAMES[majorCategory]!);
  return { education, majorCategory, majorName };
}

/** A mobile number unique in the census (numeric key for speed, as for ID numbers). */
export function drawPhone(rng: Rng, taken: Set<number>): string {
  let prefix: number, line: number;
  do {
    prefix = rng.pick(PHONE_PREFIXES);
    line = rng.int(100_000_000);
  } while (taken.has(prefix * 100_000_000 + line));
  taken.add(prefix * 100_000_000 + line);
  return String(prefix) + DIGITS4[Math.floor(line / 10_000)]! + DIGITS4[line % 10_000]!;
}
