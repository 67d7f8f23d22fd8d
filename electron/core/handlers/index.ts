/** Every contract method's handler, assembled from one module per capability. */
import type { Handlers } from '../dispatch';
import type { ServiceContext } from '../services/context';
import { coreHandlers } from './core';
import { gridHandlers } from './grid';
import { ioHandlers } from './io';
import { packagesHandlers } from './packages';
import { reportsHandlers } from './reports';

export function createHandlers(ctx: ServiceContext): Handlers {
  return {
    ...coreHandlers(ctx),
    ...gridHandlers(ctx),
    ...ioHandlers(ctx),
    ...packagesHandlers(ctx),
    ...reportsHandlers(ctx),
  };
}
