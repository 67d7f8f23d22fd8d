/** Small helpers of the demo generator: dates, credit codes, option checks, unit names. */
import { PROVINCE_PREFIXES } from '../census/checks';
import { DemoTownship, DemoOptions } from './types';
import { Rng } from './rng';
import { Role, Kind, FIXED_NAMES, ORG_WORDS, SW_ORG_SUFFIXES, NGO_SUFFIXES, COMPANY_SUFFIXES, COMMUNITY_A, COMMUNITY_B, VILLAGE_SURNAMES, VILLAGE_SURNAME_SUFFIXES, VILLAGE_WORDS, VILLAGE_WORD_SUFFIXES, ALL_DOMAINS, MONTH_DAYS, ORG_CODE_WEIGHTS, CREDIT_ALPHABET } from './tables';

// ---------------------------------------------------------------------------------------------
// Helpers

export function isLeap(y: number): boolean {
  return y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0);
}


export function kindOf(townshipCode: string): Kind {
  const n = Number(townshipCode.slice(6, 9));
  if (n >= 1 && n <= 99) return 'street';
  if (n >= 200 && n <= 399) return 'rural';
  // 镇 (100–199) and the NBS functional zones (400–599) have both 城镇 and 乡村 parts.
  return 'town';
}

export function shortName(name: string): string {
  return name.replace(/(街道办事处|街道|民族乡|镇|乡)$/, '') || name;
}

/** GB 11714 organisation code (8 characters + check), the body of a GB 32100 code. */
export function orgCode(rng: Rng, enterprise: boolean): string {
  let body = '';
  if (enterprise && rng.chance(0.5)) {
    // Codes issued since 2015 start with MA.
    body = 'MA';
    for (let i = 0; i < 6; i++) body += CREDIT_ALPHABET[rng.int(CREDIT_ALPHABET.length)]!;
  } else {
    for (let i = 0; i < 8; i++) body += String(rng.int(10));
  }
  let sum = 0;
  for (let i = 0; i < 8; i++) {
    const ch = body.charCodeAt(i);
    sum += (ch <= 57 ? ch - 48 : ch - 55) * ORG_CODE_WEIGHTS[i]!;
  }
  const c = 11 - (sum % 11);
  return body + (c === 10 ? 'X' : c === 11 ? '0' : String(c));
}

export function fail(message: string): never {
  throw new RangeError(message);
}

export function checkOptions(o: DemoOptions): { y: number; m: number; d: number } {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(o.refDate);
  const y = Number(match?.[1]);
  const m = Number(match?.[2]);
  const d = Number(match?.[3]);
  if (!match || m < 1 || m > 12 || d < 1 || d > (m === 2 && !isLeap(y) ? 28 : MONTH_DAYS[m - 1]!) || y < 1950 || y > 2100)
    fail(`统计时点“${o.refDate}”不是有效日期，应为 YYYY-MM-DD`);
  if (!Number.isInteger(o.persons) || o.persons < 0) fail('演示数据的人员数应为非负整数');
  if (!Number.isInteger(o.units) || o.units < 0) fail('演示数据的单位数应为非负整数');
  if (o.persons < o.units) fail(`演示数据的人员数（${o.persons}）不能少于单位数（${o.units}）：每个单位至少要有一名人员`);
  if (o.persons > 0 && o.units === 0) fail('演示数据有人员时单位数至少为 1');
  if (o.units > 0 && o.townships.length === 0) fail('没有可用的乡镇（街道），无法生成演示数据');
  for (const t of o.townships) {
    if (!/^\d{9}$/.test(t.code)) fail(`乡镇（街道）代码“${t.code}”应为9位数字`);
    if (!/^\d{6}$/.test(t.countyCode) || !PROVINCE_PREFIXES.has(t.countyCode.slice(0, 2)))
      fail(`乡镇（街道）“${t.name}”的区县代码“${t.countyCode}”无效`);
  }
  return { y, m, d };
}

// ---------------------------------------------------------------------------------------------
// Generator

export interface PlannedUnit {
  id: string;
  township: DemoTownship;
  /** Township name as used in unit names: prefixed with the county where ambiguous. */
  prefix: string;
  kind: Kind;
  role: Role;
  unitType: string;
  name: string;
  focus: string;
  urbanRural: string;
  count: number;
}

/** [0, 1) skewed towards 0: recent years are likelier, as the workforce and the exam keep growing. */
export function recent(rng: Rng): number {
  const u = rng.next();
  return u * (0.5 + 0.5 * u);
}

export interface Named {
  name: string;
  focus: string;
}

/** An unused fixed office name of this type in the township, or null when all exist. */
export function fixedName(rng: Rng, role: Role, kind: Kind, prefix: string, used: ReadonlySet<string>): Named | null {
  const list = FIXED_NAMES[role];
  if (!list || (role === '5' && rng.chance(0.6))) return null;
  const free: Named[] = [];
  for (const [template, focus, ...kinds] of list) {
    if (kinds.length > 0 && !kinds.includes(kind)) continue;
    const name = template.replace('{t}', prefix);
    if (!used.has(name)) free.push({ name, focus });
  }
  return free.length > 0 ? rng.pick(free) : null;
}

/** A combinatorial name (community, village, organisation, company); falls back to an ordinal. */
export function comboName(rng: Rng, role: Role, prefix: string, short: string, used: ReadonlySet<string>): Named {
  let last: Named = { name: '', focus: '01' };
  for (let tries = 0; tries < 40; tries++) {
    last = comboCandidate(rng, role, prefix, short);
    if (!used.has(last.name)) return last;
  }
  return last; // claim() appends （2）, （3）… — only when a township holds hundreds of such units
}

export function comboCandidate(rng: Rng, role: Role, prefix: string, short: string): Named {
  switch (role) {
    case '7':
      return { name: `${prefix}${rng.pick(COMMUNITY_A)}${rng.pick(COMMUNITY_B)}社区居民委员会`, focus: '01' };
    case '8': {
      const village = rng.chance(0.55)
        ? rng.pick(VILLAGE_SURNAMES) + rng.pick(VILLAGE_SURNAME_SUFFIXES)
        : rng.pick(VILLAGE_WORDS) + rng.pick(VILLAGE_WORD_SUFFIXES) + '村';
      return { name: `${prefix}${village}村民委员会`, focus: '02' };
    }
    case '5': {
      const [suffix, focus] = rng.pick(NGO_SUFFIXES);
      return { name: `${short}${rng.pick(ORG_WORDS)}${suffix}`, focus };
    }
    case '6': {
      const [suffix, focus] = rng.pick(COMPANY_SUFFIXES);
      return { name: `${short}${rng.pick(ORG_WORDS)}${suffix}`, focus };
    }
    default:
      // 社工机构, and the fallback for any other type.
      return { name: `${short}${rng.pick(ORG_WORDS)}${rng.pick(SW_ORG_SUFFIXES)}`, focus: rng.pick(ALL_DOMAINS) };
  }
}
