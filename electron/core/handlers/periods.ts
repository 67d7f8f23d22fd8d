import type { periodMethods } from '../../../shared/api/methods/periods';
import type { TargetKey } from '../../../shared/reports/indicators';
import type { Handlers } from '../dispatch';
import type { ServiceContext } from '../services/context';
import { ensureOfficeKey } from '../services/packages/keys';
import { changedSinceLast } from '../services/periods/changes';
import { setupFromPrevious } from '../services/periods/next';
import { setDeadline, trend } from '../services/periods/trend';
import { mutator } from './mutator';

export function periodsHandlers(ctx: ServiceContext): Pick<Handlers, keyof typeof periodMethods> {
  return {
    // The office key is carried from the last census; a last census without one gets one made here.
    'census.setupFrom': mutator(ctx, (q) => {
      const out = setupFromPrevious(ctx, q);
      ensureOfficeKey(ctx);
      return out;
    }),
    'periods.previous': (q) => Object.fromEntries(ctx.store.periods.previousOf(q.table, q.ids)),
    'periods.changes': (q) => changedSinceLast(ctx, q.table),
    'periods.trend': () => trend(ctx),
    'periods.deadline.set': mutator(ctx, (q) => setDeadline(ctx, q.key as TargetKey, q.year)),
  };
}
