/** The headline figures of a census (总量, 持证人数), counted the way 表1 counts them. */
import { isLeaver } from '../../../../shared/census/change';
import { CERT_LEVELS } from '../../../../shared/reports/indicators';
import type { ServiceContext } from '../context';
import { countingRule } from '../counting';

export interface Headline {
  persons: number;
  holders: number;
}

export function headlineOf(ctx: ServiceContext): Headline {
  const excluded = countingRule(ctx).excludedPersonIds;
  let persons = 0;
  let holders = 0;
  for (const [id, , qual, change] of ctx.store.persons.iterateFields(['qualLevel', 'change'])) {
    if (excluded.has(id as string) || isLeaver(change as string | null)) continue;
    persons++;
    if (typeof qual === 'string' && CERT_LEVELS.includes(qual)) holders++;
  }
  return { persons, holders };
}
