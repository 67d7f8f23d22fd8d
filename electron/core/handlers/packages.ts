import type { packageMethods } from '../../../shared/api/methods/packages';
import type { Handlers } from '../dispatch';
import type { ServiceContext } from '../services/context';

export function packagesHandlers(ctx: ServiceContext): Pick<Handlers, keyof typeof packageMethods> {
  void ctx;
  return {};
}
