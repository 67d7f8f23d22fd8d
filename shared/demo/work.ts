/** The demo's work facts of a person: social-work post, service domains, start year, training hours. */
import { Rng, draw } from './rng';
import { ALL_DOMAINS, DOMAIN_POOLS, DOMAIN_COUNT, SW_POST_SHARE } from './tables';
import { PlannedUnit, recent } from './helpers';
import type { RefDate } from './persons';

/** Certificate holders are likelier to sit in a social-work post. */
export function drawSwPost(rng: Rng, u: PlannedUnit, qualLevel: string): boolean {
  return rng.chance(Math.min(0.95, SW_POST_SHARE[u.role] + (qualLevel === '0' ? 0 : 0.15)));
}

/** The primary domain is mostly the unit's focus; the others come from the unit type's pool. */
export function drawDomains(rng: Rng, u: PlannedUnit): { domains: string[]; primaryDomain: string } {
  const pool = DOMAIN_POOLS[u.role];
  const pd = rng.next();
  const primaryDomain = pd < 0.6 ? u.focus : pd < 0.95 ? rng.pick(pool) : rng.pick(rng.chance(0.8) ? ALL_DOMAINS : ['99']);
  const domains = [primaryDomain];
  const want = draw(rng, DOMAIN_COUNT);
  for (let tries = 0; domains.length < want && tries < 20; tries++) {
    const d = rng.chance(0.8) ? rng.pick(pool) : rng.pick(ALL_DOMAINS);
    if (!domains.includes(d)) domains.push(d);
  }
  domains.sort();
  return { domains, primaryDomain };
}

export function drawStartYear(rng: Rng, ref: RefDate, birthYear: number): number {
  return ref.y - Math.floor((ref.y - (birthYear + 18) + 1) * recent(rng));
}

export function drawTrainingHours(rng: Rng): number {
  return rng.chance(0.4)
    ? 160 + Math.floor(141 * rng.next() * rng.next())
    : rng.chance(0.12) ? 0 : 8 + rng.int(152);
}
