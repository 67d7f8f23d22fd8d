import type { ioMethods } from '../../../shared/api/methods/io';
import type { Handlers } from '../dispatch';
import type { ServiceContext } from '../services/context';

export function ioHandlers(ctx: ServiceContext): Pick<Handlers, keyof typeof ioMethods> {
  void ctx;
  return {};
}
