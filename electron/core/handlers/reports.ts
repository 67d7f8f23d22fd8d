import type { reportMethods } from '../../../shared/api/methods/reports';
import type { Handlers } from '../dispatch';
import type { ServiceContext } from '../services/context';

export function reportsHandlers(ctx: ServiceContext): Pick<Handlers, keyof typeof reportMethods> {
  void ctx;
  return {};
}
