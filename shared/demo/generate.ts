/** The demo census itself: units per township, then their people, all from one seeded stream. */
import { creditCheckChar, idCheckChar } from '../census/checks';
import { DemoTownship, DemoOptions, DemoRecord, DemoCensus } from './types';
import { Rng, DIGITS2, DIGITS3, DIGITS4, weighted, draw } from './rng';
import { UNIT_TYPES, STATION_TYPE, FIXED_NAMES, ALL_DOMAINS, DOMAIN_POOLS, DOMAIN_COUNT, POST_CATEGORY, EMPLOYMENT, SW_POST_SHARE, SIZE_WEIGHT, OTHER_STAFF, CREDIT_PREFIX, NO_CREDIT, SURNAMES, GIVEN, MINORITIES, POLITICAL_OTHER, EDUCATION, MAJOR_NAMES, MAJOR_CATEGORY, QUAL_LEVEL, TITLE_NO_CERT, PHONE_PREFIXES, LEAP_CALENDAR } from './tables';
import { isLeap, kindOf, shortName, orgCode, fail, checkOptions, PlannedUnit, recent, fixedName, comboName } from './helpers';

export function generateDemo(o: DemoOptions): DemoCensus {
  const ref = checkOptions(o);
  const rng = new Rng(`headcount-demo|${String(o.seed)}|${o.areaCode}`);
  const newId = (): string => rng.uuid();

  // --- Units: one station in most townships, the rest spread over townships by a random weight.
  const nameCount = new Map<string, number>();
  for (const t of o.townships) nameCount.set(t.name, (nameCount.get(t.name) ?? 0) + 1);
  const prefixOf = (t: DemoTownship): string =>
    (nameCount.get(t.name) ?? 0) > 1 && t.countyName ? t.countyName + t.name : t.name;

  const usedNames = new Set<string>();
  const claim = (name: string): string => {
    let n = name;
    for (let k = 2; usedNames.has(n); k++) n = `${name}（${k}）`;
    usedNames.add(n);
    return n;
  };

  const stationAt: boolean[] = o.townships.map(() => rng.chance(0.95));
  const flagged = stationAt.flatMap((s, i) => (s ? [i] : []));
  if (flagged.length > o.units) {
    for (let i = flagged.length - 1; i > 0; i--) {
      const j = rng.int(i + 1);
      [flagged[i], flagged[j]] = [flagged[j]!, flagged[i]!];
    }
    for (const i of flagged.slice(o.units)) stationAt[i] = false;
  }
  const stations = Math.min(flagged.length, o.units);
  const perTownship = new Array<number>(o.townships.length).fill(0);
  if (o.townships.length > 0) {
    const share = weighted(o.townships.map((t, i) => [i, (0.5 + rng.next()) * (kindOf(t.code) === 'street' ? 1.2 : 1)] as const));
    for (let k = stations; k < o.units; k++) perTownship[draw(rng, share)]!++;
  }

  const plan: PlannedUnit[] = [];
  o.townships.forEach((t, ti) => {
    const kind = kindOf(t.code);
    const prefix = prefixOf(t);
    const short = shortName(prefix);
    if (stationAt[ti]) {
      plan.push({
        id: newId(), township: t, prefix, kind, role: 'S', unitType: draw(rng, STATION_TYPE),
        name: claim(`${prefix}社会工作服务站`), focus: kind === 'rural' ? '02' : '01', urbanRural: kind === 'rural' ? '2' : '1',
        count: 1,
      });
    }
    for (let k = 0; k < perTownship[ti]!; k++) {
      let role = draw(rng, UNIT_TYPES[kind]);
      let named = fixedName(rng, role, kind, prefix, usedNames);
      if (!named && FIXED_NAMES[role] && role !== '5') {
        // Every office of this type already exists in the township: add an organisation instead.
        role = rng.pick(['4', '5', '6'] as const);
      }
      named ??= comboName(rng, role, prefix, short, usedNames);
      const urbanRural =
        kind === 'street' ? '1' : kind === 'rural' ? '2' : role === '7' ? '1' : role === '8' ? '2' : rng.chance(0.55) ? '1' : '2';
      plan.push({
        id: newId(), township: t, prefix, kind, role, unitType: role, name: claim(named.name), focus: named.focus, urbanRural,
        count: 1,
      });
    }
  });

  // --- Roster sizes: one person each, the rest by role weight × a heavy-tailed factor.
  if (plan.length > 0) {
    const size = weighted(plan.map((u, i) => [i, SIZE_WEIGHT[u.role] / (0.08 + 0.92 * rng.next())] as const));
    for (let k = plan.length; k < o.persons; k++) plan[draw(rng, size)]!.count++;
  }

  // --- Persons, unit by unit, as a township's roster would list them.
  // Uniqueness is tracked on numeric keys: hashing a hundred thousand fresh strings is slow.
  const countyIndex = new Map<string, number>();
  for (const t of o.townships) if (!countyIndex.has(t.countyCode)) countyIndex.set(t.countyCode, countyIndex.size);
  const idKeys = new Set<number>();
  const certKeys = new Set<number>();
  const phoneKeys = new Set<number>();
  const creditCodes = new Set<string>();
  const persons: DemoRecord[] = [];
  const units: DemoRecord[] = [];
  const refMD = ref.m * 100 + ref.d;

  for (const u of plan) {
    let swPosts = 0;
    const pool = DOMAIN_POOLS[u.role];
    for (let k = 0; k < u.count; k++) {
      const female = rng.chance(0.68);
      // Age: mostly 22–58 with a peak in the mid-thirties; a few 18–21 and 59–64.
      let age: number;
      if (rng.chance(0.92)) {
        const x = (rng.next() + rng.next() + rng.next()) / 3;
        age = 22 + Math.floor(37 * (0.6 * x * x + 0.4 * x));
      } else {
        const j = rng.int(10);
        age = j < 4 ? 18 + j : 55 + j;
      }
      // A birthday after the reference date's month-day means one more year back for the same age.
      let by: number, bm: number, bd: number;
      for (;;) {
        const md = LEAP_CALENDAR[rng.int(366)]!;
        const m = md[0];
        const d = md[1];
        by = m * 100 + d > refMD ? ref.y - age - 1 : ref.y - age;
        bm = m;
        bd = d;
        if (m !== 2 || d !== 29 || isLeap(by)) break;
      }
      const yyyy = String(by);
      const county = u.township.countyCode;
      const ci = countyIndex.get(county)!;
      const dayKey = (ci * 100_000 + (by - 1880) * 372 + bm * 31 + bd) * 1000;
      let seq: number;
      let tries = 0;
      do {
        // Sequence 001–999; odd for men, even for women.
        seq = female ? 2 * rng.range(1, 499) : 2 * rng.range(0, 499) + 1;
        if (++tries > 10_000) fail('演示数据人数过多：同一区县同一天出生的人员已超过身份证顺序码的容量');
      } while (idKeys.has(dayKey + seq));
      idKeys.add(dayKey + seq);
      const first17 = county + yyyy + DIGITS2[bm]! + DIGITS2[bd]! + DIGITS3[seq]!;
      const idNumber = first17 + idCheckChar(first17);

      const surname = draw(rng, SURNAMES);
      const name = rng.chance(0.2)
        ? surname + rng.pick(female ? GIVEN.female : GIVEN.male)
        : surname + rng.pick(female ? GIVEN.femaleFirst : GIVEN.maleFirst) + rng.pick(female ? GIVEN.female : GIVEN.male);

      const ethnicity = rng.chance(0.93) ? '01' : draw(rng, MINORITIES);
      const pr = rng.next();
      const political =
        pr < 0.27 ? '01'
        : pr < 0.3 ? '02'
        : (age <= 28 && pr < 0.6) || pr < 0.33 ? '03'
        : pr < 0.345 ? rng.pick(POLITICAL_OTHER)
        : '13';

      const education = draw(rng, EDUCATION);
      const majorCategory = education === '60' || education === '70' ? '90' : draw(rng, MAJOR_CATEGORY);
      const majorName = education === '60' || education === '70' ? null : rng.pick(MAJOR_NAMES[majorCategory]!);

      let qualLevel = draw(rng, QUAL_LEVEL);
      if (ref.y < 2008) qualLevel = '0';
      else if (qualLevel === '3' && ref.y < 2019) qualLevel = '2';
      let certNumber: string | null = null;
      let certYear: number | null = null;
      if (qualLevel !== '0') {
        const lo = Math.max(qualLevel === '3' ? 2019 : 2008, by + 18);
        // Results come out late in the year, so the reference year itself is rare.
        const hi = lo < ref.y && rng.chance(0.95) ? ref.y - 1 : ref.y;
        certYear = hi - Math.floor((hi - lo + 1) * recent(rng));
        // year + county + level + 7 digits = 18 digits
        const level = Number(qualLevel);
        let serial: number;
        do serial = level * 10_000_000 + rng.int(10_000_000);
        while (certKeys.has((ci * 300 + certYear - 1900) * 100_000_000 + serial));
        certKeys.add((ci * 300 + certYear - 1900) * 100_000_000 + serial);
        certNumber = String(certYear) + county + String(serial);
      }
      // The social-work certificate is itself the professional title of the matching grade.
      const titleLevel =
        qualLevel === '0' ? draw(rng, TITLE_NO_CERT) : String(Math.min(4, Number(qualLevel) + (rng.chance(0.12) ? 1 : 0)));

      const swPost = rng.chance(Math.min(0.95, SW_POST_SHARE[u.role] + (qualLevel === '0' ? 0 : 0.15)));
      if (swPost) swPosts++;

      const pd = rng.next();
      const primaryDomain = pd < 0.6 ? u.focus : pd < 0.95 ? rng.pick(pool) : rng.pick(rng.chance(0.8) ? ALL_DOMAINS : ['99']);
      const domains = [primaryDomain];
      const want = draw(rng, DOMAIN_COUNT);
      for (let tries = 0; domains.length < want && tries < 20; tries++) {
        const d = rng.chance(0.8) ? rng.pick(pool) : rng.pick(ALL_DOMAINS);
        if (!domains.includes(d)) domains.push(d);
      }
      domains.sort();

      const startYear = ref.y - Math.floor((ref.y - (by + 18) + 1) * recent(rng));

      const trainingHours = rng.chance(0.4)
        ? 160 + Math.floor(141 * rng.next() * rng.next())
        : rng.chance(0.12) ? 0 : 8 + rng.int(152);

      let prefix: number, line: number;
      do {
        prefix = rng.pick(PHONE_PREFIXES);
        line = rng.int(100_000_000);
      } while (phoneKeys.has(prefix * 100_000_000 + line));
      phoneKeys.add(prefix * 100_000_000 + line);

      persons.push({
        id: newId(),
        data: {
          name,
          idType: '01',
          idNumber,
          sex: female ? '2' : '1',
          birthDate: yyyy + '-' + DIGITS2[bm]! + '-' + DIGITS2[bd]!,
          ethnicity,
          political,
          phone: String(prefix) + DIGITS4[Math.floor(line / 10_000)]! + DIGITS4[line % 10_000]!,
          education,
          majorCategory,
          majorName,
          qualLevel,
          certNumber,
          certYear,
          titleLevel,
          unitId: u.id,
          township: u.township.code,
          urbanRural: u.urbanRural,
          postCategory: draw(rng, POST_CATEGORY[u.role]),
          swPost,
          employmentForm: draw(rng, EMPLOYMENT[u.role]),
          domains,
          primaryDomain,
          startYear,
          trainingHours,
        },
      });
    }

    const noCredit = NO_CREDIT[u.role];
    let creditCode: string | null = null;
    let noCreditReason: string | null = null;
    if (noCredit && rng.chance(noCredit[0])) {
      noCreditReason = noCredit[1];
    } else {
      do {
        const first17 = rng.pick(CREDIT_PREFIX[u.unitType]!) + u.township.countyCode + orgCode(rng, u.unitType === '6');
        creditCode = first17 + creditCheckChar(first17)!;
      } while (creditCodes.has(creditCode));
      creditCodes.add(creditCode);
    }
    const [lo, hi] = OTHER_STAFF[u.role];
    const staffCount = u.count + rng.range(lo, u.role === '4' ? hi + Math.ceil(u.count / 3) : hi);
    const swPostCount = Math.min(staffCount, swPosts + (rng.chance(0.3) ? rng.range(1, 2) : 0));
    units.push({
      id: u.id,
      data: {
        name: u.name,
        creditCode,
        noCreditReason,
        unitType: u.unitType,
        township: u.township.code,
        urbanRural: u.urbanRural,
        isStation: u.role === 'S',
        staffCount,
        swPostCount,
        reportedSwCount: u.count,
      },
    });
  }
  return { units, persons };
}
