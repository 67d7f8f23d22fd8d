/** The demo's units: where they sit, what they are called, how many people each lists, their own record. */
import { creditCheckChar } from '../census/checks';
import type { DemoOptions, DemoRecord, DemoTownship, UnitData } from './types';
import { Rng, weighted, draw } from './rng';
import { UNIT_TYPES, STATION_TYPE, FIXED_NAMES, SIZE_WEIGHT, OTHER_STAFF, CREDIT_PREFIX, NO_CREDIT } from './tables';
import { kindOf, shortName, orgCode, PlannedUnit, fixedName, comboName } from './helpers';

/** Unit names handed out so far; a clash gets （2）, （3）… appended. */
class NameRegistry {
  readonly used = new Set<string>();
  claim(name: string): string {
    let n = name;
    for (let k = 2; this.used.has(n); k++) n = `${name}（${k}）`;
    this.used.add(n);
    return n;
  }
}

/** Township name as used in unit names: prefixed with the county where two townships share a name. */
function prefixer(townships: readonly DemoTownship[]): (t: DemoTownship) => string {
  const nameCount = new Map<string, number>();
  for (const t of townships) nameCount.set(t.name, (nameCount.get(t.name) ?? 0) + 1);
  return (t) => ((nameCount.get(t.name) ?? 0) > 1 && t.countyName ? t.countyName + t.name : t.name);
}

/** Which townships get a 社会工作服务站: most do, but never more stations than units. */
function placeStations(rng: Rng, o: DemoOptions): boolean[] {
  const stationAt: boolean[] = o.townships.map(() => rng.chance(0.95));
  const flagged = stationAt.flatMap((s, i) => (s ? [i] : []));
  if (flagged.length > o.units) {
    for (let i = flagged.length - 1; i > 0; i--) {
      const j = rng.int(i + 1);
      [flagged[i], flagged[j]] = [flagged[j]!, flagged[i]!];
    }
    for (const i of flagged.slice(o.units)) stationAt[i] = false;
  }
  return stationAt;
}

/** How many non-station units each township gets, by a random weight (streets a little more). */
function spreadUnits(rng: Rng, o: DemoOptions, stations: number): number[] {
  const perTownship = new Array<number>(o.townships.length).fill(0);
  if (o.townships.length > 0) {
    const share = weighted(o.townships.map((t, i) => [i, (0.5 + rng.next()) * (kindOf(t.code) === 'street' ? 1.2 : 1)] as const));
    for (let k = stations; k < o.units; k++) perTownship[draw(rng, share)]!++;
  }
  return perTownship;
}

/** One ordinary unit of a township: its type, a name not yet taken, and its 城乡. */
function planUnit(rng: Rng, t: DemoTownship, prefix: string, names: NameRegistry, newId: () => string): PlannedUnit {
  const kind = kindOf(t.code);
  let role = draw(rng, UNIT_TYPES[kind]);
  let named = fixedName(rng, role, kind, prefix, names.used);
  if (!named && FIXED_NAMES[role] && role !== '5') {
    // Every office of this type already exists in the township: add an organisation instead.
    role = rng.pick(['4', '5', '6'] as const);
  }
  named ??= comboName(rng, role, prefix, shortName(prefix), names.used);
  const urbanRural =
    kind === 'street' ? '1' : kind === 'rural' ? '2' : role === '7' ? '1' : role === '8' ? '2' : rng.chance(0.55) ? '1' : '2';
  return {
    id: newId(), township: t, prefix, kind, role, unitType: role, name: names.claim(named.name), focus: named.focus, urbanRural,
    count: 1,
  };
}

/** Units: one station in most townships, the rest spread over townships by a random weight. */
export function planUnits(rng: Rng, o: DemoOptions, newId: () => string): PlannedUnit[] {
  const prefixOf = prefixer(o.townships);
  const names = new NameRegistry();
  const stationAt = placeStations(rng, o);
  const stations = Math.min(stationAt.filter(Boolean).length, o.units);
  const perTownship = spreadUnits(rng, o, stations);

  const plan: PlannedUnit[] = [];
  o.townships.forEach((t, ti) => {
    const kind = kindOf(t.code);
    const prefix = prefixOf(t);
    if (stationAt[ti]) {
      plan.push({
        id: newId(), township: t, prefix, kind, role: 'S', unitType: draw(rng, STATION_TYPE),
        name: names.claim(`${prefix}社会工作服务站`), focus: kind === 'rural' ? '02' : '01', urbanRural: kind === 'rural' ? '2' : '1',
        count: 1,
      });
    }
    for (let k = 0; k < perTownship[ti]!; k++) plan.push(planUnit(rng, t, prefix, names, newId));
  });
  return plan;
}

/** Roster sizes: one person each, the rest by role weight × a heavy-tailed factor. */
export function sizeRosters(rng: Rng, plan: PlannedUnit[], persons: number): void {
  if (plan.length === 0) return;
  const size = weighted(plan.map((u, i) => [i, SIZE_WEIGHT[u.role] / (0.08 + 0.92 * rng.next())] as const));
  for (let k = plan.length; k < persons; k++) plan[draw(rng, size)]!.count++;
}

/** A unified social credit code, or the reason a unit of this kind often has none. */
function creditOf(rng: Rng, u: PlannedUnit, taken: Set<string>): { creditCode: string | null; noCreditReason: string | null } {
  const noCredit = NO_CREDIT[u.role];
  if (noCredit && rng.chance(noCredit[0])) return { creditCode: null, noCreditReason: noCredit[1] };
  let creditCode: string;
  do {
    const first17 = rng.pick(CREDIT_PREFIX[u.unitType]!) + u.township.countyCode + orgCode(rng, u.unitType === '6');
    creditCode = first17 + creditCheckChar(first17)!;
  } while (taken.has(creditCode));
  taken.add(creditCode);
  return { creditCode, noCreditReason: null };
}

/** The unit's own record, drawn after its persons so its counts can agree with them. */
export function unitRecord(rng: Rng, u: PlannedUnit, swPosts: number, creditCodes: Set<string>): DemoRecord {
  const { creditCode, noCreditReason } = creditOf(rng, u, creditCodes);
  const [lo, hi] = OTHER_STAFF[u.role];
  const staffCount = u.count + rng.range(lo, u.role === '4' ? hi + Math.ceil(u.count / 3) : hi);
  const swPostCount = Math.min(staffCount, swPosts + (rng.chance(0.3) ? rng.range(1, 2) : 0));
  return {
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
    } satisfies UnitData,
  };
}
