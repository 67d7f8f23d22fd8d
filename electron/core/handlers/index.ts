/** Every contract method's handler, assembled from one module per capability. */
import type { Handlers } from '../dispatch';
import type { workspaceMethods } from '../../../shared/api/methods/workspace';
import type { ServiceContext } from '../services/context';
import { coreHandlers } from './core';
import { feedbackHandlers } from './feedback';
import { gridHandlers } from './grid';
import { ioHandlers } from './io';
import { localHandlers } from './local';
import { packagesHandlers } from './packages';
import { periodsHandlers } from './periods';
import { reportsHandlers } from './reports';

/** Every method that works on an open census; the workspace methods come from ./workspace. */
export function createHandlers(ctx: ServiceContext): Omit<Handlers, keyof typeof workspaceMethods> {
  return {
    ...coreHandlers(ctx),
    ...gridHandlers(ctx),
    ...ioHandlers(ctx),
    ...packagesHandlers(ctx),
    ...feedbackHandlers(ctx),
    ...reportsHandlers(ctx),
    ...periodsHandlers(ctx),
    ...localHandlers(ctx),
  };
}
