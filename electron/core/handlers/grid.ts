import type { gridMethods } from '../../../shared/api/methods/grid';
import type { Handlers } from '../dispatch';
import type { ServiceContext } from '../services/context';

export function gridHandlers(ctx: ServiceContext): Pick<Handlers, keyof typeof gridMethods> {
  void ctx;
  return {};
}
